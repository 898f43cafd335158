import Foundation
import PinHash
import PinHashLive
import PinHashTestSupport
import Testing

/// Connections as `ServerConnector` would report them, built from the fixture chain; every expected pin
/// comes from `manifest.tsv` (computed by openssl), never from the code under test.
private enum AuditFixtures {
    static let site = try! HTTPURL(parsing: "https://www.example.com/")

    /// leaf, intermediate and root of `certs/chain.pem`, in that order.
    static func chainCertificates() throws -> [PinnedObject] {
        try PinReader(inputType: .certificate).pins(inFileAt: Fixtures.path("certs/chain.pem"))
    }

    static func manifestPin(_ file: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.manifest().first { $0.file == file && $0.position == position }).pin
    }

    static var leafPin: String { get throws { try manifestPin("certs/chain.pem", position: 1) } }
    static var intermediatePin: String { get throws { try manifestPin("certs/chain.pem", position: 2) } }
    static var rootPin: String { get throws { try manifestPin("certs/chain.pem", position: 3) } }
    /// A key outside the chain: the backup.
    static var backupPin: String { get throws { try manifestPin("keys/ec-p256.pkcs8.pem") } }

    /// The server sends leaf and intermediate; a trusted chain is built up to the root, which it does
    /// not send. An untrusted one has no built chain.
    static func chain(
        trusted: Bool = true, failure: String? = nil, sent: [PinnedObject]? = nil,
        version: String = "TLSv1.3",
        caFile: String? = nil, url: HTTPURL = site
    ) throws -> ServerChain {
        let all = try chainCertificates()
        return ServerChain(
            server: url.server, connectedAddress: "192.0.2.10", serverName: url.server.host,
            protocolVersion: version, cipher: "TLS_AES_256_GCM_SHA384",
            certificates: sent ?? Array(all.prefix(2)), verifiedChain: trusted ? all : [],
            verification: ChainVerification(
                isTrusted: trusted,
                failure: trusted ? nil : (failure ?? "unable to get local issuer certificate"),
                checkedName: url.server.host, caFile: caFile))
    }

    static func head(_ status: Int = 200, _ fields: [(String, String)] = []) -> HTTPResponseHead {
        let reasons = [200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"]
        return HTTPResponseHead(
            version: "HTTP/1.1", statusCode: status, reason: reasons[status] ?? "",
            fields: fields.map { HTTPField(name: $0.0, value: $0.1) })
    }

    static let plainURL = PlainHTTPProbe.url(for: site)

    static func redirect(to location: String) -> PlainHTTPProbe {
        PlainHTTPProbe(url: plainURL, outcome: .response(head(301, [("Location", location)])))
    }

    static let goodRedirect = redirect(to: "https://www.example.com/")
    static let refused = PlainHTTPProbe(
        url: plainURL,
        outcome: .failed(
            PinHashError(
                .connectionFailed, "connection refused by 192.0.2.10 port 80", source: "www.example.com:80")))

    static let preloadHSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")
    static let plainHSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

    static func audit(
        _ fields: [(String, String)] = [plainHSTS], status: Int = 200, chain: ServerChain? = nil,
        plainHTTP: PlainHTTPProbe? = goodRedirect, url: HTTPURL = site
    ) throws -> SiteAudit {
        SiteAudit(
            url: url, chain: try chain ?? Self.chain(url: url), response: head(status, fields),
            plainHTTP: plainHTTP)
    }
}

extension SiteAudit {
    fileprivate func findings(_ area: AuditArea, _ severity: HeaderFinding.Severity? = nil) -> [AuditFinding]
    {
        findings.filter { $0.area == area && (severity == nil || $0.severity == severity) }
    }

    fileprivate func has(_ area: AuditArea, _ severity: HeaderFinding.Severity, _ phrase: String) -> Bool {
        findings(area, severity).contains { $0.message.contains(phrase) }
    }
}

/// Expects a finding of `area` and `severity` whose message contains `phrase` (or, with `present` false,
/// none); a failure lists the findings rather than the whole audit.
private func expectFinding(
    _ audit: SiteAudit, _ area: AuditArea, _ severity: HeaderFinding.Severity, _ phrase: String,
    present: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
) {
    let found = audit.has(area, severity, phrase)
    let list = audit.findings.map(\.description).joined(separator: "\n")
    #expect(
        found == present,
        "\(present ? "no" : "a") \(severity) \(area.rawValue) finding with \"\(phrase)\" in:\n\(list)",
        sourceLocation: sourceLocation)
}

