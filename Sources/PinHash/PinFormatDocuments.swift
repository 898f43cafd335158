extension PinnedEntry {
    /// Whether the pin is a CA's: an intermediate or root certificate. Keys and requests count as leaves,
    /// since the certificate made for them will be one.
    var isCertificateAuthority: Bool {
        object.kind == .certificate && (object.role == .intermediate || object.role == .root)
    }

    /// What the object is, in the words the `--all` listing uses.
    var roleWord: String {
        switch object.kind {
        case .certificate: object.role?.rawValue ?? "certificate"
        case .certificateRequest: "csr"
        case .privateKey: "key"
        case .publicKey: "pubkey"
        }
    }

    /// `chain.pem #2: intermediate CN=…`: which object a pin came from, for a comment beside it.
    var label: String {
        let source = source == "-" ? "standard input" : source
        let what = object.subject ?? object.keyAlgorithm.description
        return "\(source) #\(object.position): \(roleWord) \(what)"
    }
}

/// Builds the text of one document; `PinFormatter` has checked the host and port.
struct PinDocumentWriter {
    let host: PinFormatHost?
    let port: Int
    private(set) var text = ""

    init(host: PinFormatHost?, port: Int) {
        self.host = host
        self.port = port
    }

    mutating func lines(_ entries: [PinnedEntry], _ line: (PinnedEntry) -> String) {
        for entry in entries { text += line(entry) + "\n" }
    }

    mutating func joined(_ entries: [PinnedEntry], separator: String, _ item: (PinnedEntry) -> String) {
        guard !entries.isEmpty else { return }
        text += entries.map(item).joined(separator: separator) + "\n"
    }

    /// Bare `sha256/…` lines, or with a host the Kotlin that builds a `CertificatePinner`.
    mutating func okHttp(_ entries: [PinnedEntry]) {
        guard let host else {
            lines(entries) { "sha256/\($0.object.pin.base64)" }
            return
        }
        let pattern = PinFormatEscaping.kotlinString(host.text)
        text += "CertificatePinner.Builder()\n"
        for entry in entries {
            let pin = PinFormatEscaping.kotlinString("sha256/" + entry.object.pin.base64)
            text += "    .add(\(pattern), \(pin))\n"
        }
        text += "    .build()\n"
    }

    /// A `<pin-set>`, inside a `<domain-config>` for the host when there is one. No `expiration`
    /// attribute: when pins expire is a policy decision, not a property of the certificates.
    mutating func android(_ entries: [PinnedEntry]) {
        var indent = ""
        if let host {
            text += "<domain-config>\n"
            text += "    <domain includeSubdomains=\"false\">\(PinFormatEscaping.xml(host.text))</domain>\n"
            indent = "    "
        }
        text += "\(indent)<pin-set>\n"
        for entry in entries {
            text += "\(indent)    <!-- \(PinFormatEscaping.xmlComment(entry.label)) -->\n"
            let pin = PinFormatEscaping.xml(entry.object.pin.base64)
            text += "\(indent)    <pin digest=\"SHA-256\">\(pin)</pin>\n"
        }
        text += "\(indent)</pin-set>\n"
        if host != nil { text += "</domain-config>\n" }
    }

    /// `<key>NSPinnedDomains</key><dict>…</dict>`: wrapped in `<plist><dict>…</dict></plist>`, a
    /// property list. Without a host the domain is `example.com`, with a comment saying to replace it.
    mutating func iOS(_ entries: [PinnedEntry]) {
        text += "<!-- NSPinnedDomains belongs in the NSAppTransportSecurity dictionary of Info.plist. -->\n"
        text += "<key>NSPinnedDomains</key>\n<dict>\n"
        if host == nil {
            text += "    <!-- No host was given: replace example.com with the server's name. -->\n"
        }
        text += "    <key>\(PinFormatEscaping.xml(host?.text ?? "example.com"))</key>\n"
        text += "    <dict>\n"
        text += "        <key>NSIncludesSubdomains</key>\n        <false/>\n"
        let leaves = entries.filter { !$0.isCertificateAuthority }
        let authorities = entries.filter(\.isCertificateAuthority)
        if !leaves.isEmpty, !authorities.isEmpty {
            text += "        <!-- With both lists, a connection needs a match in each. -->\n"
        }
        for (key, list) in [("NSPinnedLeafIdentities", leaves), ("NSPinnedCAIdentities", authorities)]
        where !list.isEmpty {
            text += "        <key>\(key)</key>\n        <array>\n"
            for entry in list {
                text += "            <!-- \(PinFormatEscaping.xmlComment(entry.label)) -->\n"
                text += "            <dict>\n"
                text += "                <key>SPKI-SHA256-BASE64</key>\n"
                text += "                <string>\(PinFormatEscaping.xml(entry.object.pin.base64))</string>\n"
                text += "            </dict>\n"
            }
            text += "        </array>\n"
        }
        text += "    </dict>\n</dict>\n"
    }

    /// One TLSA record per pin in zone-file syntax: selector 1 (SubjectPublicKeyInfo), matching type 1
    /// (SHA-256), usage 3 (DANE-EE) for leaf pins and 2 (DANE-TA) for CA certificates.
    mutating func tlsa(_ entries: [PinnedEntry]) {
        guard let host else { return }
        for entry in entries {
            let usage = entry.isCertificateAuthority ? 2 : 3
            text += "_\(port)._tcp.\(host.text). IN TLSA \(usage) 1 1 \(entry.object.pin.hex)\n"
        }
    }

    /// An array with one object per entry; every key is always present, `null` where the object has
    /// no such property (a key has no subject, a request no issuer).
    mutating func json(_ entries: [PinnedEntry]) {
        guard !entries.isEmpty else {
            text += "[]\n"
            return
        }
        text += "[\n"
        for (index, entry) in entries.enumerated() {
            let object = entry.object
            let algorithm = object.keyAlgorithm
            let fields: [(String, String)] = [
                ("file", string(entry.source)),
                ("position", String(object.position)),
                ("kind", string(Self.kindName(object.kind))),
                ("role", string(object.role?.rawValue)),
                ("subject", string(object.subject)),
                ("issuer", string(object.issuer)),
                ("notAfter", string(object.notAfter)),
                ("keyAlgorithm", string(algorithm.name)),
                ("keyBits", algorithm.bits.map(String.init) ?? "null"),
                ("curve", string(algorithm.curve)),
                ("pinSha256Base64", string(object.pin.base64)),
                ("pinSha256Hex", string(object.pin.hex)),
            ]
            text += "  {\n"
            text += fields.map { "    \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
            text += index == entries.count - 1 ? "\n  }\n" : "\n  },\n"
        }
        text += "]\n"
    }

    private func string(_ value: String?) -> String {
        value.map(PinFormatEscaping.jsonString) ?? "null"
    }

    /// The JSON `kind`: the ``ObjectKind`` case name, one token.
    static func kindName(_ kind: ObjectKind) -> String {
        switch kind {
        case .certificate: "certificate"
        case .certificateRequest: "certificateRequest"
        case .privateKey: "privateKey"
        case .publicKey: "publicKey"
        }
    }
}
