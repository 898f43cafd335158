import Testing

/// One (file, object) row of `Fixtures/manifest.tsv`: one object of one fixture file, with the pin openssl
/// computed.
public struct ManifestRow: Sendable, Hashable, Codable, CustomTestStringConvertible {
    static let header = [
        "file", "kind", "format", "encrypted", "position", "pin", "algorithm", "bits", "role", "subject",
    ]

    /// The path under `Fixtures/`.
    public let file: String
    /// `key`, `pubkey`, `csr`, `cert` or `p12`: also the name of the flag that forces the type.
    public let kind: String
    public let format: String
    /// `yes`, `no` or `empty`.
    public let encrypted: String
    /// The object's place in its file, from 1.
    public let position: Int
    public let pin: String
    public let algorithm: String
    public let bits: Int
    /// `leaf`, `intermediate`, `root`, or `-`.
    public let role: String
    /// RFC 4514 text, or `-`.
    public let subject: String

    init(fields: [String: String]) throws {
        func field(_ name: String) -> String { fields[name] ?? "" }
        file = field("file")
        kind = field("kind")
        format = field("format")
        encrypted = field("encrypted")
        pin = field("pin")
        algorithm = field("algorithm")
        role = field("role")
        subject = field("subject")
        guard let position = Int(field("position")), let bits = Int(field("bits")) else {
            throw FixtureError("manifest.tsv: \(field("file")): position or bits is not a number")
        }
        self.position = position
        self.bits = bits
    }

    /// A certificate's notAfter, from `not-after.tsv` (openssl's); nil for other objects.
    public var notAfter: String? { Fixtures.notAfter(of: pin, in: file) }

    /// What `--all` prints after the subject for this object: `  until NOTAFTER` for a certificate.
    public var untilColumn: String { notAfter.map { "  until \($0)" } ?? "" }

    public var testDescription: String { position == 1 ? file : "\(file) #\(position)" }

    /// The absolute path of the row's file.
    public var path: String { Fixtures.path(file) }
}
