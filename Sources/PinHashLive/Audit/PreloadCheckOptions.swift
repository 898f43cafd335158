import PinHash

/// How ``PreloadCheck`` reaches a domain: the ports it takes for hstspreload's fixed 80 and 443, the
/// addresses to use instead of resolving names, and what it trusts.
public struct PreloadCheckOptions: Sendable, Hashable {
    /// The port of `https://DOMAIN/` and of the www check (hstspreload: 443).
    public var httpsPort: Int
    /// The port of `http://DOMAIN/` (hstspreload: 80).
    public var httpPort: Int
    /// Connect every name to this address instead of resolving it.
    public var address: String?
    /// Addresses for a name and port, as curl's --resolve; they win over `address`.
    public var resolve: [ResolveOverride]
    /// A PEM file of the CA certificates to trust instead of the system's trust store.
    public var caFile: String?
    /// Seconds allowed for each step of each request.
    public var timeout: Double

    public init(
        httpsPort: Int = 443, httpPort: Int = 80, address: String? = nil, resolve: [ResolveOverride] = [],
        caFile: String? = nil, timeout: Double = 10
    ) {
        self.httpsPort = httpsPort
        self.httpPort = httpPort
        self.address = address
        self.resolve = resolve
        self.caFile = caFile
        self.timeout = timeout
    }

    /// The address to connect to for `server`, or nil to resolve its name.
    func address(for server: ServerAddress) -> String? {
        let name = ResolveOverride.normalized(server.host)
        return resolve.first { $0.host == name && $0.port == server.port }?.addresses.first ?? address
    }

    func connector(for server: ServerAddress) -> ServerConnector {
        ServerConnector(
            options: ConnectOptions(address: address(for: server), caFile: caFile, timeout: timeout))
    }
}
