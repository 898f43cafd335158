import Foundation
import PinHashTestSupport
import Testing

/// Loopback sites for hstspreload's checks: one nginx with a virtual host per site (SNI on one HTTPS
/// port, Host on one HTTP port), a TLS 1.2 server without ECDHE+AEAD suites on a second HTTPS port, and
/// certificates made by `Tests/Support/preload-certs.sh` with the openssl command line (a SHA-1 signed
/// intermediate among them). Every name connects to 127.0.0.1 (`--address`), but `www.nowww.test`, sent
/// to 127.0.0.2 where nothing listens (`--resolve`).
final class PreloadSites {
    static let goodHeader = "max-age=31536000; includeSubDomains; preload"
    static let script = PackagePaths.root.appendingPathComponent("Tests/Support/preload-certs.sh").path

    /// One virtual host: its names, the Strict-Transport-Security values it sends (on every response,
    /// redirects too), its HTTPS and HTTP locations (nil: redirect to HTTPS on the same host and path).
    struct Site {
        var names: [String]
        var headers: [String] = [PreloadSites.goodHeader]
        var https: String? = nil
        var http: String? = nil
        var chain = "sha256"
    }

    let group: LiveServerGroup
    let httpsPort: Int
    let weakPort: Int
    let httpPort: Int
    /// openssl s_server with the chain under the SHA-1 signed intermediate: nginx refuses to load it
    /// ("ca md too weak" at OpenSSL's default security level), s_server at level 0 serves it.
    let sha1Port: Int
    var certificates: URL { group.directory }
    var rootPath: String { group.directory.appendingPathComponent("root.pem").path }

    init(sites: (_ https: Int, _ http: Int) -> [Site], weak: Site?, certificateNames: [String]) throws {
        let nginx = try #require(LiveTools.nginx, "nginx is not installed")
        let group = try LiveServerGroup()
        self.group = group
        let made = try runProcess(
            "/bin/sh", [Self.script, group.directory.path] + certificateNames, stdin: nil, environment: [:],
            timeout: 120, sourceLocation: #_sourceLocation)
        guard made.status == 0 else { throw LiveServerError("preload-certs.sh: \(made.stderr)") }
        var chosen: (Int, Int, Int)?
        var lastLog = ""
        for _ in 0..<5 {
            let free = try Loopback.freePorts(3)
            let ports = (free[0], free[1], free[2])
            let (https, weakPort, http) = ports
            let directory = group.directory.path
            func tls(_ chain: String) -> String {
                "ssl_certificate \(directory)/chain-\(chain).pem; ssl_certificate_key \(directory)/leaf-\(chain).key;"
            }
            func server(_ site: Site, port: Int, extra: String = "", defaultServer: Bool = false) -> [String]
            {
                let headers = site.headers.map { "add_header Strict-Transport-Security \"\($0)\" always;" }
                let names = site.names.joined(separator: " ")
                let redirect = "location / { return 301 https://$host:\(port)$request_uri; }"
                return [
                    "server { listen 127.0.0.1:\(port) ssl\(defaultServer ? " default_server" : ""); server_name \(names); "
                        + "\(tls(site.chain)) \(extra) \(headers.joined(separator: " ")) "
                        + "\(site.https ?? "location / { return 200 \"ok\\n\"; }") }",
                    "server { listen 127.0.0.1:\(http); server_name \(names); \(site.http ?? redirect) }",
                ]
            }
            var servers = [
                // Names no site has land here: a certificate not valid for them, 200 on plain HTTP.
                "server { listen 127.0.0.1:\(https) ssl default_server; server_name _; \(tls("sha256")) "
                    + "add_header Strict-Transport-Security \"\(Self.goodHeader)\" always; "
                    + "location / { return 200 \"ok\\n\"; } }",
                "server { listen 127.0.0.1:\(http) default_server; server_name _; location / { return 200 \"ok\\n\"; } }",
            ]
            for site in sites(https, http) { servers += server(site, port: https) }
            if let weak {
                servers += server(
                    weak, port: weakPort,
                    extra: "ssl_protocols TLSv1.2; ssl_ciphers ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA;",
                    defaultServer: true)
            }
            let configuration = nginxConfiguration(prefix: directory, servers: servers.map { "    " + $0 })
                .replacingOccurrences(
                    of: "http {\n", with: "http {\n    server_names_hash_bucket_size 128;\n")
            let file = group.directory.appendingPathComponent("nginx.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            let process = try group.start(
                nginx, ["-c", file.path, "-p", "\(directory)/", "-e", "\(directory)/nginx-error.log"],
                log: "nginx.log")
            let listening = process.wait {
                [https, weakPort, http].allSatisfy { acceptsConnections(.ipv4, port: $0) }
            }
            if listening {
                chosen = ports
                break
            }
            group.stopProcesses()
            lastLog = process.output + group.contents(of: "nginx-error.log") + "\n" + configuration
            if !lastLog.contains("in use") { break }
        }
        guard let chosen else { throw LiveServerError("nginx did not start:\n\(lastLog)") }
        (httpsPort, weakPort, httpPort) = chosen
        let openssl = try #require(LiveTools.openssl, "openssl is not installed")
        var sha1: Int?
        for _ in 0..<5 {
            let port = try Loopback.freePort()
            let directory = group.directory.path
            let process = try group.start(
                openssl,
                [
                    "s_server", "-accept", "127.0.0.1:\(port)", "-cert", "\(directory)/leaf-sha1.pem", "-key",
                    "\(directory)/leaf-sha1.key", "-cert_chain", "\(directory)/int-sha1.pem", "-cipher",
                    "DEFAULT:@SECLEVEL=0", "-www",
                ], log: "s_server-\(port).log")
            if process.wait(until: { process.output.contains("ACCEPT") }) {
                sha1 = port
                break
            }
        }
        guard let sha1 else { throw LiveServerError("openssl s_server did not start") }
        sha1Port = sha1
    }

