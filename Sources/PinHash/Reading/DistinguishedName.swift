import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// OpenSSL's short names for attribute types (`CN`, `emailAddress`).
///
/// The X.520 attributes (2.5.4.n), which nearly every name is made of, come from a fixed table of the
/// names OpenSSL 3 gives them, read without a lock by every decoding thread; any other type is asked of
/// OpenSSL's object table once per process.
final class AttributeNames: Sendable {
    static let shared = AttributeNames()

    /// OpenSSL's short names of 2.5.4.n, by n (from OBJ_nid2sn; the live openssl tests compare them).
    /// Static strings: a name is appended from its bytes with no reference counted, for every attribute
    /// of every certificate of a bundle.
    private static let x520: [StaticString?] = {
        let names: [Int: StaticString] = [
            3: "CN", 4: "SN", 5: "serialNumber", 6: "C", 7: "L", 8: "ST", 9: "street", 10: "O", 11: "OU",
            12: "title", 13: "description", 14: "searchGuide", 15: "businessCategory", 16: "postalAddress",
            17: "postalCode", 18: "postOfficeBox", 19: "physicalDeliveryOfficeName", 20: "telephoneNumber",
            21: "telexNumber", 22: "teletexTerminalIdentifier", 23: "facsimileTelephoneNumber",
            24: "x121Address", 25: "internationaliSDNNumber", 26: "registeredAddress",
            27: "destinationIndicator", 28: "preferredDeliveryMethod", 29: "presentationAddress",
            30: "supportedApplicationContext", 31: "member", 32: "owner", 33: "roleOccupant", 34: "seeAlso",
            35: "userPassword", 36: "userCertificate", 37: "cACertificate", 38: "authorityRevocationList",
            39: "certificateRevocationList", 40: "crossCertificatePair", 41: "name", 42: "GN", 43: "initials",
            44: "generationQualifier", 45: "x500UniqueIdentifier", 46: "dnQualifier",
            47: "enhancedSearchGuide", 48: "protocolInformation", 49: "distinguishedName", 50: "uniqueMember",
            51: "houseIdentifier", 52: "supportedAlgorithms", 53: "deltaRevocationList", 54: "dmdName",
            65: "pseudonym", 72: "role", 97: "organizationIdentifier", 98: "c3", 99: "n3", 100: "dnsName",
        ]
        return (0..<256).map { names[$0] }
    }()

    /// OpenSSL's short names of the other attributes names commonly hold (from OBJ_nid2sn; a live openssl
    /// test compares them): emailAddress, of one root in Debian's CA bundle, would otherwise load libcrypto
    /// on a decoding thread for its object table, about 3.4 M instructions and the page faults of
    /// relocating it, while the thread holds the table's lock.
    private static let common: [(oid: [UInt8], name: StaticString)] = [
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01], "emailAddress"),
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x02], "unstructuredName"),
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x08], "unstructuredAddress"),
        ([0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19], "DC"),
        ([0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01], "UID"),
        ([0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3C, 0x02, 0x01, 0x01], "jurisdictionL"),
        ([0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3C, 0x02, 0x01, 0x02], "jurisdictionST"),
        ([0x2B, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x3C, 0x02, 0x01, 0x03], "jurisdictionC"),
    ]

    /// The OIDs (DER content) of ``common``, for the live test.
    static var commonOIDs: [[UInt8]] { common.map(\.oid) }

    private let others = Mutex<[(oid: [UInt8], name: String?)]>([])

    /// Appends the short name of `oid` to `out`; false, appending nothing, when it has none.
    func appendName(of oid: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        if let name = staticName(of: oid) {
            name.withUTF8Buffer { out.append(contentsOf: $0) }
            return true
        }
        guard let name = otherName(of: oid) else { return false }
        out.append(contentsOf: name.utf8)
        return true
    }

    /// The short name from the fixed tables (X.520 and ``common``), without OpenSSL's.
    fileprivate func staticName(of oid: UnsafeBufferPointer<UInt8>) -> StaticString? {
        guard oid.count == 3, oid[0] == 0x55, oid[1] == 0x04 else {
            return Self.common.first { oid.equals($0.oid) }?.name
        }
        return Self.x520[Int(oid[2])]
    }

    private func otherName(of oid: UnsafeBufferPointer<UInt8>) -> String? {
        others.withLock { others in
            for entry in others where entry.oid.elementsEqual(oid) { return entry.name }
            let name = ObjectTable.name(ofOID: oid)
            others.append((Array(oid), name))
            return name
        }
    }
}

