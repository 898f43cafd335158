internal import Yams

/// The YAML nodes of a pin-set file, in the schema's order, for Yams to emit. Text a person wrote
/// (labels, sources, report URIs) is double-quoted, so that a label such as `2026` or `yes` reads back
/// as text in every YAML reader, not as a number or a boolean.
enum PinSetFileWriter {
    static func node(_ pinSet: PinSet) -> Node {
        .mapping(
            Node.Mapping([
                (plain("version"), plain(String(pinSet.version))),
                (plain("hosts"), .sequence(Node.Sequence(pinSet.hosts.map(host), .implicit, .block))),
            ]))
    }

    private static func host(_ host: PinnedHost) -> Node {
        var pairs: [(Node, Node)] = [
            (plain("name"), yamlWord(host.name) ? quoted(host.name) : plain(host.name)),
            (plain("port"), plain(String(host.port))),
            (plain("include-subdomains"), plain(host.includesSubdomains ? "true" : "false")),
            (plain("pins"), .sequence(Node.Sequence(host.pins.map(entry), .implicit, .block))),
        ]
        if let expiration = host.expiration {
            pairs.append((plain("expiration"), plain(expiration.description)))
        }
        pairs.append((plain("enforcement"), plain(host.enforcement.rawValue)))
        if !host.reportURIs.isEmpty {
            pairs.append(
                (
                    plain("report-uris"),
                    .sequence(Node.Sequence(host.reportURIs.map(quoted), .implicit, .block))
                ))
        }
        if !host.clients.isEmpty {
            pairs.append(
                (
                    plain("clients"),
                    .sequence(Node.Sequence(host.clients.map { plain($0.rawValue) }, .implicit, .flow))
                ))
        }
        return .mapping(Node.Mapping(pairs, .implicit, .block))
    }

    private static func entry(_ entry: PinSetEntry) -> Node {
        var pairs: [(Node, Node)] = [(plain("pin"), plain(entry.pin.base64))]
        if let label = entry.label { pairs.append((plain("label"), quoted(label))) }
        if let role = entry.role { pairs.append((plain("role"), plain(role.rawValue))) }
        if let source = entry.source { pairs.append((plain("source"), quoted(source))) }
        return .mapping(Node.Mapping(pairs, .implicit, .block))
    }

    /// Whether a plain `text` would read back as a boolean or null (a one-label host named `yes`).
    private static func yamlWord(_ text: String) -> Bool {
        ["~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
    }

    private static func plain(_ text: String) -> Node { .scalar(Node.Scalar(text, .implicit, .plain)) }

    private static func quoted(_ text: String) -> Node {
        .scalar(Node.Scalar(text, .implicit, .doubleQuoted))
    }
}
