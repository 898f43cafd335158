import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The response head `curl -sI` prints for `path` on 127.0.0.1 port `port`, once `server` answers; nil if
/// it exits or never answers.
func httpHead(
    _ path: String, port: Int, from server: LiveServerProcess, curl: String, within seconds: Double = 20
) throws -> String? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        guard server.isRunning else { return nil }
        let result = try runProcess(
            curl, ["-sS", "-I", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"], stdin: nil,
            environment: [:], timeout: 10, sourceLocation: #_sourceLocation)
        if result.status == 0, result.stdout.hasPrefix("HTTP/") { return result.stdout }
        usleep(100_000)
    }
    return nil
}

/// The values of every `name:` field of a response head (field names compared case-insensitively).
func headerValues(_ name: String, in head: String) -> [String] {
    // Character-wise, "\r\n" is one newline.
    head.split(whereSeparator: \.isNewline).compactMap { line in
        guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == name.lowercased() else {
            return nil
        }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}

/// The generated server lines, loaded by real nginx and Apache httpd on loopback, must make them send
/// exactly the header values written out here from the manifest's pins.
@Suite("Header: live nginx, Apache and IIS web.config", .serialized)
struct HeaderLiveServerTests {
    /// Holds a percent-escape (Apache's % must be doubled), a ' (nginx's quote) and an & (IIS's XML).
    static let reportURI = "https://report.example/hpkp?x=%20y&z='q'"
    static let hstsValue = "max-age=300; includeSubDomains"

    static func expectedPublicKeyPins() throws -> String {
        let pins =
            try HeaderExpected.pins("certs/chain.pem") + [try HeaderExpected.pin("keys/ec-p256.pkcs8.pem")]
        return HeaderExpected.value(pins: pins, reportURI: reportURI)
    }

    /// The `header` and `hsts` lines pinhash writes for `server`.
    static func generatedLines(_ server: String) throws -> String {
        let hpkp = try run([
            "header", "certs/chain.pem", "--backup", "keys/ec-p256.pkcs8.pem", "--report-uri", reportURI,
            "--server", server,
        ])
        try #require(hpkp.status == 0, "pinhash header: \(hpkp.stderr)")
        let hsts = try run(["hsts", "--max-age", "300", "--include-subdomains", "--server", server])
        try #require(hsts.status == 0, "pinhash hsts: \(hsts.stderr)")
        return hpkp.stdout + hsts.stdout
    }

    /// Checks a served response head: one field each, the exact values, and a clean lint of what was served.
    static func expectServed(_ head: String) throws {
        let pins = headerValues("Public-Key-Pins", in: head)
        #expect(pins == [try expectedPublicKeyPins()], "\(head)")
        #expect(headerValues("Strict-Transport-Security", in: head) == [hstsValue], "\(head)")
        let lint = try run(["lint", "-", "certs/chain.pem"], stdin: Data(head.utf8))
        #expect(lint.status == 0, "pinhash lint of the served head: \(lint.stdout)\(lint.stderr)")
    }

    /// Starts a server on a free port (a few tries, in case another process takes the port first),
    /// returns the response head for `path`, and always stops the server.
    static func serve(
        executable: String, directory: URL, path: String,
        arguments: (Int) throws -> [String]
    ) throws -> String {
        let curl = try #require(LiveTools.curl)
        var lastLog = ""
        for _ in 0..<3 {
            let port = try Loopback.freePort()
            let server = try LiveServerProcess(
                executable: executable, arguments: try arguments(port),
                log: directory.appendingPathComponent("server-output.log"))
            defer { server.stop() }
            if let head = try httpHead(path, port: port, from: server, curl: curl) { return head }
            server.stop()
            lastLog = Self.logs(in: directory)
            if !lastLog.contains("in use") { break }
        }
        Issue.record("the server never answered; its logs:\n\(lastLog)")
        return ""
    }

    static func logs(in directory: URL) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".log") }.sorted().map { name in
            let text =
                (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "== \(name)\n\(text)"
        }.joined(separator: "\n")
    }

    @Test(
        "nginx loads the add_header lines (nginx -t) and sends both headers",
        .enabled(if: LiveTools.nginx != nil, "nginx is not installed: apt-get install nginx"),
        .enabled(if: LiveTools.curl != nil, "curl is not installed: apt-get install curl"))
    func nginx() throws {
        let nginx = try #require(LiveTools.nginx)
        let lines = try Self.generatedLines("nginx")
        try withLiveScratchDirectory { directory in
            let prefix = directory.path
            func configuration(port: Int) -> String {
                let server =
                    ["listen 127.0.0.1:\(port);", "location / { return 200 \"ok\\n\"; }"]
                    + lines.split(separator: "\n")
                let block = (["    server {"] + server.map { "        \($0)" } + ["    }"])
                return nginxConfiguration(prefix: prefix, servers: [block.joined(separator: "\n")])
            }
            let file = directory.appendingPathComponent("nginx.conf")
            let commonArguments = ["-c", file.path, "-p", "\(prefix)/", "-e", "\(prefix)/nginx-error.log"]

            try configuration(port: 8).write(to: file, atomically: true, encoding: .utf8)
            let test = try runProcess(
                nginx, ["-t"] + commonArguments, stdin: nil, environment: [:], timeout: 30,
                sourceLocation: #_sourceLocation)
            #expect(test.status == 0, "nginx -t: \(test.stderr)")
            #expect(test.stderr.contains("syntax is ok"))

            let head = try Self.serve(executable: nginx, directory: directory, path: "/") { port in
                try configuration(port: port).write(to: file, atomically: true, encoding: .utf8)
                return commonArguments
            }
            try Self.expectServed(head)
        }
    }

    @Test(
        "Apache loads the Header always set lines (apache2 -t) and sends both headers",
        .enabled(if: LiveTools.apache != nil, "Apache is not installed: apt-get install apache2"),
        .enabled(if: LiveTools.curl != nil, "curl is not installed: apt-get install curl"))
    func apache() throws {
        let apache = try #require(LiveTools.apache)
        let lines = try Self.generatedLines("apache")
        let modules = LiveTools.apacheModules
        let mpm = FileManager.default.fileExists(atPath: "\(modules)/mod_mpm_event.so") ? "event" : "prefork"
        try withLiveScratchDirectory { directory in
            let root = directory.path
            let documents = directory.appendingPathComponent("htdocs")
            try FileManager.default.createDirectory(
                at: documents, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
            try "ok\n".write(
                to: documents.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
            // Started as root, httpd serves requests as another user; otherwise User and Group are not needed.
            let user = getuid() == 0 ? "User nobody\nGroup nogroup\n" : ""
            func configuration(port: Int) -> String {
                """
                ServerRoot "\(root)"
                DefaultRuntimeDir "\(root)"
                PidFile "\(root)/httpd.pid"
                ErrorLog "\(root)/apache-error.log"
                LogLevel warn
                ServerName 127.0.0.1
                Listen 127.0.0.1:\(port)
                LoadModule mpm_\(mpm)_module \(modules)/mod_mpm_\(mpm).so
                LoadModule authz_core_module \(modules)/mod_authz_core.so
                LoadModule headers_module \(modules)/mod_headers.so
                \(user)DocumentRoot "\(documents.path)"
                \(lines)
                """
            }
            let file = directory.appendingPathComponent("httpd.conf")
            try configuration(port: 8).write(to: file, atomically: true, encoding: .utf8)
            let test = try runProcess(
                apache, ["-t", "-f", file.path], stdin: nil, environment: [:], timeout: 30,
                sourceLocation: #_sourceLocation)
            #expect(test.status == 0, "apache2 -t: \(test.stderr)")
            #expect(test.stderr.contains("Syntax OK"))

            let head = try Self.serve(executable: apache, directory: directory, path: "/index.html") { port in
                try configuration(port: port).write(to: file, atomically: true, encoding: .utf8)
                return ["-f", file.path, "-DFOREGROUND"]
            }
            try Self.expectServed(head)
        }
    }

    @Test(
        "The IIS block is well-formed XML inside web.config and its attributes unescape to the header values",
        .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"))
    func iis() throws {
        let python = try #require(LiveTools.python)
        let blocks = try Self.generatedLines("iis")
        let webConfig = """
            <?xml version="1.0" encoding="UTF-8"?>
            <configuration>
              <system.webServer>
            \(blocks)
              </system.webServer>
            </configuration>
            """
        // The two blocks are one <httpProtocol> each; IIS merges them, and an XML parser must accept both.
        let script = """
            import json, sys
            from xml.dom import minidom
            document = minidom.parseString(sys.stdin.buffer.read())
            server = document.documentElement.getElementsByTagName("system.webServer")[0]
            adds = [a for p in server.getElementsByTagName("httpProtocol")
                    for c in p.getElementsByTagName("customHeaders") for a in c.getElementsByTagName("add")]
            print(json.dumps([[a.getAttribute("name"), a.getAttribute("value")] for a in adds]))
            """
        let parsed = try runProcess(
            python, ["-c", script], stdin: Data(webConfig.utf8), environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
        try #require(parsed.status == 0, "python3 minidom: \(parsed.stderr)")
        let pairs = try JSONDecoder().decode([[String]].self, from: Data(parsed.stdout.utf8))
        #expect(
            pairs == [
                ["Public-Key-Pins", try Self.expectedPublicKeyPins()],
                ["Strict-Transport-Security", Self.hstsValue],
            ])
    }
}
