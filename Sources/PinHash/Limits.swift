/// Size limits that keep hostile or endless input (`/dev/zero`, `/dev/urandom`) from exhausting memory.
public struct InputLimits: Sendable, Hashable {
    /// The largest single object: one PEM block's text, one DER object, one PKCS#12 file.
    public var maximumObjectSize: Int
    /// The most text allowed before the first PEM block, or between two blocks.
    public var maximumTextBetweenBlocks: Int

    public init(maximumObjectSize: Int = 16 << 20, maximumTextBetweenBlocks: Int = 1 << 20) {
        self.maximumObjectSize = maximumObjectSize
        self.maximumTextBetweenBlocks = maximumTextBetweenBlocks
    }

    public static let `default` = InputLimits()
}
