/// What importing a configuration gave: the pin set, and what the reader should know about how it was
/// read (records skipped, patterns widened).
public struct PinSetImport: Sendable, Hashable {
    public var pinSet: PinSet
    public var notes: [PinSetImportNote]
    /// The formats the configuration was read as (an Info.plist is read for both iOS's and TrustKit's
    /// keys); empty when not known.
    public var formats: [PinSetImportFormat]

    public init(pinSet: PinSet, notes: [PinSetImportNote] = [], formats: [PinSetImportFormat] = []) {
        self.pinSet = pinSet
        self.notes = notes
        self.formats = formats
    }
}

/// Something an import did that the configuration did not say in so many words.
public struct PinSetImportNote: Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line of the configuration the note is about, when known.
    public var line: Int?
    public var message: String

    public init(line: Int?, _ message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { line.map { "line \($0): \(message)" } ?? message }
}
