/// Turns the YAML nodes of a pin-set file into a ``PinSet``, checking every key and value against the
/// schema; each error names the node's line and its path (`hosts[0].pins[1].pin`).
struct PinSetFileReader {
    static let topKeys = ["version", "hosts"]
    static let hostKeys = [
        "name", "port", "include-subdomains", "pins", "expiration", "enforcement", "report-uris", "clients",
    ]
    static let pinKeys = ["pin", "label", "role", "source"]

    func pinSet(_ root: YAMLNode) throws(PinHashError) -> PinSet {
        let top = try mapping(root, at: "", what: "a pin set (a mapping with version and hosts)")
        try checkKeys(top, allowed: Self.topKeys, at: "", node: root)
        guard let versionNode = top["version"] else {
            throw error(root, "", "has no version; a pin set starts with version: 1")
        }
        guard let version = integer(versionNode) else {
            throw error(versionNode, "version", "\(quoted(versionNode)) is not a whole number")
        }
        guard version == PinSet.currentVersion else {
            throw error(
                versionNode, "version",
                "\(version) is not a version this pinhash reads (it reads version \(PinSet.currentVersion))")
        }
        guard let hostsNode = top["hosts"] else { throw error(root, "", "has no hosts list") }
        var hosts: [PinnedHost] = []
        var seen: [String: Int] = [:]
        for (index, node) in try sequence(hostsNode, at: "hosts").enumerated() {
            let host = try self.host(node, at: "hosts[\(index)]")
            let key = "\(host.name):\(host.port)"
            if let first = seen[key] {
                throw error(
                    node, "hosts[\(index)]", "repeats hosts[\(first)] (\(host.name) port \(host.port))")
            }
            seen[key] = index
            hosts.append(host)
        }
        return PinSet(version: version, hosts: hosts)
    }

    private func host(_ node: YAMLNode, at path: String) throws(PinHashError) -> PinnedHost {
        let fields = try mapping(node, at: path, what: "a host (a mapping with name and pins)")
        try checkKeys(fields, allowed: Self.hostKeys, at: path, node: node)
        guard let nameNode = fields["name"], let nameText = string(nameNode) else {
            throw error(fields["name"] ?? node, path + ".name", "missing; every host has a name")
        }
        let name: String
        do {
            name = try PinFormatHost(nameText).text
        } catch {
            throw self.error(nameNode, path + ".name", error.reason + Self.wildcardHint(nameText))
        }
        var host = PinnedHost(name: name)
        if let portNode = value(fields["port"]) {
            guard let port = integer(portNode), (1...65535).contains(port) else {
                throw error(portNode, path + ".port", "\(quoted(portNode)) is not a TCP port (1 to 65535)")
            }
            host.port = port
        }
        if let node = value(fields["include-subdomains"]) {
            host.includesSubdomains = try boolean(node, at: path + ".include-subdomains")
        }
        guard let pinsNode = fields["pins"] else {
            throw error(node, path, "has no pins list")
        }
        for (index, pinNode) in try sequence(pinsNode, at: path + ".pins").enumerated() {
            host.pins.append(try entry(pinNode, at: "\(path).pins[\(index)]"))
        }
        if let node = value(fields["expiration"]) {
            guard let text = string(node), let date = CalendarDate(iso8601: text) else {
                throw error(node, path + ".expiration", "\(quoted(node)) is not a date as YYYY-MM-DD")
            }
            host.expiration = date
        }
        if let node = value(fields["enforcement"]) {
            host.enforcement = try choice(node, at: path + ".enforcement", PinEnforcement.self)
        }
        if let node = value(fields["report-uris"]) {
            for (index, uriNode) in try sequence(node, at: path + ".report-uris").enumerated() {
                let at = "\(path).report-uris[\(index)]"
                guard let uri = string(uriNode) else { throw error(uriNode, at, "is not a URI") }
                if let problem = HPKPHeader.reportURIFindings(uri).first(where: { $0.severity == .error }) {
                    throw error(uriNode, at, problem.message)
                }
                host.reportURIs.append(uri)
            }
        }
        if let node = value(fields["clients"]) {
            for (index, clientNode) in try sequence(node, at: path + ".clients").enumerated() {
                let at = "\(path).clients[\(index)]"
                let client = try choice(clientNode, at: at, PinClient.self)
                if host.clients.contains(client) {
                    throw error(clientNode, at, "\(client.rawValue) is listed twice")
                }
                host.clients.append(client)
            }
        }
        return host
    }

    private func entry(_ node: YAMLNode, at path: String) throws(PinHashError) -> PinSetEntry {
        let fields = try mapping(node, at: path, what: "a pin (a mapping with pin, and label, role, source)")
        try checkKeys(fields, allowed: Self.pinKeys, at: path, node: node)
        guard let pinNode = value(fields["pin"]) else {
            throw error(fields["pin"] ?? node, path + ".pin", "missing; every entry has a pin")
        }
        guard let pinText = string(pinNode), let pin = Pin(base64: pinText) else {
            throw error(pinNode, path + ".pin", pinProblem(pinNode))
        }
        var entry = PinSetEntry(pin: pin)
        if let node = value(fields["label"]) { entry.label = try text(node, at: path + ".label") }
        if let node = value(fields["role"]) {
            entry.role = try choice(node, at: path + ".role", PinSetRole.self)
        }
        if let node = value(fields["source"]) { entry.source = try text(node, at: path + ".source") }
        return entry
    }

