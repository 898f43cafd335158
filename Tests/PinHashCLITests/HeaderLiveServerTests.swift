import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Programs the live tests need, found on `PATH` or in the Debian locations.
enum HeaderLiveTools {
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let nginx = find("nginx")
    static let apache = find("apache2")
    static let curl = find("curl")
    static let python = find("python3")
    static let apacheModules = "/usr/lib/apache2/modules"
}

/// A web server started by a test on a loopback port, stopped (and waited for) by `stop()`.
///
/// Spawned with `posix_spawn` rather than `Process`: a child inherits the signal mask of the thread that
/// starts it, and test threads block SIGTERM, which nginx and httpd would then never see. Here the mask is
/// emptied, the usual signals reset to default, and the server leads its own process group, so that
/// Apache's workers can be ended with it if it does not stop.
final class HeaderLiveServer {
    let pid: pid_t
    let port: Int
    private var exited = false

    init(executable: String, arguments: [String], port: Int, log: URL) throws {
        self.port = port
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // A file rather than a pipe: nobody reads the server's output while it runs.
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw HeaderLiveError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    deinit { stop() }

    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// The response head `curl -sI` prints for `path`, once the server answers; nil if it never does.
    func head(_ path: String, curl: String, within seconds: Double = 20) throws -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard isRunning else { return nil }
            let result = try runProcess(
                curl, ["-sS", "-I", "--max-time", "5", "http://127.0.0.1:\(port)\(path)"], stdin: nil,
                environment: [:], timeout: 10, sourceLocation: #_sourceLocation)
            if result.status == 0, result.stdout.hasPrefix("HTTP/") { return result.stdout }
            usleep(100_000)
        }
        return nil
    }

    /// SIGTERM, then up to 10 s for a clean exit; after that SIGKILL to the server's whole process group.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while isRunning, Date() < deadline { usleep(20_000) }
        guard isRunning else { return }
        Issue.record("the server (pid \(pid)) ignored SIGTERM for 10 s; killing its process group")
        kill(-pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick for port 0).
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HeaderLiveError("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw HeaderLiveError("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct HeaderLiveError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory any user can read (servers started as root read their files as another user),
/// removed afterwards.
func withHeaderScratchDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("pinhash-header-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(
        at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
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
        let curl = try #require(HeaderLiveTools.curl)
        var lastLog = ""
        for _ in 0..<3 {
            let port = try HeaderLiveServer.freePort()
            let server = try HeaderLiveServer(
                executable: executable, arguments: try arguments(port), port: port,
                log: directory.appendingPathComponent("server-output.log"))
            defer { server.stop() }
            if let head = try server.head(path, curl: curl) { return head }
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
        .enabled(if: HeaderLiveTools.nginx != nil, "nginx is not installed: apt-get install nginx"),
        .enabled(if: HeaderLiveTools.curl != nil, "curl is not installed: apt-get install curl"))
    func nginx() throws {
        let nginx = try #require(HeaderLiveTools.nginx)
        let lines = try Self.generatedLines("nginx")
        try withHeaderScratchDirectory { directory in
            let prefix = directory.path
            func configuration(port: Int) -> String {
                """
                daemon off;
                master_process off;
                pid \(prefix)/nginx.pid;
                error_log \(prefix)/nginx-error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    server {
                        listen 127.0.0.1:\(port);
                        location / { return 200 "ok\\n"; }
                \(lines.split(separator: "\n").map { "        \($0)" }.joined(separator: "\n"))
                    }
                }

                """
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
        .enabled(if: HeaderLiveTools.apache != nil, "Apache is not installed: apt-get install apache2"),
        .enabled(if: HeaderLiveTools.curl != nil, "curl is not installed: apt-get install curl"))
    func apache() throws {
        let apache = try #require(HeaderLiveTools.apache)
        let lines = try Self.generatedLines("apache")
        let modules = HeaderLiveTools.apacheModules
        let mpm = FileManager.default.fileExists(atPath: "\(modules)/mod_mpm_event.so") ? "event" : "prefork"
        try withHeaderScratchDirectory { directory in
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
        .enabled(if: HeaderLiveTools.python != nil, "python3 is not installed: apt-get install python3"))
    func iis() throws {
        let python = try #require(HeaderLiveTools.python)
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
