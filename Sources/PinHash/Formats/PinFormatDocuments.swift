extension PinnedEntry {
    /// Whether the pin is a CA's: an intermediate or root certificate. Keys and requests count as leaves,
    /// since the certificate made for them will be one, and so does a self-signed server certificate.
    var isCertificateAuthority: Bool {
        object.kind == .certificate && object.role?.isCertificateAuthority == true
    }

    /// `chain.pem #2: intermediate CN=…`: which object a pin came from, for a comment beside it.
    var comment: String {
        "\(sourceName) #\(object.position): \(object.summary)\(sentByServer == false ? " (not sent)" : "")"
    }

    /// The DANE TLSA record data for the pin: `3 1 1 HASH` (DANE-EE) for a leaf, a self-signed server
    /// certificate, a key or a request; `2 1 1 HASH` (DANE-TA) for a CA certificate a server sends or that
    /// a file holds below its root; `2 1 0 SPKI` (the whole key) for a root that a server does not send
    /// or that comes from a file, since a DANE-TA record matches the digest of a certificate only when
    /// the server sends it, but matches a whole key when that key signed the top certificate it sends
    /// (RFC 7671 §5.2.2; OpenSSL's DANE verifier does this).
    var tlsaRecordData: String {
        guard isCertificateAuthority else { return "3 1 1 \(object.pin.hex)" }
        if sentByServer == false || (sentByServer == nil && object.role == .root) {
            var digits = Array("2 1 0 ".utf8)
            appendHex(object.subjectPublicKeyInfo, to: &digits, lowercase: true)
            return String(decoding: digits, as: UTF8.self)
        }
        return "2 1 1 \(object.pin.hex)"
    }
}

/// Something the reader of a pin document should know about what was written in it.
public enum PinDocumentNote: Sendable, Hashable {
    /// DANE-TA `2 1 1` records were written for these CA certificates read from files: each matches only
    /// when the server sends that certificate in its chain.
    case authorityRecordsMatchOnlyIfSent([PinnedEntry])
}

/// Writes one document as its entries arrive, so that a bundle of any length is written in bounded
/// memory: each `add` returns the text to write now, `finish` the rest. The formats that list each key
/// once remember the pins they have written (a set of distinct keys); `ios`, which lists leaf and CA
/// pins apart, holds its two lists (one small entry per distinct key) until `finish`.
///
/// A value: copy it before an input and go back to the copy to drop what that input added, when none
/// of its text was written.
public struct PinDocumentStream: Sendable {
    private let format: PinFormat
    private let host: PinFormatHost?
    private let port: Int
    private var seen = Set<PinAndPlace>()
    private var count = 0
    private var leafItems = ""
    private var authorityItems = ""
    private var hasLeaf = false
    private var hasAuthority = false
    private var authorityRecordsFromFiles: [PinnedEntry] = []

    /// What the reader of the document should know about it, once every entry is added.
    public var notes: [PinDocumentNote] {
        authorityRecordsFromFiles.isEmpty ? [] : [.authorityRecordsMatchOnlyIfSent(authorityRecordsFromFiles)]
    }

    /// A stream for `formatter`'s format, host and port; throws what ``PinFormatter/validate()`` throws.
    public init(_ formatter: PinFormatter) throws(PinHashError) {
        format = formatter.format
        host = try formatter.checkedHost()
        port = formatter.port
    }

    /// Whether no entry has been added (the first is never dropped as a repeat).
    public var isEmpty: Bool { count == 0 }

    /// The text for `entry`: empty when the format lists each key once and this key came before.
    public mutating func add(_ entry: PinnedEntry) -> String {
        let isCA = (format == .ios || format == .tlsa) && entry.isCertificateAuthority
        if format.listsEachPinOnce, !seen.insert(PinAndPlace(pin: entry.object.pin, isCA: isCA)).inserted {
            return ""
        }
        defer { count += 1 }
        let pin = entry.object.pin
        switch format {
        case .base64: return pin.base64 + "\n"
        case .hex: return pin.hex + "\n"
        case .hpkp: return "pin-sha256=\"\(pin.base64)\"\n"
        case .curl: return (count == 0 ? "" : ";") + "sha256//\(pin.base64)"
        case .chrome: return (count == 0 ? "" : ",") + pin.base64
        case .okhttp:
            guard let host else { return "sha256/\(pin.base64)\n" }
            let item = PinFormatEscaping.kotlinString("sha256/" + pin.base64)
            return (count == 0 ? okHttpHead : "")
                + "    .add(\(PinFormatEscaping.kotlinString(host.text)), \(item))\n"
        case .android:
            return (count == 0 ? androidHead : "")
                + "\(androidIndent)    <!-- \(PinFormatEscaping.xmlComment(entry.comment)) -->\n"
                + "\(androidIndent)    <pin digest=\"SHA-256\">\(PinFormatEscaping.xml(pin.base64))</pin>\n"
        case .ios:
            let item =
                "            <!-- \(PinFormatEscaping.xmlComment(entry.comment)) -->\n"
                + "            <dict>\n"
                + "                <key>SPKI-SHA256-BASE64</key>\n"
                + "                <string>\(PinFormatEscaping.xml(pin.base64))</string>\n"
                + "            </dict>\n"
            if isCA {
                authorityItems += item
                hasAuthority = true
            } else {
                leafItems += item
                hasLeaf = true
            }
            return ""
        case .tlsa:
            guard let host else { return "" }
            let data = entry.tlsaRecordData
            if entry.sentByServer == nil, data.hasPrefix("2 1 1 ") { authorityRecordsFromFiles.append(entry) }
            return "_\(port)._tcp.\(host.text). IN TLSA \(data)\n"
        case .json:
            return (count == 0 ? "[\n" : ",\n") + jsonObject(entry)
        }
    }

