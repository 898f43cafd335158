import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// The limits that keep hostile input bounded, each exceeded with a small custom `InputLimits`, and each
/// named in its error.
@Suite("Input limits")
struct LimitTests {
    static let leaf = (try? Fixtures.bytes("certs/leaf.pem")) ?? []

    static func error(
        reading bytes: [UInt8], as inputType: InputType = .auto, limits: InputLimits,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> PinHashError? {
        let reader = PinReader(inputType: inputType, limits: limits)
        return #expect(throws: PinHashError.self, sourceLocation: sourceLocation) {
            try reader.pins(in: bytes, source: "bytes")
        }
    }

    /// `depth` SEQUENCEs, each holding the next; the innermost is empty.
    static func nestedSequences(_ depth: Int) -> [UInt8] {
        var der: [UInt8] = [0x30, 0x00]
        for _ in 1..<depth { der = [0x30] + derLength(der.count) + der }
        return der
    }

    /// A PKCS#8 PrivateKeyInfo's shape (version, algorithm, key) whose algorithm parameters nest `depth`
    /// SEQUENCEs, so the whole object nests `depth + 2` levels.
    static func deeplyNestedPrivateKey(_ depth: Int) -> [UInt8] {
        let rsaEncryption: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
        let algorithm = rsaEncryption + nestedSequences(depth)
        let content: [UInt8] =
            [0x02, 0x01, 0x00] + [0x30] + derLength(algorithm.count) + algorithm + [0x04, 0x02, 0x30, 0x00]
        return [0x30] + derLength(content.count) + content
    }

    static func pem(_ label: String, _ der: [UInt8]) -> [UInt8] {
        let body = Data(der).base64EncodedString(options: .lineLength64Characters)
        return Array("-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----\n".utf8)
    }

    @Test("The defaults: 16 MiB objects, 1 MiB of text, a million PEM blocks, 64 levels of DER")
    func defaults() {
        let limits = InputLimits.default
        #expect(limits.maximumObjectSize == 16 << 20)
        #expect(limits.maximumTextBetweenBlocks == 1 << 20)
        #expect(limits.maximumBlockCount == 1_000_000)
        #expect(limits.maximumNestingDepth == 64)
        #expect(PinReader().limits == limits)
    }

    @Test("A bundle with as many PEM blocks as the limit is read whole")
    func blockCountAtLimit() throws {
        let reader = PinReader(limits: InputLimits(maximumBlockCount: 3))
        #expect(try reader.pins(in: Self.leaf + Self.leaf + Self.leaf).count == 3)
    }

