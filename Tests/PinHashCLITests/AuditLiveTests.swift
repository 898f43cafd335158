import Foundation
import PinHashTestSupport
import Testing

/// `pinhash audit` against nginx on loopback (LiveTLSServers.swift) serving the fixture chain with good
/// and bad HSTS and HPKP headers; expected pins come from the fixture manifest.
@Suite(
    "pinhash audit against live servers", .serialized,
    .enabled(if: LiveTools.nginx != nil, "nginx is not installed: apt-get install nginx"))
struct AuditLiveTests {
    /// The manifest rows of the certificates nginx sends, in order.
    static func sentRows() throws -> [ManifestRow] {
        let manifest = try Fixtures.manifest()
        return try LiveNginxSite.sent.map { file in
            try #require(manifest.first { $0.file == file && $0.position == 1 }, "\(file) in manifest.tsv")
        }
    }

    /// A pin from the manifest, so that no header is written with a pin pinhash computed.
    static func manifestPin(_ file: String) throws -> String {
        try #require(try Fixtures.manifest().first { $0.file == file }).pin
    }

    /// `pinhash audit https://www.example.com:PORT/` connected to `address`, trusting the fixture root.
    static func audit(
        _ site: LiveNginxSite, on address: Loopback = .ipv4, path: String = "/", trusted: Bool = true,
        _ extra: [String] = []
    ) throws -> ProcessOutput {
        var arguments = [
            "audit", "https://www.example.com:\(site.httpsPort)\(path)", "--address", address.address,
            "--timeout", "10",
        ]
        if trusted { arguments += ["--cafile", "certs/root.pem"] }
        if let httpPort = site.httpPort { arguments += ["--http-port", String(httpPort)] }
        return try run(arguments + extra, timeout: 60)
    }

