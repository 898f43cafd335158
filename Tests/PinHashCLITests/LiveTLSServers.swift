import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Loopback servers for the `--connect` and `audit` tests: real TLS stacks no one here wrote (openssl
// s_server, Python's ssl module, nginx) serving the fixture chain. Each is a class whose `stop()` (also
// run when it is released) ends and waits for every process or thread it started; a test stops its
// servers in a `defer` right after starting them.

/// Starts a server on a fresh port a few times: a port taken by another process between choosing and
/// binding it makes the server exit, and then another is tried. `start` returns nil for such an exit.
private func startOnFreePort<Server>(
    _ what: String, tries: Int = 5, start: () throws -> (Server?, String)
) throws -> Server {
    var lastOutput = ""
    for _ in 0..<tries {
        let (server, output) = try start()
        if let server { return server }
        lastOutput = output
        if !lastOutput.contains("in use") { break }
    }
    throw LiveServerError("\(what) did not start:\n\(lastOutput)")
}

/// Writes the concatenation of fixture files (leaf first, then its chain) to `name` in `directory`.
private func concatenate(_ fixtures: [String], into directory: URL, as name: String) throws -> String {
    let file = directory.appendingPathComponent(name)
    try fixtures.reduce(into: Data()) { $0 += try Fixtures.contents(of: $1) }.write(to: file)
    return file.path
}

/// The processes one live server runs and the scratch directory they read from. `stop()`, also run when
/// the group is released (so when a server's initializer throws), ends every process, waiting for it,
/// and removes the directory.
final class LiveServerGroup {
    let directory: URL
    private var processes: [LiveServerProcess] = []

    init() throws { directory = try makeLiveScratchDirectory() }

    /// Starts `executable` with its output in `log` (a name in the directory).
    func start(_ executable: String, _ arguments: [String], log: String) throws -> LiveServerProcess {
        let process = try LiveServerProcess(
            executable: executable, arguments: arguments, log: directory.appendingPathComponent(log))
        processes.append(process)
        return process
    }

    /// A file the group's servers wrote, or nothing.
    func contents(of name: String) -> String {
        (try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Ends every process started so far, keeping the directory for another try.
    func stopProcesses() { processes.forEach { $0.stop() } }

    func stop() {
        stopProcesses()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

/// An nginx configuration for one foreground process whose files all live under `prefix`, with these
/// `server { … }` blocks (each line indented as the caller wrote it).
func nginxConfiguration(prefix: String, servers: [String]) -> String {
    """
    daemon off;
    master_process off;
    pid \(prefix)/nginx.pid;
    error_log \(prefix)/nginx-error.log;
    events { worker_connections 64; }
    http {
        access_log off;
    \(servers.joined(separator: "\n"))
    }

    """
}

// MARK: openssl s_server

/// `openssl s_server -www` on the same free port on each of `addresses` (one process each), serving
/// `setup`'s certificate with its chain.
final class OpenSSLTLSServer {
    /// What the server sends.
    struct Setup: Sendable, CustomTestStringConvertible {
        /// What the tests call it.
        var testDescription: String
        /// The fixture files the server sends, in order: the leaf, then the chain (`-cert_chain`).
        var sent: [String]
        var key: String
        /// A second certificate, without a chain, sent to clients whose SNI is `serverName` (`-cert2`).
        var alternative: (serverName: String, certificate: String, key: String)?
        /// With an alternative: a fatal unrecognized_name alert for any other SNI name
        /// (`-servername_fatal`); clients sending no SNI still get the first chain.
        var fatalForOtherNames = false
        /// More s_server options.
        var options: [String] = []

        /// leaf.pem and intermediate.pem.
        static let leafAndIntermediate = Setup(
            testDescription: "leaf and intermediate", sent: ["certs/leaf.pem", "certs/intermediate.pem"],
            key: "certs/leaf.key")
        /// leaf.pem, intermediate.pem and root.pem.
        static let fullChain = Setup(
            testDescription: "leaf, intermediate and root",
            sent: ["certs/leaf.pem", "certs/intermediate.pem", "certs/root.pem"], key: "certs/leaf.key")
        /// leaf.pem and intermediate.pem over TLS 1.2 only (`-tls1_2`).
        static let tls12Only = Setup(
            testDescription: "leaf and intermediate over TLS 1.2",
            sent: ["certs/leaf.pem", "certs/intermediate.pem"],
            key: "certs/leaf.key", options: ["-tls1_2"])
        /// leaf.pem and intermediate.pem without SNI; leaf-expired.pem (alone) for SNI
        /// `expired.example.com`; a fatal alert for any other SNI name.
        static let selectedByName = Setup(
            testDescription: "a second certificate for expired.example.com",
            sent: ["certs/leaf.pem", "certs/intermediate.pem"], key: "certs/leaf.key",
            alternative: ("expired.example.com", "certs/leaf-expired.pem", "certs/leaf-expired.key"),
            fatalForOtherNames: true)
    }

    let port: Int
    let addresses: [Loopback]
    let setup: Setup
    private let group: LiveServerGroup

    init(_ setup: Setup = .leafAndIntermediate, on addresses: [Loopback] = [.ipv4]) throws {
        let openssl = try #require(LiveTools.openssl, "openssl is not installed")
        let group = try LiveServerGroup()
        self.group = group
        self.setup = setup
        self.addresses = addresses
        var arguments = ["-cert", Fixtures.url(setup.sent[0]).path, "-key", Fixtures.url(setup.key).path]
        if setup.sent.count > 1 {
            let chain = try concatenate(Array(setup.sent.dropFirst()), into: group.directory, as: "chain.pem")
            arguments += ["-cert_chain", chain]
        }
        arguments += ["-www"] + setup.options
        if let alternative = setup.alternative {
            arguments += [
                "-servername", alternative.serverName, "-cert2", Fixtures.url(alternative.certificate).path,
                "-key2", Fixtures.url(alternative.key).path,
            ]
            if setup.fatalForOtherNames { arguments.append("-servername_fatal") }
        }
        port = try startOnFreePort("openssl s_server") {
            let port = try Loopback.freePort(on: addresses)
            for address in addresses {
                let process = try group.start(
                    openssl, ["s_server", "-accept", address.hostAndPort(port)] + arguments,
                    log: "s_server-\(address.rawValue)-\(port).log")
                // s_server prints ACCEPT once it listens.
                guard process.wait(until: { process.output.contains("ACCEPT") }) else {
                    group.stopProcesses()
                    return (nil, process.output)
                }
            }
            return (port, "")
        }
    }

    func stop() { group.stop() }
}

// MARK: STARTTLS (Python's ssl module)

/// `Tests/Support/starttls-server.py`: an SMTP, IMAP or POP3 server that offers STARTTLS (or, with
/// `offersStartTLS` false, does not) and then sends leaf.pem and intermediate.pem.
final class StartTLSServer {
    /// The fixture files sent after STARTTLS, in order.
    static let sent = ["certs/leaf.pem", "certs/intermediate.pem"]
    static let script = PackagePaths.root.appendingPathComponent("Tests/Support/starttls-server.py").path

    let port: Int
    let address: Loopback
    private let group: LiveServerGroup

    /// `mailProtocol` is `smtp`, `imap` or `pop3`.
    init(_ mailProtocol: String, offersStartTLS: Bool = true, on address: Loopback = .ipv4) throws {
        let python = try #require(LiveTools.python, "python3 is not installed")
        let group = try LiveServerGroup()
        self.group = group
        self.address = address
        let certificates = try concatenate(Self.sent, into: group.directory, as: "chain.pem")
        let arguments = [
            "-u", Self.script, mailProtocol, address.address, certificates,
            Fixtures.url("certs/leaf.key").path,
        ]
        let process = try group.start(
            python, arguments + (offersStartTLS ? [] : ["--no-starttls"]), log: "starttls.log")
        // The script binds port 0 itself and prints `listening PORT`.
        var port: Int?
        _ = process.wait {
            let line = process.output.split(separator: "\n").first { $0.hasPrefix("listening ") }
            port = line.flatMap { Int($0.dropFirst("listening ".count)) }
            return port != nil
        }
        guard let port else { throw LiveServerError("starttls-server.py did not start:\n\(process.output)") }
        self.port = port
    }

    func stop() { group.stop() }
}

// MARK: Plain TCP: closing, silent and refusing

/// A TCP listener in this process on a free loopback port that closes every connection at once, or
/// accepts it and never sends a byte (holding it open until `stop()`), or never accepts at all with its
/// queue kept full, so that connecting to it times out.
final class LoopbackTCPServer {
    enum Behaviour: Sendable {
        case closesAtOnce, neverAnswers
        /// The accept queue (backlog 0) is filled by connections of the server's own, after which the
        /// kernel drops further SYNs: a client's connect() waits until its own timeout.
        case connectingTimesOut
    }

    let port: Int
    let address: Loopback
    private let listener: Int32
    private var wakeUp: [Int32] = []
    private var fillers: [Int32] = []
    private let finished = DispatchSemaphore(value: 0)
    private var stopped = false

    init(_ behaviour: Behaviour, on address: Loopback = .ipv4) throws {
        let listener = try address.boundSocket(port: 0)
        self.listener = listener
        self.address = address
        self.port = (try? Loopback.port(of: listener)) ?? 0
        // From here on a throw runs deinit, which closes what is open.
        guard port != 0, listen(listener, behaviour == .connectingTimesOut ? 0 : 16) == 0 else {
            throw LiveServerError("listen: \(String(cString: strerror(errno)))")
        }
        if behaviour == .connectingTimesOut {
            fillers = fillAcceptQueue()
            return
        }
        var pipeEnds: [Int32] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            throw LiveServerError("pipe: \(String(cString: strerror(errno)))")
        }
        wakeUp = pipeEnds
        let finished = self.finished
        let stopSignal = pipeEnds[0]
        Thread.detachNewThread {
            var held: [Int32] = []
            while true {
                var descriptors = [
                    pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
                    pollfd(fd: stopSignal, events: Int16(POLLIN), revents: 0),
                ]
                guard poll(&descriptors, 2, -1) >= 0 || errno == EINTR else { break }
                if descriptors[1].revents != 0 { break }
                guard descriptors[0].revents != 0 else { continue }
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { continue }
                if behaviour == .closesAtOnce { close(connection) } else { held.append(connection) }
            }
            held.forEach { close($0) }
            finished.signal()
        }
    }

    /// Connects to the listener until a connection no longer completes within 200 ms; returns the ones
    /// that did (they hold the queue full).
    private func fillAcceptQueue() -> [Int32] {
        var connected: [Int32] = []
        for _ in 0..<16 {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(address.address, String(port), &hints, &list) == 0, let info = list else {
                break
            }
            defer { freeaddrinfo(list) }
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, 0)
            guard descriptor >= 0 else { break }
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen)
            var ready = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard poll(&ready, 1, 200) == 1,
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0
            else {
                close(descriptor)
                break
            }
            connected.append(descriptor)
        }
        return connected
    }

    /// Ends the accepting thread (waiting for it) and closes every connection it held.
    func stop() {
        guard !stopped else { return }
        stopped = true
        if !wakeUp.isEmpty {
            var byte: UInt8 = 1
            _ = write(wakeUp[1], &byte, 1)
            finished.wait()
            wakeUp.forEach { close($0) }
        }
        fillers.forEach { close($0) }
        close(listener)
    }

    deinit { stop() }
}

extension Loopback {
    /// A port on this address that refuses connections: nothing listens on it (the kernel's pick for a
    /// socket that is bound and closed again).
    func refusingPort() throws -> Int { try Loopback.freePort(on: [self]) }
}

// MARK: nginx

/// nginx (Debian's package) on loopback with its own configuration in a scratch directory: HTTPS with
/// leaf.pem and intermediate.pem on `httpsPort`, and optionally plain HTTP on `httpPort`, both on
/// 127.0.0.1 and (where the machine has IPv6) [::1]. Every path answers `200 ok` over HTTPS.
///
///     let site = try LiveNginxSite(
///         httpsHeaders: [.init("Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload")],
///         http: .redirect)
///     defer { site.stop() }
///     // https://127.0.0.1:\(site.httpsPort)/ sends the header; http://127.0.0.1:\(site.httpPort!)/
///     // answers 301 to https://127.0.0.1:\(site.httpsPort)/.
///
/// Header values are written as nginx single-quoted strings; they must not hold `$` (nginx would read a
/// variable there).
final class LiveNginxSite {
    /// One `add_header NAME 'VALUE' [always];` line. Without `always` nginx adds it to 2xx and 3xx
    /// responses only.
    struct Header: Sendable, Hashable {
        var name: String
        var value: String
        var always: Bool

        init(_ name: String, _ value: String, always: Bool = false) {
            self.name = name
            self.value = value
            self.always = always
        }

        var directive: String {
            let quoted = value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "'", with: "\\'")
            return "add_header \(name) '\(quoted)'\(always ? " always" : "");"
        }
    }

    /// What the plain-HTTP port does.
    enum HTTPMode: Sendable, Hashable {
        /// No plain-HTTP server: `httpPort` is nil.
        case none
        /// `301` to `https://$host:HTTPSPORT$request_uri` (the same host, the HTTPS port).
        case redirect
        /// `200 ok`, with these headers (an HSTS header here is one browsers ignore).
        case ok(headers: [Header])
    }

    let httpsPort: Int
    let httpPort: Int?
    let addresses: [Loopback]
    /// The fixture files sent over HTTPS, in order.
    static let sent = ["certs/leaf.pem", "certs/intermediate.pem"]
    private let group: LiveServerGroup

    /// Starts nginx and waits until both ports accept connections on every address.
    init(httpsHeaders: [Header] = [], http: HTTPMode = .none, on addresses: [Loopback] = Loopback.available)
        throws
    {
        let nginx = try #require(LiveTools.nginx, "nginx is not installed")
        var plainHeaders: [Header] = []
        if case .ok(let headers) = http { plainHeaders = headers }
        for header in httpsHeaders + plainHeaders {
            try #require(!header.value.contains("$"), "nginx would read a variable in \(header.value)")
        }
        let group = try LiveServerGroup()
        self.group = group
        self.addresses = addresses
        let certificates = try concatenate(Self.sent, into: group.directory, as: "chain.pem")
        let prefix = group.directory.path
        let file = group.directory.appendingPathComponent("nginx.conf")
        (httpsPort, httpPort) = try startOnFreePort("nginx") {
            let httpsPort = try Loopback.freePort(on: addresses)
            var httpPort: Int? = nil
            if http != .none {
                repeat { httpPort = try Loopback.freePort(on: addresses) } while httpPort == httpsPort
            }
            func server(_ port: Int, ssl: Bool, _ lines: [String]) -> String {
                let listen = addresses.map { "listen \($0.hostAndPort(port))\(ssl ? " ssl" : "");" }
                return (["    server {"] + (listen + lines).map { "        \($0)" } + ["    }"])
                    .joined(separator: "\n")
            }
            var servers = [
                server(
                    httpsPort, ssl: true,
                    [
                        "ssl_certificate \(certificates);",
                        "ssl_certificate_key \(Fixtures.url("certs/leaf.key").path);",
                    ] + httpsHeaders.map(\.directive) + ["location / { return 200 \"ok\\n\"; }"])
            ]
            if let httpPort {
                let location =
                    http == .redirect
                    ? "location / { return 301 https://$host:\(httpsPort)$request_uri; }"
                    : "location / { return 200 \"ok\\n\"; }"
                servers.append(server(httpPort, ssl: false, plainHeaders.map(\.directive) + [location]))
            }
            let configuration = nginxConfiguration(prefix: prefix, servers: servers)
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            let process = try group.start(
                nginx, ["-c", file.path, "-p", "\(prefix)/", "-e", "\(prefix)/nginx-error.log"],
                log: "nginx.log")
            let ports = [httpsPort] + (httpPort.map { [$0] } ?? [])
            let listening = process.wait {
                ports.allSatisfy { port in addresses.allSatisfy { acceptsConnections($0, port: port) } }
            }
            guard listening else {
                group.stopProcesses()
                let log = process.output + group.contents(of: "nginx-error.log")
                return (nil, log + "\n--- nginx.conf:\n" + configuration)
            }
            return ((httpsPort, httpPort), "")
        }
    }

    func stop() { group.stop() }
}

// MARK: Hostile peers (Python)

/// `Tests/Support/hostile-server.py`: a peer that keeps the socket full or never ends what it sends, so
/// that only pinhash's own deadline can end the step.
final class HostilePeerServer {
    enum Mode: String, Sendable, CaseIterable {
        /// An IMAP server that answers STARTTLS with endless untagged `* 1 EXISTS` lines.
        case imapExistsFlood = "imap-exists-flood"
        /// A TLS server that answers the ClientHello with endless HelloRequest messages.
        case tlsHelloRequestFlood = "tls-hello-request-flood"
        /// An HTTPS server (leaf.pem and intermediate.pem) whose response head never ends, a line each 0.2 s.
        case httpsTrickledHead = "https-trickled-head"
    }

    static let script = PackagePaths.root.appendingPathComponent("Tests/Support/hostile-server.py").path

    let port: Int
    private let group: LiveServerGroup

    init(_ mode: Mode, on address: Loopback = .ipv4) throws {
        let python = try #require(LiveTools.python, "python3 is not installed")
        let group = try LiveServerGroup()
        self.group = group
        var arguments = ["-u", Self.script, mode.rawValue, address.address]
        if mode == .httpsTrickledHead {
            let certificates = try concatenate(StartTLSServer.sent, into: group.directory, as: "chain.pem")
            arguments += [certificates, Fixtures.url("certs/leaf.key").path]
        }
        let process = try group.start(python, arguments, log: "hostile.log")
        // The script binds port 0 itself and prints `listening PORT`.
        var port: Int?
        _ = process.wait {
            let line = process.output.split(separator: "\n").first { $0.hasPrefix("listening ") }
            port = line.flatMap { Int($0.dropFirst("listening ".count)) }
            return port != nil
        }
        guard let port else { throw LiveServerError("hostile-server.py did not start:\n\(process.output)") }
        self.port = port
    }

    func stop() { group.stop() }
}
