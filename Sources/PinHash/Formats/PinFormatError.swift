/// A ``PinFormatter`` whose settings cannot make the document asked for: a missing or unusable host, or
/// a port out of range. The input's pins are fine; the caller's options are not.
public struct PinFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is; new codes may be added, so match on the ones you handle.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Backing: String, Sendable {
            case hostRequired = "host required"
            case invalidHost = "invalid host"
            case invalidPort = "invalid port"
        }

        let backing: Backing

        /// The format names the server (a TLSA record's owner name) and no host was given.
        public static let hostRequired = Code(backing: .hostRequired)
        /// The host is not a DNS name or IP address, or is a kind of host the format cannot name.
        public static let invalidHost = Code(backing: .invalidHost)
        /// The port is not in 1...65535.
        public static let invalidPort = Code(backing: .invalidPort)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    /// What is wrong, in one line: `tlsa needs a host: its records are named _PORT._tcp.HOST`.
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { reason }
}
