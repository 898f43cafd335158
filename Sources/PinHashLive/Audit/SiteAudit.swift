import PinHash

/// What the plain-HTTP request of an audit (`GET /` on `http://HOST[:PORT]/`) got.
public struct PlainHTTPProbe: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// The server answered with this response head.
        case response(HTTPResponseHead)
        /// No answer: nothing listening (connection refused), a timeout, a reply that is not HTTP.
        case failed(PinHashError)
    }

    /// The URL requested: `http://HOST/`, or `http://HOST:PORT/`.
    public let url: HTTPURL
    public let outcome: Outcome

    public init(url: HTTPURL, outcome: Outcome) {
        self.url = url
        self.outcome = outcome
    }

    /// `http://HOST[:port]/` for the host of `site`: where browsers go when a visitor types the bare name.
    public static func url(for site: HTTPURL, port: Int = HTTPURL.Scheme.http.defaultPort) -> HTTPURL {
        HTTPURL(scheme: .http, server: ServerAddress(host: site.server.host, port: port), path: "/")
    }

    /// The response head, when there was one.
    public var response: HTTPResponseHead? {
        if case .response(let head) = outcome { return head }
        return nil
    }
}

/// The HSTS and HPKP audit of one HTTPS site, from what the connections to it showed; no network.
///
/// The rules are those of RFC 6797 (HSTS), RFC 7469 (HPKP) and hstspreload.org (the preload list):
/// - certificate: a chain that does not verify is an error, since browsers ignore HSTS and HPKP headers
///   received over a connection with certificate errors (RFC 6797 §8.1, RFC 7469 §2.3.1).
/// - hsts: the header on the HTTPS response, checked by `HeaderLint`; only the first of several counts;
///   includeSubDomains; the preload list's site rules only when the header asks for preload.
/// - http-redirect: plain HTTP should redirect to HTTPS (to the same host first, for the preload list);
///   nothing listening on the HTTP port is fine.
/// - hpkp: each of Public-Key-Pins and Public-Key-Pins-Report-Only checked by `HeaderLint`, then matched
///   against the chain: one pin must match a certificate of it, one must be a backup outside it.
///
///     let audit = SiteAudit(url: url, chain: chain, response: head, plainHTTP: probe)
///     for finding in audit.findings { print(finding) }
///     if audit.findings.containsErrors { … }
public struct SiteAudit: Sendable, Hashable {
    /// The audited `https://` URL.
    public let url: HTTPURL
    /// The TLS connection of the HTTPS request: the certificates sent and whether they verify.
    public let chain: ServerChain
    /// The head of the HTTPS response.
    public let response: HTTPResponseHead
    /// The plain-HTTP request's outcome; nil when it was not made.
    public let plainHTTP: PlainHTTPProbe?
    /// hstspreload's checks of the domain, when they were run.
    public let preload: PreloadCheck?
    /// In the order the checks run: the certificate and TLS version, the HSTS header, the plain-HTTP
    /// answer (and what headers it sent), the preload list's site rules, then the HPKP headers.
    public let findings: [AuditFinding]

    /// With `preload`, its issues stand for the preload list's rules (in the preload area, after the
    /// HSTS and redirect checks), instead of the site rules this audit words itself.
    public init(
        url: HTTPURL, chain: ServerChain, response: HTTPResponseHead, plainHTTP: PlainHTTPProbe?,
        preload: PreloadCheck? = nil
    ) {
        self.url = url
        self.chain = chain
        self.response = response
        self.plainHTTP = plainHTTP
        self.preload = preload
        var auditor = SiteAuditor(
            url: url, chain: chain, response: response, plainHTTP: plainHTTP, preload: preload)
        auditor.run()
        findings = auditor.findings
    }

    /// The certificates a pin can match: those the server sent, then those of the chain OpenSSL built to
    /// a trust anchor that the server did not send (usually the root), since browsers check pins against
    /// the chain they build (RFC 7469 §2.6).
    public var pinnableCertificates: [PinnedObject] { Self.pinnableCertificates(of: chain) }

    static func pinnableCertificates(of chain: ServerChain) -> [PinnedObject] {
        chain.certificates + chain.certificatesNotSent
    }
}