    /// The end of the document (and, for a document that needs one, its start when nothing was added).
    public mutating func finish() -> String {
        switch format {
        case .base64, .hex, .hpkp, .tlsa: return ""
        case .curl, .chrome: return count == 0 ? "" : "\n"
        case .okhttp:
            guard host != nil else { return "" }
            return (count == 0 ? okHttpHead : "") + "    .build()\n"
        case .android:
            return (count == 0 ? androidHead : "") + "\(androidIndent)</pin-set>\n"
                + (host != nil ? "</domain-config>\n" : "")
        case .ios: return iOSDocument()
        case .json: return count == 0 ? "[]\n" : "\n]\n"
        }
    }

    /// The Kotlin that builds a `CertificatePinner`, before its `.add` lines.
    private var okHttpHead: String { "CertificatePinner.Builder()\n" }

    /// A `<pin-set>`, inside a `<domain-config>` for the host when there is one. No `expiration`
    /// attribute: when pins expire is a policy decision, not a property of the certificates.
    private var androidHead: String {
        guard let host else { return "<pin-set>\n" }
        return "<domain-config>\n"
            + "    <domain includeSubdomains=\"false\">\(PinFormatEscaping.xml(host.text))</domain>\n"
            + "    <pin-set>\n"
    }

    private var androidIndent: String { host == nil ? "" : "    " }

    /// `<key>NSPinnedDomains</key><dict>…</dict>`, for the `NSAppTransportSecurity` dictionary of
    /// Info.plist. Without a host the domain is `example.com`, with a comment saying to replace it.
    private func iOSDocument() -> String {
        var text =
            "<!-- NSPinnedDomains belongs in the NSAppTransportSecurity dictionary of Info.plist. -->\n"
        text += "<key>NSPinnedDomains</key>\n<dict>\n"
        if host == nil {
            text += "    <!-- No host was given: replace example.com with the server's name. -->\n"
        }
        text += "    <key>\(PinFormatEscaping.xml(host?.text ?? "example.com"))</key>\n"
        text += "    <dict>\n"
        text += "        <key>NSIncludesSubdomains</key>\n        <false/>\n"
        if hasLeaf, hasAuthority {
            text += "        <!-- With both lists, a connection needs a match in each. -->\n"
        }
        for (key, items, present) in [
            ("NSPinnedLeafIdentities", leafItems, hasLeaf),
            ("NSPinnedCAIdentities", authorityItems, hasAuthority),
        ] where present {
            text += "        <key>\(key)</key>\n        <array>\n" + items + "        </array>\n"
        }
        return text + "    </dict>\n</dict>\n"
    }

    /// One JSON object; every key is always present, `null` where the object has no such property (a
    /// key has no subject, a request no issuer).
    private func jsonObject(_ entry: PinnedEntry) -> String {
        let object = entry.object
        let algorithm = object.keyAlgorithm
        let fields: [(String, String)] = [
            ("file", string(entry.source)),
            ("position", String(object.position)),
            ("kind", string(Self.kindName(object.kind))),
            ("role", string(object.role?.rawValue)),
            ("sent", entry.sentByServer.map { $0 ? "true" : "false" } ?? "null"),
            ("subject", string(object.subject)),
            ("issuer", string(object.issuer)),
            ("notAfter", string(object.notAfter)),
            ("keyAlgorithm", string(algorithm.name)),
            ("keyBits", algorithm.bits.map(String.init) ?? "null"),
            ("curve", string(algorithm.curve)),
            ("pinSha256Base64", string(object.pin.base64)),
            ("pinSha256Hex", string(object.pin.hex)),
            // A client that re-encodes the key (OpenSSL-based) computes this pin instead.
            ("reencodedPinSha256Base64", string(object.reencodedPin?.base64)),
            ("warnings", "[" + object.warnings.map { string($0.description) }.joined(separator: ", ") + "]"),
            // What the CA catalogue knows of the key (null for a leaf's or any key it does not know).
            ("catalogue", CACatalogue.builtInJSON(for: object.pin)),
        ]
        return "  {\n" + fields.map { "    \"\($0.0)\": \($0.1)" }.joined(separator: ",\n") + "\n  }"
    }

    /// A pin, and for `ios` and `tlsa` (which list leaf and CA pins apart) whether it is listed as a CA's,
    /// so that a key that is both (rare) is kept once in each list.
    private struct PinAndPlace: Hashable, Sendable {
        let pin: Pin
        let isCA: Bool
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
