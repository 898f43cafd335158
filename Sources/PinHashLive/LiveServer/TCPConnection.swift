import Dispatch
import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The moment, on the monotonic clock, by which one network step must be done.
struct Deadline {
    let seconds: Double
    private let end: UInt64

    init(seconds: Double) {
        self.seconds = seconds
        end = Self.now() &+ UInt64(max(0, seconds) * 1e9)
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Whether the deadline has passed. Loops that move bytes check it on every turn, not only when they
    /// would wait: a peer that keeps the socket full never makes them wait.
    var hasPassed: Bool { Self.now() >= end }

    /// Milliseconds left for poll(2), rounded up so that poll does not wake just before the end; 0 once
    /// the deadline has passed.
    var remainingMilliseconds: Int32 {
        let now = Self.now()
        guard now < end else { return 0 }
        return Int32(min((end - now + 999_999) / 1_000_000, UInt64(Int32.max)))
    }

    /// `timed out after 10 s waiting for the TLS handshake`.
    func timedOut(_ step: String) -> PinHashError {
        PinHashError(.timedOut, "timed out after \(Self.describe(seconds)) s \(step)")
    }

    /// `10`, `2.5`: seconds as the user wrote them.
    static func describe(_ seconds: Double) -> String {
        seconds == seconds.rounded() && seconds < 1e9 ? String(Int(seconds)) : String(seconds)
    }
}

/// Bytes to and from a server, plain or through TLS, each call bounded by a deadline.
protocol ByteStream: AnyObject {
    /// Sends every byte, or throws.
    func send(_ bytes: [UInt8], until deadline: Deadline, _ step: String) throws(PinHashError)
    /// Receives at least one byte into `buffer`; 0 when the server has closed the connection.
    func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline, _ step: String)
        throws(PinHashError) -> Int
}

/// One address a name resolved to.
struct ResolvedAddress: @unchecked Sendable {
    var storage: sockaddr_storage
    let length: socklen_t
    let family: Int32
    /// The address in numeric form: `127.0.0.1`, `::1`.
    let numeric: String
}

/// A connected TCP socket, non-blocking (every wait goes through poll with a deadline), closed when the
/// object goes.
final class TCPConnection: ByteStream {
    let descriptor: Int32
    /// The numeric address connected to.
    let peer: String
    let port: Int

    /// Resolves `host` (or takes `address`, an IP literal, instead) and connects to the first address
    /// that answers, racing them (``ConnectionRace``) within one deadline of `timeout` seconds.
    static func connect(to server: ServerAddress, via address: String?, timeout: Double) throws(PinHashError)
        -> TCPConnection
    {
        let name = address ?? server.host
        let addresses = try resolve(name, port: server.port, timeout: timeout)
        return try connect(toFirstOf: addresses, of: name, port: server.port, timeout: timeout)
    }

    /// Connects to the first of `addresses` (those `name` resolved to) that answers within `timeout`.
    static func connect(toFirstOf addresses: [ResolvedAddress], of name: String, port: Int, timeout: Double)
        throws(PinHashError) -> TCPConnection
    {
        let race = ConnectionRace(addresses, name: name, port: port)
        let (descriptor, address) = try race.run(until: Deadline(seconds: timeout))
        return TCPConnection(descriptor: descriptor, peer: address.numeric, port: port)
    }

    private init(descriptor: Int32, peer: String, port: Int) {
        self.descriptor = descriptor
        self.peer = peer
        self.port = port
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(descriptor) }

    static func lastSystemError() -> String { String(cString: strerror(errno)) }

    /// Waits until the socket is ready for `events` (POLLIN, POLLOUT), or throws when the deadline passes.
    func wait(for events: Int16, until deadline: Deadline, _ step: String) throws(PinHashError) {
        var entry = pollfd(fd: descriptor, events: events, revents: 0)
        while true {
            let remaining = deadline.remainingMilliseconds
            if remaining == 0 { throw deadline.timedOut(step) }
            let ready = poll(&entry, 1, remaining)
            if ready > 0 { return }
            if ready == 0 { throw deadline.timedOut(step) }
            if errno != EINTR {
                throw PinHashError(
                    .connectionFailed, "cannot wait for the server \(step): \(Self.lastSystemError())")
            }
        }
    }

