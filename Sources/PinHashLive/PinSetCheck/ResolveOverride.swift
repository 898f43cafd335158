import PinHash

/// Addresses to use for a name and port instead of resolving the name, as curl's `--resolve
/// HOST:PORT:ADDR[,ADDR…]` gives them: to check servers DNS does not point at yet, or each server
/// behind a name by itself.
public struct ResolveOverride: Sendable, Hashable {
    /// The name, lower case, without a trailing dot.
    public let host: String
    public let port: Int
    /// IPv4 or IPv6 addresses, in the order given.
    public let addresses: [String]

    public init(host: String, port: Int, addresses: [String]) {
        self.host = Self.normalized(host)
        self.port = port
        self.addresses = addresses
    }

    /// Reads `HOST:PORT:ADDR`, several addresses joined by `,`, an IPv6 address bare or in brackets
    /// (`www.example.com:443:[::1]`).
    public init(parsing text: String) throws(PinHashError) {
        func invalid(_ reason: String) -> PinHashError {
            PinHashError(.invalidArgument, reason, source: InputName.escapingControlCharacters(text))
        }
        let fields = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw invalid("expected HOST:PORT:ADDRESS") }
        let host = String(fields[0])
        guard !host.isEmpty, (try? ServerAddress(parsing: host, defaultPort: 443)) != nil, !host.contains(":")
        else { throw invalid("'\(InputName.escapingControlCharacters(host))' is not a host name") }
        guard let port = Int(fields[1]), (1...65535).contains(port), fields[1].first != "+" else {
            throw invalid("the port is not a number from 1 to 65535")
        }
        var addresses: [String] = []
        for part in fields[2].split(separator: ",", omittingEmptySubsequences: false) {
            var address = Substring(part)
            if address.hasPrefix("["), address.hasSuffix("]") { address = address.dropFirst().dropLast() }
            guard isIPAddressLiteral(String(address)) else {
                throw invalid("'\(InputName.escapingControlCharacters(String(part)))' is not an IP address")
            }
            addresses.append(String(address))
        }
        self.init(host: host, port: port, addresses: addresses)
    }

    static func normalized(_ host: String) -> String {
        let lower = host.lowercased()
        return lower.count > 1 && lower.hasSuffix(".") ? String(lower.dropLast()) : lower
    }
}