/// Runs the checks of `SiteAudit` in order, collecting findings.
private struct SiteAuditor {
    let url: HTTPURL
    let chain: ServerChain
    let response: HTTPResponseHead
    let plainHTTP: PlainHTTPProbe?
    let preload: PreloadCheck?
    var findings: [AuditFinding] = []

    init(
        url: HTTPURL, chain: ServerChain, response: HTTPResponseHead, plainHTTP: PlainHTTPProbe?,
        preload: PreloadCheck?
    ) {
        self.url = url
        self.chain = chain
        self.response = response
        self.plainHTTP = plainHTTP
        self.preload = preload
    }

    private var host: String { url.server.host }

    /// Browsers note HSTS and HPKP only for names (RFC 6797 §8.1, RFC 7469 §2.3.3).
    private var hostIsIPAddress: Bool { isIPAddressLiteral(host) }

    private mutating func add(
        _ area: AuditArea, _ severity: HeaderFinding.Severity, _ message: String, fix: String? = nil
    ) {
        findings.append(AuditFinding(area, severity, message, fix: fix))
    }

    private mutating func add(
        _ area: AuditArea, _ severity: HeaderFinding.Severity, _ message: String, remedy: Remedy
    ) {
        findings.append(AuditFinding(area, severity, message, remedy: remedy))
    }

    mutating func run() {
        checkCertificate()
        checkProtocolVersion()
        let policy = checkStrictTransportSecurity()
        // The preload list takes names only, and its own check (when run) words its rules itself.
        let preloadRules = policy?.preload == true && !hostIsIPAddress && preload == nil
        if !hostIsIPAddress { checkPlainHTTP(preload: preloadRules) }
        checkHTTPSRedirect()
        if preloadRules { checkPreloadSite() }
        if let preload { findings += preload.issues.all.map(AuditFinding.init) }
        checkPublicKeyPins()
    }

    // MARK: certificate and TLS

    private mutating func checkCertificate() {
        let verification = chain.verification
        guard !verification.isTrusted else { return }
        let message =
            "the certificate chain is \(verification); clients that check it refuse the connection, and "
            + "browsers ignore HSTS and HPKP headers received over a connection with certificate errors "
            + "(RFC 6797 §8.1, RFC 7469 §2.3.1)"
        if let fix = certificateFix(failure: verification.failure ?? "", name: verification.checkedName) {
            add(.certificate, .error, message, fix: fix)
        } else {
            add(.certificate, .error, message, remedy: .trustIssuingCA)
        }
    }

    /// What to do about a verification failure, from OpenSSL's words for it and the certificates sent;
    /// nil when the fix is to use a certificate from a CA browsers trust or to trust its issuer
    /// (``Remedy/trustIssuingCA``).
    private func certificateFix(failure: String, name: String) -> String? {
        let failure = failure.lowercased()
        if failure.contains("hostname mismatch") || failure.contains("ip address mismatch") {
            return "serve a certificate whose subjectAltName includes \(name)"
        }
        if failure.contains("expired") { return "renew the certificate and install the new one" }
        if failure.contains("not yet valid") {
            return "check the server's clock, or install a certificate that is valid now"
        }
        if failure.contains("local issuer") || failure.contains("first certificate")
            || failure.contains("issuer certificate")
        {
            // With only the leaf sent, the intermediates are missing; with CAs sent, the top one's issuer
            // is not a CA this trust store knows.
            if !chain.certificates.contains(where: { $0.role?.isCertificateAuthority == true }) {
                return
                    "send the intermediate certificates after the leaf (the full chain file, fullchain.pem)"
            }
            return nil
        }
        if failure.contains("self-signed") || failure.contains("self signed") {
            return nil
        }
        return "serve a chain to a CA browsers trust, valid now and for \(name)"
    }

    private mutating func checkProtocolVersion() {
        guard ["SSLv3", "TLSv1", "TLSv1.1"].contains(chain.protocolVersion) else { return }
        add(
            .tls, .warning,
            "the server agreed to \(chain.protocolVersion), which current browsers refuse (RFC 8996 "
                + "deprecates TLS 1.0 and 1.1)",
            fix: "offer TLS 1.2 and 1.3 only")
    }

    // MARK: Strict-Transport-Security

