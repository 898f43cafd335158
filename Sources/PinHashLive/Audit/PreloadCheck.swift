import PinHash

/// What a preload check asks: may the domain join the preload list under a policy, or leave it.
public enum PreloadCheckMode: Sendable, Hashable {
    case preload(PreloadPolicy)
    case removal
}

/// hstspreload's check of a domain, run here: the same checks, in the same order, with the same issue
/// codes, levels and messages (`PreloadableDomain`/`EligibleDomain`, and `RemovableDomain` for removal).
///
/// In order: the name's format and level (``PreloadDomain``); the HTTPS response of `https://DOMAIN/`
/// (a chain that does not verify stops there); SHA-1 in the verified chain and the cipher suite; the
/// response's one Strict-Transport-Security header; `http://DOMAIN/` and its redirects (to HTTPS on the
/// same host first, whose response must carry a preloadable header); the redirects of `https://DOMAIN/`;
/// and `www.DOMAIN`, which must speak verified TLS when anything listens there. Redirects are followed
/// up to three hops, each checked. Blocking: run it off cooperative threads.
public struct PreloadCheck: Sendable, Hashable {
    public let domain: PreloadDomain
    public let mode: PreloadCheckMode
    public let options: PreloadCheckOptions
    /// The errors and warnings, in hstspreload's order.
    public private(set) var issues = PreloadIssues()
    /// The Strict-Transport-Security value, when the HTTPS response had exactly one.
    public private(set) var header: String?

    /// Runs the checks for `domain` (ASCII: IDNA already applied).
    public init(
        domain name: String, list: PublicSuffixList, mode: PreloadCheckMode, options: PreloadCheckOptions
    ) {
        domain = PreloadDomain(name, list: list)
        self.mode = mode
        self.options = options
        switch mode {
        case .preload(let policy): runPreloadable(policy)
        case .removal: runRemovable()
        }
    }

    private var name: String { domain.name }

    /// `https://DOMAIN`, with the port when it is not 443, as hstspreload's messages write it.
    private var httpsOrigin: String {
        "https://\(name)" + (options.httpsPort == 443 ? "" : ":\(options.httpsPort)")
    }

    private var httpOrigin: String {
        "http://\(name)" + (options.httpPort == 80 ? "" : ":\(options.httpPort)")
    }

    private var httpsURL: HTTPURL {
        HTTPURL(scheme: .https, server: ServerAddress(host: name, port: options.httpsPort))
    }

    private var httpURL: HTTPURL {
        HTTPURL(scheme: .http, server: ServerAddress(host: name, port: options.httpPort))
    }

    private mutating func runPreloadable(_ policy: PreloadPolicy) {
        issues.append(domain.formatIssues)
        guard issues.errors.isEmpty else { return }
        issues.append(domain.levelIssues)
        let (response, responseIssues) = firstHTTPSResponse()
        issues.append(responseIssues)
        guard responseIssues.errors.isEmpty, let response, let chain = response.chain else { return }
        issues.append(Self.sha1Issues(chain))
        issues.append(Self.cipherIssues(chain, origin: httpsOrigin))
        let values = response.head.values(of: HeaderKind.strictTransportSecurity.rawValue)
        if values.count == 1 { header = values[0] }
        let headerIssues = PreloadHeader.responseIssues(values: values) {
            $0.preloadableIssues(policy: policy)
        }
        issues.append(headerIssues)
        let (general, firstRedirect) = httpRedirectIssues()
        issues.append(general)
        // hstspreload leaves out what the first redirect's header repeats of the main response's errors.
        if headerIssues.errors.isEmpty { issues.append(firstRedirect) }
        issues.append(httpsRedirectIssues())
        if domain.checksWWW { issues.append(wwwIssues()) }
    }

    private mutating func runRemovable() {
        let (response, responseIssues) = firstHTTPSResponse()
        issues.append(responseIssues)
        guard responseIssues.errors.isEmpty, let response else { return }
        let values = response.head.values(of: HeaderKind.strictTransportSecurity.rawValue)
        if values.count == 1 { header = values[0] }
        issues.append(PreloadHeader.responseIssues(values: values) { $0.removableIssues })
    }

    // MARK: requests

    private typealias Response = (head: HTTPResponseHead, chain: ServerChain?)

