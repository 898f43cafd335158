import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        // What the text holds is quoted in the reason, which may reach a terminal.
        func quoted(_ part: Substring) -> String { "'\(InputName.escapingControlCharacters(String(part)))'" }
        var host = Substring(text)
        var portText: Substring?
        let bracketed = host.hasPrefix("[")
        if bracketed {
            guard let close = host.firstIndex(of: "]") else {
                throw invalid("an IPv6 address in [ ] has no ]")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw invalid("expected :PORT after ]") }
                portText = rest.dropFirst()
            }
            guard host.contains(":") else {
                throw invalid("[\(InputName.escapingControlCharacters(String(host)))] is not an IPv6 address")
            }
        } else if let colon = host.firstIndex(of: ":"),
            host[host.index(after: colon)...].firstIndex(of: ":") == nil
        {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty else { throw invalid("no host name") }
        // An IPv6 address (it has a colon) must be one, with at most a zone (`fe80::1%eth0`); anything else
        // is a DNS name or IPv4 address: letters, digits, dots, hyphens and underscores.
        if host.contains(":") {
            let address = host.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)
            var bytes = in6_addr()
            // Only the characters of an address reach inet_pton, which would stop at a NUL.
            guard address[0].utf8.allSatisfy({ $0.isHexDigitColonOrDot }),
                inet_pton(AF_INET6, String(address[0]), &bytes) == 1,
                address.count == 1 || (!address[1].isEmpty && address[1].utf8.allSatisfy(Self.isNameByte))
            else { throw invalid("\(quoted(host)) is not an IPv6 address") }
            if !bracketed, let (address, port) = Self.addressAndPort(ambiguousIn: host) {
                throw invalid(
                    "\(quoted(host)) may be an IPv6 address or \(address) with a port: an IPv6 address with a port "
                        + "needs brackets; write [\(address)]:\(port) for port \(port), or [\(host)] for the address"
                )
            }
        } else if !host.utf8.allSatisfy(Self.isNameByte) {
            throw invalid("\(quoted(host)) is not a host name or IP address")
        }
        var port = defaultPort
        if let portText {
            guard let number = Int(portText), (1...65535).contains(number), portText.first != "+" else {
                throw invalid("the port \(quoted(portText)) is not a number from 1 to 65535")
            }
            port = number
        }
        self.init(host: String(host), port: port)
    }

    /// `::1:8444` is an IPv6 address, but more likely `::1` with port 8444 written as an IPv4 address's
    /// would be: a bare address whose last group is a decimal port (2 to 5 digits) after a valid address.
    private static func addressAndPort(ambiguousIn host: Substring) -> (address: Substring, port: Substring)?
    {
        guard !host.contains("%"), let colon = host.lastIndex(of: ":") else { return nil }
        let address = host[..<colon]
        let port = host[host.index(after: colon)...]
        var bytes = in6_addr()
        guard (2...5).contains(port.utf8.count), port.utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            let number = Int(port), (1...65535).contains(number), !address.hasSuffix(":"),
            inet_pton(AF_INET6, String(address), &bytes) == 1
        else { return nil }
        return (address, port)
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    /// Whether `host` is an IPv6 literal (it has a colon).
    public var isIPv6Literal: Bool { host.contains(":") }

    /// `host:port`, with an IPv6 address in brackets: `[::1]:443`.
    public var description: String { isIPv6Literal ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension UInt8 {
    fileprivate var isHexDigitColonOrDot: Bool {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: ":"), UInt8(ascii: "."):
            true
        default: false
        }
    }
}