/// Formats a DER Name as RFC 4514 text the way `openssl x509 -nameopt RFC2253,-esc_msb` does:
/// most specific attribute first, OpenSSL's short names, UTF-8 kept as it is.
///
struct NameFormatter {
    func format(_ der: UnsafeBufferPointer<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(der.count)
        append(der, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the formatted name; an unparseable name is shown as `#` and its hex, as OpenSSL dumps.
    func append(_ der: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        withAttributes(of: der) { attributes in
            guard let attributes else {
                out.append(UInt8(ascii: "#"))
                appendHex(der, to: &out)
                return
            }
            var previousSet: Int?
            for attribute in attributes.reversed() {
                if let previousSet {
                    out.append(previousSet == attribute.set ? UInt8(ascii: "+") : UInt8(ascii: ","))
                }
                previousSet = attribute.set
                if AttributeNames.shared.appendName(of: der.slice(attribute.type), to: &out) {
                    out.append(UInt8(ascii: "="))
                    appendValue(attribute.value, in: der, to: &out)
                } else {
                    out.append(contentsOf: dottedOID(der.slice(attribute.type)).utf8)
                    out.append(contentsOf: "=#".utf8)
                    appendHex(der.slice(attribute.value.range), to: &out)
                }
            }
        }
    }

    /// Writes the formatted name with `writer` when every attribute is plain: a type with a short name in
    /// the fixed tables and a string value of ASCII characters (some escaped) or of valid UTF-8, as in
    /// nearly every certificate's names; nil, writing nothing, for any other name, which `append`
    /// formats. Written in place, its length counted first: through `append`'s array and a copy, the
    /// subject cost 3,700 instructions a certificate of a CA bundle.
    func writePlain(_ der: UnsafeBufferPointer<UInt8>, with writer: inout SharedBytesWriter) -> SharedBytes? {
        withAttributes(of: der) { attributes -> SharedBytes? in
            guard let attributes, !attributes.isEmpty, let base = der.baseAddress else { return nil }
            return withUnsafeTemporaryAllocation(of: (StaticString, Int).self, capacity: attributes.count) {
                plain in
                var length = attributes.count - 1
                for index in attributes.indices {
                    let attribute = attributes[index]
                    guard let name = AttributeNames.shared.staticName(of: der.slice(attribute.type)),
                        let valueLength = Self.plainLength(attribute.value, in: der)
                    else { return nil }
                    plain.initializeElement(at: index, to: (name, valueLength))
                    length += name.utf8CodeUnitCount + 1 + valueLength
                }
                return writer.write(maximum: length) { out in
                    var written = 0
                    for index in attributes.indices.reversed() {
                        let attribute = attributes[index]
                        if written > 0 {
                            out[written] =
                                attributes[index + 1].set == attribute.set
                                ? UInt8(ascii: "+") : UInt8(ascii: ",")
                            written += 1
                        }
                        let (name, valueLength) = plain[index]
                        (out + written).update(from: name.utf8Start, count: name.utf8CodeUnitCount)
                        written += name.utf8CodeUnitCount
                        out[written] = UInt8(ascii: "=")
                        written += 1
                        Self.writePlain(
                            base + attribute.value.contentStart, count: attribute.value.contentRange.count,
                            length: valueLength, to: out + written)
                        written += valueLength
                    }
                    return written
                }
            }
        }
    }

    /// Whether `tag` is one of the string types `appendValue` reads byte for byte (UTF8String,
    /// NumericString, PrintableString, T61String, IA5String, VisibleString).
    private static func isByteString(_ tag: UInt8) -> Bool {
        let types: UInt32 = 1 << 0x0C | 1 << 0x12 | 1 << 0x13 | 1 << 0x14 | 1 << 0x16 | 1 << 0x1A
        return tag < 0x20 && types & (1 << UInt32(tag)) != 0
    }

    /// The length of a value as `appendValue` writes it, when it is a byte string (``isByteString(_:)``) of ASCII,
    /// or a UTF8String of valid UTF-8 (whose other characters are written as they are); nil otherwise.
    private static func plainLength(_ value: DERElement, in der: UnsafeBufferPointer<UInt8>) -> Int? {
        guard isByteString(value.tag), let base = der.baseAddress else { return nil }
        let count = value.contentRange.count
        guard count > 0 else { return 0 }
        let bytes = base + value.contentStart
        var extra = 0
        var flags: UInt8 = 0
        escapeWidths.withUnsafeBufferPointer { widths in
            for index in 0..<count {
                let width = widths[Int(bytes[index])]
                extra &+= Int(width & 3)
                flags |= width
            }
        }
        // `#` or a space first, a space last: one backslash each (a lone space takes one).
        if bytes[0] == UInt8(ascii: "#") || bytes[0] == UInt8(ascii: " ") { extra += 1 }
        if count > 1, bytes[count - 1] == UInt8(ascii: " ") { extra += 1 }
        if flags & notASCII != 0 {
            guard value.tag == 0x0C, X509Schema.isUTF8(der, value.contentRange) else { return nil }
        }
        return count + extra
    }

    /// Writes a value that ``plainLength(_:in:)`` measured as `length` bytes.
    private static func writePlain(
        _ bytes: UnsafePointer<UInt8>, count: Int, length: Int, to out: UnsafeMutablePointer<UInt8>
    ) {
        guard length != count else {
            out.update(from: bytes, count: count)
            return
        }
        var written = 0
        for index in 0..<count {
            let byte = bytes[index]
            switch byte < 0x80 ? escape(byte, first: index == 0, last: index == count - 1) : .none {
            case .none:
                out[written] = byte
                written += 1
            case .backslash:
                out[written] = UInt8(ascii: "\\")
                out[written + 1] = byte
                written += 2
            case .hex:
                out[written] = UInt8(ascii: "\\")
                out[written + 1] = upperHexDigits.utf8Start[Int(byte >> 4)]
                out[written + 2] = upperHexDigits.utf8Start[Int(byte & 15)]
                written += 3
            }
        }
    }

    /// For each byte, the bytes its escape adds wherever it stands (``escape(_:first:last:)``): 1 for a
    /// backslash, 2 for a backslash and hex digits; ``notASCII`` for a byte from 80 up. One load a byte:
    /// comparing each byte with the characters RFC 2253 escapes cost some 700 instructions a subject.
    private static let escapeWidths: [UInt8] = (0...255).map { byte in
        if byte >= 0x80 { return notASCII }
        switch escape(UInt8(byte), first: false, last: false) {
        case .none: return 0
        case .backslash: return 1
        case .hex: return 2
        }
    }
    private static let notASCII: UInt8 = 0x80

    private static let upperHexDigits: StaticString = "0123456789ABCDEF"

    /// Calls `body` with the name's attributes in the order of the DER (most general first), or nil when
    /// the name does not parse.
    private func withAttributes<Result>(
        of der: UnsafeBufferPointer<UInt8>, _ body: (UnsafeMutableBufferPointer<AttributePosition>?) -> Result
    ) -> Result {
        // An attribute takes at least 9 bytes of DER, which bounds how many there can be; the list of
        // them lives on the stack for any real name.
        let capacity = der.count / 9 + 1
        return withUnsafeTemporaryAllocation(of: AttributePosition.self, capacity: capacity) { attributes in
            var count = 0
            // Read with `element`, which gives nil where `DERCursor` would throw: the errors' words are
            // never shown here.
            guard let name = element(der, at: 0, end: der.count, tag: DERTag.sequence) else {
                return body(nil)
            }
            var setStart = name.contentStart
            var setIndex = 0
            while setStart < name.end {
                guard let rdn = element(der, at: setStart, end: name.end, tag: DERTag.set) else {
                    return body(nil)
                }
                var memberStart = rdn.contentStart
                while memberStart < rdn.end {
                    guard let pair = element(der, at: memberStart, end: rdn.end, tag: DERTag.sequence),
                        let type = element(
                            der, at: pair.contentStart, end: pair.end, tag: DERTag.objectIdentifier),
                        let value = element(der, at: type.end, end: pair.end, tag: nil),
                        count < capacity
                    else { return body(nil) }
                    attributes.initializeElement(
                        at: count, to: AttributePosition(set: setIndex, type: type.contentRange, value: value)
                    )
                    count += 1
                    memberStart = pair.end
                }
                setStart = rdn.end
                setIndex += 1
            }
            return body(UnsafeMutableBufferPointer(rebasing: attributes[0..<count]))
        }
    }

    /// The element at `start`, which must end by `end` and have `tag` when one is given; nil where
    /// ``DERCursor/header(in:at:limit:naming:)`` would throw.
    @inline(__always)
    private func element(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int, tag wanted: UInt8?)
        -> DERElement?
    {
        guard start < end else { return nil }
        if let wanted, bytes[start] != wanted { return nil }
        // The short form of length, nearly every element of a name, read here.
        if start &+ 2 <= min(end, bytes.count), bytes[start &+ 1] < 0x80, bytes[start] & 0x1F != 0x1F {
            let contentStart = start &+ 2
            let length = Int(bytes[start &+ 1])
            guard length <= end &- contentStart else { return nil }
            return DERElement(
                tag: bytes[start], start: start, contentStart: contentStart, end: contentStart &+ length)
        }
        return try? DERCursor.parseHeader(in: bytes, at: start, limit: end).get()
    }

    private func appendValue(_ value: DERElement, in der: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        let content = der.slice(value.contentRange)
        if Self.isPlainASCII(value.tag, content) {
            out.append(contentsOf: content)
            return
        }
        var scalars: [Unicode.Scalar] = []
        switch value.tag {
        case 0x0C:  // UTF8String
            var decoder = UTF8()
            var iterator = content.makeIterator()
            loop: while true {
                switch decoder.decode(&iterator) {
                case .scalarValue(let scalar): scalars.append(scalar)
                case .emptyInput: break loop
                case .error:
                    out.append(UInt8(ascii: "#"))
                    appendHex(der.slice(value.range), to: &out)
                    return
                }
            }
        case 0x12, 0x13, 0x16, 0x1A, 0x14:  // Numeric, Printable, IA5, Visible; T61 read as Latin-1
            scalars = content.map { Unicode.Scalar($0) }
        case 0x1E:  // BMPString, UTF-16BE
            guard content.count % 2 == 0 else { return appendDump(value, in: der, to: &out) }
            let units = stride(from: 0, to: content.count, by: 2).map {
                UInt16(content[$0]) << 8 | UInt16(content[$0 + 1])
            }
            scalars = units.map { Unicode.Scalar($0) ?? "\u{FFFD}" }
        case 0x1C:  // UniversalString, UTF-32BE
            guard content.count % 4 == 0 else { return appendDump(value, in: der, to: &out) }
            scalars = stride(from: 0, to: content.count, by: 4).map { index in
                let code = content[index..<index + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                return Unicode.Scalar(code) ?? "\u{FFFD}"
            }
        default:
            return appendDump(value, in: der, to: &out)
        }
        for (index, scalar) in scalars.enumerated() {
            appendEscaped(scalar, first: index == 0, last: index == scalars.count - 1, to: &out)
        }
    }

    private func appendDump(_ value: DERElement, in der: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "#"))
        appendHex(der.slice(value.range), to: &out)
    }

    /// Whether a string value is printable ASCII that needs no escaping, the common case copied as is.
    private static func isPlainASCII(_ tag: UInt8, _ content: UnsafeBufferPointer<UInt8>) -> Bool {
        guard isByteString(tag), let first = content.first, let last = content.last,
            first != UInt8(ascii: "#"), first != UInt8(ascii: " "), last != UInt8(ascii: " ")
        else { return false }
        // Printable ASCII but the seven characters RFC 2253 escapes: the bytes no escape widens.
        return escapeWidths.withUnsafeBufferPointer { widths in content.allSatisfy { widths[Int($0)] == 0 } }
    }

    /// How RFC 2253 escaping, as OpenSSL's ESC_2253 and ESC_CTRL do it, writes an ASCII character of a
    /// value: as it is, after a backslash, or as a backslash and its two hex digits.
    private enum Escape { case none, backslash, hex }

    @inline(__always)
    private static func escape(_ byte: UInt8, first: Bool, last: Bool) -> Escape {
        if byte < 0x20 || byte == 0x7F { return .hex }
        switch byte {
        case UInt8(ascii: ","), UInt8(ascii: "+"), UInt8(ascii: "\""), UInt8(ascii: "\\"),
            UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ";"):
            return .backslash
        case UInt8(ascii: "#") where first, UInt8(ascii: " ") where first || last:
            return .backslash
        default:
            return .none
        }
    }

