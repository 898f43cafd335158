import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Programs the live-server tests need, found on `PATH` or in the Debian locations.
enum LiveTools {
    static func find(_ name: String) -> String? {
        InstalledProgram.path(of: name, alsoSearching: ["/usr/sbin", "/usr/bin", "/sbin"])
    }

    static let openssl = find("openssl")
    static let nginx = find("nginx")
    static let apache = find("apache2")
    static let curl = find("curl")
    static let python = find("python3")
    static let apacheModules = "/usr/lib/apache2/modules"
}

/// A server process started by a test, stopped (and waited for) by `stop()` or when it is released.
///
/// Spawned with `posix_spawn` rather than `Process`: a child inherits the signal mask of the thread that
/// starts it, and test threads block SIGTERM, which nginx and httpd would then never see. Here the mask is
/// emptied, the usual signals reset to default, and the server leads its own process group, so that
/// Apache's workers can be ended with it if it does not stop.
final class LiveServerProcess {
    let pid: pid_t
    let log: URL
    private var exited = false
    /// The wait status once the process has exited (as `waitpid` gives it); nil while it runs.
    private(set) var waitStatus: Int32?

    /// Starts `executable` with `environment` added to this process's; its standard input is /dev/null
    /// and both outputs are appended to `log`, or standard error to `errors` when given.
    init(
        executable: String, arguments: [String], log: URL, errors: URL? = nil,
        environment: [String: String] = [:]
    ) throws {
        self.log = log
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // A file rather than a pipe: nobody reads the server's output while it runs.
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        if let errors {
            posix_spawn_file_actions_addopen(&actions, 2, errors.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }

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
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { envp.forEach { free($0) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw LiveServerError("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    deinit { stop() }

    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            exited = true
            waitStatus = status
        }
        return !exited
    }

    /// What the server has written to its log so far.
    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Waits until `ready()` holds; false when the server exits first or `seconds` pass.
    func wait(within seconds: Double = 20, until ready: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if ready() { return true }
            guard isRunning else { return false }
            usleep(20_000)
        }
        return false
    }

    /// SIGKILL to every process left in the process group the process leads (helpers a program such as a
    /// browser started), and to the process itself if it still runs; waits for it.
    func killProcessGroup() {
        kill(-pid, SIGKILL)
        guard isRunning else { return }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
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
}

/// The two loopback addresses the live servers listen on.
enum Loopback: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case ipv4, ipv6

    /// `127.0.0.1` or `::1`.
    var address: String { self == .ipv4 ? "127.0.0.1" : "::1" }
    /// The address as it stands before `:PORT` and in URLs: `127.0.0.1` or `[::1]`.
    var host: String { self == .ipv4 ? address : "[\(address)]" }
    func hostAndPort(_ port: Int) -> String { "\(host):\(port)" }
    var testDescription: String { address }

    /// Whether a socket can be bound to ::1 here (some containers have no IPv6 at all).
    static let ipv6IsAvailable: Bool =
        (try? Loopback.ipv6.boundSocket(port: 0)).map { descriptor in
            close(descriptor)
            return true
        } ?? false

    /// The addresses a server listening "on loopback" uses: both, or 127.0.0.1 alone without IPv6.
    static var available: [Loopback] { ipv6IsAvailable ? [.ipv4, .ipv6] : [.ipv4] }

    /// A TCP socket bound to this address and `port` (0: the kernel picks), not listening yet.
    func boundSocket(port: Int) throws -> Int32 {
        let family = self == .ipv4 ? AF_INET : AF_INET6
        let descriptor = socket(family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw LiveServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var storage = sockaddr_storage()
        let length: socklen_t
        if self == .ipv4 {
            length = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    address.pointee.sin_family = sa_family_t(AF_INET)
                    address.pointee.sin_port = in_port_t(UInt16(port).bigEndian)
                    inet_pton(AF_INET, self.address, &address.pointee.sin_addr)
                    return socklen_t(MemoryLayout<sockaddr_in>.size)
                }
            }
        } else {
            length = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    address.pointee.sin6_family = sa_family_t(AF_INET6)
                    address.pointee.sin6_port = in_port_t(UInt16(port).bigEndian)
                    inet_pton(AF_INET6, self.address, &address.pointee.sin6_addr)
                    return socklen_t(MemoryLayout<sockaddr_in6>.size)
                }
            }
        }
        let bound = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw LiveServerError("bind to \(hostAndPort(port)): \(reason)")
        }
        return descriptor
    }

    /// The port a bound socket has.
    static func port(of descriptor: Int32) throws -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw LiveServerError("getsockname: \(String(cString: strerror(errno)))") }
        // sin_port and sin6_port stand at the same offset.
        let port = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
        }
        return Int(UInt16(bigEndian: port))
    }

    /// A TCP port that nothing listens on now on any of `addresses` (the kernel's pick for the first).
    static func freePort(on addresses: [Loopback] = [.ipv4]) throws -> Int {
        for _ in 0..<20 {
            let first = try addresses[0].boundSocket(port: 0)
            defer { close(first) }
            let port = try Self.port(of: first)
            let others = addresses.dropFirst().map { try? $0.boundSocket(port: port) }
            others.forEach { $0.map { _ = close($0) } }
            if others.allSatisfy({ $0 != nil }) { return port }
        }
        throw LiveServerError("no port free on all of \(addresses.map(\.address))")
    }

    /// `count` different free ports on 127.0.0.1: each bound until all are chosen, since ports picked one
    /// after another can repeat once the first socket is closed (nginx then refused "a duplicate default
    /// server").
    static func freePorts(_ count: Int) throws -> [Int] {
        var sockets: [Int32] = []
        defer { sockets.forEach { _ = close($0) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let socket = try Loopback.ipv4.boundSocket(port: 0)
            sockets.append(socket)
            ports.append(try Self.port(of: socket))
        }
        return ports
    }
}

struct LiveServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory any user can read (servers started as root read their files as another user),
/// removed afterwards.
func withLiveScratchDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = try makeLiveScratchDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// A fresh directory any user can read, for a server object that removes it when it stops.
func makeLiveScratchDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("pinhash-live-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(
        at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o755])
    return directory
}

/// Whether a TCP connection to `address` port `port` is accepted now (closed again at once).
func acceptsConnections(_ address: Loopback, port: Int) -> Bool {
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV
    var list: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(address.address, String(port), &hints, &list) == 0, let info = list else {
        return false
    }
    defer { freeaddrinfo(list) }
    let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
}