    func stop() { group.stop() }

    /// The options every audit of these sites takes.
    var connection: [String] {
        [
            "--address", "127.0.0.1", "--cafile", rootPath, "--http-port", String(httpPort), "--timeout",
            "10",
            "--resolve", "www.nowww.test:\(httpsPort):127.0.0.2",
        ]
    }
}

@Suite(
    "hstspreload's checks against loopback nginx and Apache sites", .serialized,
    .enabled(if: LiveTools.nginx != nil, "nginx is not installed: apt-get install nginx"),
    .enabled(
        if: FileManager.default.fileExists(atPath: "/usr/share/publicsuffix/public_suffix_list.dat"),
        "the Public Suffix List is not installed: apt-get install publicsuffix"))
struct PreloadLiveTests {
    /// Every name a certificate of the sites is valid for (not www.wwwbad.test, www.nowww.test,
    /// mismatch.test, www.foo.appspot.com).
    static let certificateNames = [
        "good.test", "www.good.test", "noheader.test", "www.noheader.test", "twoheaders.test",
        "www.twoheaders.test", "short.test", "www.short.test", "weeks.test", "www.weeks.test",
        "nopreload.test",
        "www.nopreload.test", "httpok.test", "www.httpok.test", "wwwfirst.test", "www.wwwfirst.test",
        "insecure.test", "www.insecure.test", "chain1.test", "www.chain1.test", "chain2.test",
        "www.chain2.test",
        "chain3.test", "www.chain3.test", "chain4.test", "www.chain4.test", "httpsinsecure.test",
        "www.httpsinsecure.test", "wwwbad.test", "nowww.test", "sha1.test", "www.sha1.test", "weak.test",
        "www.weak.test", "www.ck", "www.www.ck", "a.foo.ck", "www.a.foo.ck", "foo.appspot.com",
        "xn--bcher-kva.test", "www.xn--bcher-kva.test", "*.bulk.test",
    ]

    /// `count` HTTPS redirects from `/` to `/1` … `/count` on the same host, then 200.
    static func chain(_ count: Int, port: Int) -> String {
        (0..<count).map { hop in
            "location = /\(hop == 0 ? "" : String(hop)) { return 301 https://$host:\(port)/\(hop + 1); }"
        }.joined(separator: " ") + " location / { return 200 \"ok\\n\"; }"
    }

