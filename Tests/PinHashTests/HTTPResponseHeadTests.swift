import Foundation
import PinHash
import PinHashLive
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-connection TCP server on 127.0.0.1 that reads the request, answers with fixed bytes (or nothing),
/// and keeps what it was sent.
final class CannedHTTPServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let reply: [UInt8]?
    private let lock = NSLock()
    private var receivedBytes: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    /// - Parameter reply: the bytes to send after the request's head; nil sends nothing and holds the
    ///   connection open until `stop()`.
    init(reply: [UInt8]?) throws {
        self.reply = reply
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 1) == 0
                    && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in serve() }
    }

    private func serve() {
        let client = accept(listener, nil, nil)
        defer {
            if client >= 0 { close(client) }
            done.signal()
        }
        guard client >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var request: [UInt8] = []
        while !request.ends(with: Array("\r\n\r\n".utf8)) {
            let count = recv(client, &buffer, buffer.count, 0)
            if count <= 0 { return }
            request += buffer[..<count]
        }
        lock.withLock { receivedBytes = request }
        guard let reply else {
            _ = recv(client, &buffer, buffer.count, 0)  // until the client gives up and closes
            return
        }
        _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    var request: String { lock.withLock { String(decoding: receivedBytes, as: UTF8.self) } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        _ = done.wait(timeout: .now() + 5)
    }

    func fetch(path: String = "/", timeout: Double = 5) throws(PinHashError) -> HTTPResponseHead {
        let url = try HTTPURL(parsing: "http://127.0.0.1:\(port)\(path)")
        return try ServerConnector(options: ConnectOptions(timeout: timeout)).responseHead(of: url).head
    }
}

extension Array where Element == UInt8 {
    fileprivate func ends(with suffix: [UInt8]) -> Bool {
        count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix
    }
}

@Suite("HTTP response heads as audit reads them")
struct HTTPResponseHeadTests {
    static func head(_ text: String, timeout: Double = 5) throws(PinHashError) -> HTTPResponseHead {
        let server = try! CannedHTTPServer(reply: Array(text.utf8))
        defer { server.stop() }
        return try server.fetch(timeout: timeout)
    }

    @Test("The request is a GET of the path with Host, and the head's fields come back in order")
    func requestAndFields() throws {
        let server = try CannedHTTPServer(
            reply: Array(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: https://example.com/\r\nStrict-Transport-Security: max-age=1\r\nX-A:  spaced  \r\n\r\nbody"
                    .utf8))
        defer { server.stop() }
        let head = try server.fetch(path: "/a?b=c")
        #expect(head.version == "HTTP/1.1")
        #expect(head.statusCode == 301)
        #expect(head.reason == "Moved Permanently")
        #expect(head.isRedirect)
        #expect(head.values(of: "location") == ["https://example.com/"])
        #expect(head.fields.map(\.name) == ["Location", "Strict-Transport-Security", "X-A"])
        #expect(head.values(of: "X-A") == ["spaced"])
        let request = server.request
        #expect(request.hasPrefix("GET /a?b=c HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.contains("\r\nConnection: close\r\n"))
    }

    @Test("LF line ends, folded lines, repeated fields and 1xx interim responses are read as browsers do")
    func tolerantReading() throws {
        let head = try Self.head(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.0 200 OK\nPublic-Key-Pins: max-age=10;\n  pin-sha256=\"x\"\nSet-Cookie: a\nSet-Cookie: b\n\n"
        )
        #expect(head.statusCode == 200)
        #expect(head.version == "HTTP/1.0")
        #expect(head.values(of: "public-key-pins") == ["max-age=10; pin-sha256=\"x\""])
        #expect(head.values(of: "Set-Cookie") == ["a", "b"])
        #expect(head.values(of: "Link").isEmpty)
    }

    @Test("Control characters in a value cannot reach the terminal")
    func controlCharacters() throws {
        let head = try Self.head(
            "HTTP/1.1 200 OK\r\nStrict-Transport-Security: max-age=1\u{1B}[2J\u{07}\r\n\r\n")
        #expect(head.values(of: "Strict-Transport-Security") == ["max-age=1?[2J?"])
    }

    @Test(
        "Replies that are not an HTTP head fail with the reason",
        arguments: [
            ("SSH-2.0-OpenSSH_9.2\r\n\r\n", "the server's reply is not HTTP/1.x: SSH-2.0-OpenSSH_9.2"),
            ("HTTP/1.1 2000 OK\r\n\r\n", "the server's reply is not HTTP/1.x: HTTP/1.1 2000 OK"),
            ("HTTP/2 200\r\n\r\n", "the server's reply is not HTTP/1.x: HTTP/2 200"),
            (
                "HTTP/1.1 200 OK\r\nX: y",
                "the server closed the connection in the middle of the HTTP response head"
            ),
            ("", "the server closed the connection without an HTTP response"),
            (
                "HTTP/1.1 200 OK\r\n"
                    + String(
                        repeating: "X-Padding: " + String(repeating: "a", count: 1000) + "\r\n", count: 70),
                "the HTTP response head is larger than 64 KiB"
            ),
        ])
    func malformed(reply: String, reason: String) {
        let error = #expect(throws: PinHashError.self) { try Self.head(reply) }
        #expect(error?.reason == reason)
        #expect(error?.source?.hasPrefix("127.0.0.1:") == true)
    }

    @Test("A server that never answers times out after --timeout")
    func silentServer() throws {
        let server = try CannedHTTPServer(reply: nil)
        defer { server.stop() }
        let start = Date()
        let error = #expect(throws: PinHashError.self) { try server.fetch(timeout: 0.5) }
        #expect(error?.code == .timedOut)
        #expect(error?.reason == "timed out after 0.5 s waiting for the HTTP response")
        #expect(Date().timeIntervalSince(start) < 3)
    }
}
