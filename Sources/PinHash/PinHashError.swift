/// An input that pinhash could not turn into pins, with what is wrong in words a person can act on and,
/// where the library knows, what would fix it as a ``Remedy``.
///
/// `description` reads `FILE: REASON` (and `; REMEDY`), in the library's words; the command-line tool
/// words the remedy with its own options.
public struct PinHashError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; new codes may be added, so match on the ones you handle.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Backing: String, Sendable {
            case unreadable = "unreadable input"
            case malformed = "malformed input"
            case wrongType = "wrong input type"
            case unsupported = "unsupported input"
            case tooLarge = "input too large"
            case passphraseRequired = "passphrase required"
            case wrongPassphrase = "wrong passphrase"
            case passphraseUnavailable = "passphrase unavailable"
            case internalFailure = "internal failure"
            case outputExists = "output exists"
            case unwritableOutput = "unwritable output"
            case invalidArgument = "invalid argument"
            case nameResolution = "name resolution failed"
            case connectionFailed = "connection failed"
            case timedOut = "timed out"
            case handshakeFailed = "TLS handshake failed"
            case noCertificate = "no certificate"
            case protocolFailure = "protocol failure"
            case hostRequired = "host required"
            case invalidHost = "invalid host"
            case invalidPort = "invalid port"
        }

        let backing: Backing

        /// The file could not be opened or read.
        public static let unreadableInput = Code(backing: .unreadable)
        /// The bytes are not valid PEM, DER or PKCS#12 of the expected shape (truncated, garbage, trailing data).
        public static let malformedInput = Code(backing: .malformed)
        /// The input holds something other than the type that was asked for.
        public static let wrongType = Code(backing: .wrongType)
        /// The input is well formed but of a kind that holds no public key pinhash can read (a CRL, say).
        public static let unsupportedInput = Code(backing: .unsupported)
        /// The input, one object in it, or the text before its first object exceeds a size limit.
        public static let inputTooLarge = Code(backing: .tooLarge)
        /// The input is encrypted and no passphrase was given.
        public static let passphraseRequired = Code(backing: .passphraseRequired)
        /// The input is encrypted and the passphrase did not decrypt it.
        public static let wrongPassphrase = Code(backing: .wrongPassphrase)
        /// The passphrase source (`env:`, `file:`, `fd:`, a terminal) could not be read.
        public static let passphraseUnavailable = Code(backing: .passphraseUnavailable)
        /// A file pinhash was to write exists already; pinhash never overwrites one.
        public static let outputExists = Code(backing: .outputExists)
        /// A file pinhash was to write could not be created or written.
        public static let unwritableOutput = Code(backing: .unwritableOutput)
        /// A value given by the caller (a certificate subject, say) is not of the form it must have.
        public static let invalidArgument = Code(backing: .invalidArgument)
        /// A server's name could not be resolved to an address.
        public static let nameResolutionFailed = Code(backing: .nameResolution)
        /// The connection was refused, unreachable, or closed by the server.
        public static let connectionFailed = Code(backing: .connectionFailed)
        /// Connecting, the handshake, or a reply took longer than the timeout.
        public static let timedOut = Code(backing: .timedOut)
        /// The TLS handshake failed: an alert from the server, no common protocol or cipher, not TLS.
        public static let handshakeFailed = Code(backing: .handshakeFailed)
        /// The handshake finished without the server sending a certificate.
        public static let noCertificate = Code(backing: .noCertificate)
        /// The server's STARTTLS or HTTP reply was refused, malformed or too large.
        public static let protocolFailure = Code(backing: .protocolFailure)
        /// A format names the server (a TLSA record's owner name) and no host was given.
        public static let hostRequired = Code(backing: .hostRequired)
        /// A format's host is not a DNS name or IP address, or is a kind of host the format cannot name.
        public static let invalidHost = Code(backing: .invalidHost)
        /// A format's port is not in 1...65535.
        public static let invalidPort = Code(backing: .invalidPort)
        /// OpenSSL failed in a way no input should cause (out of memory, say).
        public static let internalFailure = Code(backing: .internalFailure)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    /// What went wrong, without the file name: `block 2 is a CERTIFICATE REQUEST, not a certificate`.
    public let reason: String
    /// The input's name as the caller gave it (a path, or `-` for standard input), when known.
    public var source: String?
    /// What would fix it, when the library knows.
    public let remedy: Remedy?

    public init(_ code: Code, _ reason: String, source: String? = nil, remedy: Remedy? = nil) {
        self.code = code
        self.reason = reason
        self.source = source
        self.remedy = remedy
    }

    public var description: String {
        let problem = remedy.map { "\(reason); \($0)" } ?? reason
        guard let source else { return problem }
        return "\(InputName.displayName(of: source)): \(problem)"
    }

    package func naming(_ source: String) -> PinHashError {
        var copy = self
        if copy.source == nil { copy.source = source }
        return copy
    }

    /// The same error about a part of the input: `block 2 (CERTIFICATE): …`, or `block 2 (…) is …` when
    /// the reason is a predicate.
    func within(_ part: String) -> PinHashError {
        let joined =
            reason.hasPrefix("is ") || reason.hasPrefix("has ") ? "\(part) \(reason)" : "\(part): \(reason)"
        return PinHashError(code, joined, source: source, remedy: remedy)
    }

    static func malformed(_ reason: String) -> PinHashError { PinHashError(.malformedInput, reason) }

    /// A value the caller gave that cannot be used (a header value, a pin): what is wrong and, after
    /// `; `, what to give instead; a remedy, when there is one, is that fix.
    static func invalidArgument(_ problem: String, fix: String? = nil, remedy: Remedy? = nil) -> PinHashError
    {
        guard remedy == nil, let fix else { return PinHashError(.invalidArgument, problem, remedy: remedy) }
        return PinHashError(.invalidArgument, "\(problem); \(fix)")
    }
}
