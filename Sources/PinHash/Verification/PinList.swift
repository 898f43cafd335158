/// The pins a key or certificate is expected to have, parsed from the spellings pinning configurations
/// use (``PinSpelling``): bare base64, OkHttp's `sha256/…`, curl's `sha256//…` (several joined by `;`),
/// HPKP's `pin-sha256="…"`, the 64 hex digits of a DANE TLSA `3 1 1` record, TLSA data; and from the
/// documents `pinhash` prints (``PinDocumentReader``).
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
    /// `pin-sha256="A"; pin-sha256="B"` of a Public-Key-Pins header) or `,` (Chrome's list). Fails on the
    /// first entry that is not a SHA-256 pin, naming it.
    public mutating func add(parsing text: String) throws(PinHashError) {
        for pin in try PinDocumentReader.listPins(Substring(text)) { add(pin) }
    }

    /// Adds the pins of a pin file's text: a list written by hand (one entry per line, each as
    /// ``add(parsing:)`` takes, `#` starting a comment, blank lines skipped) or anything `pinhash` prints
    /// (see ``PinDocumentReader``). Errors name the line: `line 3: sha1/… is a SHA-1 pin…`.
    public mutating func add(fileText text: String) throws(PinHashError) {
        for (pin, _) in try PinDocumentReader.pins(in: text) { add(pin) }
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

    /// Parses one pin in any of the spellings the list takes (see ``PinSpelling``).
    public static func pin(parsing spelling: String) throws(PinHashError) -> Pin {
        try PinSpelling.pin(parsing: spelling)
    }
}
