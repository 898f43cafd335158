import PinHash

/// A server to connect to: a DNS name or IP address and a TCP port.
///
/// Parsed from `HOST`, `HOST:PORT`, `IPv4:PORT`, a bare IPv6 address (`::1`) or `[IPv6]:PORT`.
public struct ServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// The name or address, without the brackets of an IPv6 literal.
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Reads `HOST[:PORT]`; a missing port is `defaultPort`.
    public init(parsing text: String, defaultPort: Int) throws(PinHashError) {
        func invalid(_ reason: String) -> PinHashError {
            PinHashError(.invalidArgument, reason, source: text)
        }
        var host = Substring(text)
        var portText: Substring?
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw invalid("an IPv6 address in [ ] has no ]")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("expected :PORT after ]") }
                portText = rest.dropFirst()
            }
            guard host.contains(":") else { throw invalid("[\(host)] is not an IPv6 address") }
        } else if let colon = host.firstIndex(of: ":"),
            host[host.index(after: colon)...].firstIndex(of: ":") == nil
        {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw invalid("no host name") }
        guard
            host.utf8.allSatisfy({ byte in
                byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "/") && byte != UInt8(ascii: "@")
            })
        else { throw invalid("'\(host)' is not a host name or IP address") }
        var port = defaultPort
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number), portText.first != "+" else {
                throw invalid("the port '\(portText)' is not a number from 1 to 65535")
            }
            port = number
        }
        self.init(host: String(host), port: port)
    }

    /// Whether `host` is an IPv6 literal (it has a colon).
    public var isIPv6Literal: Bool { host.contains(":") }

    /// `host:port`, with an IPv6 address in brackets: `[::1]:443`.
    public var description: String { isIPv6Literal ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
