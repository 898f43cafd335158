import PinHash

/// How ``PinSetChecker`` reaches the servers of a pin set and when it warns.
public struct PinSetCheckOptions: Sendable, Hashable {
    /// How many resolutions and handshakes run at once, at least 1.
    public var jobs: Int
    /// Addresses to use instead of resolving a name (for its port), as curl's --resolve.
    public var resolve: [ResolveOverride]
    /// A PEM file of the CA certificates to trust instead of the system's trust store.
    public var caFile: String?
    /// Seconds allowed for each step of one address's check (resolving, connecting, STARTTLS, the
    /// handshake); a whole run takes at most about (resolving + checking) × ceil(addresses / jobs) of
    /// them.
    public var timeout: Double
    /// The STARTTLS exchange to run before every handshake, for mail servers.
    public var startTLS: StartTLSProtocol?
    /// How many days ahead an expiration (the pin set's, a certificate's) is warned of.
    public var warnDays: Int

    public init(
        jobs: Int = 16, resolve: [ResolveOverride] = [], caFile: String? = nil, timeout: Double = 10,
        startTLS: StartTLSProtocol? = nil, warnDays: Int = 30
    ) {
        self.jobs = jobs
        self.resolve = resolve
        self.caFile = caFile
        self.timeout = timeout
        self.startTLS = startTLS
        self.warnDays = warnDays
    }

    /// The addresses given for `host` and `port`, or nil when the name is to be resolved.
    func overriddenAddresses(host: String, port: Int) -> [String]? {
        let name = ResolveOverride.normalized(host)
        let given = resolve.filter { $0.host == name && $0.port == port }.flatMap(\.addresses)
        guard !given.isEmpty else { return nil }
        var seen = Set<String>()
        return given.filter { seen.insert($0).inserted }
    }
}