@Suite("audit: the certificate chain and the TLS connection")
struct SiteAuditCertificateTests {
    @Test("A trusted chain with a good HSTS header and redirect gives no error or warning")
    func clean() throws {
        let audit = try AuditFixtures.audit()
        #expect(audit.findings.allSatisfy { $0.severity == .note }, "\(audit.findings)")
        #expect(audit.findings(.certificate).isEmpty)
    }

    @Test("An untrusted chain is an error that gives OpenSSL's reason and says browsers ignore the headers")
    func untrusted() throws {
        let audit = try AuditFixtures.audit(
            chain: AuditFixtures.chain(trusted: false, failure: "certificate has expired"))
        let errors = audit.findings(.certificate, .error)
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("certificate has expired") == true)
        #expect(errors.first?.message.contains("ignore HSTS and HPKP") == true)
        #expect(errors.first?.fix?.contains("renew") == true)
        #expect(audit.findings.containsErrors)
    }

    @Test("A host name mismatch's fix names the host; a missing intermediate's says to send the chain")
    func fixes() throws {
        let mismatch = try AuditFixtures.audit(
            chain: AuditFixtures.chain(trusted: false, failure: "hostname mismatch"))
        #expect(mismatch.findings(.certificate).first?.fix?.contains("www.example.com") == true)
        let leafOnly = try AuditFixtures.chain(
            trusted: false, failure: "unable to verify the first certificate",
            sent: [AuditFixtures.chainCertificates()[0]])
        let missing = try AuditFixtures.audit(chain: leafOnly)
        #expect(missing.findings(.certificate).first?.fix?.contains("intermediate") == true)
    }

    @Test(
        "TLS 1.0 and 1.1 are warnings; TLS 1.2 is fine",
        arguments: [("TLSv1", true), ("TLSv1.1", true), ("TLSv1.2", false)])
    func protocolVersion(version: String, warned: Bool) throws {
        let audit = try AuditFixtures.audit(chain: AuditFixtures.chain(version: version))
        #expect(audit.findings(.tls, .warning).isEmpty != warned)
    }
}

@Suite("audit: Strict-Transport-Security on the HTTPS response")
struct SiteAuditHSTSTests {
    @Test("No header is a warning, not an error")
    func missing() throws {
        let audit = try AuditFixtures.audit([])
        expectFinding(audit, .hsts, .warning, "no Strict-Transport-Security")
        #expect(!audit.findings.containsErrors)
    }

    @Test("A redirect without the header is told the header belongs on the redirect too")
    func missingOnRedirect() throws {
        let audit = try AuditFixtures.audit([("Location", "https://www.example.com/start")], status: 301)
        expectFinding(audit, .hsts, .warning, "301 redirect")
    }

    @Test("Of several headers only the first counts: a warning, and the others are not linted")
    func several() throws {
        let audit = try AuditFixtures.audit([
            ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
            ("strict-transport-security", "max-age=bogus"),
        ])
        expectFinding(audit, .hsts, .warning, "2 Strict-Transport-Security headers")
        #expect(audit.findings(.hsts, .warning).first?.message.contains("RFC 6797 §8.1") == true)
        #expect(!audit.findings.containsErrors, "\(audit.findings)")
    }

    @Test("The first header is linted by HeaderLint's rules: its findings appear under hsts")
    func linted() throws {
        let value = "max-age=bogus; includeSubDomains"
        let audit = try AuditFixtures.audit([("Strict-Transport-Security", value)])
        let lint = HeaderLint(HeaderField(kind: .strictTransportSecurity, value: value))
        #expect(!lint.findings.isEmpty)
        for finding in lint.findings {
            #expect(audit.findings.contains(AuditFinding(.hsts, finding)), "\(finding)")
        }
        expectFinding(audit, .hsts, .error, "max-age=bogus")
    }

    @Test("A short max-age is explained as a test value")
    func shortMaxAge() throws {
        let audit = try AuditFixtures.audit([("Strict-Transport-Security", "max-age=300; includeSubDomains")])
        expectFinding(audit, .hsts, .note, "test value")
    }