    /// The report's certificate lines are those `pinhash --all` prints, from the manifest.
    static func expectChainLines(_ output: ProcessOutput, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        for row in try sentRows() {
            #expect(
                output.stdoutLines.contains("\(row.pin)  \(row.role)  \(row.subject)"),
                "\(row.file) missing from:\n\(output.stdout)", sourceLocation: sourceLocation)
        }
    }

    static func findings(_ output: ProcessOutput, _ level: String) -> [String] {
        output.stdoutLines.filter { $0.hasPrefix("\(level): ") }
    }

    @Test(
        "A www site otherwise ready for preload, report-only pins and a backup: only domain.is_subdomain")
    func goodSite() throws {
        let leaf = try Self.manifestPin("certs/leaf.pem")
        let backup = try Self.manifestPin("keys/ec-p256.pkcs8.pem")
        let site = try LiveNginxSite(
            httpsHeaders: [
                .init(
                    "Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload", always: true),
                .init(
                    "Public-Key-Pins-Report-Only",
                    "pin-sha256=\"\(leaf)\"; pin-sha256=\"\(backup)\"; max-age=600; "
                        + "report-uri=\"https://example.com/hpkp\""),
            ],
            http: .redirect)
        defer { site.stop() }
        for address in site.addresses {
            let output = try Self.audit(site, on: address)
            // The header asks for preload, so hstspreload's checks run: www.example.com is a subdomain,
            // the one thing they find; nothing else is an error or a warning.
            #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
            #expect(output.stderr.isEmpty)
            try Self.expectChainLines(output)
            #expect(output.stdoutLines.contains("address: \(address.address)"))
            #expect(
                output.stdoutLines.contains("chain: trusted for www.example.com by the CAs in certs/root.pem")
            )
            #expect(
                Self.findings(output, "error") == [
                    "error: preload: domain.is_subdomain: `www.example.com` is a subdomain. Please preload "
                        + "`example.com` instead. (Due to the size of the preload list and the behaviour of "
                        + "cookies across subdomains, we only accept automated preload list submissions of "
                        + "whole registered domains.)"
                ], "\(output.stdout)")
            #expect(Self.findings(output, "warning").isEmpty, "\(output.stdout)")
            #expect(
                output.stdout.contains(
                    "note: hpkp: Public-Key-Pins-Report-Only: pin-sha256 \(leaf) matches the leaf"))
            #expect(output.stdoutLines.last?.hasPrefix("1 error, 0 warnings, ") == true)
        }
    }

    @Test(
        "Bad headers: pins that match nothing, preload without includeSubDomains, plain HTTP not redirecting")
    func badSite() throws {
        let other = try Self.manifestPin("keys/ed25519.pkcs8.pem")
        let backup = try Self.manifestPin("keys/ec-p256.pkcs8.pem")
        let site = try LiveNginxSite(
            httpsHeaders: [
                .init("Strict-Transport-Security", "max-age=300; preload"),
                .init("Public-Key-Pins", "pin-sha256=\"\(other)\"; pin-sha256=\"\(backup)\"; max-age=600"),
            ],
            http: .ok(headers: [.init("Strict-Transport-Security", "max-age=300")]))
        defer { site.stop() }
        let output = try Self.audit(site)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        try Self.expectChainLines(output)
        let errors = Self.findings(output, "error")
        #expect(
            errors.contains { $0.hasPrefix("error: hpkp: Public-Key-Pins: no pin matches") },
            "\(output.stdout)")
        // hstspreload's codes stand for the preload list's rules; pinhash's own redirect check warns.
        for code in [
            "domain.is_subdomain", "header.preloadable.include_sub_domains.missing",
            "redirects.http.no_redirect",
        ] {
            #expect(
                errors.contains { $0.hasPrefix("error: preload: \(code): ") }, "\(code): \(output.stdout)")
        }
        let warnings = Self.findings(output, "warning")
        #expect(
            warnings.contains {
                $0.hasPrefix("warning: http-redirect: ") && $0.contains("without redirecting")
            })
        #expect(warnings.contains { $0.hasPrefix("warning: preload: redirects.http.useless_header: ") })
        #expect(
            output.stdout.contains(
                "note: hsts: http://www.example.com:\(site.httpPort!)/ sends Strict-Transport-Security"))
        #expect(output.stdout.contains("note: hpkp: no current browser enforces HPKP"))
    }

    @Test("Without --cafile the fixture chain is untrusted: a certificate error, exit 1")
    func untrusted() throws {
        let site = try LiveNginxSite(httpsHeaders: [.init("Strict-Transport-Security", "max-age=31536000")])
        defer { site.stop() }
        let output = try Self.audit(site, trusted: false)
        #expect(output.status == 1, "\(output.stdout)\(output.stderr)")
        #expect(
            Self.findings(output, "error").first?.hasPrefix(
                "error: certificate: the certificate chain is not trusted for www.example.com by the system trust store: "
                    + "unable to get local issuer certificate") == true, "\(output.stdout)")
    }

    @Test("No HSTS header is a warning (exit 0); nothing on the HTTP port is a note")
    func noHeaderNothingListening() throws {
        let site = try LiveNginxSite()
        defer { site.stop() }
        let port = try Loopback.ipv4.refusingPort()
        let output = try Self.audit(site, ["--http-port", String(port)])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(
            Self.findings(output, "warning").contains {
                $0.hasPrefix("warning: hsts: the HTTPS response has no")
            })
        #expect(
            output.stdout.contains("note: http-redirect: nothing listens at http://www.example.com:\(port)/"))
        let skipped = try Self.audit(site, ["--no-http"])
        #expect(skipped.stdoutLines.contains("http: not checked"))
        #expect(!skipped.stdout.contains("http-redirect"))
    }

    @Test("A plain-HTTP port that never answers is a note, not a failure, within --timeout")
    func silentHTTPPort() throws {
        let site = try LiveNginxSite(httpsHeaders: [.init("Strict-Transport-Security", "max-age=31536000")])
        defer { site.stop() }
        let silent = try LoopbackTCPServer(.neverAnswers)
        defer { silent.stop() }
        let output = try run(
            [
                "audit", "https://www.example.com:\(site.httpsPort)/", "--address", "127.0.0.1", "--cafile",
                "certs/root.pem", "--http-port", String(silent.port), "--timeout", "1",
            ], timeout: 30)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        #expect(
            output.stdout.contains(
                "note: http-redirect: http://www.example.com:\(silent.port)/ could not be checked: timed out"),
            "\(output.stdout)")
    }

    @Test("--format json: the chain from the manifest, both responses' headers, the findings")
    func json() throws {
        let site = try LiveNginxSite(
            httpsHeaders: [.init("Strict-Transport-Security", "max-age=31536000; includeSubDomains")],
            http: .redirect)
        defer { site.stop() }
        let output = try Self.audit(site, ["--format", "json"])
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(object["url"] as? String == "https://www.example.com:\(site.httpsPort)/")
        let tls = try #require(object["tls"] as? [String: Any])
        #expect(tls["verified"] as? Bool == true)
        let chain = try #require(object["chain"] as? [[String: Any]])
        // The certificates sent, then the root the chain verified with --cafile ends in, not sent.
        let rows = try Self.sentRows() + [try Fixtures.file("certs/root.pem").rows[0]]
        #expect(chain.compactMap { $0["pin"] as? String } == rows.map(\.pin))
        #expect(chain.compactMap { $0["subject"] as? String } == rows.map(\.subject))
        #expect(chain.compactMap { $0["sent"] as? Bool } == [true, true, false])
        let headers = try #require(object["headers"] as? [String: Any])
        let https = try #require(headers["https"] as? [[String: String]])
        #expect(
            https.contains {
                $0["name"] == "Strict-Transport-Security"
                    && $0["value"] == "max-age=31536000; includeSubDomains"
            })
        let http = try #require(headers["http"] as? [[String: String]])
        #expect(
            http.contains {
                $0["name"] == "Location" && $0["value"] == "https://www.example.com:\(site.httpsPort)/"
            })
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.allSatisfy { $0["level"] as? String == "note" }, "\(findings)")
    }

    @Test("A site that cannot be fetched over HTTPS: one line on stderr, nothing on stdout, exit 2")
    func unreachable() throws {
        let port = try Loopback.ipv4.refusingPort()
        let refused = try run(["audit", "https://www.example.com:\(port)/", "--address", "127.0.0.1"])
        #expect(refused.status == 2)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderrIsOneLine)
        #expect(
            refused.stderr.hasPrefix(
                "pinhash: www.example.com:\(port): connection refused by 127.0.0.1 port \(port)"),
            "\(refused.stderr)")

        let silent = try LoopbackTCPServer(.neverAnswers)
        defer { silent.stop() }
        let timedOut = try run(
            ["audit", "https://www.example.com:\(silent.port)/", "--address", "127.0.0.1", "--timeout", "1"])
        #expect(timedOut.status == 2)
        #expect(timedOut.stderr.contains(": timed out after 1 s"), "\(timedOut.stderr)")
    }

    @Test(
        "The report words the library's remedies with pinhash's options: --cafile, --address, --no-http, --format"
    )
    func remediesNameTheOptions() throws {
        let leaf = try Self.manifestPin("certs/leaf.pem")
        let backup = try Self.manifestPin("keys/ec-p256.pkcs8.pem")
        let site = try LiveNginxSite(
            httpsHeaders: [
                .init(
                    "Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload", always: true),
                .init("Public-Key-Pins", "pin-sha256=\"\(leaf)\"; pin-sha256=\"\(backup)\"; max-age=600"),
            ],
            on: [.ipv4])
        defer { site.stop() }
        // By IP address, without --cafile (the fixture root is not a system CA), and without plain HTTP.
        let url = "https://127.0.0.1:\(site.httpsPort)/"
        let text = try run(["audit", url, "--no-http", "--timeout", "10"], timeout: 60)
        #expect(text.status == 1, "\(text.stdout)\(text.stderr)")
        let expected = [
            "; use a certificate from a CA browsers trust, or pass --cafile with the CA that issued it",
            "; audit the site by its name (--address IP connects to this address)",
            "; pin in your own apps instead (pinhash --format okhttp, android or ios) and rely on Certificate "
                + "Transparency for browsers",
        ]
        for phrase in expected {
            #expect(
                text.stdoutLines.contains { $0.hasSuffix(phrase) }, "\(phrase) missing from:\n\(text.stdout)")
        }
        let json = try run(["audit", url, "--no-http", "--timeout", "10", "--format", "json"], timeout: 60)
        #expect(json.status == 1)
        #expect(
            json.stdout.contains(
                "\"fix\": \"audit the site by its name (--address IP connects to this address)\""))
    }

    @Test("Usage errors exit 64: an http:// URL, --http-port with --no-http, an unknown format")
    func usage() throws {
        for arguments in [
            ["audit", "http://www.example.com/"],
            ["audit", "https://www.example.com/", "--http-port", "8080", "--no-http"],
            ["audit", "https://www.example.com/", "--http-port", "0"],
            ["audit", "https://www.example.com/", "--format", "xml"],
        ] {
            let output = try run(arguments)
            #expect(output.status == 64, "\(arguments): \(output.stderr)")
            #expect(output.stdout.isEmpty)
        }
    }
}