    /// The first Strict-Transport-Security header, linted: what it asks for, as far as it parses.
    private mutating func checkStrictTransportSecurity() -> HeaderLint? {
        let values = response.values(of: HeaderKind.strictTransportSecurity.rawValue)
        guard let first = values.first else {
            // A warning, not an error: the site is served over HTTPS and works; HSTS only hardens it
            // against SSL stripping, and audit's exit status should fail CI for what is broken.
            let redirect =
                response.isRedirect
                ? " (a \(response.statusCode) redirect; the header must be on this response too, not only "
                    + "on the page it leads to)" : ""
            add(
                .hsts, .warning,
                "the HTTPS response has no Strict-Transport-Security header\(redirect): browsers keep "
                    + "following http:// links and typed addresses, which an attacker on the network can "
                    + "intercept",
                remedy: .sendHSTSHeader)
            return nil
        }
        if values.count > 1 {
            add(
                .hsts, .warning,
                "the HTTPS response has \(values.count) Strict-Transport-Security headers; browsers process "
                    + "only the first (RFC 6797 §8.1), \"\(first)\"",
                fix: "send one Strict-Transport-Security header")
        }
        if hostIsIPAddress {
            add(
                .hsts, .note,
                "browsers ignore Strict-Transport-Security from a host given as an IP address "
                    + "(RFC 6797 §8.1)",
                remedy: .auditByName)
        }
        let lint = HeaderLint(
            HeaderField(kind: .strictTransportSecurity, value: HeaderField.trimmingWhiteSpace(first[...])))
        // The preload list's header rules are the preload area's when its check ran, and no rule of a
        // list that takes names only when the host is an IP address.
        let preloadRulesElsewhere = preload != nil || hostIsIPAddress
        findings += lint.findings.filter {
            !(preloadRulesElsewhere && $0.message.hasPrefix(HSTSHeader.preloadRuleMessagePrefix))
        }.map { AuditFinding(.hsts, $0) }
        if !lint.includeSubDomains, !lint.preload, lint.maxAge != 0 {
            // With preload, HeaderLint already names includeSubDomains as a requirement.
            add(
                .hsts, .note,
                "without includeSubDomains the policy covers \(host) only: subdomains, and cookies set for "
                    + "the parent domain, can still be reached over plain HTTP",
                fix: "add includeSubDomains once every subdomain serves HTTPS")
        }
        return lint
    }

    // MARK: plain HTTP and redirects

    /// Where a Location header leads, seen from the audited site.
    private enum RedirectTarget {
        case httpsSameHost
        case httpsOtherHost(String)
        /// `http://…`, a path on the same plain-HTTP server, or a scheme-relative `//host/…`.
        case notHTTPS
    }

    private func target(of location: String) -> RedirectTarget {
        let lowercased = location.lowercased()
        guard lowercased.hasPrefix("https://") else { return .notHTTPS }
        guard let target = try? HTTPURL(parsing: location) else { return .httpsOtherHost(location) }
        if target.server.host == host { return .httpsSameHost }
        return .httpsOtherHost(target.server.host)
    }