    @Test("Without includeSubDomains there is a note, and nothing about the preload list")
    func withoutIncludeSubDomains() throws {
        let audit = try AuditFixtures.audit(
            [("Strict-Transport-Security", "max-age=300")],
            plainHTTP: AuditFixtures.redirect(to: "https://other.example.net/"))
        expectFinding(audit, .hsts, .note, "without includeSubDomains")
        #expect(!audit.findings.contains { $0.message.contains("preload") }, "\(audit.findings)")
        #expect(audit.findings.allSatisfy { $0.severity == .note }, "\(audit.findings)")
    }

    @Test("Strict-Transport-Security sent over plain HTTP is noted as ignored")
    func overPlainHTTP() throws {
        let probe = PlainHTTPProbe(
            url: AuditFixtures.plainURL,
            outcome: .response(
                AuditFixtures.head(
                    301,
                    [("Location", "https://www.example.com/"), ("Strict-Transport-Security", "max-age=1")])))
        let audit = try AuditFixtures.audit(plainHTTP: probe)
        expectFinding(audit, .hsts, .note, "ignore over plain HTTP")
    }

    @Test("Headers of a site named by IP address are noted as ignored by browsers")
    func ipAddress() throws {
        let url = try HTTPURL(parsing: "https://192.0.2.10/")
        let fields = [
            AuditFixtures.plainHSTS,
            (
                "Public-Key-Pins",
                "pin-sha256=\"\(try AuditFixtures.leafPin)\"; pin-sha256=\"\(try AuditFixtures.backupPin)\"; max-age=600"
            ),
        ]
        let audit = try AuditFixtures.audit(fields, plainHTTP: nil, url: url)
        expectFinding(audit, .hsts, .note, "IP address")
        expectFinding(audit, .hpkp, .note, "IP address")
        let named = try AuditFixtures.audit(fields, plainHTTP: nil)
        #expect(!named.findings.contains { $0.message.contains("IP address") })
    }
}

@Suite("audit: the preload list's rules, only when the header asks for preload")
struct SiteAuditPreloadTests {
    @Test("An eligible site gets a note saying what is left to check, and no warning")
    func eligible() throws {
        let audit = try AuditFixtures.audit([AuditFixtures.preloadHSTS])
        #expect(audit.findings.allSatisfy { $0.severity == .note }, "\(audit.findings)")
        expectFinding(audit, .hsts, .note, "rules that one host shows are met")
    }

    @Test("The header on an HTTPS redirect counts: the redirect itself carries it")
    func onRedirect() throws {
        let audit = try AuditFixtures.audit(
            [AuditFixtures.preloadHSTS, ("Location", "https://www.example.com/home")], status: 301)
        expectFinding(audit, .hsts, .note, "rules that one host shows are met")
    }

    @Test("A header that breaks the list's rules gets HeaderLint's preload warnings")
    func headerRules() throws {
        let audit = try AuditFixtures.audit([("Strict-Transport-Security", "max-age=300; preload")])
        expectFinding(audit, .hsts, .warning, "at least 31536000")
        expectFinding(audit, .hsts, .warning, "includeSubDomains")
        expectFinding(audit, .hsts, .note, "rules that one host shows are met", present: false)
    }

    @Test(
        "Plain HTTP that does not redirect to HTTPS is a warning, and an error when preload is asked",
        arguments: [
            AuditFixtures.redirect(to: "http://www.example.com/"),
            AuditFixtures.redirect(to: "/elsewhere"),
            AuditFixtures.redirect(to: "//www.example.com/"),
            PlainHTTPProbe(url: AuditFixtures.plainURL, outcome: .response(AuditFixtures.head(200))),
            PlainHTTPProbe(url: AuditFixtures.plainURL, outcome: .response(AuditFixtures.head(301))),
        ])
    func notRedirecting(probe: PlainHTTPProbe) throws {
        let plain = try AuditFixtures.audit(plainHTTP: probe)
        #expect(plain.findings(.httpRedirect, .warning).count == 1, "\(plain.findings)")
        #expect(!plain.findings.containsErrors)
        let preload = try AuditFixtures.audit([AuditFixtures.preloadHSTS], plainHTTP: probe)
        #expect(preload.findings(.httpRedirect, .error).count == 1, "\(preload.findings)")
        expectFinding(preload, .hsts, .note, "rules that one host shows are met", present: false)
    }

