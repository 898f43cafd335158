/// The ways pinning configurations write one SPKI pin, and the one reader of them all, which the header
/// builder, verification, pin lists and pin-set import share.
///
/// ```swift
/// let pin = try PinSpelling.pin(parsing: "sha256//Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=")
/// let (same, spelling) = try PinSpelling.read("3 1 1 05b8b89a…")  // spelling == .tlsa
/// ```
///
/// The SHA-256 of empty input (``Pin/ofNothing``) is refused in every spelling: it is what a broken
/// openssl pipeline prints, and no key has it.
public enum PinSpelling: String, Sendable, Hashable, CaseIterable {
    /// The bare base64 of the 32 bytes: `Bay4mh…=` (Android, iOS, TrustKit, Chrome).
    case base64
    /// OkHttp's `sha256/Bay4mh…=`.
    case okhttp
    /// curl's `sha256//Bay4mh…=`.
    case curl
    /// HPKP's `pin-sha256="Bay4mh…="`, quoted or not.
    case hpkp
    /// 64 hex digits, either case: the data of a DANE TLSA `3 1 1` record.
    case hex
    /// TLSA record data, `USAGE 1 1 HEX` (the SPKI's SHA-256) or `USAGE 1 0 HEX` (the whole SPKI, whose
    /// SHA-256 is the pin).
    case tlsa

    /// The pin in `text`, in any spelling; surrounding white space is ignored.
    public static func pin(parsing text: String) throws(PinHashError) -> Pin {
        try read(text).pin
    }

    /// The pin in `text` and the spelling it was written in. Errors quote the text (shortened past 80
    /// characters) and say which spellings are taken.
    public static func read(_ text: String) throws(PinHashError) -> (pin: Pin, spelling: PinSpelling) {
        let trimmed = trimmed(Substring(text))
        guard !trimmed.isEmpty else { throw PinHashError(.malformedInput, "an empty pin") }
        let (pin, spelling) = try decode(trimmed)
        if pin == Pin.ofNothing {
            throw rejection(
                trimmed,
                "is the SHA-256 of empty input, which a failed openssl pipeline prints; it is no key's pin")
        }
        return (pin, spelling)
    }

    private static func decode(_ text: Substring) throws(PinHashError) -> (Pin, PinSpelling) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("sha256/") {
            var value = text.dropFirst(7)
            var spelling = PinSpelling.okhttp
            // OkHttp's sha256/ before a pin that starts with / reads like curl's sha256//: the lengths tell.
            if value.first == "/", Pin(base64: String(value)) == nil {
                value = value.dropFirst()
                spelling = .curl
            }
            guard let pin = Pin(base64: String(value)) else {
                throw rejection(
                    text,
                    "is not a SHA-256 pin: after \(text.prefix(spelling == .curl ? 8 : 7))"
                        + " comes the base64 of 32 bytes (44 characters)")
            }
            return (pin, spelling)
        }
        if lowered.hasPrefix("pin-sha256") {
            var value = trimmed(text.dropFirst(10))
            guard value.first == "=" else { throw rejection(text, "has no = after pin-sha256") }
            value = trimmed(value.dropFirst())
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = value.dropFirst().dropLast()
            }
            guard let pin = Pin(base64: String(value)) else {
                throw rejection(text, "is not a SHA-256 pin: pin-sha256 takes the base64 of 32 bytes")
            }
            return (pin, .hpkp)
        }
        if lowered.hasPrefix("sha1/") || lowered.hasPrefix("pin-sha1") {
            throw rejection(text, "is a SHA-1 pin; pins are SHA-256 (sha256/…)")
        }
        if let pin = Pin(base64: String(text)) { return (pin, .base64) }
        if let bytes = hexBytes(text), bytes.count == 32 { return (pin(digest: bytes), .hex) }
        if let record = try tlsaData(text) { return (record, .tlsa) }
        throw rejection(
            text,
            "is not a SHA-256 pin: expected the base64 of 32 bytes (44 characters), sha256/…, sha256//…, "
                + "pin-sha256=\"…\", 64 hex digits or TLSA data (3 1 1 HEX)")
    }

    /// The pin of TLSA record data `USAGE SELECTOR MATCHING HEX…`; nil when `text` is not shaped so.
    private static func tlsaData(_ text: Substring) throws(PinHashError) -> Pin? {
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 4, let usage = UInt8(fields[0]), let selector = UInt8(fields[1]),
            let matching = UInt8(fields[2])
        else { return nil }
        let record = TLSARecordData(
            usage: usage, selector: selector, matchingType: matching, data: fields[3...].joined())
        return try record.pin()
    }

    /// The bytes of an even number of hex digits; nil for anything else.
    static func hexBytes(_ text: some StringProtocol) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// The pin whose SHA-256 digest is `bytes` (32 of them).
    static func pin(digest bytes: [UInt8]) -> Pin {
        Pin(base64: Base64.encode(bytes))!
    }

    static func rejection(_ text: some StringProtocol, _ reason: String) -> PinHashError {
        let shown = text.count > 80 ? "\(text.prefix(77))..." : String(text)
        return PinHashError(.malformedInput, "'\(shown)' \(reason)")
    }

    static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}
