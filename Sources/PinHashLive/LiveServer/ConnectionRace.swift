import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Connection attempts to the addresses a name resolved to, raced as RFC 8305 (Happy Eyeballs version 2)
/// sections 4 and 5 say: address families interleaved, the next attempt started 250 ms after the last
/// while none has connected (at once when one fails), the first to connect wins and the others are closed.
/// Every attempt shares the one deadline of the connecting step, so the step takes at most the timeout
/// however many addresses there are, and an address that drops SYNs costs the others 250 ms, not the
/// whole timeout.
struct ConnectionRace {
    /// RFC 8305 section 5's recommended Connection Attempt Delay.
    static let attemptDelay = 0.25

    /// The addresses in the order they are tried.
    let addresses: [ResolvedAddress]
    /// The name resolved (or the address given), for messages.
    let name: String
    let port: Int

    init(_ addresses: [ResolvedAddress], name: String, port: Int) {
        self.addresses = Self.interleaved(addresses)
        self.name = name
        self.port = port
    }

    /// The resolver's order (RFC 6724), with the families alternating from the first address's
    /// (RFC 8305 section 4, a First Address Family Count of 1).
    static func interleaved(_ addresses: [ResolvedAddress]) -> [ResolvedAddress] {
        guard let first = addresses.first else { return [] }
        let preferred = addresses.filter { $0.family == first.family }
        let others = addresses.filter { $0.family != first.family }
        var order: [ResolvedAddress] = []
        for index in 0..<max(preferred.count, others.count) {
            if index < preferred.count { order.append(preferred[index]) }
            if index < others.count { order.append(others[index]) }
        }
        return order
    }

    /// A socket connecting, and the address it is connecting to.
    private typealias Attempt = (descriptor: Int32, address: ResolvedAddress)

    /// The connected socket (non-blocking, owned by the caller) and the address it reached.
    func run(until deadline: Deadline) throws(PinHashError) -> (descriptor: Int32, address: ResolvedAddress) {
        var inFlight: [Attempt] = []
        // Every attempt still open when the race ends, won or lost, is one that did not win.
        defer { inFlight.forEach { close($0.descriptor) } }
        var started = 0
        var nextStart = Deadline(seconds: 0)
        var lastFailure: PinHashError?
        while true {
            if deadline.hasPassed { throw deadline.timedOut(timedOutStep(started: started)) }
            if started < addresses.count, inFlight.isEmpty || nextStart.hasPassed {
                let address = addresses[started]
                started += 1
                nextStart = Deadline(seconds: Self.attemptDelay)
                do throws(PinHashError) {
                    let (descriptor, connected) = try start(address)
                    if connected { return (descriptor, address) }
                    inFlight.append((descriptor, address))
                } catch {
                    lastFailure = error
                    nextStart = Deadline(seconds: 0)
                }
                continue
            }
            guard !inFlight.isEmpty else {
                throw lastFailure
                    ?? PinHashError(.nameResolutionFailed, "cannot resolve \(name): no addresses")
            }
            var entries = inFlight.map { pollfd(fd: $0.descriptor, events: Int16(POLLOUT), revents: 0) }
            var wait = deadline.remainingMilliseconds
            if started < addresses.count { wait = min(wait, nextStart.remainingMilliseconds) }
            if poll(&entries, nfds_t(entries.count), wait) < 0 {
                guard errno == EINTR else {
                    throw PinHashError(
                        .connectionFailed,
                        "cannot wait for the server connecting to \(name): \(TCPConnection.lastSystemError())"
                    )
                }
                continue
            }
            var stillInFlight: [Attempt] = []
            var winner: Attempt?
            for (attempt, entry) in zip(inFlight, entries) {
                guard entry.revents != 0, winner == nil else {
                    stillInFlight.append(attempt)
                    continue
                }
                var socketError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(attempt.descriptor, SOL_SOCKET, SO_ERROR, &socketError, &length)
                if socketError == 0 {
                    winner = attempt
                } else {
                    close(attempt.descriptor)
                    lastFailure = Self.connectError(socketError, target(attempt.address))
                    nextStart = Deadline(seconds: 0)
                }
            }
            inFlight = stillInFlight
            if let winner { return winner }
        }
    }

    /// Opens a non-blocking socket and starts connecting it: the descriptor and whether it connected
    /// at once.
    private func start(_ address: ResolvedAddress) throws(PinHashError) -> (Int32, Bool) {
        let descriptor = socket(
            address.family,
            Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else {
            throw PinHashError(
                .connectionFailed,
                "cannot open a socket for \(target(address)): \(TCPConnection.lastSystemError())")
        }
        var storage = address.storage
        let result = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, address.length) }
        }
        if result == 0 { return (descriptor, true) }
        let code = errno
        guard code == EINPROGRESS || code == EINTR else {
            close(descriptor)
            throw Self.connectError(code, target(address))
        }
        return (descriptor, false)
    }

    private func target(_ address: ResolvedAddress) -> String { "\(address.numeric) port \(port)" }

    /// `connecting to 127.0.0.1 port 443`, or for a name with several addresses
    /// `connecting to example.com port 443 (8 of its 20 addresses tried)`.
    private func timedOutStep(started: Int) -> String {
        guard addresses.count > 1 else {
            return "connecting to \(addresses.first.map(target) ?? "\(name) port \(port)")"
        }
        return "connecting to \(name) port \(port) (\(started) of its \(addresses.count) addresses tried)"
    }

    private static func connectError(_ code: Int32, _ target: String) -> PinHashError {
        if code == ECONNREFUSED { return PinHashError(.connectionFailed, "connection refused by \(target)") }
        return PinHashError(
            .connectionFailed, "cannot connect to \(target): \(String(cString: strerror(code)))")
    }
}