    @Test("A redirect to HTTPS on another host is a note, and an error when preload is asked")
    func otherHost() throws {
        let probe = AuditFixtures.redirect(to: "https://example.com/")
        let plain = try AuditFixtures.audit(plainHTTP: probe)
        expectFinding(plain, .httpRedirect, .note, "another host")
        #expect(plain.findings(.httpRedirect).allSatisfy { $0.severity == .note })
        let preload = try AuditFixtures.audit([AuditFixtures.preloadHSTS], plainHTTP: probe)
        expectFinding(preload, .httpRedirect, .error, "same host first")
    }

    @Test("A redirect to https on the same host passes, the host compared without case")
    func sameHost() throws {
        let audit = try AuditFixtures.audit(
            [AuditFixtures.preloadHSTS], plainHTTP: AuditFixtures.redirect(to: "HTTPS://WWW.Example.COM/x?y"))
        #expect(audit.findings(.httpRedirect).isEmpty, "\(audit.findings)")
    }

    @Test("Nothing listening on port 80 is fine, even for preload")
    func nothingListening() throws {
        let audit = try AuditFixtures.audit([AuditFixtures.preloadHSTS], plainHTTP: AuditFixtures.refused)
        expectFinding(audit, .httpRedirect, .note, "nothing listens")
        #expect(audit.findings.allSatisfy { $0.severity == .note }, "\(audit.findings)")
    }

    @Test("Plain HTTP that times out is a note, and a warning when preload is asked")
    func timedOut() throws {
        let probe = PlainHTTPProbe(
            url: AuditFixtures.plainURL,
            outcome: .failed(PinHashError(.timedOut, "timed out after 10 s connecting to 192.0.2.10 port 80"))
        )
        expectFinding(try AuditFixtures.audit(plainHTTP: probe), .httpRedirect, .note, "timed out")
        expectFinding(
            try AuditFixtures.audit([AuditFixtures.preloadHSTS], plainHTTP: probe), .httpRedirect, .warning,
            "timed out")
    }

    @Test("Preload needs a valid certificate: an untrusted chain is an hsts error as well")
    func untrusted() throws {
        let audit = try AuditFixtures.audit(
            [AuditFixtures.preloadHSTS], chain: AuditFixtures.chain(trusted: false))
        expectFinding(audit, .hsts, .error, "requires a valid certificate")
        let without = try AuditFixtures.audit(chain: AuditFixtures.chain(trusted: false))
        #expect(without.findings(.hsts, .error).isEmpty)
    }

    @Test("Preload with --no-http or --cafile says what was not checked against the real list's view")
    func notChecked() throws {
        let audit = try AuditFixtures.audit(
            [AuditFixtures.preloadHSTS], chain: AuditFixtures.chain(caFile: "root.pem"), plainHTTP: nil)
        expectFinding(audit, .hsts, .note, "not checked")
        expectFinding(audit, .hsts, .note, "root.pem")
        #expect(try AuditFixtures.audit(plainHTTP: nil).findings(.httpRedirect).isEmpty)
    }

    @Test("An HTTPS response that redirects to plain HTTP is a warning")
    func downgrade() throws {
        let audit = try AuditFixtures.audit(
            [AuditFixtures.plainHSTS, ("Location", "http://www.example.com/")], status: 302)
        expectFinding(audit, .httpRedirect, .warning, "plain HTTP")
    }
}

@Suite("audit: Public-Key-Pins and Public-Key-Pins-Report-Only against the served chain")
struct SiteAuditHPKPTests {
    static func pins(_ pins: [String], _ rest: String = "max-age=600; report-uri=\"https://example.com/r\"")
        -> String
    {
        (pins.map { "pin-sha256=\"\($0)\"" } + [rest]).joined(separator: "; ")
    }

    @Test("A pin of the leaf and a backup: no error, a note per pin naming what it matches")
    func good() throws {
        let leaf = try AuditFixtures.leafPin
        let backup = try AuditFixtures.backupPin
        let audit = try AuditFixtures.audit([("Public-Key-Pins", Self.pins([leaf, backup]))])
        #expect(!audit.findings(.hpkp).contains { $0.severity != .note }, "\(audit.findings(.hpkp))")
        expectFinding(audit, .hpkp, .note, "\(leaf) matches the leaf CN=www.example.com")
        expectFinding(audit, .hpkp, .note, "\(backup) is a backup")
    }