    /// One request, redirects not followed; for HTTPS the chain may not verify (the caller decides).
    private func fetch(_ url: HTTPURL) throws(PinHashError) -> Response {
        try options.connector(for: url.server).responseHead(of: url)
    }

    /// A request as a verifying client makes it: a chain that does not verify is an error.
    private func fetchVerified(_ url: HTTPURL) throws(PinHashError) -> Response {
        let response = try fetch(url)
        if let chain = response.chain, !chain.verification.isTrusted {
            throw PinHashError(
                .protocolFailure, "certificate \(chain.verification)", source: url.server.description)
        }
        return response
    }

    /// hstspreload's `getResponse`: `https://DOMAIN/` twice if need be, then whether it answers when the
    /// chain is not checked.
    private func firstHTTPSResponse() -> (Response?, PreloadIssues) {
        var issues = PreloadIssues()
        var lastError: PinHashError?
        for _ in 0..<2 {
            do {
                let response = try fetch(httpsURL)
                if let chain = response.chain, !chain.verification.isTrusted {
                    issues.error(
                        "domain.tls.invalid_cert_chain", "Invalid Certificate Chain",
                        "\(httpsOrigin) uses an incomplete or invalid certificate chain. Check out your site "
                            + "at https://www.ssllabs.com/ssltest/")
                }
                return (response, issues)
            } catch {
                lastError = error
            }
        }
        issues.error(
            "domain.tls.cannot_connect", "Cannot connect using TLS",
            "We cannot connect to \(httpsOrigin) using TLS (\(Self.quoted(lastError?.reason ?? "no answer")))."
        )
        return (nil, issues)
    }

    // MARK: TLS

    /// `domain.tls.sha1`: a certificate of the verified chain, its root aside, signed with SHA-1.
    public static func sha1Issues(_ chain: ServerChain) -> PreloadIssues {
        var issues = PreloadIssues()
        guard let first = chain.verifiedChain.dropLast().first(where: \.isSignedWithSHA1) else {
            return issues
        }
        issues.error(
            "domain.tls.sha1", "SHA-1 Certificate",
            "One or more of the certificates in your certificate chain is signed using SHA-1. This needs to be "
                + "replaced. See https://security.googleblog.com/2015/12/an-update-on-sha-1-certificates-in.html. "
                + "(The first SHA-1 certificate found has a common-name of "
                + "\(quoted(first.subjectCommonName ?? "")).)")
        return issues
    }

