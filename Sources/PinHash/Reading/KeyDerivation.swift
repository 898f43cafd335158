/// One password-based key derivation as OpenSSL will run it: the scheme and the parameters an encrypted
/// key or PKCS#12 file names, read with OpenSSL's own decoders (`PasswordBasedEncryption`), so that BER
/// that OpenSSL accepts is counted as OpenSSL will compute it.
///
/// Its `work` is counted in key-derivation iterations: one unit is about one PBKDF2-HMAC-SHA256 iteration
/// (two SHA-256 compressions; on one core of this decade about 0.2 µs). The model, which errs high:
/// - PBKDF2: ⌈key length / PRF output⌉ blocks, each `iterations` HMACs, the first over the salt.
/// - PBKDF1 (PKCS#5 v1) and PKCS#12's derivation (its PBEs and its MAC): `iterations` digests per block
///   (one block for PBKDF1 and the MAC; ⌈key / digest⌉ + ⌈IV / digest⌉ for a PKCS#12 PBE), counted as
///   whole units although one digest is about a third of one.
/// - scrypt: N·r·p for ROMix (which measures about one unit each), plus its two PBKDF2-HMAC-SHA256 passes
///   of one iteration: 4·p·r HMACs over the salt, and ⌈key length / 32⌉ HMACs over the 128·r·p bytes of
///   ROMix's output.
/// - Each pass over a salt or other input adds one unit per full 64 bytes of it: a salt of under 64 bytes
///   (every tool writes 8 to 32) hashes within the first iteration, but a 64 KiB scrypt salt is hashed
///   4·p·r times, 1,024 units each time.
/// - An iteration count below 1 counts as 1 (OpenSSL refuses it or runs one); one too large for 64 bits
///   counts as `Int.max`.
enum KeyDerivation: Hashable, Sendable {
    /// PBES1 (PKCS#5 v1): one chain of `iterations` digests, the first over the password and salt.
    case pbkdf1(iterations: Int, saltLength: Int)
    /// PBKDF2 (PBES2): `blocks` chains of `iterations` HMACs.
    case pbkdf2(iterations: Int, saltLength: Int, blocks: Int)
    /// PKCS#12's own derivation (RFC 7292 appendix B), for its PBEs and its MAC.
    case pkcs12(iterations: Int, saltLength: Int, blocks: Int)
    /// scrypt (RFC 7914) deriving a key of `keyLength` bytes.
    case scrypt(n: UInt64, r: UInt64, p: UInt64, saltLength: Int, keyLength: Int)

    /// The work this derivation asks for, in key-derivation iterations (see the type); `Int.max` when it
    /// does not fit.
    var work: Int {
        switch self {
        case .pbkdf1(let iterations, let saltLength):
            return Self.sum(max(iterations, 1), saltLength / 64)
        case .pbkdf2(let iterations, let saltLength, let blocks),
            .pkcs12(let iterations, let saltLength, let blocks):
            return Self.product(max(blocks, 1), Self.sum(max(iterations, 1), saltLength / 64))
        case .scrypt(let n, let r, let p, let saltLength, let keyLength):
            let rp = Self.product(Int(clamping: r), Int(clamping: p))
            let romix = Self.product(Int(clamping: n), rp)
            let firstPass = Self.product(Self.product(4, rp), Self.sum(1, saltLength / 64))
            let finalPass = Self.product(max((keyLength + 31) / 32, 1), Self.sum(1, Self.product(2, rp)))
            return Self.sum(Self.sum(romix, firstPass), finalPass)
        }
    }

    /// The memory scrypt takes, as OpenSSL reckons it against its limit: 128·r·(N+2) bytes for ROMix's
    /// table and 128·r·p for its blocks. Nil for the other schemes, which need little.
    var memory: Int? {
        guard case .scrypt(let n, let r, let p, _, _) = self else { return nil }
        let r128 = Self.product(128, Int(clamping: r))
        return Self.sum(
            Self.product(r128, Self.sum(Int(clamping: n), 2)), Self.product(r128, Int(clamping: p)))
    }

    private static func sum(_ a: Int, _ b: Int) -> Int {
        let (result, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : result
    }

    private static func product(_ a: Int, _ b: Int) -> Int {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : result
    }
}

extension KeyDerivation: CustomStringConvertible {
    /// `PBKDF2 with 2048 iterations`, `scrypt with N=16384, r=8, p=1 and a 16-byte salt`: the parameters
    /// that make up the work, for messages.
    var description: String {
        switch self {
        case .pbkdf1(let iterations, let saltLength):
            return "PBKDF1 with \(Self.count(iterations))\(Self.longSalt(saltLength))"
        case .pbkdf2(let iterations, let saltLength, let blocks):
            let perBlock = blocks > 1 ? " for each of \(blocks) key blocks" : ""
            return "PBKDF2 with \(Self.count(iterations))\(perBlock)\(Self.longSalt(saltLength))"
        case .pkcs12(let iterations, let saltLength, let blocks):
            let perBlock = blocks > 1 ? " for each of \(blocks) blocks" : ""
            return
                "PKCS#12 key derivation with \(Self.count(iterations))\(perBlock)\(Self.longSalt(saltLength))"
        case .scrypt(let n, let r, let p, let saltLength, _):
            return "scrypt with N=\(n), r=\(r), p=\(p) and a \(saltLength)-byte salt"
        }
    }

    private static func count(_ iterations: Int) -> String {
        iterations == Int.max ? "an iteration count too large for 64 bits" : "\(iterations) iterations"
    }

    /// A salt is named only when it adds to the work.
    private static func longSalt(_ length: Int) -> String {
        length >= 64 ? " and a \(length)-byte salt" : ""
    }
}