    @Test("No pin matching the chain is an error; for report-only a warning")
    func noMatch() throws {
        let backup = try AuditFixtures.backupPin
        let other = try AuditFixtures.manifestPin("keys/ed25519.pkcs8.pem")
        let enforced = try AuditFixtures.audit([("Public-Key-Pins", Self.pins([backup, other]))])
        expectFinding(enforced, .hpkp, .error, "no pin matches")
        let reportOnly = try AuditFixtures.audit([
            ("Public-Key-Pins-Report-Only", Self.pins([backup, other]))
        ])
        expectFinding(reportOnly, .hpkp, .warning, "no pin matches")
        #expect(!reportOnly.findings.containsErrors, "\(reportOnly.findings)")
    }

    @Test("Every pin in the chain leaves no backup: an error")
    func noBackup() throws {
        let audit = try AuditFixtures.audit([
            ("Public-Key-Pins", Self.pins([try AuditFixtures.leafPin, try AuditFixtures.intermediatePin]))
        ])
        expectFinding(audit, .hpkp, .error, "no backup pin")
    }

    @Test("A pin of the root the server does not send but the verified chain ends in matches")
    func unsentRoot() throws {
        let root = try AuditFixtures.rootPin
        let audit = try AuditFixtures.audit([
            ("Public-Key-Pins", Self.pins([root, try AuditFixtures.backupPin]))
        ])
        #expect(!audit.findings.containsErrors, "\(audit.findings)")
        expectFinding(audit, .hpkp, .note, "\(root) matches the root CN=Pinhash Test Root CA")
        #expect(
            audit.pinnableCertificates.map(\.pin.base64) == [
                try AuditFixtures.leafPin, try AuditFixtures.intermediatePin, root,
            ])
        // Untrusted: nothing was built, so the unsent root is no match.
        let untrusted = try AuditFixtures.audit(
            [("Public-Key-Pins", Self.pins([root, try AuditFixtures.backupPin]))],
            chain: AuditFixtures.chain(trusted: false))
        expectFinding(untrusted, .hpkp, .error, "no pin matches")
    }

    @Test("A pin of a certificate sent but outside the verified chain is a warning")
    func sentButUnused() throws {
        let extra = try PinReader(inputType: .certificate).pins(inFileAt: Fixtures.path("certs/v1-root.pem"))
        let sent = Array(try AuditFixtures.chainCertificates().prefix(2)) + extra
        let extraPin = try AuditFixtures.manifestPin("certs/v1-root.pem")
        let audit = try AuditFixtures.audit(
            [("Public-Key-Pins", Self.pins([extraPin, try AuditFixtures.backupPin]))],
            chain: AuditFixtures.chain(sent: sent))
        let role = try #require(try Fixtures.file("certs/v1-root.pem").rows.first).role
        expectFinding(audit, .hpkp, .warning, "\(extraPin) matches the \(role) CN=Pinhash Test v1 Root")
    }

    @Test("HeaderLint's findings come through under hpkp, named by header: one pin, max-age over 60 days")
    func linted() throws {
        let value = Self.pins([try AuditFixtures.leafPin], "max-age=31536000")
        let audit = try AuditFixtures.audit([("Public-Key-Pins", value)])
        for finding in HeaderLint(HeaderField(kind: .publicKeyPins, value: value)).findings {
            #expect(
                audit.findings.contains(AuditFinding(.hpkp, finding, prefix: "Public-Key-Pins: ")),
                "\(finding)")
        }
        expectFinding(audit, .hpkp, .error, "only one distinct valid pin")
        expectFinding(audit, .hpkp, .warning, "longer than the 60 days")
    }

    @Test("report-uri: required for report-only (an error), a note when Public-Key-Pins lacks it")
    func reportURI() throws {
        let pins = [try AuditFixtures.leafPin, try AuditFixtures.backupPin]
        let reportOnly = try AuditFixtures.audit([
            ("Public-Key-Pins-Report-Only", Self.pins(pins, "max-age=600"))
        ])
        expectFinding(reportOnly, .hpkp, .error, "without report-uri")
        let enforced = try AuditFixtures.audit([("Public-Key-Pins", Self.pins(pins, "max-age=600"))])
        expectFinding(enforced, .hpkp, .note, "no report-uri")
        #expect(!enforced.findings.containsErrors)
    }

    @Test("Of several Public-Key-Pins headers only the first counts")
    func several() throws {
        let pins = Self.pins([try AuditFixtures.leafPin, try AuditFixtures.backupPin])
        let audit = try AuditFixtures.audit([("Public-Key-Pins", pins), ("Public-Key-Pins", "garbage")])
        expectFinding(audit, .hpkp, .warning, "2 Public-Key-Pins headers")
        #expect(!audit.findings.containsErrors, "\(audit.findings)")
    }

    @Test("A pinning header brings a note that browsers no longer enforce HPKP; no header, no hpkp finding")
    func deprecated() throws {
        let pins = Self.pins([try AuditFixtures.leafPin, try AuditFixtures.backupPin])
        expectFinding(
            try AuditFixtures.audit([("Public-Key-Pins", pins)]), .hpkp, .note, "no current browser enforces")
        #expect(try AuditFixtures.audit().findings(.hpkp).isEmpty)
    }

    @Test("Public-Key-Pins over plain HTTP is noted as ignored")
    func overPlainHTTP() throws {
        let probe = PlainHTTPProbe(
            url: AuditFixtures.plainURL,
            outcome: .response(
                AuditFixtures.head(301, [("Location", "https://www.example.com/"), ("Public-Key-Pins", "x")]))
        )
        expectFinding(try AuditFixtures.audit(plainHTTP: probe), .hpkp, .note, "RFC 7469 §2.2.2")
    }
}