    func send(_ bytes: [UInt8], until deadline: Deadline, _ step: String) throws(PinHashError) {
        var offset = 0
        while offset < bytes.count {
            if deadline.hasPassed { throw deadline.timedOut(step) }
            let sent = bytes.withUnsafeBytes {
                Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent >= 0 {
                offset += sent
            } else if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLOUT), until: deadline, step)
            } else if errno != EINTR {
                throw Self.transferError(errno, step)
            }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline, _ step: String)
        throws(PinHashError) -> Int
    {
        while true {
            if deadline.hasPassed { throw deadline.timedOut(step) }
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                try wait(for: Int16(POLLIN), until: deadline, step)
            } else if errno != EINTR {
                throw Self.transferError(errno, step)
            }
        }
    }

    static func transferError(_ code: Int32, _ step: String) -> PinHashError {
        if code == ECONNRESET || code == EPIPE {
            return PinHashError(.connectionFailed, "the server reset the connection \(step)")
        }
        return PinHashError(
            .connectionFailed, "connection failed \(step): \(String(cString: strerror(code)))")
    }

    /// This end's address, as an SMTP address literal: `[127.0.0.1]`, `[IPv6:::1]`.
    var localAddressLiteral: String {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard status == 0, let numeric = Self.numericHost(&storage, length) else { return "[127.0.0.1]" }
        return Int32(storage.ss_family) == AF_INET6 ? "[IPv6:\(numeric)]" : "[\(numeric)]"
    }

    static func numericHost(_ storage: inout sockaddr_storage, _ length: socklen_t) -> String? {
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                getnameinfo($0, length, &host, socklen_t(host.count), nil, 0, NI_NUMERICHOST)
            }
        }
        guard status == 0 else { return nil }
        return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The addresses `host` resolves to, in the resolver's order. An IP address is converted at once, on
    /// this thread (no lookup, so no wait that a busy machine could stretch past the deadline).
    /// getaddrinfo has no timeout of its own, so a name is looked up on another thread and the wait for
    /// it is bounded; a lookup that outlives the wait is left to finish on its own.
    static func resolve(_ host: String, port: Int, timeout: Double) throws(PinHashError) -> [ResolvedAddress]
    {
        final class Lookup: @unchecked Sendable {
            var status: Int32 = 0
            var systemError: Int32 = 0
            var addresses: [ResolvedAddress] = []

            /// getaddrinfo for `host`, keeping every address it lists; `flags` as in its hints.
            func run(_ host: String, port: Int, flags: Int32) {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                hints.ai_flags = flags
                var list: UnsafeMutablePointer<addrinfo>?
                status = getaddrinfo(host, String(port), &hints, &list)
                systemError = errno
                var entry = list
                while let current = entry?.pointee {
                    entry = current.ai_next
                    guard let address = current.ai_addr,
                        current.ai_addrlen <= MemoryLayout<sockaddr_storage>.size
                    else { continue }
                    var storage = sockaddr_storage()
                    withUnsafeMutableBytes(of: &storage) {
                        $0.copyMemory(
                            from: UnsafeRawBufferPointer(start: address, count: Int(current.ai_addrlen)))
                    }
                    guard let numeric = TCPConnection.numericHost(&storage, current.ai_addrlen) else {
                        continue
                    }
                    addresses.append(
                        ResolvedAddress(
                            storage: storage, length: current.ai_addrlen, family: current.ai_family,
                            numeric: numeric))
                }
                if let list { freeaddrinfo(list) }
            }
        }
        let literal = Lookup()
        literal.run(host, port: port, flags: AI_NUMERICHOST)
        if literal.status == 0, !literal.addresses.isEmpty {
            var seen = Set<String>()
            return literal.addresses.filter { seen.insert($0.numeric).inserted }
        }
        let lookup = Lookup()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            lookup.run(host, port: port, flags: 0)
            done.signal()
        }
        if done.wait(timeout: .now() + .nanoseconds(Int(max(0, timeout) * 1e9))) == .timedOut {
            throw Deadline(seconds: timeout).timedOut("resolving \(host)")
        }
        if lookup.status != 0 {
            let reason =
                lookup.status == EAI_SYSTEM
                ? String(cString: strerror(lookup.systemError)) : String(cString: gai_strerror(lookup.status))
            throw PinHashError(.nameResolutionFailed, "cannot resolve \(host): \(reason)")
        }
        // Each address once: getaddrinfo lists one per protocol on some systems.
        var seen = Set<String>()
        return lookup.addresses.filter { seen.insert($0.numeric).inserted }
    }
}

/// Runs `body` with SIGPIPE blocked on this thread, so that OpenSSL writing to a socket the server has
/// closed gets EPIPE instead of ending the process; a SIGPIPE raised meanwhile is taken off before the
/// old mask is back. Process-wide handlers stay as the caller set them.
func withSIGPIPEBlocked<T>(_ body: () throws(PinHashError) -> T) throws(PinHashError) -> T {
    var pipeSignal = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    var previous = sigset_t()
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
    defer {
        var pending = sigset_t()
        if sigismember(&previous, SIGPIPE) == 0, sigpending(&pending) == 0,
            sigismember(&pending, SIGPIPE) == 1
        {
            var noWait = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipeSignal, nil, &noWait)
        }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }
    return try body()
}

/// Whether `text` is an IPv4 or IPv6 address literal.
func isIPAddressLiteral(_ text: String) -> Bool {
    var buffer = in6_addr()
    return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
}
