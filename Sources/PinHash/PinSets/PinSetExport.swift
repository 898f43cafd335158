/// A pin set written for one client: the document, and what the client's configuration could not carry.
///
/// ```swift
/// let pinSet = try PinSetFile.read(fileAt: "pins.yaml")
/// let export = try PinSetExport(pinSet, format: .android)
/// print(export.text, terminator: "")
/// for note in export.notes { print("note:", note) }
/// ```
public struct PinSetExport: Sendable, Hashable {
    public let format: PinSetFormat
    /// The document, ending in a newline.
    public let text: String
    /// What the format leaves out (a report-only host written as enforced, say), per host.
    public let notes: [PinSetExportNote]

    /// Writes the hosts of `pinSet` meant for the format's client (those whose `clients` list is empty
    /// or names it), or only the host named `host`. A format that names no host (`base64`, `curl`, …)
    /// takes exactly one host. Throws when no host is left, when one host must be chosen, or when a host
    /// cannot be written in the format (an IP address in `ios`, two ports of one name where clients pin
    /// by name).
    public init(_ pinSet: PinSet, format: PinSetFormat, host: String? = nil) throws(PinHashError) {
        self.format = format
        var hosts = pinSet.hosts
        if let host {
            let wanted = (try? PinFormatHost(host).text) ?? host.lowercased()
            hosts = hosts.filter { $0.name == wanted }
            guard !hosts.isEmpty else {
                throw PinHashError(
                    .invalidArgument, "the pin set has no host named \(InputName.displayName(of: host))")
            }
        } else if let client = format.client {
            hosts = hosts.filter { $0.clients.isEmpty || $0.clients.contains(client) }
            guard !hosts.isEmpty else {
                throw PinHashError(
                    .invalidArgument,
                    "no host of the pin set is for \(client.rawValue) (see each host's clients)")
            }
        }
        if !format.namesHosts, hosts.count > 1 {
            throw PinHashError(
                .invalidArgument,
                "\(format.rawValue) holds one host's pins and the pin set has \(hosts.count) ("
                    + hosts.prefix(3).map(\.name).joined(separator: ", ") + (hosts.count > 3 ? ", …" : "")
                    + ")",
                remedy: .chooseHost)
        }
        if format.pinsByNameOnly {
            var ports: [String: Int] = [:]
            for host in hosts {
                if let other = ports[host.name] {
                    throw PinHashError(
                        .invalidArgument,
                        "\(format.rawValue) pins by name, and the pin set has \(host.name) on ports \(other) and "
                            + "\(host.port)",
                        remedy: .chooseHost)
                }
                ports[host.name] = host.port
            }
        }
        if format == .ios || format == .tlsa || format == .trustkit,
            let address = hosts.first(where: { (try? PinFormatHost($0.name))?.isAddress == true })
        {
            throw PinHashError(
                .invalidHost, "\(format.rawValue) takes DNS names, not an IP address like \(address.name)")
        }
        var writer = PinSetDocumentWriter(format: format)
        text = writer.document(hosts)
        notes = writer.notes
    }
}

/// Something a client's configuration cannot say about a host, so the exported document leaves it out.
public struct PinSetExportNote: Sendable, Hashable, CustomStringConvertible {
    public enum Omission: Sendable, Hashable {
        /// The format has no way to cover subdomains (curl, DANE): only the name itself is pinned.
        case includeSubdomains
        /// The format has no expiration: the pins apply until the app is updated.
        case expiration
        /// The client always enforces: the report-only host is written as enforced.
        case reportOnly
        /// The client sends no reports.
        case reportURIs
        /// HPKP takes one report-uri: the others are left out.
        case laterReportURIs
        /// TrustKit refuses a domain with fewer than two pins at start-up.
        case fewerThanTwoPins
        /// OkHttp 3 refuses the `**.` pattern that covers every subdomain; OkHttp 4 and later take it.
        case doubleWildcardNeedsOkHttp4
    }

    public let host: String
    public let omission: Omission

    public init(host: String, omission: Omission) {
        self.host = host
        self.omission = omission
    }

    public var description: String {
        let what =
            switch omission {
            case .includeSubdomains: "include-subdomains is not carried: only the name itself is pinned"
            case .expiration: "the expiration is not carried: the pins apply until the configuration changes"
            case .reportOnly: "report-only is not carried: the client enforces the pins"
            case .reportURIs: "the report URIs are not carried: the client sends no reports"
            case .laterReportURIs: "only the first report URI is carried (HPKP takes one)"
            case .fewerThanTwoPins: "TrustKit refuses a domain with fewer than two pins"
            case .doubleWildcardNeedsOkHttp4:
                "the **. pattern (the name and every subdomain) needs OkHttp 4 or later; OkHttp 3 refuses it"
            }
        return "\(host): \(what)"
    }
}