    // MARK: Node shapes

    /// The mapping's values by key, after requiring every key to be a plain string.
    private func mapping(_ node: YAMLNode, at path: String, what: String) throws(PinHashError) -> [String:
        YAMLNode]
    {
        guard case .mapping(let mapping, _) = node.content else {
            throw error(node, path, "is \(shape(node)), not \(what)")
        }
        var fields: [String: YAMLNode] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.text else {
                throw error(key, path, "has a key that is \(shape(key)), not a name")
            }
            fields[name] = value
        }
        return fields
    }

    private func sequence(_ node: YAMLNode, at path: String) throws(PinHashError) -> [YAMLNode] {
        guard case .sequence(let items, _) = node.content else {
            throw error(node, path, "is \(shape(node)), not a list (items start with -)")
        }
        return items
    }

    /// Unknown keys are errors: a misspelt `pins` or `include-subdomains` would otherwise drop what it
    /// holds without a word.
    private func checkKeys(
        _ fields: [String: YAMLNode], allowed: [String], at path: String, node: YAMLNode
    ) throws(PinHashError) {
        guard case .mapping(let mapping, _) = node.content else { return }
        for (key, _) in mapping {
            guard let name = key.scalar?.text, !allowed.contains(name) else { continue }
            throw error(
                key, path.isEmpty ? name : "\(path).\(name)",
                "unknown key; the keys here are " + allowed.joined(separator: ", "))
        }
    }

    /// The node, or nil for a missing or null value (`label:` with nothing after it), which leaves an
    /// optional field at its default.
    private func value(_ node: YAMLNode?) -> YAMLNode? {
        guard let node, let text = plain(node, tagged: "null") else { return node }
        return ["", "~", "null", "Null", "NULL"].contains(text) ? nil : node
    }

    /// A plain scalar's text, unless an explicit tag other than `!!type` makes it something else: a
    /// quoted `"443"` or a `!!str 443` is text, not a number.
    private func plain(_ node: YAMLNode, tagged type: String) -> String? {
        guard let scalar = node.scalar, scalar.style == .plain,
            node.tag == nil || node.tag == "tag:yaml.org,2002:" + type
        else { return nil }
        return scalar.text
    }

    /// A scalar's text as written (quoted or not: a label `2026` is text).
    private func string(_ node: YAMLNode) -> String? {
        node.scalar?.text
    }

    private func text(_ node: YAMLNode, at path: String) throws(PinHashError) -> String {
        guard let text = string(node) else { throw error(node, path, "is \(shape(node)), not text") }
        return text
    }

    /// A plain decimal number; a quoted `"443"` is text, not a number.
    private func integer(_ node: YAMLNode) -> Int? {
        guard let text = plain(node, tagged: "int"), !text.isEmpty, text.count <= 9,
            text.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { return nil }
        return Int(text)
    }

    private func boolean(_ node: YAMLNode, at path: String) throws(PinHashError) -> Bool {
        if let text = plain(node, tagged: "bool") {
            switch text {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        throw error(node, path, "\(quoted(node)) is not true or false")
    }

    private func choice<Value: RawRepresentable & CaseIterable>(
        _ node: YAMLNode, at path: String, _ type: Value.Type
    ) throws(PinHashError) -> Value where Value.RawValue == String {
        if let text = string(node), let value = Value(rawValue: text) { return value }
        let names = Value.allCases.map(\.rawValue)
        throw error(node, path, "\(quoted(node)) is not one of " + names.joined(separator: ", "))
    }

    // MARK: Errors

    /// Why a pin's value is not a pin; the file keeps the bare base64, so other spellings are named.
    private func pinProblem(_ node: YAMLNode) -> String {
        guard let text = string(node) else { return "is \(shape(node)), not a pin" }
        let bytes = Array(text.utf8)
        if bytes.count == 64, bytes.allSatisfy({ $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit }) {
            return "\(quoted(node)) is hex (the DANE form); the file keeps the base64 value"
        }
        for prefix in ["sha256//", "sha256/", "pin-sha256="] where text.hasPrefix(prefix) {
            return "\(quoted(node)) has a \(prefix) prefix; the file keeps the base64 value alone"
        }
        return "\(quoted(node)) is not the base64 of a SHA-256 (32 bytes)"
    }

    private func error(_ node: YAMLNode, _ path: String, _ problem: String) -> PinHashError {
        let line = node.line.map { "line \($0): " } ?? ""
        return PinHashError(.malformedInput, line + (path.isEmpty ? problem : "\(path): \(problem)"))
    }

    private func quoted(_ node: YAMLNode) -> String {
        guard let text = string(node) else { return shape(node) }
        return PinFormatEscaping.jsonString(String(text.prefix(80)))
    }

    private func shape(_ node: YAMLNode) -> String {
        switch node.content {
        case .scalar(let text, _): "the value \(PinFormatEscaping.jsonString(String(text.prefix(80))))"
        case .mapping: "a mapping"
        case .sequence: "a list"
        }
    }

    private static func wildcardHint(_ name: String) -> String {
        name.hasPrefix("*.") ? " (give the parent name with include-subdomains: true)" : ""
    }
}
