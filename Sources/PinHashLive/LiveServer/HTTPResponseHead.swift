import PinHash

/// An `http://` or `https://` URL as `pinhash audit` takes it: scheme, server and path; no user
/// information, query strings are kept in the path, fragments are dropped.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case http, https

        public var defaultPort: Int { self == .https ? 443 : 80 }
    }

    public let scheme: Scheme
    public let server: ServerAddress
    /// The request target: `/` or `/path?query`.
    public let path: String

    public init(scheme: Scheme, server: ServerAddress, path: String = "/") {
        self.scheme = scheme
        self.server = server
        self.path = path
    }

    /// Reads `https://HOST[:PORT][/PATH]`; a missing scheme is https.
    public init(parsing text: String) throws(PinHashError) {
        func invalid(_ reason: String) -> PinHashError {
            PinHashError(.invalidArgument, reason, source: text)
        }
        var rest = Substring(text)
        var scheme = Scheme.https
        if let range = rest.firstRange(of: "://") {
            guard let named = Scheme(rawValue: rest[..<range.lowerBound].lowercased()) else {
                let scheme = InputName.escapingControlCharacters(String(rest[..<range.lowerBound]))
                throw invalid("the scheme '\(scheme)' is not http or https")
            }
            scheme = named
            rest = rest[range.upperBound...]
        }
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else { throw invalid("a URL with a user name or password") }
        var path = String(rest[authorityEnd...])
        if path.isEmpty || path.first == "?" { path = "/" + path }
        guard path.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw invalid("the path has spaces or characters that are not URL-encoded")
        }
        var authorityText = String(authority)
        if !authorityText.utf8.allSatisfy({ $0 < 0x80 }) {
            // An internationalized name: its labels in ASCII (IDNA), as clients send it.
            let colon = authorityText.lastIndex(of: ":")
            let host = colon.map { String(authorityText[..<$0]) } ?? authorityText
            authorityText = try IDNA.toASCII(host) + (colon.map { String(authorityText[$0...]) } ?? "")
        }
        let server = try ServerAddress(parsing: authorityText, defaultPort: scheme.defaultPort)
        self.init(
            scheme: scheme, server: ServerAddress(host: server.host.lowercased(), port: server.port),
            path: path)
    }

    /// The Host header's value: the host, with the port when it is not the scheme's default.
    public var hostHeader: String {
        let host = server.isIPv6Literal ? "[\(server.host)]" : server.host
        return server.port == scheme.defaultPort ? host : "\(host):\(server.port)"
    }

    public var description: String { "\(scheme.rawValue)://\(hostHeader)\(path)" }
}

/// One HTTP response header field.
public struct HTTPField: Sendable, Hashable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The status line and header fields of an HTTP/1.x response.
public struct HTTPResponseHead: Sendable, Hashable {
    /// `HTTP/1.1` or `HTTP/1.0`.
    public let version: String
    public let statusCode: Int
    public let reason: String
    /// The fields in the order received, continuation lines joined.
    public let fields: [HTTPField]

    public init(version: String, statusCode: Int, reason: String, fields: [HTTPField]) {
        self.version = version
        self.statusCode = statusCode
        self.reason = reason
        self.fields = fields
    }

    /// The values of every field named `name`, compared case-insensitively, in order.
    public func values(of name: String) -> [String] {
        let lowercased = name.lowercased()
        return fields.filter { $0.name.lowercased() == lowercased }.map(\.value)
    }

    /// Whether the status is a redirect that names a Location (301, 302, 303, 307, 308).
    public var isRedirect: Bool { [301, 302, 303, 307, 308].contains(statusCode) }

    /// The head as text, as `curl -sI` prints it: the status line, then `Name: value` lines.
    public var text: String {
        var text = "\(version) \(statusCode)\(reason.isEmpty ? "" : " " + reason)\r\n"
        for field in fields { text += "\(field.name): \(field.value)\r\n" }
        return text
    }
}

extension HTTPResponseHead {
    /// The largest response head read; real ones are a few KiB.
    static let sizeLimit = 64 << 10

    /// Parses a response head as a server sends it (or `curl -sI` prints it): the status line, then
    /// fields, continuation lines joined to the field before them; lines without a colon are skipped.
    /// Control characters in values become `?`, so that a hostile header cannot drive a terminal.
    public init(parsing bytes: [UInt8]) throws(PinHashError) {
        var lines: [ArraySlice<UInt8>] = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
            $0.last == 0x0D ? $0.dropLast() : $0
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let statusLine = lines.first else {
            throw PinHashError(.protocolFailure, "the server's reply is empty")
        }
        let parts = statusLine.split(separator: 0x20, maxSplits: 2, omittingEmptySubsequences: false)
        let version = String(decoding: parts[0], as: UTF8.self)
        guard version.hasPrefix("HTTP/1."), parts.count >= 2, parts[1].count == 3,
            let code = Int(String(decoding: parts[1], as: UTF8.self)), code >= 100
        else {
            throw PinHashError(
                .protocolFailure, "the server's reply is not HTTP/1.x: \(printable(statusLine))")
        }
        var fields: [HTTPField] = []
        for line in lines.dropFirst() {
            if let first = line.first, first == 0x20 || first == 0x09, let previous = fields.popLast() {
                fields.append(
                    HTTPField(name: previous.name, value: previous.value + " " + Self.fieldText(line)))
                continue
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                continue
            }
            let name = String(decoding: line[..<colon], as: UTF8.self)
            fields.append(HTTPField(name: printable(name.utf8), value: Self.fieldText(line[(colon + 1)...])))
        }
        self.init(
            version: version, statusCode: code,
            reason: parts.count > 2 ? Self.fieldText(parts[2]) : "", fields: fields)
    }

    /// A field value: surrounding white space trimmed, UTF-8 (invalid bytes replaced), control
    /// characters as `?`.
    private static func fieldText(_ bytes: ArraySlice<UInt8>) -> String {
        var slice = bytes
        while let first = slice.first, first == 0x20 || first == 0x09 { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x20 || last == 0x09 { slice = slice.dropLast() }
        return String(
            decoding: slice.map { $0 < 0x20 && $0 != 0x09 || $0 == 0x7F ? UInt8(ascii: "?") : $0 },
            as: UTF8.self)
    }

    /// Sends `GET target` for `url` and reads the final response head (after any 1xx interim ones).
    static func fetch(_ url: HTTPURL, over stream: any ByteStream, timeout: Double) throws(PinHashError)
        -> HTTPResponseHead
    {
        let deadline = Deadline(seconds: timeout)
        let request =
            "GET \(url.path) HTTP/1.1\r\nHost: \(url.hostHeader)\r\nUser-Agent: pinhash/\(pinHashVersion)\r\n"
            + "Accept: */*\r\nConnection: close\r\n\r\n"
        try stream.send(Array(request.utf8), until: deadline, "sending the HTTP request")
        var reader = ReplyReader(stream)
        let step = "waiting for the HTTP response"
        for _ in 0..<10 {
            guard let bytes = try reader.head(until: deadline, step, limit: sizeLimit) else {
                throw PinHashError(
                    .connectionFailed, "the server closed the connection without an HTTP response")
            }
            let head = try HTTPResponseHead(parsing: bytes)
            if head.statusCode >= 200 { return head }
        }
        throw PinHashError(.protocolFailure, "the server sent more than 10 interim (1xx) responses")
    }
}