    static func sites(https: Int, http: Int) -> [PreloadSites.Site] {
        typealias Site = PreloadSites.Site
        return [
            Site(names: ["good.test", "www.good.test"]),
            Site(names: ["noheader.test", "www.noheader.test"], headers: []),
            Site(
                names: ["twoheaders.test", "www.twoheaders.test"],
                headers: [PreloadSites.goodHeader, PreloadSites.goodHeader]),
            Site(
                names: ["short.test", "www.short.test"], headers: ["max-age=300; includeSubDomains; preload;"]
            ),
            Site(
                names: ["weeks.test", "www.weeks.test"],
                headers: ["max-age=10886400; includeSubDomains; preload"]),
            Site(names: ["nopreload.test", "www.nopreload.test"], headers: ["max-age=31536000"]),
            Site(
                names: ["httpok.test", "www.httpok.test"],
                http:
                    "location / { add_header Strict-Transport-Security \"max-age=31536000\"; return 200 \"ok\\n\"; }"
            ),
            Site(
                names: ["wwwfirst.test", "www.wwwfirst.test"],
                http: "location / { return 301 https://www.wwwfirst.test:\(https)/; }"),
            Site(
                names: ["insecure.test", "www.insecure.test"],
                http: "location = / { return 301 http://$host:\(http)/next; } "
                    + "location / { return 301 https://$host:\(https)/; }"),
            Site(names: ["chain1.test", "www.chain1.test"], https: chain(1, port: https)),
            Site(names: ["chain2.test", "www.chain2.test"], https: chain(2, port: https)),
            Site(names: ["chain3.test", "www.chain3.test"], https: chain(3, port: https)),
            Site(names: ["chain4.test", "www.chain4.test"], https: chain(4, port: https)),
            Site(
                names: ["httpsinsecure.test", "www.httpsinsecure.test"],
                https:
                    "location = / { return 301 http://$host:\(http)/x; } location / { return 200 \"ok\\n\"; }",
                http: "location = /x { return 200 \"ok\\n\"; } "
                    + "location / { return 301 https://$host:\(https)$request_uri; }"),
            Site(names: ["wwwbad.test"]),
            Site(names: ["nowww.test"]),
            Site(names: ["www.ck", "www.www.ck"]),
            Site(names: ["a.foo.ck", "www.a.foo.ck"]),
            Site(names: ["foo.appspot.com"]),
            Site(names: ["xn--bcher-kva.test", "www.xn--bcher-kva.test"]),
            Site(names: ["~^s[0-9]+\\.bulk\\.test$"]),
        ]
    }

    static let weakSite = PreloadSites.Site(names: ["weak.test", "www.weak.test"])

    /// Site → the codes hstspreload reports, errors first, each list in the order its checks run
    /// (domain.go, tls.go, response.go, header.go, redirects.go), under policy bulk-1-year. Derived from
    /// its rules: e.g. http://chain3.test's chain counts the redirect to HTTPS, so three HTTPS hops make
    /// four from HTTP, one more than its three; a header error hides the first redirect's header issues.
    static let expected: [(site: String, codes: [String])] = [
        ("good.test", []),
        ("www.good.test", ["domain.is_subdomain"]),
        ("noheader.test", ["response.no_header"]),
        ("twoheaders.test", ["response.multiple_headers"]),
        ("short.test", ["header.preloadable.max_age.below_1_year", "header.parse.empty_directive"]),
        ("weeks.test", ["header.preloadable.max_age.below_1_year"]),
        (
            "nopreload.test",
            ["header.preloadable.include_sub_domains.missing", "header.preloadable.preload.missing"]
        ),
        ("httpok.test", ["redirects.http.no_redirect", "redirects.http.useless_header"]),
        ("wwwfirst.test", ["redirects.http.www_first"]),
        ("insecure.test", ["redirects.http.first_redirect.insecure"]),
        ("chain1.test", []),
        ("chain2.test", []),
        ("chain3.test", ["redirects.too_many"]),
        ("chain4.test", ["redirects.too_many", "redirects.too_many"]),
        ("httpsinsecure.test", ["redirects.insecure.subsequent", "redirects.insecure.initial"]),
        ("wwwbad.test", ["domain.www.no_tls"]),
        ("nowww.test", []),
        ("mismatch.test", ["domain.tls.invalid_cert_chain"]),
        // OpenSSL (at Debian's security level 2) refuses the SHA-1 signature while verifying, as Go's
        // crypto/x509 has since Go 1.18: hstspreload's chain is then invalid before its SHA-1 check runs.
        ("sha1.test", ["domain.tls.invalid_cert_chain"]),
        ("weak.test", ["tls.obsolete_cipher_suite"]),
        ("co.uk", ["domain.format.public_suffix"]),
        ("foo.ck", ["domain.format.public_suffix"]),
        ("www.ck", []),
        ("a.foo.ck", []),
        ("foo.appspot.com", []),
        ("xn--bcher-kva.test", []),
    ]

