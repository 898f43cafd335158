import PinHash

/// One address of a pinned host, checked: what it served and what is wrong, or why it could not be
/// checked.
public struct AddressCheck: Sendable {
    /// The host's place in the list checked, for putting results back in order.
    public let hostIndex: Int
    public let host: PinnedHost
    /// The IP address connected to; nil when the name could not be resolved.
    public let address: String?
    /// What the address served; nil when it could not be checked.
    public let chain: ServerChain?
    /// Why the address (or the name) could not be checked; nil when it was.
    public let failure: PinHashError?
    /// The pins each kind of client finds and the findings; without a chain, those of the pin set alone.
    public let evaluation: PinSetEvaluation

    public init(
        hostIndex: Int, host: PinnedHost, address: String?, chain: ServerChain?, failure: PinHashError?,
        evaluation: PinSetEvaluation
    ) {
        self.hostIndex = hostIndex
        self.host = host
        self.address = address
        self.chain = chain
        self.failure = failure
        self.evaluation = evaluation
    }

    /// The server as `host:port`.
    public var server: ServerAddress { ServerAddress(host: host.name, port: host.port) }

    /// Whether the address could not be checked (it did not answer, the handshake failed, the name did
    /// not resolve).
    public var couldNotCheck: Bool { failure != nil }
}
