/// Writes the hosts of a pin set in one ``PinSetFormat``, noting what the format cannot carry. Names
/// are checked host names (ASCII letters, digits, `-`, `.`, `:`), pins base64; labels, sources and report
/// URIs are escaped for the language they are written into.
struct PinSetDocumentWriter {
    let format: PinSetFormat
    private(set) var notes: [PinSetExportNote] = []

    init(format: PinSetFormat) { self.format = format }

    mutating func document(_ hosts: [PinnedHost]) -> String {
        for host in hosts { noteOmissions(host) }
        switch format {
        case .base64: return hosts.flatMap(\.distinctPins).map { $0.base64 + "\n" }.joined()
        case .hex: return hosts.flatMap(\.distinctPins).map { $0.hex + "\n" }.joined()
        case .curl:
            return hosts.flatMap(\.distinctPins).map { "sha256//" + $0.base64 }.joined(separator: ";") + "\n"
        case .chrome: return hosts.flatMap(\.distinctPins).map(\.base64).joined(separator: ",") + "\n"
        case .hpkp: return hosts.map(hpkpLine).joined()
        case .okhttp, .okhttpJava: return okHttp(hosts)
        case .android: return android(hosts)
        case .ios: return iOS(hosts)
        case .trustkit: return trustKit(hosts)
        case .tlsa: return hosts.map(tlsa).joined()
        case .json: return json(hosts)
        }
    }

    private mutating func noteOmissions(_ host: PinnedHost) {
        func note(_ omission: PinSetExportNote.Omission) {
            notes.append(PinSetExportNote(host: host.name, omission: omission))
        }
        let carriesSubdomains: Bool
        let carriesExpiration: Bool
        let carriesReports: Bool
        switch format {
        case .base64, .hex, .json, .chrome: return
        case .hpkp: (carriesSubdomains, carriesExpiration, carriesReports) = (true, false, true)
        case .curl, .tlsa: (carriesSubdomains, carriesExpiration, carriesReports) = (false, false, false)
        case .okhttp, .okhttpJava, .ios:
            (carriesSubdomains, carriesExpiration, carriesReports) = (true, false, false)
        case .android: (carriesSubdomains, carriesExpiration, carriesReports) = (true, true, false)
        case .trustkit: (carriesSubdomains, carriesExpiration, carriesReports) = (true, true, true)
        }
        if host.includesSubdomains, !carriesSubdomains { note(.includeSubdomains) }
        if host.expiration != nil, !carriesExpiration { note(.expiration) }
        if host.enforcement == .reportOnly, !carriesReports { note(.reportOnly) }
        if !host.reportURIs.isEmpty, !carriesReports { note(.reportURIs) }
        if format == .hpkp, host.reportURIs.count > 1 { note(.laterReportURIs) }
        if format == .trustkit, host.distinctPins.count < 2 { note(.fewerThanTwoPins) }
        if format == .okhttp || format == .okhttpJava, host.includesSubdomains {
            note(.doubleWildcardNeedsOkHttp4)
        }
    }

    // MARK: Formats

    private func hpkpLine(_ host: PinnedHost) -> String {
        let header = HPKPHeader(
            pins: host.distinctPins, includeSubDomains: host.includesSubdomains,
            reportURI: host.reportURIs.first,
            reportOnly: host.enforcement == .reportOnly)
        return "\(header.name): \(header.value)\n"
    }

    /// One builder for every host: `**.NAME` (the name and all its subdomains, OkHttp 4's pattern) for
    /// a host with include-subdomains. Each pin's label follows it as a line comment.
    private func okHttp(_ hosts: [PinnedHost]) -> String {
        let java = format == .okhttpJava
        let quote = java ? PinFormatEscaping.javaString : PinFormatEscaping.kotlinString
        var text =
            java
            ? "CertificatePinner certificatePinner = new CertificatePinner.Builder()\n"
            : "CertificatePinner.Builder()\n"
        for host in hosts {
            let pattern = host.includesSubdomains ? "**.\(host.name)" : host.name
            for entry in host.distinctEntries {
                text += "    .add(\(quote(pattern)), \(quote("sha256/" + entry.pin.base64)))"
                text += entry.summary.map { " // " + PinFormatEscaping.lineComment($0) } ?? ""
                text += "\n"
            }
        }
        return text + (java ? "    .build();\n" : "    .build()\n")
    }

    private func android(_ hosts: [PinnedHost]) -> String {
        var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<network-security-config>\n"
        for host in hosts {
            text += "    <domain-config>\n"
            text += "        <domain includeSubdomains=\"\(host.includesSubdomains)\">\(host.name)</domain>\n"
            text += "        <pin-set" + (host.expiration.map { " expiration=\"\($0)\"" } ?? "") + ">\n"
            for entry in host.distinctEntries {
                if let summary = entry.summary {
                    text += "            <!-- \(PinFormatEscaping.xmlComment(summary)) -->\n"
                }
                text += "            <pin digest=\"SHA-256\">\(entry.pin.base64)</pin>\n"
            }
            text += "        </pin-set>\n    </domain-config>\n"
        }
        return text + "</network-security-config>\n"
    }