    private mutating func checkPlainHTTP(preload: Bool) {
        guard let plainHTTP else { return }
        let address = plainHTTP.url.description
        // The preload list checks the redirect of http://HOST/ itself, so what is advice otherwise is a
        // requirement once the header asks for preload.
        let notRedirecting: HeaderFinding.Severity = preload ? .error : .warning
        let preloadReason = preload ? " (the preload list requires it)" : ""
        let head: HTTPResponseHead
        switch plainHTTP.outcome {
        case .failed(let error):
            if error.code == .connectionFailed, error.reason.hasPrefix("connection refused") {
                add(
                    .httpRedirect, .note,
                    "nothing listens at \(address) (connection refused); that is fine for HSTS and the "
                        + "preload list")
            } else {
                add(
                    .httpRedirect, preload ? .warning : .note,
                    "\(address) could not be checked: \(error.reason)",
                    fix: "make it answer with a redirect to https://\(url.hostHeader)/, or stop listening "
                        + "on that port")
            }
            return
        case .response(let response):
            head = response
        }
        for kind in HeaderKind.allCases where !head.values(of: kind.rawValue).isEmpty {
            let ignored =
                kind == .strictTransportSecurity ? "RFC 6797 §8.1" : "RFC 7469 §2.2.2"
            add(
                kind == .strictTransportSecurity ? .hsts : .hpkp, .note,
                "\(address) sends \(kind.rawValue), which browsers ignore over plain HTTP (\(ignored))",
                fix: "send it on HTTPS responses only")
        }
        let status = "\(head.statusCode)\(head.reason.isEmpty ? "" : " " + head.reason)"
        guard head.isRedirect else {
            add(
                .httpRedirect, notRedirecting,
                "\(address) answers \(status) without redirecting to HTTPS\(preloadReason): visitors who "
                    + "type the name or follow an http:// link stay on plain HTTP",
                fix: "answer every http:// request with a 301 to https://\(url.hostHeader) and the same path")
            return
        }
        guard let location = head.values(of: "Location").first else {
            add(
                .httpRedirect, notRedirecting,
                "\(address) answers \(status) with no Location, so it leads nowhere\(preloadReason)",
                fix: "add Location: https://\(url.hostHeader)/")
            return
        }
        switch target(of: location) {
        case .httpsSameHost:
            break
        case .httpsOtherHost(let other):
            if preload {
                add(
                    .httpRedirect, .error,
                    "\(address) redirects to \(location), another host; the preload list requires HTTP to "
                        + "redirect to HTTPS on the same host first",
                    fix: "redirect to https://\(url.hostHeader)/ first, and from there to \(other)")
            } else {
                add(
                    .httpRedirect, .note,
                    "\(address) redirects to \(location), another host, so browsers that follow it never "
                        + "receive \(host)'s own Strict-Transport-Security header",
                    fix: "redirect to https://\(url.hostHeader)/ first, and from there to \(other)")
            }
        case .notHTTPS:
            add(
                .httpRedirect, notRedirecting,
                "\(address) redirects to \(location), which is not HTTPS\(preloadReason)",
                fix: "redirect to https://\(url.hostHeader)/ directly")
        }
    }

    /// An HTTPS page that sends visitors back to plain HTTP undoes the rest.
    private mutating func checkHTTPSRedirect() {
        guard response.isRedirect, let location = response.values(of: "Location").first,
            location.lowercased().hasPrefix("http://")
        else { return }
        add(
            .httpRedirect, .warning,
            "the HTTPS response redirects to \(location), plain HTTP: browsers without this site's HSTS "
                + "policy leave HTTPS",
            fix: "redirect to an https:// URL")
    }

    /// The preload list's rules about the site rather than the header (hstspreload.org): a valid
    /// certificate, and the redirect of plain HTTP; only asked when the header asks for preload.
    private mutating func checkPreloadSite() {
        if !chain.verification.isTrusted {
            add(
                .hsts, .error,
                "the preload list requires a valid certificate, and this chain is \(chain.verification)",
                fix: "fix the certificate first (see the certificate error)")
        } else if let caFile = chain.verification.caFile {
            add(
                .hsts, .note,
                "the chain was verified against the CAs in \(caFile), not the public trust the preload "
                    + "list checks against")
        }
        if plainHTTP == nil {
            add(
                .hsts, .note,
                "the preload list requires http://\(host)/ to redirect to HTTPS on the same host; that was "
                    + "not checked", remedy: .probePlainHTTP)
        }
        let blocking = findings.contains {
            $0.severity != .note && [.certificate, .hsts, .httpRedirect].contains($0.area)
        }
        if !blocking {
            add(
                .hsts, .note,
                "the preload list's rules that one host shows are met; it also requires every subdomain "
                    + "to serve HTTPS, and takes registrable domains only (example.com, not "
                    + "www.example.com)",
                fix: "submit the domain at https://hstspreload.org")
        }
    }

    // MARK: Public-Key-Pins