    /// The TLS 1.2 suites hstspreload accepts (ECDHE with AES-GCM or ChaCha20-Poly1305), in OpenSSL's
    /// names; TLS 1.3's suites are all fine.
    static let modernTLS12Suites: Set<String> = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
    ]

    /// `tls.obsolete_cipher_suite`: a TLS 1.2 (or older) connection without ECDHE and an AEAD cipher.
    public static func cipherIssues(_ chain: ServerChain, origin: String) -> PreloadIssues {
        var issues = PreloadIssues()
        guard chain.protocolVersion != "TLSv1.3", !modernTLS12Suites.contains(chain.cipher) else {
            return issues
        }
        let host = origin.dropFirst("https://".count)
        issues.warning(
            "tls.obsolete_cipher_suite", "Obsolete Cipher Suite",
            "The site is using obsolete TLS settings. Check out the site at "
                + "https://www.ssllabs.com/ssltest/analyze.html?d=\(host)")
        return issues
    }

    // MARK: redirects

    /// hstspreload's `preloadableHTTPRedirects`: issues always reported, and those of the first
    /// redirect's header, which are left out when the main response's header has errors.
    private func httpRedirectIssues() -> (general: PreloadIssues, firstRedirect: PreloadIssues) {
        var general = PreloadIssues()
        var firstRedirect = PreloadIssues()
        do {
            let response = try fetch(httpURL)
            if !response.head.values(of: HeaderKind.strictTransportSecurity.rawValue).isEmpty {
                general.warning(
                    "redirects.http.useless_header", "Unnecessary HSTS header over HTTP",
                    "The HTTP page at \(httpOrigin) sends an HSTS header. This has no effect over HTTP, and "
                        + "should be removed.")
            }
        } catch {
            general.warning(
                "redirects.http.does_not_exist", "Unavailable over HTTP",
                "The site appears to be unavailable over plain HTTP (\(httpOrigin)). This can prevent users "
                    + "without a freshly updated modern browser from connecting to the site when they visit a "
                    + "URL with the http:// scheme (or with an unspecified scheme). However, this is okay if "
                    + "the site does not wish to support those users.")
            return (general, firstRedirect)
        }
        let redirects = RedirectChain.follow(from: httpURL, origin: httpOrigin) { url throws(PinHashError) in
            try fetchVerified(url)
        }
        general.append(redirects.issues)
        guard let first = redirects.hops.first else {
            general.error(
                "redirects.http.no_redirect", "No redirect from HTTP",
                "`\(httpOrigin)` does not redirect to `\(httpsOrigin)`.")
            return (general, firstRedirect)
        }
        if first.scheme == .https, first.server.host == name {
            do {
                let response = try fetchVerified(first)
                let headerIssues = PreloadHeader.responseIssues(
                    values: response.head.values(of: HeaderKind.strictTransportSecurity.rawValue)
                ) { $0.preloadableIssues(policy: .bulk1Year) }
                if let firstError = headerIssues.errors.first {
                    firstRedirect.error(
                        "redirects.http.first_redirect.no_hsts", "HTTP redirects to a page without HSTS",
                        "`\(httpOrigin)` redirects to `\(first)`, which does not serve a HSTS header that "
                            + "satisfies preload conditions. First error: \(firstError.summary)")
                }
            } catch {
                firstRedirect.error(
                    "redirects.http.first_redirect.invalid", "Invalid redirect",
                    "`\(httpOrigin)` redirects to `\(first)`, which we could not connect to: \(error.reason)")
                return (general, firstRedirect)
            }
            general.append(redirects.insecureHopIssues)
            return (general, firstRedirect)
        }
        if first.server.host == "www." + name {
            general.error(
                "redirects.http.www_first", "HTTP redirects to www first",
                "`\(httpOrigin)` (HTTP) should immediately redirect to `\(httpsOrigin)` (HTTPS) before adding "
                    + "the www subdomain. Right now, the first redirect is to `\(first)`. The extra redirect "
                    + "is required to ensure that any browser which supports HSTS will record the HSTS entry "
                    + "for the top level domain, not just the subdomain.")
            return (general, firstRedirect)
        }
        general.error(
            "redirects.http.first_redirect.insecure", "HTTP does not redirect to HTTPS",
            "`\(httpOrigin)` (HTTP) redirects to `\(first)`. The first redirect from `\(httpOrigin)` should "
                + "be to a secure page on the same host (`\(httpsOrigin)`).")
        return (general, firstRedirect)
    }

    /// hstspreload's `preloadableHTTPSRedirects`: the redirects of `https://DOMAIN/`, none to plain HTTP.
    private func httpsRedirectIssues() -> PreloadIssues {
        let redirects = RedirectChain.follow(from: httpsURL, origin: httpsOrigin) {
            url throws(PinHashError) in
            try fetchVerified(url)
        }
        var issues = redirects.issues
        issues.append(redirects.insecureHopIssues)
        return issues
    }

    // MARK: www

    /// `domain.www.no_tls`: something listens on `www.DOMAIN`'s HTTPS port, but verified TLS fails there.
    private func wwwIssues() -> PreloadIssues {
        var issues = PreloadIssues()
        let server = ServerAddress(host: "www." + name, port: options.httpsPort)
        let listening =
            (try? TCPConnection.connect(
                to: server, via: options.address(for: server), timeout: options.timeout)) != nil
        guard listening else { return issues }
        var failure: String?
        do {
            let chain = try options.connector(for: server).chain(of: server)
            if !chain.verification.isTrusted { failure = "certificate \(chain.verification)" }
        } catch {
            failure = error.reason
        }
        if let failure {
            issues.error(
                "domain.www.no_tls", "www subdomain does not support HTTPS",
                "Domain error: The www subdomain exists, but we couldn't connect to it using HTTPS "
                    + "(\(Self.quoted(failure))). Since many people type this by habit, HSTS preloading "
                    + "would likely cause issues for your site.")
        }
        return issues
    }

    /// `"text"` with `"` and `\` escaped, as Go's %q writes a plain string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
    }
}