    /// Leaf pins (leaf, backup, or no role given) under `NSPinnedLeafIdentities`, CA pins under
    /// `NSPinnedCAIdentities`; with both, iOS needs a match in each, which a comment says.
    private func iOS(_ hosts: [PinnedHost]) -> String {
        var text =
            "<!-- NSPinnedDomains belongs in the NSAppTransportSecurity dictionary of Info.plist. -->\n"
        text += "<key>NSPinnedDomains</key>\n<dict>\n"
        for host in hosts {
            text += "    <key>\(host.name)</key>\n    <dict>\n"
            text += "        <key>NSIncludesSubdomains</key>\n        <\(host.includesSubdomains)/>\n"
            let entries = host.distinctEntries
            let leaves = entries.filter { !$0.isCertificateAuthority }
            let authorities = entries.filter(\.isCertificateAuthority)
            if !leaves.isEmpty, !authorities.isEmpty {
                text += "        <!-- With both lists, a connection needs a match in each. -->\n"
            }
            for (key, list) in [("NSPinnedLeafIdentities", leaves), ("NSPinnedCAIdentities", authorities)]
            where !list.isEmpty {
                text += "        <key>\(key)</key>\n        <array>\n"
                for entry in list {
                    if let summary = entry.summary {
                        text += "            <!-- \(PinFormatEscaping.xmlComment(summary)) -->\n"
                    }
                    text += "            <dict>\n                <key>SPKI-SHA256-BASE64</key>\n"
                    text += "                <string>\(entry.pin.base64)</string>\n            </dict>\n"
                }
                text += "        </array>\n"
            }
            text += "    </dict>\n"
        }
        return text + "</dict>\n"
    }

    private func trustKit(_ hosts: [PinnedHost]) -> String {
        var text = "<!-- TSKConfiguration belongs in the top-level dictionary of Info.plist. -->\n"
        text += "<key>TSKConfiguration</key>\n<dict>\n    <key>TSKPinnedDomains</key>\n    <dict>\n"
        for host in hosts {
            text += "        <key>\(host.name)</key>\n        <dict>\n"
            text += "            <key>TSKIncludeSubdomains</key>\n            <\(host.includesSubdomains)/>\n"
            text +=
                "            <key>TSKEnforcePinning</key>\n            <\(host.enforcement == .enforce)/>\n"
            if let expiration = host.expiration {
                text +=
                    "            <key>TSKExpirationDate</key>\n            <string>\(expiration)</string>\n"
            }
            text += "            <key>TSKPublicKeyHashes</key>\n            <array>\n"
            for entry in host.distinctEntries {
                if let summary = entry.summary {
                    text += "                <!-- \(PinFormatEscaping.xmlComment(summary)) -->\n"
                }
                text += "                <string>\(entry.pin.base64)</string>\n"
            }
            text += "            </array>\n"
            if !host.reportURIs.isEmpty {
                text += "            <key>TSKReportUris</key>\n            <array>\n"
                for uri in host.reportURIs {
                    text += "                <string>\(PinFormatEscaping.xml(uri))</string>\n"
                }
                text += "            </array>\n"
            }
            text += "        </dict>\n"
        }
        return text + "    </dict>\n</dict>\n"
    }

    /// Each pin's record as ``PinnedHost/tlsaRecords`` gives it, under the owner `_PORT._tcp.NAME.`.
    private func tlsa(_ host: PinnedHost) -> String {
        host.tlsaRecords.map { "_\(host.port)._tcp.\(host.name). IN TLSA \($0)\n" }.joined()
    }

    private func json(_ hosts: [PinnedHost]) -> String {
        func string(_ text: String?) -> String { text.map(PinFormatEscaping.jsonString) ?? "null" }
        func list(_ items: [String], indent: String) -> String {
            items.isEmpty
                ? "[]" : "[\n" + items.map { indent + "  " + $0 }.joined(separator: ",\n") + "\n\(indent)]"
        }
        let objects = hosts.map { host in
            let pins = host.pins.map { entry in
                "{\"pin\": \(string(entry.pin.base64)), \"label\": \(string(entry.label)), "
                    + "\"role\": \(string(entry.role?.rawValue)), \"source\": \(string(entry.source))}"
            }
            let fields = [
                "\"name\": \(string(host.name))",
                "\"port\": \(host.port)",
                "\"include-subdomains\": \(host.includesSubdomains)",
                "\"pins\": " + list(pins, indent: "      "),
                "\"expiration\": \(string(host.expiration?.description))",
                "\"enforcement\": \(string(host.enforcement.rawValue))",
                "\"report-uris\": " + list(host.reportURIs.map { string($0) }, indent: "      "),
                "\"clients\": " + list(host.clients.map { string($0.rawValue) }, indent: "      "),
            ]
            return "{\n" + fields.map { "      " + $0 }.joined(separator: ",\n") + "\n    }"
        }
        return "{\n  \"version\": \(PinSet.currentVersion),\n  \"hosts\": " + list(objects, indent: "  ")
            + "\n}\n"
    }
}

extension PinnedHost {
    /// The pins in order, each once.
    var distinctPins: [Pin] { distinctEntries.map(\.pin) }

    /// The entries in order, a pin given twice kept at its first place.
    var distinctEntries: [PinSetEntry] {
        var seen = Set<Pin>()
        return pins.filter { seen.insert($0.pin).inserted }
    }
}

extension PinSetEntry {
    /// Whether the pin is a CA's, which iOS and DANE list apart from leaf pins.
    var isCertificateAuthority: Bool { role == .intermediate || role == .root }

    /// `leaf CN=www.example.com (certs/chain.pem)`: the label and source, for a comment beside the pin.
    var summary: String? {
        switch (label, source) {
        case (let label?, let source?): "\(label) (\(source))"
        case (let label?, nil): label
        case (nil, let source?): source
        case (nil, nil): role?.rawValue
        }
    }
}