@Suite("audit: the report")
struct SiteAuditReportTests {
    @Test("Every error and warning has a fix, and every finding is one line even with control characters")
    func oneLineWithFixes() throws {
        let audit = try AuditFixtures.audit(
            [("Strict-Transport-Security", "max-age=1\u{1B}[31m; bogus\u{0A}x")],
            chain: AuditFixtures.chain(trusted: false),
            plainHTTP: AuditFixtures.redirect(to: "http://www.example.com/\u{1B}[2J"))
        #expect(audit.findings.containsErrors)
        for finding in audit.findings {
            if finding.severity != .note { #expect(finding.fix != nil, "\(finding)") }
            #expect(
                !finding.description.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                "\(finding)")
        }
        #expect(audit.text.contains("\\u{1B}[2J"))
        #expect(!audit.text.contains("\u{1B}"))
    }

    @Test("The text report lists the certificates sent as --all prints them, then the findings and a count")
    func text() throws {
        let audit = try AuditFixtures.audit([])
        let lines = audit.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let rows = try Fixtures.manifest().filter { $0.file == "certs/chain.pem" }
        for row in rows.prefix(2) {
            #expect(lines.contains("\(row.pin)  \(row.role)  \(row.subject)"), "\(row)")
        }
        // The root the verified chain ends in, which the server did not send.
        let root = try #require(rows.last)
        #expect(lines.contains("\(root.pin)  \(root.role)  \(root.subject)  (not sent)"))
        #expect(
            lines.contains(
                "warning: hsts: " + audit.findings(.hsts, .warning)[0].message + "; "
                    + (audit.findings(.hsts, .warning)[0].fix ?? "")))
        #expect(
            lines.contains(
                "http: http://www.example.com/: HTTP/1.1 301 Moved Permanently, Location: https://www.example.com/"
            ))
        #expect(lines.dropLast().last == "0 errors, 1 warning, 0 notes")
    }

    @Test("The JSON report holds the connection, the chain, both responses' headers and the findings")
    func json() throws {
        let audit = try AuditFixtures.audit([AuditFixtures.plainHSTS, ("X-Quote", "a \"b\" \\ c")])
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(audit.json.utf8)) as? [String: Any])
        #expect(object["url"] as? String == "https://www.example.com/")
        #expect(object["address"] as? String == "192.0.2.10")
        let tls = try #require(object["tls"] as? [String: Any])
        #expect(tls["version"] as? String == "TLSv1.3")
        #expect(tls["verified"] as? Bool == true)
        let chain = try #require(object["chain"] as? [[String: Any]])
        // The verified chain ends in the root, which the server did not send.
        let root = try #require(try Fixtures.file("certs/chain.pem").rows.last)
        #expect(
            chain.compactMap { $0["pin"] as? String } == [
                try AuditFixtures.leafPin, try AuditFixtures.intermediatePin, root.pin,
            ])
        #expect(chain.compactMap { $0["role"] as? String } == ["leaf", "intermediate", root.role])
        #expect(chain.compactMap { $0["sent"] as? Bool } == [true, true, false])
        let headers = try #require(object["headers"] as? [String: Any])
        let https = try #require(headers["https"] as? [[String: String]])
        #expect(https.contains { $0["name"] == "X-Quote" && $0["value"] == "a \"b\" \\ c" })
        let http = try #require(headers["http"] as? [[String: String]])
        #expect(http == [["name": "Location", "value": "https://www.example.com/"]])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == audit.findings.count)
        #expect(findings.allSatisfy { ["error", "warning", "note"].contains($0["level"] as? String ?? "") })
        #expect(object["errors"] as? Int == 0)
    }

    @Test("JSON says null for a plain-HTTP check not made, and gives the error of one that failed")
    func jsonPlainHTTP() throws {
        let skipped = try #require(
            try JSONSerialization.jsonObject(with: Data(try AuditFixtures.audit(plainHTTP: nil).json.utf8))
                as? [String: Any])
        #expect(skipped["http"] is NSNull)
        let refused = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try AuditFixtures.audit(plainHTTP: AuditFixtures.refused).json.utf8))
                as? [String: Any])
        let http = try #require(refused["http"] as? [String: Any])
        #expect((http["error"] as? String)?.hasPrefix("connection refused") == true)
        #expect(http["status"] is NSNull)
    }
}

