/// An SPKI pin: the SHA-256 of a DER SubjectPublicKeyInfo, as HPKP, curl, OkHttp, Android, iOS and DANE
/// `3 1 1` records use it.
public struct Pin: Sendable, Hashable, CustomStringConvertible {
    /// The digest, held inline: a bundle of thousands of certificates makes no allocation per pin.
    private let words: (UInt64, UInt64, UInt64, UInt64)

    /// The 32 bytes of the SHA-256 digest.
    public var sha256: [UInt8] {
        withUnsafeBytes(of: words) { Array($0) }
    }

    /// The pin of a DER SubjectPublicKeyInfo, hashed byte for byte as given.
    public init(subjectPublicKeyInfo der: some Collection<UInt8>) {
        let bytes = Array(der)
        self.words = bytes.withUnsafeBufferPointer { SHA256Digest(hashing: $0).words }
    }

    init(hashing spki: UnsafeBufferPointer<UInt8>) {
        self.words = SHA256Digest(hashing: spki).words
    }

    private init(digest bytes: [UInt8]) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.copyBytes(from: bytes) }
        self.words = words
    }

    public static func == (lhs: Pin, rhs: Pin) -> Bool { lhs.words == rhs.words }

    /// The digest's first eight bytes, as a word: uniform, a table's slot for the pin as it is.
    var firstWord: UInt64 { words.0 }

    /// One word of the digest: SHA-256's output is uniform already, and a listing looks up every
    /// certificate's pin in the catalogue (twice) and the trust store's answers, where hashing all 32 bytes
    /// through the hasher's byte path cost three times as much.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
    }

    /// A pin given as base64 (the form `pin-sha256="…"` and `sha256//…` carry); nil unless it is exactly
    /// the base64 of 32 bytes.
    public init?(base64: String) {
        let text = Array(base64.utf8)
        guard let pin = text.withUnsafeBufferPointer(Pin.init(base64Bytes:)) else { return nil }
        self = pin
    }

    /// ``init(base64:)`` over the text's bytes.
    init?(base64Bytes text: UnsafeBufferPointer<UInt8>) {
        guard text.count == 44,
            !text.contains(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }),
            let bytes = try? Base64.decode(text), bytes.count == 32
        else { return nil }
        self.init(digest: bytes)
    }

    /// The pin as base64, the form every pinning consumer but DANE takes.
    public var base64: String {
        withUnsafeBytes(of: words) { Base64.encode($0.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Calls `body` with ``base64``'s 44 bytes, encoded on the stack: a listing of a bundle prints one a
    /// line, and making the String (allocated, validated, copied and freed) cost five times the encoding.
    /// Not generic: a generic function called from another module runs unspecialized (the closure and
    /// the stack buffer through the runtime's metadata), which cost more than the String.
    public func withBase64(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &text) { text in
            let out = text.bindMemory(to: UInt8.self)
            let count = withUnsafeBytes(of: words) {
                Base64.encode($0.assumingMemoryBound(to: UInt8.self), into: out)
            }
            body(UnsafeBufferPointer(rebasing: out[..<count]))
        }
    }

    /// The pin as lower-case hex, the data of a DANE TLSA `3 1 1` record.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in withUnsafeBytes(of: words, { Array($0) }) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { base64 }

    /// The pin of an empty input, which openssl pipelines print when they fail to read a key.
    public static let ofNothing = Pin(subjectPublicKeyInfo: [UInt8]())
}
