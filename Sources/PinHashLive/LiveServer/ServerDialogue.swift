import PinHash

/// Reads a server's replies line by line (STARTTLS) or up to the end of an HTTP head, never past what
/// it was asked for by more than one receive, and within a size limit.
struct ReplyReader {
    let stream: any ByteStream
    private var buffered: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 4096)

    init(_ stream: any ByteStream) { self.stream = stream }

    /// One line without its CR LF; throws when the server closes first or the line passes `limit` bytes.
    mutating func line(until deadline: Deadline, _ step: String, limit: Int = 8192) throws(PinHashError)
        -> String
    {
        while true {
            if let newline = buffered.firstIndex(of: 0x0A) {
                var line = buffered[..<newline]
                if line.last == 0x0D { line = line.dropLast() }
                let text = printable(line)
                buffered.removeSubrange(...newline)
                return text
            }
            guard buffered.count <= limit else {
                throw PinHashError(.protocolFailure, "a reply line longer than \(limit) bytes \(step)")
            }
            guard try fill(until: deadline, step) else {
                throw PinHashError(.connectionFailed, "the server closed the connection \(step)")
            }
        }
    }

    /// The bytes up to and including the blank line that ends an HTTP head; nil when the server closes
    /// before sending anything.
    mutating func head(until deadline: Deadline, _ step: String, limit: Int) throws(PinHashError) -> [UInt8]?
    {
        var searchFrom = 0
        while true {
            if let end = Self.endOfHead(in: buffered, from: searchFrom) {
                let head = Array(buffered[..<end])
                buffered.removeSubrange(..<end)
                return head
            }
            searchFrom = max(0, buffered.count - 3)
            guard buffered.count <= limit else {
                throw PinHashError(
                    .protocolFailure, "the HTTP response head is larger than \(limit / 1024) KiB")
            }
            guard try fill(until: deadline, step) else {
                if buffered.isEmpty { return nil }
                throw PinHashError(
                    .protocolFailure,
                    "the server closed the connection in the middle of the HTTP response head")
            }
        }
    }

    /// The index just past `\r\n\r\n` or `\n\n`.
    private static func endOfHead(in bytes: [UInt8], from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { return index + 2 }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    return index + 3
                }
            }
            index += 1
        }
        return nil
    }

    private mutating func fill(until deadline: Deadline, _ step: String) throws(PinHashError) -> Bool {
        let stream = self.stream
        // withUnsafeMutableBytes rethrows untyped errors; a Result keeps the type.
        var received: Result<Int, PinHashError> = .success(0)
        chunk.withUnsafeMutableBytes { buffer in
            received = Result { () throws(PinHashError) in
                try stream.receive(into: buffer, until: deadline, step)
            }
        }
        let count = try received.get()
        buffered += chunk[..<count]
        return count > 0
    }
}

/// Server text as it may be shown in a message: printable ASCII, other bytes as `?`, at most 200
/// characters, so that a hostile reply cannot drive the terminal of whoever reads the error.
func printable(_ bytes: some Collection<UInt8>) -> String {
    var text = String(
        decoding: bytes.prefix(200).map { $0 >= 0x20 && $0 < 0x7F ? $0 : UInt8(ascii: "?") }, as: UTF8.self)
    if bytes.count > 200 { text += "…" }
    return text
}

extension StartTLSProtocol {
    /// Runs the plain-text exchange that ends with the server ready for a TLS handshake: SMTP EHLO and
    /// STARTTLS (RFC 3207), IMAP STARTTLS (RFC 3501), POP3 STLS (RFC 2595).
    func negotiate(over connection: TCPConnection, timeout: Double) throws(PinHashError) {
        let deadline = Deadline(seconds: timeout)
        let step = "waiting for the STARTTLS reply"
        var reader = ReplyReader(connection)
        func send(_ command: String) throws(PinHashError) {
            try connection.send(
                Array((command + "\r\n").utf8), until: deadline,
                "sending \(command.split(separator: " ").first ?? "")")
        }
        func refused(_ what: String, _ reply: String) -> PinHashError {
            PinHashError(.protocolFailure, "STARTTLS: \(what): \(reply)")
        }
        switch self {
        case .smtp:
            let greeting = try Self.smtpReply(&reader, deadline, step)
            guard greeting.code == 220 else {
                throw refused("the server's greeting is not 220", greeting.last)
            }
            try send("EHLO \(connection.localAddressLiteral)")
            let hello = try Self.smtpReply(&reader, deadline, step)
            guard hello.code == 250 else { throw refused("the server refused EHLO", hello.last) }
            guard hello.lines.contains(where: { $0.dropFirst(4).uppercased().hasPrefix("STARTTLS") }) else {
                throw PinHashError(
                    .protocolFailure,
                    "STARTTLS: the server does not offer STARTTLS (its EHLO reply does not list it)")
            }
            try send("STARTTLS")
            let ready = try Self.smtpReply(&reader, deadline, step)
            guard ready.code == 220 else { throw refused("the server refused STARTTLS", ready.last) }
        case .imap:
            let greeting = try reader.line(until: deadline, step)
            guard greeting.uppercased().hasPrefix("* OK") else {
                throw refused("the server's greeting is not * OK", greeting)
            }
            try send("a1 STARTTLS")
            while true {
                let line = try reader.line(until: deadline, step)
                guard line.hasPrefix("a1 ") else { continue }
                guard line.dropFirst(3).uppercased().hasPrefix("OK") else {
                    throw refused("the server refused STARTTLS", line)
                }
                break
            }
        case .pop3:
            let greeting = try reader.line(until: deadline, step)
            guard greeting.hasPrefix("+OK") else {
                throw refused("the server's greeting is not +OK", greeting)
            }
            try send("STLS")
            let reply = try reader.line(until: deadline, step)
            guard reply.hasPrefix("+OK") else { throw refused("the server refused STLS", reply) }
        }
    }

    /// An SMTP reply: its code and its lines (`250-…` continues, `250 …` ends), at most 100 lines.
    private static func smtpReply(_ reader: inout ReplyReader, _ deadline: Deadline, _ step: String)
        throws(PinHashError) -> (code: Int, lines: [String], last: String)
    {
        var lines: [String] = []
        while lines.count < 100 {
            let line = try reader.line(until: deadline, step)
            lines.append(line)
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(line.prefix(3))) else {
                throw PinHashError(.protocolFailure, "STARTTLS: the server's reply is not SMTP: \(line)")
            }
            if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") { return (code, lines, line) }
        }
        throw PinHashError(.protocolFailure, "STARTTLS: the server's SMTP reply has more than 100 lines")
    }
}
