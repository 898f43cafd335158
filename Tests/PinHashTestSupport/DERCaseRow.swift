import Testing

/// One row of `Fixtures/der.tsv` (or `Fixtures/kdf/kdf.tsv`, which has its columns): an input and what reading it must give, a pin (with a warning, where
/// one is due) or a refusal naming what is wrong. Pins and subjects were computed by openssl.
public struct DERCaseRow: Sendable, Hashable, Codable, CustomTestStringConvertible {
    static let header = [
        "file", "force", "passphrase", "outcome", "code", "pin", "reencoded", "subject", "says", "what",
    ]

    /// The path under `Fixtures/`.
    public let file: String
    /// `-` for auto-detection, or the flag that forces the type (`--cert`, …).
    public let force: String
    /// Whether the input is read with `passphrase.txt`.
    public let usesPassphrase: Bool
    /// Whether the input must be pinned (else refused).
    public let isPinned: Bool
    /// A refusal's error code as `PinHashError.Code` describes it (`malformed input`), else nil.
    public let code: String?
    /// The expected pin of the first object.
    public let pin: String?
    /// The pin of the SubjectPublicKeyInfo OpenSSL re-encodes the key to, when it differs.
    public let reencodedPin: String?
    /// A certificate's subject as `openssl x509 -nameopt RFC2253,-esc_msb` prints it.
    public let subject: String?
    /// A phrase the error (refused) or a warning (pinned) must contain.
    public let says: String?
    public let what: String

    init(fields: [String: String]) throws {
        func optional(_ key: String) -> String? { fields[key].flatMap { $0 == "-" ? nil : $0 } }
        file = fields["file"] ?? ""
        force = fields["force"] ?? "-"
        usesPassphrase = fields["passphrase"] == "yes"
        guard let outcome = fields["outcome"], ["pinned", "refused"].contains(outcome) else {
            throw FixtureError("der.tsv: \(file): outcome is neither pinned nor refused")
        }
        isPinned = outcome == "pinned"
        let codes = [
            "malformed": "malformed input", "unsupported": "unsupported input",
            "wrongType": "wrong input type", "tooLarge": "input too large",
        ]
        code = optional("code").map { codes[$0] ?? $0 }
        pin = optional("pin")
        reencodedPin = optional("reencoded")
        subject = optional("subject")
        says = optional("says")
        what = fields["what"] ?? ""
        guard MalformedRow.forceValues.contains(force) else {
            throw FixtureError("der.tsv: \(file): unknown force \(force)")
        }
        guard isPinned ? pin != nil : code != nil else {
            throw FixtureError("der.tsv: \(file): a pinned row needs a pin, a refused row a code")
        }
    }

    /// The type flag to pass, or nil for auto-detection.
    public var typeFlag: String? { force == "-" ? nil : force }

    public var testDescription: String { (typeFlag.map { "\($0) " } ?? "") + file }
}