    @Test("One PEM block more than the limit fails, naming the limit")
    func blockCountOverLimit() {
        let error = Self.error(
            reading: Self.leaf + Self.leaf + Self.leaf, limits: InputLimits(maximumBlockCount: 2))
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "more than 2 PEM blocks")
        #expect(error?.description == "bytes: more than 2 PEM blocks")
    }

    @Test("Blocks that give no pin (EC PARAMETERS) still count, so a stream of them cannot run for ever")
    func blocksWithoutPinsCount() {
        let block = Array(
            "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n".utf8)
        let stream = Array([[UInt8]](repeating: block, count: 2_000).joined())
        let error = Self.error(reading: stream, limits: InputLimits(maximumBlockCount: 1_000))
        #expect(error?.reason == "more than 1000 PEM blocks")
    }

    @Test("An endless pipe of blocks that give no pin ends at the block limit, read as a stream")
    func endlessPipeOfBlocksEnds() throws {
        // `yes` repeats its argument, a whole EC PARAMETERS block, for ever (the leading newline keeps it
        // from reading as an option). The command line's limit is a million; a small one keeps this quick
        // under the sanitizers.
        let block = "\n-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----"
        let yes = Process()
        yes.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
        yes.arguments = [block]
        let pipe = Pipe()
        yes.standardOutput = pipe
        try yes.run()
        defer {
            // SIGKILL: `yes` inherits the test thread's signal mask, which blocks the SIGTERM terminate() sends.
            kill(yes.processIdentifier, SIGKILL)
            yes.waitUntilExit()
        }
        let reader = PinReader(limits: InputLimits(maximumBlockCount: 20_000))
        let error = #expect(throws: PinHashError.self) {
            try reader.pins(inFileAt: "/dev/fd/\(pipe.fileHandleForReading.fileDescriptor)")
        }
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "more than 20000 PEM blocks")
    }

    @Test("A block larger than the object limit fails, even when it is already in memory whole")
    func blockOverObjectSize() {
        let error = Self.error(reading: Self.leaf, limits: InputLimits(maximumObjectSize: 1024))
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "block 1 is larger than 1 KiB")
    }

    @Test("Too much text before the first block fails, naming the limit in bytes")
    func textBeforeFirstBlock() {
        let text = Array(repeating: UInt8(ascii: "x"), count: 300) + [0x0A]
        let error = Self.error(reading: text + Self.leaf, limits: InputLimits(maximumTextBetweenBlocks: 256))
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "no -----BEGIN line in the first 256 bytes (not PEM?)")
    }

    @Test("Too much text between two blocks fails, naming the block it follows")
    func textBetweenBlocks() {
        let text = Array(repeating: UInt8(ascii: "x"), count: 300) + [0x0A]
        let error = Self.error(
            reading: Self.leaf + text + Self.leaf, limits: InputLimits(maximumTextBetweenBlocks: 256))
        #expect(error?.reason == "more than 256 bytes of text after block 1")
    }

    @Test("DER nesting up to the limit passes the check; one level more fails it", arguments: [1, 8, 64])
    func nestingAtAndOverLimit(limit: Int) throws {
        try checkNestingDepth(Self.nestedSequences(limit), limit: limit)
        let error = #expect(throws: PinHashError.self) {
            try checkNestingDepth(Self.nestedSequences(limit + 1), limit: limit)
        }
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "DER nested deeper than \(limit) levels")
    }

    @Test("The nesting check walks 100,000 levels without recursing")
    func nestingCheckDoesNotRecurse() {
        let error = #expect(throws: PinHashError.self) {
            try checkNestingDepth(Self.nestedSequences(100_000), limit: 64)
        }
        #expect(error?.reason == "DER nested deeper than 64 levels")
    }

    @Test(
        "The nesting check measures only: malformed DER passes it, for the decoder to reject",
        arguments: [[], [0x30], [0x30, 0x82], [0x30, 0x05, 0x30], [0x30, 0x80, 0x00, 0x00], [0xFF, 0xFF]]
            as [[UInt8]])
    func nestingCheckIgnoresMalformedDER(bytes: [UInt8]) throws {
        try checkNestingDepth(bytes, limit: 1)
    }

    @Test("Flat DER of any length passes the nesting check at depth 1")
    func flatDERPasses() throws {
        let flat = Array([[UInt8]](repeating: [0x02, 0x01, 0x00], count: 10_000).joined())
        try checkNestingDepth([0x30, 0x82, 0x75, 0x30] + flat, limit: 1)
    }

    @Test("Every fixture key, certificate, request and PKCS#12 file nests less than 16 levels")
    func fixturesNestShallowly() throws {
        for row in try Fixtures.manifest() {
            let bytes = try Fixtures.bytes(row.file)
            guard bytes.first == 0x30 else { continue }
            try checkNestingDepth(bytes, limit: 16)
        }
    }

    @Test("A DER private key nested deeper than the limit is refused before OpenSSL decodes it")
    func deepPrivateKeyDER() {
        let error = Self.error(
            reading: Self.deeplyNestedPrivateKey(10), limits: InputLimits(maximumNestingDepth: 8))
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "DER nested deeper than 8 levels")
    }

    @Test("A PEM private key nested deeper than the default 64 levels is refused, naming its block")
    func deepPrivateKeyPEM() {
        let bytes = Self.pem("PRIVATE KEY", Self.deeplyNestedPrivateKey(100))
        let error = Self.error(reading: bytes, limits: .default)
        #expect(error?.code == .inputTooLarge)
        #expect(error?.reason == "block 1 (PRIVATE KEY): DER nested deeper than 64 levels")
    }

    @Test(
        "A PEM label with a control character is malformed, and the error does not echo it",
        arguments: ["CERTIFICATE\u{1B}[2J", "\u{1B}]0;title\u{07}CERTIFICATE", "CERT\rIFICATE"])
    func labelWithControlCharacter(label: String) {
        let bytes = Array("-----BEGIN \(label)-----\nMAA=\n-----END \(label)-----\n".utf8)
        let error = MalformedInputTests.error(reading: bytes)
        #expect(error?.code == .malformedInput)
        #expect(error?.reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } == false)
        let truncated = Array("-----BEGIN \(label)-----\nMAA=\n".utf8)
        let truncatedError = MalformedInputTests.error(reading: truncated)
        #expect(
            truncatedError?.reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } == false)
    }

    // MARK: Key-derivation work

    /// `tag` with `content`, DER-encoded.
    static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + derLength(content.count) + content
    }

    static let pbes2: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D]
    static let scrypt: [UInt8] = [0x06, 0x09, 0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x04, 0x0B]
    static let pbeWithSHAAnd3KeyTripleDES: [UInt8] = [
        0x06, 0x0A, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01, 0x03,
    ]
    static let aes256CBC: [UInt8] =
        element(
            0x30, [0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A] + element(0x04, [0]))

    @Test(
        "The fixtures' encrypted key names what openssl asn1parse shows: PBKDF2, 2,048 iterations, 8-byte salt"
    )
    func fixtureIterationCounts() throws {
        // openssl asn1parse: an 8-byte salt, 2048 iterations, hmacWithSHA256, AES-256-CBC (one 32-byte block).
        let derivation = try PasswordBasedEncryption.keyDerivation(
            ofEncryptedPrivateKeyInfo: try Fixtures.bytes("keys/rsa2048.pkcs8.enc.der"))
        #expect(derivation == .pbkdf2(iterations: 2048, saltLength: 8, blocks: 1))
        #expect(derivation.work == 2048)
        // Not encrypted: OpenSSL cannot read it as an EncryptedPrivateKeyInfo, so neither is it free.
        #expect(throws: PinHashError.self) {
            try PasswordBasedEncryption.keyDerivation(
                ofEncryptedPrivateKeyInfo: try Fixtures.bytes("keys/rsa2048.pkcs8.der"))
        }
    }

    @Test("PKCS#12 and PKCS#5 v1 schemes cost their iteration count per block they derive")
    func pbes1Cost() throws {
        let parameters = Self.element(
            0x30, Self.element(0x04, [1, 2, 3, 4]) + Self.element(0x02, [0x01, 0x86, 0xA0]))
        // 3-key triple DES: a 24-byte key and an 8-byte IV from SHA-1's 20 bytes a block, 3 blocks.
        let derivation = try PasswordBasedEncryption.keyDerivation(
            ofAlgorithmIdentifier: Self.element(0x30, Self.pbeWithSHAAnd3KeyTripleDES + parameters))
        #expect(derivation == .pkcs12(iterations: 100_000, saltLength: 4, blocks: 3))
        #expect(derivation.work == 300_000)
    }

    /// A PBES2 AlgorithmIdentifier with scrypt's parameters and AES-256-CBC.
    static func scrypt(_ n: [UInt8], _ r: [UInt8], _ p: [UInt8], salt: [UInt8] = [1, 2]) -> [UInt8] {
        let parameters =
            Self.element(0x04, salt) + Self.element(0x02, n) + Self.element(0x02, r) + Self.element(0x02, p)
        let keyDerivation = Self.element(0x30, Self.scrypt + Self.element(0x30, parameters))
        return Self.element(0x30, Self.pbes2 + Self.element(0x30, keyDerivation + Self.aes256CBC))
    }

    @Test("scrypt costs N·r·p plus its PBKDF2 passes, the first over the salt 4·p·r times")
    func scryptCost() throws {
        let ordinary = try PasswordBasedEncryption.keyDerivation(
            ofAlgorithmIdentifier: Self.scrypt([0x40, 0x00], [0x08], [0x01]))
        #expect(ordinary == .scrypt(n: 16384, r: 8, p: 1, saltLength: 2, keyLength: 32))
        // 16384·8·1 for ROMix, 4·8·1 HMACs over the short salt, one HMAC over ROMix's 1 KiB (16 units).
        #expect(ordinary.work == 131_072 + 32 + 17)
        // The issue's case: N=2, r=1, p=262000 and a 64 KiB salt hashed 1,048,000 times.
        let salty = KeyDerivation.scrypt(n: 2, r: 1, p: 262_000, saltLength: 65_536, keyLength: 32)
        #expect(salty.work == 524_000 + 1_048_000 * 1_025 + (1 + 524_000))
        #expect(
            KeyDerivation.scrypt(n: UInt64.max, r: 8, p: 1, saltLength: 16, keyLength: 32).work == Int.max)
        // A negative N is not an integer OpenSSL takes for scrypt.
        let negative = #expect(throws: PinHashError.self) {
            try PasswordBasedEncryption.keyDerivation(
                ofAlgorithmIdentifier: Self.scrypt([0xFF], [0x08], [0x01]))
        }
        #expect(negative?.code == .malformedInput)
    }

    @Test("PBKDF2 costs its iterations per block of key, and a salt of 64 bytes or more counts too")
    func pbkdf2Cost() {
        #expect(KeyDerivation.pbkdf2(iterations: 2048, saltLength: 16, blocks: 1).work == 2048)
        #expect(KeyDerivation.pbkdf2(iterations: 2048, saltLength: 16, blocks: 2).work == 4096)
        #expect(KeyDerivation.pbkdf2(iterations: 2048, saltLength: 64 << 10, blocks: 1).work == 2048 + 1024)
        #expect(KeyDerivation.pbkdf2(iterations: 0, saltLength: 8, blocks: 1).work == 1)
        #expect(KeyDerivation.pbkdf2(iterations: Int.max, saltLength: 8, blocks: 2).work == Int.max)
    }

    @Test("An algorithm that derives no key from a password, or is no algorithm, is refused, not free")
    func otherAlgorithmsAreRefused() {
        let cipher = #expect(throws: PinHashError.self) {
            try PasswordBasedEncryption.keyDerivation(ofAlgorithmIdentifier: Self.aes256CBC)
        }
        #expect(cipher?.code == .unsupportedInput)
        #expect(
            cipher?.reason == "its encryption is not supported (unknown password-based scheme aes-256-cbc)")
        #expect(throws: PinHashError.self) {
            try PasswordBasedEncryption.keyDerivation(ofAlgorithmIdentifier: [])
        }
        #expect(throws: PinHashError.self) {
            try PasswordBasedEncryption.keyDerivation(ofAlgorithmIdentifier: [0x30, 0x82])
        }
        // PBES2 whose parameters are not a PBE2PARAM: OpenSSL could not decrypt it, pinhash cannot count it.
        let broken = #expect(throws: PinHashError.self) {
            try PasswordBasedEncryption.keyDerivation(
                ofAlgorithmIdentifier: Self.element(0x30, Self.pbes2 + Self.element(0x30, [0x05, 0x00])))
        }
        #expect(broken?.code == .malformedInput)
    }

    @Test("The budget is spent across derivations and refuses the one that would overdraw it")
    func budget() throws {
        let derivation = KeyDerivation.pbkdf2(iterations: 2048, saltLength: 8, blocks: 1)
        var budget = KeyDerivationBudget(limit: 5_000)
        try budget.spend(derivation)
        try budget.spend(derivation)
        #expect(budget.remaining == 904)
        let error = #expect(throws: PinHashError.self) { try budget.spend(derivation) }
        #expect(error?.code == .inputTooLarge)
        #expect(
            error?.reason
                == "its encryption asks for the work of 2048 more key-derivation iterations (PBKDF2 with 2048 "
                + "iterations), but only 904 of the 5000 pinhash spends on one input are left after the "
                + "derivations before it")
        var fresh = KeyDerivationBudget(limit: InputLimits.default.maximumKeyDerivationIterations)
        let alone = #expect(throws: PinHashError.self) {
            try fresh.spend(.pbkdf2(iterations: 2_147_483_647, saltLength: 8, blocks: 1))
        }
        #expect(
            alone?.reason
                == "its encryption asks for the work of 2147483647 key-derivation iterations (PBKDF2 with "
                + "2147483647 iterations), more than the 10000000 pinhash spends on one input")
        let unbounded = #expect(throws: PinHashError.self) {
            try fresh.spend(.pbkdf2(iterations: Int.max, saltLength: 8, blocks: 1))
        }
        #expect(
            unbounded?.reason.hasPrefix("its encryption asks for an unbounded amount of key-derivation")
                == true)
    }

    // MARK: Key parameters

    /// A PKCS#8 DSA PrivateKeyInfo whose prime p has `bits` bits (g and x as wide); not a real key.
    static func dsaPrivateKey(primeBits bits: Int) -> [UInt8] {
        let magnitude = [UInt8(1) << UInt8((bits - 1) % 8)] + Array(repeating: 0x35, count: (bits - 1) / 8)
        let wide = element(0x02, [0x00] + magnitude)
        let q = element(0x02, [0x00] + Array(repeating: 0xC3, count: 32))
        let dsa: [UInt8] = [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]
        let algorithm = element(0x30, dsa + element(0x30, wide + q + wide))
        return element(0x30, [0x02, 0x01, 0x00] + algorithm + element(0x04, wide))
    }

    @Test("DSA primes up to OpenSSL's 10,000 bits pass the parameter check; larger ones fail it")
    func dsaPrimeSize() throws {
        try checkKeyParameters(ofPrivateKeyInfo: Self.dsaPrivateKey(primeBits: 10_000))
        let error = #expect(throws: PinHashError.self) {
            try checkKeyParameters(ofPrivateKeyInfo: Self.dsaPrivateKey(primeBits: 10_001))
        }
        #expect(error?.code == .inputTooLarge)
        #expect(
            error?.reason
                == "is a DSA key with a 10001-bit prime, more than the 10000 bits OpenSSL works with")
        try checkKeyParameters(ofPrivateKeyInfo: Self.deeplyNestedPrivateKey(3))
        try checkKeyParameters(ofPrivateKeyInfo: [0x30, 0x82])
    }

    @Test(
        "A DSA key with a 16,384-bit prime is refused before OpenSSL spends seconds deriving its public key")
    func hugeDSAKeyIsRefused() {
        let error = Self.error(reading: Self.dsaPrivateKey(primeBits: 16_384), limits: .default)
        #expect(error?.code == .inputTooLarge)
        #expect(
            error?.reason
                == "is a DSA key with a 16384-bit prime, more than the 10000 bits OpenSSL works with")
    }

    /// A PKCS#12 file without a MAC whose one safe holds `privateKeyInfo` in an unencrypted keyBag.
    static func pkcs12(keyBag privateKeyInfo: [UInt8]) -> [UInt8] {
        let data: [UInt8] = [0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]
        let keyBag: [UInt8] = [0x06, 0x0B, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x0A, 0x01, 0x01]
        let safeContents = element(0x30, element(0x30, keyBag + element(0xA0, privateKeyInfo)))
        let authenticatedSafe = element(
            0x30, element(0x30, data + element(0xA0, element(0x04, safeContents))))
        return element(
            0x30, [0x02, 0x01, 0x03] + element(0x30, data + element(0xA0, element(0x04, authenticatedSafe))))
    }

    @Test("A PKCS#12 key bag gets the DSA prime check too, before OpenSSL decodes the key")
    func hugeDSAKeyInPKCS12IsRefused() throws {
        let file = Self.pkcs12(keyBag: Self.dsaPrivateKey(primeBits: 16_384))
        let error = #expect(throws: PinHashError.self) {
            try PinReader(inputType: .pkcs12).pins(in: file)
        }
        #expect(error?.code == .inputTooLarge)
        #expect(
            error?.reason.hasSuffix(
                "a DSA key with a 16384-bit prime, more than the 10000 bits OpenSSL works with")
                == true, "\(error?.reason ?? "")")
        // The same file with a key of an allowed size gets past the check to OpenSSL.
        let allowed = #expect(throws: PinHashError.self) {
            try PinReader(inputType: .pkcs12).pins(
                in: Self.pkcs12(keyBag: Self.dsaPrivateKey(primeBits: 1024)))
        }
        #expect(allowed?.code != .inputTooLarge)
    }
}
