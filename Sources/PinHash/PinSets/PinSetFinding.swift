/// One thing a check of a pinned host against what a server serves found: what is wrong, how much it
/// matters and what would fix it. Findings are returned, never thrown.
///
/// `description` reads `error: no pin matches the leaf key (curl); …`: the severity, the message and,
/// after a semicolon, the fix in the library's words.
public struct PinSetFinding: Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is, as a stable name for programs (`no-pin-matches`).
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// No pin is a key the client checks: it refuses the server.
        case noPinMatches = "no-pin-matches"
        /// Fewer than two distinct pins.
        case fewerThanTwoPins = "fewer-than-two-pins"
        /// Every pin is a key of the chain served: no backup outside it.
        case noBackupPin = "no-backup-pin"
        /// A pin no key has: the SHA-256 of empty input, or a digest of one repeated byte.
        case placeholderPin = "placeholder-pin"
        /// The same pin listed more than once, which counts as one.
        case repeatedPin = "repeated-pin"
        /// The pin set's expiration has passed: clients no longer enforce it.
        case pinSetExpired = "pin-set-expired"
        /// The pin set's expiration is near.
        case pinSetExpiresSoon = "pin-set-expires-soon"
        /// A certificate of the chain has expired.
        case certificateExpired = "certificate-expired"
        /// A certificate of the chain expires soon.
        case certificateExpiresSoon = "certificate-expires-soon"
        /// The chain does not verify: clients that verify it refuse the server before checking pins.
        case chainNotTrusted = "chain-not-trusted"
        /// No TLSA record the pin set implies authenticates the chain (OpenSSL's DANE verifier): DANE
        /// clients (mail servers sending by SMTP) refuse the server.
        case noTLSARecordAuthenticates = "no-tlsa-record-authenticates"
    }

    public let kind: Kind
    public let severity: HeaderFinding.Severity
    /// What was found, on one line, without a trailing period.
    public let message: String
    /// What would fix it.
    public let remedy: Remedy
    /// The pin the finding is about, when it is about one.
    public let pin: Pin?

    public init(
        _ kind: Kind, _ severity: HeaderFinding.Severity, _ message: String, remedy: Remedy, pin: Pin? = nil
    ) {
        self.kind = kind
        self.severity = severity
        self.message = message
        self.remedy = remedy
        self.pin = pin
    }

    public var description: String { "\(severity.rawValue): \(message); \(remedy.description)" }
}

extension Sequence<PinSetFinding> {
    /// The most severe finding's severity, or nil when there are none.
    public var highestSeverity: HeaderFinding.Severity? { map(\.severity).max() }
}
