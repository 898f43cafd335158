import Foundation
import Testing

/// The loopback servers of LiveTLSServers.swift do what the `--connect` and `audit` tests rely on, seen by
/// curl rather than by pinhash.
@Suite(
    "Live server harness", .serialized,
    .enabled(if: LiveTools.nginx != nil, "nginx is not installed: apt-get install nginx"),
    .enabled(if: LiveTools.curl != nil, "curl is not installed: apt-get install curl"))
struct LiveServerHarnessTests {
    /// `curl -sS -D - URL` trusting the fixture root, for `www.example.com` resolved to `address`.
    static func fetch(_ scheme: String, _ address: Loopback, port: Int, path: String = "/") throws
        -> ProcessOutput
    {
        let curl = try #require(LiveTools.curl)
        return try runProcess(
            curl,
            [
                "-q", "-sS", "-o", "/dev/null", "-D", "-", "--noproxy", "*", "--max-time", "20", "--cacert",
                "certs/root.pem", "--resolve", "www.example.com:\(port):\(address.address)",
                "\(scheme)://www.example.com:\(port)\(path)",
            ], stdin: nil, environment: [:], timeout: 60, sourceLocation: #_sourceLocation)
    }

    @Test("nginx sends the HTTPS headers (always ones too) and redirects plain HTTP to the HTTPS port")
    func headersAndRedirect() throws {
        let hsts = "max-age=63072000; includeSubDomains; preload"
        let pins = "pin-sha256=\"Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=\"; max-age=600"
        let site = try LiveNginxSite(
            httpsHeaders: [
                .init("Strict-Transport-Security", hsts, always: true),
                .init("Public-Key-Pins-Report-Only", pins),
            ],
            http: .redirect)
        defer { site.stop() }
        let httpPort = try #require(site.httpPort)
        for address in site.addresses {
            let https = try Self.fetch("https", address, port: site.httpsPort, path: "/a?b=c")
            #expect(https.status == 0, "curl: \(https.stderr)")
            #expect(https.stdout.hasPrefix("HTTP/1.1 200 "), "\(https.stdout)")
            #expect(headerValues("Strict-Transport-Security", in: https.stdout) == [hsts])
            #expect(headerValues("Public-Key-Pins-Report-Only", in: https.stdout) == [pins])
            let http = try Self.fetch("http", address, port: httpPort, path: "/a?b=c")
            #expect(http.stdout.hasPrefix("HTTP/1.1 301 "), "\(http.stdout)")
            #expect(
                headerValues("Location", in: http.stdout) == [
                    "https://www.example.com:\(site.httpsPort)/a?b=c"
                ])
        }
    }

    @Test("nginx's plain-HTTP server can answer 200 with its own headers; without one httpPort is nil")
    func plainHTTP() throws {
        let site = try LiveNginxSite(http: .ok(headers: [.init("Strict-Transport-Security", "max-age=300")]))
        defer { site.stop() }
        let http = try Self.fetch("http", .ipv4, port: try #require(site.httpPort))
        #expect(http.stdout.hasPrefix("HTTP/1.1 200 "), "\(http.stdout)")
        #expect(headerValues("Strict-Transport-Security", in: http.stdout) == ["max-age=300"])
        let https = try Self.fetch("https", .ipv4, port: site.httpsPort)
        #expect(headerValues("Strict-Transport-Security", in: https.stdout) == [])

        let httpsOnly = try LiveNginxSite()
        defer { httpsOnly.stop() }
        #expect(httpsOnly.httpPort == nil)
    }
}
