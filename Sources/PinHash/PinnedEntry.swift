/// A pinned object and the input it was read from: what a ``PinFormatter`` writes, what
/// ``HPKPHeader/validate(chain:declaredBackups:)`` and ``HeaderLint`` check pins against, and what a
/// ``PinVerification`` checks.
public struct PinnedEntry: Sendable, Hashable, CustomStringConvertible {
    public var object: PinnedObject
    /// The input's name as the caller gave it (a path; `-` is standard input).
    public var source: String

    public init(_ object: PinnedObject, source: String) {
        self.object = object
        self.source = source
    }

    public var pin: Pin { object.pin }

    /// The input's name for messages: `standard input` for `-`.
    public var sourceName: String { InputName.displayName(of: source) }

    /// `certs/chain.pem: leaf CN=www.example.com,O=Example`, or `keys/spare.pem: private key EC P-256`.
    public var description: String { "\(sourceName): \(object.labelInWords) \(object.detail)" }
}