    /// RFC 2253 escaping as OpenSSL's ESC_2253 and ESC_CTRL do it.
    private func appendEscaped(_ scalar: Unicode.Scalar, first: Bool, last: Bool, to out: inout [UInt8]) {
        let value = scalar.value
        guard value < 0x80 else {
            out.append(contentsOf: String(Character(scalar)).utf8)
            return
        }
        let byte = UInt8(value)
        switch Self.escape(byte, first: first, last: last) {
        case .none: out.append(byte)
        case .backslash:
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case .hex:
            out.append(UInt8(ascii: "\\"))
            appendHex([byte], to: &out)
        }
    }
}

/// Hex digits, in upper case as OpenSSL prints a value's DER after `#`, or in lower case (the TLSA record
/// data, like every pin's hex).
func appendHex(_ bytes: some Sequence<UInt8>, to out: inout [UInt8], lowercase: Bool = false) {
    let digits = Array((lowercase ? "0123456789abcdef" : "0123456789ABCDEF").utf8)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 15)])
    }
}

/// `1.2.840.113549.1.9.1` from an OID's DER content.
func dottedOID(_ content: UnsafeBufferPointer<UInt8>) -> String {
    var arcs: [UInt64] = []
    var value: UInt64 = 0
    for byte in content {
        value = value << 7 | UInt64(byte & 0x7F)
        if byte & 0x80 == 0 {
            arcs.append(value)
            value = 0
        }
    }
    guard let first = arcs.first else { return "" }
    let head = first < 80 ? [first / 40, first % 40] : [2, first - 80]
    return (head + arcs.dropFirst()).map(String.init).joined(separator: ".")
}

/// Where one attribute of a name is: its RDN, its type OID's content and its value element.
private struct AttributePosition {
    var set: Int
    var type: Range<Int>
    var value: DERElement
}
