import Testing

/// One row of `Fixtures/malformed.tsv`: an input that must be rejected, read with the type flag in
/// `force`.
public struct MalformedRow: Sendable, Hashable, Codable, CustomTestStringConvertible {
    static let header = ["file", "force", "what"]
    /// The values the `force` column may hold: `-` for auto-detection, else the flag that forces a type.
    static let forceValues: Set = ["-", "--cert", "--csr", "--key", "--pubkey", "--p12"]

    /// The path under `Fixtures/`.
    public let file: String
    /// `-` for auto-detection, or the flag that forces the type (`--cert`, `--p12`, …).
    public let force: String
    /// What is wrong with the file.
    public let what: String

    init(fields: [String: String]) throws {
        file = fields["file"] ?? ""
        force = fields["force"] ?? ""
        what = fields["what"] ?? ""
        guard Self.forceValues.contains(force) else {
            throw FixtureError("malformed.tsv: \(file): unknown force \(force)")
        }
    }

    /// The type flag to pass, or nil for auto-detection.
    public var typeFlag: String? { force == "-" ? nil : force }

    public var testDescription: String { typeFlag.map { "\($0) \(file)" } ?? file }
}
