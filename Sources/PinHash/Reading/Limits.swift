/// Limits that keep hostile or endless input (`/dev/zero`, `/dev/urandom`, a stream that never ends)
/// from exhausting memory or running for ever. Exceeding one is a `PinHashError` with code
/// `inputTooLarge` that names the limit.
public struct InputLimits: Sendable, Hashable {
    /// The largest single object: one PEM block's text, one DER object, one PKCS#12 file.
    public var maximumObjectSize: Int
    /// The most text allowed before the first PEM block, or between two blocks.
    public var maximumTextBetweenBlocks: Int
    /// The most PEM blocks one input may hold. Blocks are read as a stream, so memory stays bounded
    /// whatever the count; this bounds the time an endless stream of blocks takes. The default, a
    /// million, is seven times the 139,000 certificates of the largest benchmark and a few seconds of
    /// reading.
    public var maximumBlockCount: Int
    /// How deeply the DER of a private key or PKCS#12 file may nest constructed elements before it is
    /// handed to OpenSSL's decoders, which recurse over it. Real keys nest about 5 levels and PKCS#12
    /// files about 10 (each encapsulated part counts on its own).
    public var maximumNestingDepth: Int
    /// The key-derivation work one input may ask for before a passphrase is tried, over all its encrypted
    /// parts and every passphrase tried, in key-derivation iterations: about one PBKDF2-HMAC-SHA256
    /// iteration each. PBKDF2, PBKDF1 and PKCS#12 count their iterations per block derived, scrypt counts
    /// N·r·p plus the passes of its PBKDF2 over the salt, and every pass over a salt counts its length
    /// (`KeyDerivation` has the model). OpenSSL runs whatever a file names, and a 1 KB key can name 2³¹
    /// iterations (about ten minutes). The default, ten million, is about two seconds of work and over a
    /// thousand times what `openssl pkcs8` and `openssl pkcs12` write (2,048 a derivation).
    public var maximumKeyDerivationIterations: Int

    public init(
        maximumObjectSize: Int = 16 << 20, maximumTextBetweenBlocks: Int = 1 << 20,
        maximumBlockCount: Int = 1_000_000, maximumNestingDepth: Int = 64,
        maximumKeyDerivationIterations: Int = 10_000_000
    ) {
        self.maximumObjectSize = maximumObjectSize
        self.maximumTextBetweenBlocks = maximumTextBetweenBlocks
        self.maximumBlockCount = maximumBlockCount
        self.maximumNestingDepth = maximumNestingDepth
        self.maximumKeyDerivationIterations = maximumKeyDerivationIterations
    }

    public static let `default` = InputLimits()
}

extension InputLimits {
    /// A size for an error message: `16 MiB`, `64 KiB`, `300 bytes`, so that small limits read right too.
    static func describe(bytes: Int) -> String {
        if bytes >= 1 << 20, bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes >= 1 << 10, bytes % (1 << 10) == 0 { return "\(bytes >> 10) KiB" }
        return "\(bytes) bytes"
    }
}

/// The key-derivation work (`KeyDerivation.work`) one input may ask for across all its encrypted parts and
/// passphrase tries, spent before each derivation runs.
struct KeyDerivationBudget {
    private(set) var remaining: Int
    let limit: Int

    init(limit: Int) {
        self.limit = limit
        self.remaining = limit
    }

    /// Takes the work of `derivation` from the budget, or fails with an error that names what the input
    /// asks for, what the derivation is, and what is left of the limit. `what` is the part of the input
    /// that asks: its encryption, or its MAC.
    mutating func spend(_ derivation: KeyDerivation, for what: String = "its encryption") throws(PinHashError)
    {
        let work = derivation.work
        guard work > remaining else {
            remaining -= work
            return
        }
        let asked = work == Int.max ? "an unbounded amount of" : "the work of \(work)"
        // A derivation that alone is over the limit says so; one that fits the limit but not what earlier
        // derivations (other parts, other passphrases tried) left says that instead.
        guard work <= limit else {
            throw PinHashError(
                .inputTooLarge,
                "\(what) asks for \(asked) key-derivation iterations (\(derivation)), more than the \(limit) "
                    + "pinhash spends on one input")
        }
        throw PinHashError(
            .inputTooLarge,
            "\(what) asks for \(asked) more key-derivation iterations (\(derivation)), but only \(remaining) "
                + "of the \(limit) pinhash spends on one input are left after the derivations before it")
    }
}
