/// A DANE TLSA resource record (RFC 6698) as a zone file or the `tlsa` pin format writes it:
/// `_443._tcp.example.com. 3600 IN TLSA 3 1 1 HEX`.
public struct TLSARecord: Sendable, Hashable {
    /// The server's name, from an owner name `_PORT._tcp.NAME`: lower case, no trailing dot.
    public var host: String?
    /// The server's port, from the owner name.
    public var port: Int?
    public var data: TLSARecordData

    public init(host: String?, port: Int?, data: TLSARecordData) {
        self.host = host
        self.port = port
        self.data = data
    }

    /// The record on a zone-file line; nil when the line has no `TLSA` type field. `origin` is the
    /// `$ORIGIN` that a relative owner name is completed with, `previousOwner` the owner of a line that
    /// starts with white space (a zone file's "same owner as before").
    static func parse(line: Substring, origin: String?, previousOwner: String?) throws(PinHashError) -> (
        record: TLSARecord, owner: String?
    )? {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let type = fields.firstIndex(where: { $0.uppercased() == "TLSA" }) else { return nil }
        guard fields.count >= type + 5, let usage = UInt8(fields[type + 1]),
            let selector = UInt8(fields[type + 2]), let matching = UInt8(fields[type + 3])
        else {
            throw PinHashError(
                .malformedInput, "a TLSA record needs USAGE SELECTOR MATCHING-TYPE DATA after TLSA")
        }
        var owner = previousOwner
        if let first = line.first, first != " ", first != "\t", type > 0 {
            owner = String(fields[0])
            if owner == "@" {
                owner = origin
            } else if let origin, owner?.hasSuffix(".") == false {
                owner = "\(owner!).\(origin)"
            }
        }
        let (host, port) = Self.hostAndPort(ofOwner: owner)
        let data = TLSARecordData(
            usage: usage, selector: selector, matchingType: matching, data: fields[(type + 4)...].joined())
        return (TLSARecord(host: host, port: port, data: data), owner)
    }

    /// `_443._tcp.www.example.com.` → (`www.example.com`, 443); nil for an owner of another shape.
    static func hostAndPort(ofOwner owner: String?) -> (String?, Int?) {
        guard let owner else { return (nil, nil) }
        let labels = owner.lowercased().split(separator: ".", omittingEmptySubsequences: true)
        guard labels.count >= 3, labels[0].hasPrefix("_"), let port = Int(labels[0].dropFirst()),
            (1...65535).contains(port), labels[1].hasPrefix("_")
        else { return (nil, nil) }
        return (labels[2...].joined(separator: "."), port)
    }
}

/// The four fields of a TLSA record: certificate usage, selector, matching type and the data as hex.
public struct TLSARecordData: Sendable, Hashable {
    /// 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    public var usage: UInt8
    /// 0 the whole certificate, 1 the SubjectPublicKeyInfo.
    public var selector: UInt8
    /// 0 the data itself, 1 its SHA-256, 2 its SHA-512.
    public var matchingType: UInt8
    public var data: String

    public init(usage: UInt8, selector: UInt8, matchingType: UInt8, data: String) {
        self.usage = usage
        self.selector = selector
        self.matchingType = matchingType
        self.data = data
    }

    /// Whether the record names a server's own certificate (usage 1 or 3) rather than an authority.
    public var isEndEntity: Bool { usage == 1 || usage == 3 }

    /// The SPKI pin the record carries: selector 1 with matching type 1 (the SPKI's SHA-256, as hex) or
    /// 0 (the whole SPKI, whose SHA-256 is computed). Throws `unsupportedInput` for a record that names
    /// a certificate (selector 0) or a SHA-512 (matching type 2), which hold no SPKI SHA-256, and
    /// `malformedInput` for data that is not hex of the right length.
    public func pin() throws(PinHashError) -> Pin {
        let shown = "\(usage) \(selector) \(matchingType)"
        guard usage <= 3, selector <= 1, matchingType <= 2 else {
            throw PinHashError(
                .malformedInput,
                "TLSA \(shown) has a field out of range (usage 0-3, selector 0-1, "
                    + "matching type 0-2)")
        }
        guard selector == 1 else {
            throw PinHashError(
                .unsupportedInput,
                "TLSA \(shown) matches a whole certificate, not a public key: "
                    + "it carries no SPKI pin")
        }
        guard let bytes = PinSpelling.hexBytes(data) else {
            throw PinHashError(.malformedInput, "the data of TLSA \(shown) is not hex")
        }
        switch matchingType {
        case 1:
            guard bytes.count == 32 else {
                throw PinHashError(
                    .malformedInput,
                    "the data of TLSA \(shown) is \(bytes.count) bytes, not a "
                        + "SHA-256 (32 bytes)")
            }
            return PinSpelling.pin(digest: bytes)
        case 0:
            guard bytes.first == 0x30 else {
                throw PinHashError(
                    .malformedInput, "the data of TLSA \(shown) is not a DER SubjectPublicKeyInfo")
            }
            return Pin(subjectPublicKeyInfo: bytes)
        default:
            throw PinHashError(
                .unsupportedInput,
                "TLSA \(shown) holds a SHA-512, which no SPKI pin can be read "
                    + "from")
        }
    }
}

extension TLSARecordData: CustomStringConvertible {
    /// `3 1 1 HEX`, as a zone file's TLSA record data and `openssl s_client -dane_tlsa_rrdata` write it.
    public var description: String { "\(usage) \(selector) \(matchingType) \(data)" }

    /// The data as bytes; nil when it is not hex.
    public var dataBytes: [UInt8]? { PinSpelling.hexBytes(data) }

    /// `DANE-EE`, `DANE-TA`, `PKIX-EE` or `PKIX-TA`: the usage's name in RFC 7218.
    public var usageName: String {
        switch usage {
        case 0: "PKIX-TA"
        case 1: "PKIX-EE"
        case 2: "DANE-TA"
        case 3: "DANE-EE"
        default: "usage \(usage)"
        }
    }
}

extension PinSetEntry {
    /// The TLSA record that publishes the pin: `2 1 1` (DANE-TA) for a CA's pin (intermediate or root),
    /// which matches only when the server sends that CA certificate; `3 1 1` (DANE-EE) for leaf, backup
    /// and unplaced pins.
    public var tlsaRecord: TLSARecordData {
        TLSARecordData(usage: isCertificateAuthority ? 2 : 3, selector: 1, matchingType: 1, data: pin.hex)
    }
}

extension PinnedHost {
    /// The TLSA records the host's pins imply, one per distinct pin in order: what the `tlsa` export
    /// writes and what a live check hands OpenSSL's DANE verifier.
    public var tlsaRecords: [TLSARecordData] { distinctEntries.map(\.tlsaRecord) }

    /// Whether a live check verifies the host's TLSA records with DANE: when its clients name `tlsa`,
    /// or name none (every client) on port 25, SMTP's, where DANE is how mail servers pin (RFC 7672).
    /// Only DNS names: DANE has no records for an IP address.
    public var isCheckedWithDANE: Bool {
        guard (try? PinFormatHost(name))?.isAddress != true else { return false }
        return clients.contains(.tlsa) || (clients.isEmpty && port == 25)
    }
}