    /// The preload codes of each JSON line, by the audited URL's host.
    static func codesByHost(_ output: ProcessOutput) throws -> [String: [String]] {
        var codes: [String: [String]] = [:]
        for line in output.stdoutLines {
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let url = try #require(object["url"] as? String)
            // By hand: Foundation's URLComponents would give an xn-- host back in Unicode.
            let host = String(url.dropFirst("https://".count).prefix { $0 != ":" && $0 != "/" })
            let preload = try #require(object["preload"] as? [String: Any], "no preload check for \(url)")
            codes[host] = try #require(preload["codes"] as? [String])
            // The findings of the preload area carry the same codes in the same order.
            let findings = try #require(object["findings"] as? [[String: Any]])
            #expect(
                findings.filter { $0["area"] as? String == "preload" }.compactMap { $0["code"] as? String }
                    == codes[host])
        }
        return codes
    }

    func withSites<T>(_ body: (PreloadSites) throws -> T) throws -> T {
        let sites = try PreloadSites(
            sites: Self.sites, weak: Self.weakSite, certificateNames: Self.certificateNames)
        defer { sites.stop() }
        return try body(sites)
    }

    func hostsFile(_ lines: [String], in sites: PreloadSites) throws -> String {
        let file = sites.group.directory.appendingPathComponent("hosts-\(UUID().uuidString).txt")
        try ("# sites to audit\n" + lines.joined(separator: "\n") + "\n").write(
            to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test("Each site's preload codes are hstspreload's (the table), with --hosts and --format jsonl")
    func codeTable() throws {
        try withSites { sites in
            let lines = Self.expected.map { entry -> String in
                let port =
                    [
                        "weak.test": sites.weakPort, "sha1.test": sites.sha1Port,
                    ][entry.site] ?? sites.httpsPort
                // The IDNA site is given in Unicode; pinhash converts it as hstspreload.org does.
                let host = entry.site == "xn--bcher-kva.test" ? "bücher.test" : entry.site
                return "https://\(host):\(port)/"
            }
            let output = try run(
                [
                    "audit", "--hosts", try hostsFile(lines, in: sites), "--policy", "bulk-1-year",
                    "--format", "jsonl",
                ]
                    + sites.connection, timeout: 600)
            #expect(output.stdoutLines.count == Self.expected.count, "\(output.stdout)\(output.stderr)")
            let codes = try Self.codesByHost(output)
            var table: [String] = []
            for (site, expected) in Self.expected {
                #expect(codes[site] == expected, "\(site)")
                table.append("| \(site) | \(codes[site]?.joined(separator: ", ") ?? "-") |")
            }
            print("site | pinhash's preload codes\n" + table.joined(separator: "\n"))
            // Errors on some sites: the worst exit status of all.
            #expect(output.status == 1, "\(output.stderr)")
        }
    }

    @Test("Policies: an 18-week max-age passes bulk-18-weeks, whose first redirect is still held to one year")
    func policies() throws {
        try withSites { sites in
            let url = "https://weeks.test:\(sites.httpsPort)/"
            for (policy, codes) in [
                ("bulk-1-year", ["header.preloadable.max_age.below_1_year"]),
                ("bulk-18-weeks", ["redirects.http.first_redirect.no_hsts"]),
            ] {
                let output = try run(
                    ["audit", url, "--policy", policy, "--format", "jsonl"] + sites.connection, timeout: 120)
                #expect(try Self.codesByHost(output)["weeks.test"] == codes, "\(policy): \(output.stdout)")
                // pinhash hsts --preload agrees on the header under the same policy.
                let hsts = try run([
                    "hsts", "--max-age", "10886400", "--include-subdomains", "--preload", "--policy", policy,
                ])
                #expect(hsts.status == (policy == "bulk-1-year" ? 1 : 0), "\(policy): \(hsts.stderr)")
            }
        }
    }

    @Test("--removal: a header without preload passes, one with preload does not")
    func removal() throws {
        try withSites { sites in
            let lines = ["good.test", "nopreload.test", "noheader.test"].map {
                "https://\($0):\(sites.httpsPort)/"
            }
            let output = try run(
                ["audit", "--hosts", try hostsFile(lines, in: sites), "--removal", "--format", "jsonl"]
                    + sites.connection, timeout: 120)
            let codes = try Self.codesByHost(output)
            #expect(codes["good.test"] == ["header.removable.contains.preload"])
            #expect(codes["nopreload.test"] == [])
            #expect(codes["noheader.test"] == ["response.no_header"])
        }
    }

    @Test("The text report names the registrable domain, and --fail-on warning fails on warnings alone")
    func textAndFailOn() throws {
        try withSites { sites in
            let output = try run(
                ["audit", "https://www.good.test:\(sites.httpsPort)/"] + sites.connection, timeout: 120)
            #expect(output.status == 1)
            #expect(
                output.stdoutLines.contains {
                    $0.hasPrefix(
                        "error: preload: domain.is_subdomain: `www.good.test` is a subdomain. Please preload "
                            + "`good.test` instead.")
                }, "\(output.stdout)")
            #expect(
                output.stdoutLines.contains {
                    $0.hasPrefix("preload: www.good.test (hstspreload's preload check")
                })
            // A site without HSTS: a warning (exit 0) unless --fail-on warning.
            let url = "https://noheader.test:\(sites.httpsPort)/"
            #expect(try run(["audit", url] + sites.connection, timeout: 120).status == 0)
            let failing = try run(["audit", url, "--fail-on", "warning"] + sites.connection, timeout: 120)
            #expect(failing.status == 1, "\(failing.stdout)")
        }
    }

    @Test("By IP address: no preload findings and no advice to redirect to https://127.0.0.1")
    func byIPAddress() throws {
        try withSites { sites in
            // The default HTTPS server sends a preload header; the default HTTP server answers 200.
            let output = try run(
                [
                    "audit", "https://127.0.0.1:\(sites.httpsPort)/", "--cafile", sites.rootPath,
                    "--http-port",
                    String(sites.httpPort),
                ], timeout: 120)
            #expect(!output.stdout.contains("preload list"), "\(output.stdout)")
            #expect(!output.stdout.contains(": preload:"), "\(output.stdout)")
            let findings = output.stdoutLines.filter {
                $0.hasPrefix("error: ") || $0.hasPrefix("warning: ") || $0.hasPrefix("note: ")
            }
            #expect(!findings.contains { $0.contains("https://127.0.0.1") }, "\(output.stdout)")
            #expect(!output.stdout.contains("http-redirect"), "\(output.stdout)")
        }
    }

    @Test("audit --hosts over 200 loopback sites: one result each, in one run")
    func twoHundredSites() throws {
        try withSites { sites in
            let urls = (1...200).map { "https://s\($0).bulk.test:\(sites.httpsPort)/" }
            let output = try run(
                [
                    "audit", "--hosts", try hostsFile(urls, in: sites), "--jobs", "16", "--format", "jsonl",
                    "--no-http",
                ]
                    + sites.connection.filter { $0 != "--http-port" && $0 != String(sites.httpPort) },
                timeout: 600)
            // Every site fetched (no exit status 2); their findings (www.sN.bulk.test has no certificate
            // of its own) may fail them.
            #expect(output.status != 2, "\(output.stderr)")
            let objects = try output.stdoutLines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            #expect(objects.allSatisfy { $0["error"] == nil && $0["findings"] != nil })
            let audited = objects.map { $0["url"] as? String }
            #expect(audited.count == 200)
            #expect(Set(audited.compactMap { $0 }) == Set(urls))
            // A site that refuses: the worst status is 2, the others are still reported.
            let refusing = try Loopback.ipv4.refusingPort()
            let mixed = try run(
                [
                    "audit", "--hosts",
                    try hostsFile(Array(urls.prefix(3)) + ["https://down.test:\(refusing)/"], in: sites),
                ]
                    + sites.connection, timeout: 120)
            #expect(mixed.status == 2)
            #expect(mixed.stdoutLines.last == "3 of 4 sites audited", "\(mixed.stdout)")
            #expect(mixed.stderrIsOneLine, "\(mixed.stderr)")
        }
    }

    @Test(
        "Apache virtual hosts: a site ready for preload, and one whose HTTP sends HSTS without redirecting",
        .enabled(if: LiveTools.apache != nil, "Apache is not installed: apt-get install apache2"))
    func apache() throws {
        let apache = try #require(LiveTools.apache)
        try withLiveScratchDirectory { directory in
            let made = try runProcess(
                "/bin/sh",
                [
                    PreloadSites.script, directory.path, "ready.test", "www.ready.test", "plain.test",
                    "www.plain.test",
                ],
                stdin: nil, environment: [:], timeout: 120, sourceLocation: #_sourceLocation)
            try #require(made.status == 0, "\(made.stderr)")
            let modules = LiveTools.apacheModules
            let mpm =
                FileManager.default.fileExists(atPath: "\(modules)/mod_mpm_event.so") ? "event" : "prefork"
            let root = directory.path
            let user = getuid() == 0 ? "User nobody\nGroup nogroup\n" : ""
            let free = try Loopback.freePorts(2)
            let (https, http) = (free[0], free[1])
            func host(_ name: String, plainHTTP: String) -> String {
                """
                <VirtualHost 127.0.0.1:\(https)>
                    ServerName \(name)
                    ServerAlias www.\(name)
                    SSLEngine on
                    SSLCertificateFile \(root)/leaf-sha256.pem
                    SSLCertificateChainFile \(root)/int-sha256.pem
                    SSLCertificateKeyFile \(root)/leaf-sha256.key
                    Header always set Strict-Transport-Security "\(PreloadSites.goodHeader)"
                </VirtualHost>
                <VirtualHost 127.0.0.1:\(http)>
                    ServerName \(name)
                    ServerAlias www.\(name)
                    \(plainHTTP)
                </VirtualHost>
                """
            }
            let configuration = """
                ServerRoot "\(root)"
                DefaultRuntimeDir "\(root)"
                PidFile "\(root)/httpd.pid"
                ErrorLog "\(root)/apache-error.log"
                LogLevel warn
                ServerName 127.0.0.1
                Listen 127.0.0.1:\(https)
                Listen 127.0.0.1:\(http)
                LoadModule mpm_\(mpm)_module \(modules)/mod_mpm_\(mpm).so
                LoadModule authz_core_module \(modules)/mod_authz_core.so
                LoadModule headers_module \(modules)/mod_headers.so
                LoadModule alias_module \(modules)/mod_alias.so
                LoadModule socache_shmcb_module \(modules)/mod_socache_shmcb.so
                LoadModule ssl_module \(modules)/mod_ssl.so
                \(user)DocumentRoot "\(root)"
                \(host("ready.test", plainHTTP: "Redirect permanent / https://ready.test:\(https)/"))
                \(host("plain.test", plainHTTP: "Header always set Strict-Transport-Security \"max-age=31536000\""))
                """
            let file = directory.appendingPathComponent("httpd.conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            let group = try LiveServerGroup()
            defer { group.stop() }
            let process = try group.start(apache, ["-f", file.path, "-DFOREGROUND"], log: "apache.log")
            let listening = process.wait {
                acceptsConnections(.ipv4, port: https) && acceptsConnections(.ipv4, port: http)
            }
            try #require(
                listening, "apache did not start: \(process.output)\(group.contents(of: "apache-error.log"))")
            let lines = ["ready.test", "plain.test"].map { "https://\($0):\(https)/" }
            let list = directory.appendingPathComponent("hosts.txt")
            try (lines.joined(separator: "\n") + "\n").write(to: list, atomically: true, encoding: .utf8)
            let output = try run(
                [
                    "audit", "--hosts", list.path, "--policy", "bulk-1-year", "--format", "jsonl",
                    "--address",
                    "127.0.0.1", "--cafile", "\(root)/root.pem", "--http-port", String(http),
                ], timeout: 120)
            let codes = try Self.codesByHost(output)
            #expect(codes["ready.test"] == [], "\(output.stdout)")
            #expect(codes["plain.test"] == ["redirects.http.no_redirect", "redirects.http.useless_header"])
        }
    }
}
