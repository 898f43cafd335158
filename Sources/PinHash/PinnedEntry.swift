/// A pinned object and the input it was read from: what a ``PinFormatter`` writes, what
/// ``HPKPHeader/validate(chain:declaredBackups:)`` and ``HeaderLint`` check pins against, and what a
/// ``PinVerification`` checks.
public struct PinnedEntry: Sendable, Hashable, CustomStringConvertible {
    public var object: PinnedObject
    /// The input's name as the caller gave it (a path; `-` is standard input; a server's `host:port`).
    public var source: String
    /// For a server's certificates: true for those it sent, false for those of the chain a client built
    /// that it did not send (the root, usually). nil for what was read from a file, which says nothing
    /// of what a server sends.
    public var sentByServer: Bool?

    public init(_ object: PinnedObject, source: String, sentByServer: Bool? = nil) {
        self.object = object
        self.source = source
        self.sentByServer = sentByServer
    }

    public var pin: Pin { object.pin }

    /// The input's name for messages: `standard input` for `-`.
    public var sourceName: String { InputName.displayName(of: source) }

    /// `certs/chain.pem: leaf CN=www.example.com,O=Example`, or `keys/spare.pem: private key EC P-256`;
    /// ` (not sent)` after a certificate of a client's chain that the server did not send.
    public var description: String {
        "\(sourceName): \(object.labelInWords) \(object.detail)\(sentByServer == false ? " (not sent)" : "")"
    }
}
