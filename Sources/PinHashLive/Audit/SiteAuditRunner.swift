import PinHash
import Synchronization

/// When ``SiteAuditRunner`` runs hstspreload's check of a site's domain (``PreloadCheck``).
public enum PreloadRequest: Sendable, Hashable {
    /// Only when the site's Strict-Transport-Security header asks for preload, under this policy.
    case whenAsked(PreloadPolicy)
    /// For every site, under this policy.
    case always(PreloadPolicy)
    /// hstspreload's removal check, for every site.
    case removal
}

/// How ``SiteAuditRunner`` fetches and audits sites.
public struct SiteAuditOptions: Sendable {
    /// Connect every name here instead of resolving it.
    public var address: String?
    /// Addresses for a name and port, as curl's --resolve; they win over `address`.
    public var resolve: [ResolveOverride]
    public var caFile: String?
    public var timeout: Double
    /// The port of the plain-HTTP request; nil skips it (the preload check still asks port 80's
    /// counterpart, this port or 80).
    public var httpPort: Int?
    public var preload: PreloadRequest
    /// The Public Suffix List's file, read once when a preload check first needs it.
    public var publicSuffixListPath: String
    /// How many sites are audited at once, at least 1.
    public var jobs: Int

    public init(
        address: String? = nil, resolve: [ResolveOverride] = [], caFile: String? = nil, timeout: Double = 10,
        httpPort: Int? = 80, preload: PreloadRequest = .whenAsked(.bulk1Year),
        publicSuffixListPath: String = PublicSuffixList.debianPath, jobs: Int = 16
    ) {
        self.address = address
        self.resolve = resolve
        self.caFile = caFile
        self.timeout = timeout
        self.httpPort = httpPort
        self.preload = preload
        self.publicSuffixListPath = publicSuffixListPath
        self.jobs = jobs
    }
}

/// Fetches sites over HTTPS (and plain HTTP) and audits them (``SiteAudit``), with hstspreload's check of
/// the domain when asked; many at once, at most ``SiteAuditOptions/jobs`` together.
public final class SiteAuditRunner: Sendable {
    public let options: SiteAuditOptions
    private let list = Mutex<Result<PublicSuffixList, PinHashError>?>(nil)

    public init(options: SiteAuditOptions) {
        self.options = options
    }

    /// The Public Suffix List, read on first use; a file that cannot be read fails every preload check.
    public func publicSuffixList() throws(PinHashError) -> PublicSuffixList {
        let path = options.publicSuffixListPath
        let result = list.withLock { cached in
            if let cached { return cached }
            let read: Result<PublicSuffixList, PinHashError>
            do throws(PinHashError) { read = .success(try PublicSuffixList(contentsOfFileAt: path)) } catch {
                read = .failure(error)
            }
            cached = read
            return read
        }
        return try result.get()
    }

    private func connector(for server: ServerAddress) -> ServerConnector {
        let name = ResolveOverride.normalized(server.host)
        let address =
            options.resolve.first { $0.host == name && $0.port == server.port }?.addresses.first
            ?? options.address
        return ServerConnector(
            options: ConnectOptions(address: address, caFile: options.caFile, timeout: options.timeout))
    }

    /// The audit of one `https://` URL; throws when it cannot be fetched over HTTPS, or when a preload
    /// check needs the Public Suffix List and it cannot be read. Blocking.
    public func audit(_ url: HTTPURL) throws(PinHashError) -> SiteAudit {
        let fetched = try connector(for: url.server).responseHead(of: url)
        guard let chain = fetched.chain else {
            throw PinHashError(
                .noCertificate, "the HTTPS request returned no certificate chain",
                source: url.server.description)
        }
        var probe: PlainHTTPProbe?
        if let httpPort = options.httpPort {
            let plainURL = PlainHTTPProbe.url(for: url, port: httpPort)
            do {
                probe = PlainHTTPProbe(
                    url: plainURL,
                    outcome: .response(try connector(for: plainURL.server).responseHead(of: plainURL).head))
            } catch {
                probe = PlainHTTPProbe(url: plainURL, outcome: .failed(error))
            }
        }
        var preload: PreloadCheck?
        if let mode = preloadMode(for: url, response: fetched.head) {
            preload = PreloadCheck(
                domain: url.server.host, list: try publicSuffixList(), mode: mode,
                options: PreloadCheckOptions(
                    httpsPort: url.server.port, httpPort: options.httpPort ?? HTTPURL.Scheme.http.defaultPort,
                    address: options.address, resolve: options.resolve, caFile: options.caFile,
                    timeout: options.timeout))
        }
        return SiteAudit(url: url, chain: chain, response: fetched.head, plainHTTP: probe, preload: preload)
    }

    /// Whether and how the preload check runs: never for an IP address, which the list cannot hold.
    private func preloadMode(for url: HTTPURL, response: HTTPResponseHead) -> PreloadCheckMode? {
        guard !isIPAddressLiteral(url.server.host) else { return nil }
        switch options.preload {
        case .always(let policy): return .preload(policy)
        case .removal: return .removal
        case .whenAsked(let policy):
            guard let value = response.values(of: HeaderKind.strictTransportSecurity.rawValue).first,
                PreloadHeader(parsing: value).preload
            else { return nil }
            return .preload(policy)
        }
    }

    /// Audits every URL, at most ``SiteAuditOptions/jobs`` at once; `each` is called with each result
    /// (its index in `urls`) as it is finished, one at a time. Returns the results in the order of `urls`.
    public func audit(
        _ urls: [HTTPURL], each: (Int, Result<SiteAudit, PinHashError>) -> Void = { _, _ in }
    ) async -> [Result<SiteAudit, PinHashError>] {
        var results = [Result<SiteAudit, PinHashError>?](repeating: nil, count: urls.count)
        await withTaskGroup(of: (Int, Result<SiteAudit, PinHashError>).self) { group in
            var next = 0
            var running = 0
            func start() {
                while running < max(1, options.jobs), next < urls.count {
                    let index = next
                    let url = urls[index]
                    next += 1
                    running += 1
                    group.addTask {
                        let result = await BlockingThread.run { () -> Result<SiteAudit, PinHashError> in
                            do throws(PinHashError) { return .success(try self.audit(url)) } catch {
                                return .failure(error)
                            }
                        }
                        return (index, result)
                    }
                }
            }
            start()
            while let (index, result) = await group.next() {
                running -= 1
                results[index] = result
                each(index, result)
                start()
            }
        }
        return results.map { $0! }
    }
}