@Suite("audit: fixes found trying audit as a new user")
struct SiteAuditNewUserFixTests {
    @Test(
        "A report-uri on the pinned host itself is a warning: its reports would cross the failing connection")
    func reportURIOnPinnedHost() throws {
        let leaf = try AuditFixtures.leafPin
        let backup = try AuditFixtures.backupPin
        let pins = "pin-sha256=\"\(leaf)\"; pin-sha256=\"\(backup)\"; max-age=600"
        let onHost = try AuditFixtures.audit([
            AuditFixtures.plainHSTS,
            ("Public-Key-Pins", pins + "; report-uri=\"https://www.example.com/hpkp\""),
        ])
        #expect(
            onHost.findings.contains {
                $0.area == .hpkp && $0.severity == .warning
                    && $0.message.contains("is on the pinned host www.example.com itself")
            }, "\(onHost.findings)")
        let elsewhere = try AuditFixtures.audit([
            AuditFixtures.plainHSTS,
            ("Public-Key-Pins", pins + "; report-uri=\"https://reports.example.net/hpkp\""),
        ])
        #expect(!elsewhere.findings.contains { $0.message.contains("is on the pinned host") })
    }

    @Test("When no pin matches the chain, no pin is called a backup")
    func noBackupWordingWithoutMatch() throws {
        let other = try AuditFixtures.manifestPin("keys/ed25519.pkcs8.pem")
        let backup = try AuditFixtures.backupPin
        let audit = try AuditFixtures.audit([
            AuditFixtures.plainHSTS,
            ("Public-Key-Pins", "pin-sha256=\"\(other)\"; pin-sha256=\"\(backup)\"; max-age=600"),
        ])
        let hpkp = audit.findings.filter { $0.area == .hpkp }.map(\.message)
        #expect(!hpkp.contains { $0.contains("is a backup") }, "\(hpkp)")
        #expect(hpkp.contains { $0.contains("pin-sha256 \(other) matches no certificate of the chain") })
        // With a matching pin, the other one is the backup.
        let leaf = try AuditFixtures.leafPin
        let good = try AuditFixtures.audit([
            AuditFixtures.plainHSTS,
            ("Public-Key-Pins", "pin-sha256=\"\(leaf)\"; pin-sha256=\"\(backup)\"; max-age=600"),
        ])
        #expect(good.findings.contains { $0.message.contains("pin-sha256 \(backup) is a backup") })
    }

    @Test("By IP address with a preload header: no preload rule, no advice to redirect to https://IP")
    func ipAddressHasNoPreloadNoise() throws {
        let url = try HTTPURL(parsing: "https://192.0.2.10/")
        let ok = PlainHTTPProbe(
            url: PlainHTTPProbe.url(for: url), outcome: .response(AuditFixtures.head(200)))
        let audit = try AuditFixtures.audit(
            [AuditFixtures.preloadHSTS], chain: try AuditFixtures.chain(url: url), plainHTTP: ok, url: url)
        #expect(!audit.findings.contains { $0.message.contains("preload list") }, "\(audit.findings)")
        #expect(
            !audit.findings.contains { ($0.fix ?? "").contains("https://192.0.2.10") }, "\(audit.findings)")
        #expect(!audit.findings.contains { $0.area == .httpRedirect })
    }
}
