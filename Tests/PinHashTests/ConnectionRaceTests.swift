import Foundation
import PinHash
import Testing

@testable import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Connecting to a name with many addresses, some of which drop SYNs: the addresses are given to the
/// library directly (no resolver here can be made to return twenty addresses without editing /etc/hosts),
/// as 127.0.0.x, where the kernel's TCP stack does the dropping.
@Suite("Connecting races a name's addresses within one deadline (RFC 8305)", .serialized)
struct ConnectionRaceTests {
    /// Listeners on 127.0.0.x, all on one port, that never accept and whose accept queue (backlog 0) is
    /// kept full by connections of their own, after which Linux drops further SYNs: a client's connect()
    /// then waits until its own timeout, as with a host that drops packets. Closed by `stop()`.
    final class SilentListeners {
        let port: Int
        private var descriptors: [Int32] = []

        init(hosts: ClosedRange<Int>) throws {
            var port = 0
            for host in hosts {
                let listener = try Self.listener(on: "127.0.0.\(host)", port: port)
                descriptors.append(listener)
                if port == 0 { port = Self.port(of: listener) }
                descriptors += Self.fillAcceptQueue(of: "127.0.0.\(host)", port: port)
            }
            self.port = port
        }

        func stop() {
            descriptors.forEach { close($0) }
            descriptors = []
        }

        deinit { stop() }

        static func address(_ host: String, _ port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &address.sin_addr)
            return address
        }

        private static func listener(on host: String, port: Int) throws -> Int32 {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = address(host, port)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard descriptor >= 0, bound == 0, listen(descriptor, 0) == 0 else {
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw PinHashError(.internalFailure, "cannot listen on \(host) port \(port): \(reason)")
            }
            return descriptor
        }

        private static func port(of descriptor: Int32) -> Int {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        /// Connects until a connection no longer completes within 100 ms; returns those that did.
        private static func fillAcceptQueue(of host: String, port: Int) -> [Int32] {
            var connected: [Int32] = []
            for _ in 0..<8 {
                let descriptor = socket(
                    AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                var address = address(host, port)
                _ = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                var ready = [pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)]
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                guard poll(&ready, 1, 100) == 1,
                    getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0
                else {
                    close(descriptor)
                    break
                }
                connected.append(descriptor)
            }
            return connected
        }
    }

    /// 127.0.0.`host` port `port` as the resolver gives it.
    static func addresses(_ hosts: ClosedRange<Int>, port: Int) throws -> [ResolvedAddress] {
        try hosts.flatMap { try TCPConnection.resolve("127.0.0.\($0)", port: port, timeout: 5) }
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    @Test("An IP address needs no lookup: it is taken at once, even with no time left to wait for a resolver")
    func addressLiteralsNeedNoWait() throws {
        // getnameinfo, not pinhash, says what each literal is in numeric form.
        for (host, expected) in [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("0:0:0:0:0:0:0:1", "::1")] {
            let addresses = try TCPConnection.resolve(host, port: 443, timeout: 0)
            #expect(addresses.map(\.numeric) == [expected], "\(host)")
        }
    }

    @Test("Twenty addresses that drop SYNs: one timeout for them all, not twenty, naming the name and count")
    func twentySilentAddressesShareOneDeadline() throws {
        let listeners = try SilentListeners(hosts: 2...21)
        defer { listeners.stop() }
        let addresses = try Self.addresses(2...21, port: listeners.port)
        try #require(addresses.count == 20)
        var failure: PinHashError?
        let seconds = Self.seconds {
            do throws(PinHashError) {
                _ = try TCPConnection.connect(
                    toFirstOf: addresses, of: "many.example", port: listeners.port, timeout: 2)
            } catch { failure = error }
        }
        let error = try #require(failure)
        #expect(error.code == .timedOut)
        // At 250 ms apart, 8 or 9 of the 20 attempts start within 2 s.
        #expect(
            error.reason.hasPrefix("timed out after 2 s connecting to many.example port \(listeners.port) ("),
            "\(error.reason)")
        #expect(error.reason.hasSuffix(" of its 20 addresses tried)"), "\(error.reason)")
        // Generous: one deadline is 2 s; an attempt after another would be 40.
        #expect(seconds < 6, "took \(seconds) s")
    }

    @Test("An address that drops SYNs before one that answers: the second wins after 250 ms, not the timeout")
    func answeringAddressWinsTheRace() throws {
        let listeners = try SilentListeners(hosts: 2...2)
        defer { listeners.stop() }
        let answering = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(answering) }
        var address = SilentListeners.address("127.0.0.3", listeners.port)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(answering, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0 && listen(answering, 16) == 0, "cannot listen on 127.0.0.3")
        let addresses = try Self.addresses(2...3, port: listeners.port)
        var peer = ""
        let seconds = try Self.seconds {
            let connection = try TCPConnection.connect(
                toFirstOf: addresses, of: "two.example", port: listeners.port, timeout: 10)
            peer = connection.peer
        }
        #expect(peer == "127.0.0.3")
        #expect(seconds < 3, "took \(seconds) s")
    }

    @Test("Address families alternate from the first address's, each family in the resolver's order")
    func familiesInterleave() throws {
        let resolved = try ["::1", "::2", "::3", "127.0.0.1", "127.0.0.2"].flatMap {
            try TCPConnection.resolve($0, port: 443, timeout: 5)
        }
        let order = ConnectionRace.interleaved(resolved).map(\.numeric)
        // RFC 8305 section 4's example, with a First Address Family Count of 1.
        #expect(order == ["::1", "127.0.0.1", "::2", "127.0.0.2", "::3"])
    }
}
