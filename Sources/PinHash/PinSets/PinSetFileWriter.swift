/// The YAML nodes of a pin-set file, in the schema's order, for libyaml to emit. Text a person wrote
/// (labels, sources, report URIs) is double-quoted, so that a label such as `2026` or `yes` reads back
/// as text in every YAML reader, not as a number or a boolean.
enum PinSetFileWriter {
    static func node(_ pinSet: PinSet) -> YAMLNode {
        mapping([
            (plain("version"), plain(String(pinSet.version))),
            (plain("hosts"), sequence(pinSet.hosts.map(host), .block)),
        ])
    }

    private static func host(_ host: PinnedHost) -> YAMLNode {
        var pairs: [(key: YAMLNode, value: YAMLNode)] = [
            (plain("name"), yamlWord(host.name) ? quoted(host.name) : plain(host.name)),
            (plain("port"), plain(String(host.port))),
            (plain("include-subdomains"), plain(host.includesSubdomains ? "true" : "false")),
            (plain("pins"), sequence(host.pins.map(entry), .block)),
        ]
        if let expiration = host.expiration {
            pairs.append((plain("expiration"), plain(expiration.description)))
        }
        pairs.append((plain("enforcement"), plain(host.enforcement.rawValue)))
        if !host.reportURIs.isEmpty {
            pairs.append(
                (
                    plain("report-uris"),
                    sequence(host.reportURIs.map(quoted), .block)
                ))
        }
        if !host.clients.isEmpty {
            pairs.append(
                (
                    plain("clients"),
                    sequence(host.clients.map { plain($0.rawValue) }, .flow)
                ))
        }
        return mapping(pairs)
    }

    private static func entry(_ entry: PinSetEntry) -> YAMLNode {
        var pairs: [(key: YAMLNode, value: YAMLNode)] = [(plain("pin"), plain(entry.pin.base64))]
        if let label = entry.label { pairs.append((plain("label"), quoted(label))) }
        if let role = entry.role { pairs.append((plain("role"), plain(role.rawValue))) }
        if let source = entry.source { pairs.append((plain("source"), quoted(source))) }
        return mapping(pairs)
    }

    /// Whether a plain `text` would read back as a boolean or null (a one-label host named `yes`).
    private static func yamlWord(_ text: String) -> Bool {
        ["~", "null", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
    }

    private static func plain(_ text: String) -> YAMLNode { YAMLNode(.scalar(text, .plain)) }

    private static func quoted(_ text: String) -> YAMLNode { YAMLNode(.scalar(text, .doubleQuoted)) }

    private static func sequence(_ items: [YAMLNode], _ style: YAMLNode.CollectionStyle) -> YAMLNode {
        YAMLNode(.sequence(items, style))
    }

    private static func mapping(_ pairs: [(key: YAMLNode, value: YAMLNode)]) -> YAMLNode {
        YAMLNode(.mapping(pairs, .block))
    }
}
