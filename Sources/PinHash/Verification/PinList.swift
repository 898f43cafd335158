/// The pins a key or certificate is expected to have, parsed from the spellings pinning configurations
/// use: bare base64, OkHttp's `sha256/…`, curl's `sha256//…` (several joined by `;`), HPKP's
/// `pin-sha256="…"`, and the 64 hex digits of a DANE TLSA `3 1 1` record.
///
/// ```swift
/// var expected = PinList()
/// try expected.add(parsing: "sha256//Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=")
/// try expected.add(contentsOfFileAt: "pins.txt")
/// ```
///
/// The SHA-256 of empty input (`47DEQpj8…`, ``Pin/ofNothing``) is refused wherever it appears: it is what
/// a broken openssl pipeline prints, and no key has it.
public struct PinList: Sendable, Hashable {
    /// The pins in the order they were first given, each once.
    public private(set) var pins: [Pin] = []
    private var members: Set<Pin> = []

    /// An empty list.
    public init() {}

    /// A list of the pins in `texts`, each parsed as ``add(parsing:)`` does.
    public init(parsing texts: some Sequence<String>) throws(PinHashError) {
        for text in texts { try add(parsing: text) }
    }

    public var isEmpty: Bool { pins.isEmpty }
    public var count: Int { pins.count }

    public func contains(_ pin: Pin) -> Bool { members.contains(pin) }

    /// Adds `pin`; a pin already in the list is not added again.
    public mutating func add(_ pin: Pin) {
        if members.insert(pin).inserted { pins.append(pin) }
    }

    /// Adds the pins in `text`: one pin, or several separated by `;` (`sha256//A;sha256//B`, or the
    /// `pin-sha256="A"; pin-sha256="B"` of a Public-Key-Pins header). Fails on the first entry that is
    /// not a SHA-256 pin, naming it.
    public mutating func add(parsing text: String) throws(PinHashError) {
        let entries = text.split(separator: ";", omittingEmptySubsequences: false).map(Self.trimmed)
        guard entries.contains(where: { !$0.isEmpty }) else {
            throw PinHashError(.malformedInput, "an empty pin")
        }
        for entry in entries where !entry.isEmpty {
            add(try Self.pin(parsing: String(entry)))
        }
    }

    /// Adds the pins of a pin file's text: one entry per line (each as ``add(parsing:)`` takes), `#`
    /// starting a comment, blank lines skipped. Errors name the line: `line 3: "sha1/…" is a SHA-1 pin…`.
    public mutating func add(fileText text: String) throws(PinHashError) {
        var lineNumber = 0
        // Split on the byte, not the Character: "\r\n" is one Character and would never equal "\n".
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if let comment = line.firstIndex(of: "#") { line = line[..<comment] }
            guard !Self.trimmed(line).isEmpty else { continue }
            do {
                try add(parsing: String(line))
            } catch {
                throw PinHashError(error.code, "line \(lineNumber): \(error.reason)")
            }
        }
    }

    /// Adds the pins of the pin file at `path` (`-` reads standard input); see ``add(fileText:)``.
    /// Errors name the file.
    public mutating func add(contentsOfFileAt path: String) throws(PinHashError) {
        do throws(PinHashError) {
            let source = try ByteSource.open(path)
            let limit = 1 << 20
            try source.readAll(limit: limit, what: "the pin file")
            let bytes = source.buffer[source.start...]
            guard !bytes.contains(0) else {
                throw PinHashError(.malformedInput, "is not text (it holds NUL bytes)")
            }
            try add(fileText: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw error.naming(path)
        }
    }

    /// Parses one pin in any of the spellings the list takes.
    public static func pin(parsing spelling: String) throws(PinHashError) -> Pin {
        let text = trimmed(Substring(spelling))
        let lowered = text.lowercased()
        var value = text
        if lowered.hasPrefix("sha256/") {
            // OkHttp's sha256/ before a pin that starts with / reads like curl's sha256//: the lengths tell.
            value = text.dropFirst(7)
            if value.first == "/", Pin(base64: String(value)) == nil { value = value.dropFirst() }
        } else if lowered.hasPrefix("pin-sha256") {
            value = trimmed(text.dropFirst(10))
            guard value.first == "=" else { throw rejection(text, "has no = after pin-sha256") }
            value = trimmed(value.dropFirst())
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = value.dropFirst().dropLast()
            }
        } else if lowered.hasPrefix("sha1/") || lowered.hasPrefix("pin-sha1") {
            throw rejection(text, "is a SHA-1 pin; pins are SHA-256 (sha256/…)")
        }
        let pin: Pin
        if let base64 = Pin(base64: String(value)) {
            pin = base64
        } else if let hex = hexPin(value) {
            pin = hex
        } else {
            throw rejection(
                text,
                "is not a SHA-256 pin: expected the base64 of 32 bytes (44 characters), sha256/…, sha256//…, "
                    + "pin-sha256=\"…\" or 64 hex digits")
        }
        if pin == Pin.ofNothing {
            throw rejection(
                text,
                "is the SHA-256 of empty input, which a failed openssl pipeline prints; it is no key's pin")
        }
        return pin
    }

    private static func rejection(_ text: Substring, _ reason: String) -> PinHashError {
        let shown = text.count > 80 ? "\(text.prefix(77))..." : text
        return PinHashError(.malformedInput, "'\(shown)' \(reason)")
    }

    /// The 32 bytes of 64 hex digits (DANE TLSA `3 1 1` data), either case.
    private static func hexPin(_ text: Substring) -> Pin? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        func nibble(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return Pin(base64: Base64.encode(bytes))
    }

    private static func trimmed(_ text: Substring) -> Substring {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }) else { return text[text.endIndex...] }
        let last = text.lastIndex(where: { !$0.isWhitespace })!
        return text[first...last]
    }
}