    private mutating func checkPublicKeyPins() {
        var seen = false
        for kind in [HeaderKind.publicKeyPins, .publicKeyPinsReportOnly] {
            let values = response.values(of: kind.rawValue)
            guard let first = values.first else { continue }
            seen = true
            let prefix = "\(kind.rawValue): "
            if values.count > 1 {
                add(
                    .hpkp, .warning,
                    "the HTTPS response has \(values.count) \(kind.rawValue) headers; browsers process only "
                        + "the first (RFC 7469 §2.3.1)",
                    fix: "send one \(kind.rawValue) header")
            }
            let lint = HeaderLint(HeaderField(kind: kind, value: HeaderField.trimmingWhiteSpace(first[...])))
            findings += lint.findings.map { AuditFinding(.hpkp, $0, prefix: prefix) }
            checkPins(lint.pins, kind: kind)
            if let reportURI = lint.directives.first(where: { $0.lowercasedName == "report-uri" })?.value,
                let target = try? HTTPURL(parsing: reportURI), target.server.host == host
            {
                // RFC 7469 §2.1.4: reports of a failing pinned connection cannot travel over it.
                add(
                    .hpkp, .warning,
                    prefix + "report-uri \(reportURI) is on the pinned host \(host) itself, so a pin "
                        + "validation failure's report would travel over the very connection that failed "
                        + "(RFC 7469 §2.1.4)",
                    fix: "send reports to a host that is not pinned (another domain, or one this header's "
                        + "includeSubDomains does not cover)")
            }
            if kind == .publicKeyPins, !lint.directives.contains(where: { $0.lowercasedName == "report-uri" })
            {
                add(
                    .hpkp, .note,
                    prefix + "no report-uri, so pin validation failures go unnoticed",
                    fix: "add report-uri=\"https://…\" to learn of failures")
            }
        }
        guard seen else { return }
        if hostIsIPAddress {
            add(
                .hpkp, .note,
                "browsers ignore Public-Key-Pins from a host given as an IP address (RFC 7469 §2.3.3)",
                remedy: .auditByName)
        }
        add(
            .hpkp, .note,
            "no current browser enforces HPKP: Chrome deprecated it in 2018 and removed it, and Firefox "
                + "followed; only clients that pin by themselves use these pins",
            remedy: .pinInApps)
    }

    /// Matches the pins of one header against the chain: one must match (or browsers refuse the site),
    /// one must not (the backup, without which browsers ignore the header, RFC 7469 §2.5).
    private mutating func checkPins(_ pins: [Pin], kind: HeaderKind) {
        guard !pins.isEmpty else { return }
        let prefix = "\(kind.rawValue): "
        let sent = Set(chain.certificates.map(\.pin))
        let built = Set(chain.verifiedChain.map(\.pin))
        let candidates = SiteAudit.pinnableCertificates(of: chain)
        // A pin outside the chain is a backup only when another pin matches the chain.
        let someMatch = pins.contains { pin in candidates.contains { $0.pin == pin } }
        for pin in pins {
            guard let certificate = candidates.first(where: { $0.pin == pin }) else {
                add(
                    .hpkp, .note,
                    prefix
                        + (someMatch
                            ? "pin-sha256 \(pin.base64) is a backup: no certificate of the chain has it"
                            : "pin-sha256 \(pin.base64) matches no certificate of the chain"))
                continue
            }
            let what = certificate.summary
            if !sent.contains(pin) {
                add(
                    .hpkp, .note,
                    prefix + "pin-sha256 \(pin.base64) matches the \(what), which the server does not send "
                        + "but the verified chain ends in")
            } else if !built.isEmpty, !built.contains(pin) {
                add(
                    .hpkp, .warning,
                    prefix + "pin-sha256 \(pin.base64) matches the \(what), which the server sends but the "
                        + "verified chain does not use; browsers check pins against the chain they build",
                    fix: "pin the leaf's key or a CA of the verified chain")
            } else {
                add(.hpkp, .note, prefix + "pin-sha256 \(pin.base64) matches the \(what)")
            }
        }
        let reportOnly = kind == .publicKeyPinsReportOnly
        switch BackupPinRule(pins: pins, chain: candidates.map(\.pin)).violation {
        case .noPinInChain:
            add(
                .hpkp, reportOnly ? .warning : .error,
                prefix + "no pin matches a certificate of the chain: "
                    + (reportOnly
                        ? "every connection would be reported as a pin validation failure"
                        : "browsers that noted these pins refuse the site until max-age runs out"),
                fix: "pin the key of the leaf or of a CA in the chain the server presents")
        case .noBackupPin where pins.count > 1:
            // One pin alone has HeaderLint's error already.
            add(
                .hpkp, .error,
                prefix + "no backup pin: every pin is a key of the chain, so browsers ignore the header "
                    + "(RFC 7469 §2.5), and replacing those keys would lock visitors out",
                remedy: .makeBackupKey)
        default:
            break
        }
    }
}
