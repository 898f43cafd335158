import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// Key derivation read as OpenSSL reads it: hostile parameters that OpenSSL's BER decoder accepts are
/// counted (and refused) before OpenSSL derives anything, and scrypt's memory is judged as OpenSSL judges it.
@Suite("Key-derivation work, read as OpenSSL reads it")
struct KeyDerivationTests {
    @Test("kdf.tsv lists its inputs")
    func tableIsComplete() throws {
        let rows = try Fixtures.keyDerivationCases()
        #expect(rows.count >= 10)
        for row in rows { #expect(Fixtures.exists(row.file), "\(row.file) is missing") }
    }

    @Test(
        "Every kdf.tsv input is refused for its derivation before OpenSSL runs it, or pinned as openssl pins it",
        arguments: try Fixtures.keyDerivationCases())
    func keyDerivationCase(row: DERCaseRow) throws {
        try DERTruthTests().derCase(row: row)
    }

    @Test("A PKCS#12 budget spent by the empty and absent passwords says how much the earlier tries took")
    func budgetSpentOverTries() {
        // leaf.p12's MAC: 2,048 iterations (openssl pkcs12 -info), tried with "", with no password, then
        // with the passphrase: the third try finds 904 of 5,000 left.
        let reader = PinReader(
            inputType: .pkcs12, passphrase: .literal(Fixtures.passphrase),
            limits: InputLimits(maximumKeyDerivationIterations: 5_000))
        let error = #expect(throws: PinHashError.self) {
            try reader.pins(inFileAt: Fixtures.path("p12/leaf.p12"))
        }
        #expect(error?.code == .inputTooLarge)
        #expect(
            error?.reason
                == "its MAC (integrity check) asks for the work of 2048 more key-derivation iterations "
                + "(PKCS#12 key derivation with 2048 iterations), but only 904 of the 5000 pinhash spends on "
                + "one input are left after the derivations before it", "\(error?.reason ?? "")")
    }

    /// An scrypt key `openssl pkcs8 -topk8 -scrypt` writes with these parameters, DER; nil when openssl
    /// refuses them.
    static func opensslScryptKey(n: Int, r: Int, p: Int) throws -> [UInt8]? {
        let result = try ExternalCommand.run(
            ExternalCommand.openSSL,
            [
                "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-scrypt", "-scrypt_N", "\(n)", "-scrypt_r", "\(r)",
                "-scrypt_p", "\(p)", "-in", Fixtures.path("keys/ec-p256.pkcs8.pem"), "-passout",
                "file:" + Fixtures.path("passphrase.txt"), "-outform", "DER",
            ])
        return result.succeeded ? result.output : nil
    }

    @Test("scrypt's memory is what OpenSSL allows: openssl writes p=4 at 32 MiB and refuses p=5")
    func scryptMemoryLimit() throws {
        // 128·r·(N+2) + 128·r·p with N=2, r=32768: exactly 32 MiB at p=4, 36 MiB at p=5, and cheap to run.
        let within = try #require(try Self.opensslScryptKey(n: 2, r: 32_768, p: 4))
        #expect(try Self.opensslScryptKey(n: 2, r: 32_768, p: 5) == nil, "openssl wrote a key over 32 MiB")
        let derivation = try PasswordBasedEncryption.keyDerivation(ofEncryptedPrivateKeyInfo: within)
        #expect(derivation.memory == 32 << 20)
        let pins = try PinReader(passphrase: .literal(Fixtures.passphrase)).pins(in: within)
        #expect(pins.count == 1)

        // The same key with p=5, which openssl would not write: r (INTEGER 32768) and p (INTEGER 4) edited.
        var over = within
        let rp = try #require(
            Self.firstIndex(of: [0x02, 0x03, 0x00, 0x80, 0x00, 0x02, 0x01, 0x04], in: over))
        over[rp + 7] = 5
        let error = #expect(throws: PinHashError.self) {
            try PinReader(passphrase: .literal(Fixtures.passphrase)).pins(in: over)
        }
        #expect(error?.code == .unsupportedInput)
        #expect(
            error?.reason
                == "its scrypt parameters (N=2, r=32768, p=5) need 36 MiB of memory, more than the 32 MiB "
                + "OpenSSL allows scrypt")
    }

    static func firstIndex(of pattern: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= pattern.count else { return nil }
        return (0...(bytes.count - pattern.count)).first {
            bytes[$0..<($0 + pattern.count)].elementsEqual(pattern)
        }
    }

    @Test("Memory is shown rounded up, so that a need just over a limit never reads as the limit")
    func memoryWording() {
        #expect(PasswordBasedEncryption.describeMemory(32 << 20) == "32 MiB")
        #expect(PasswordBasedEncryption.describeMemory((32 << 20) + 1) == "32.01 MiB")
        #expect(PasswordBasedEncryption.describeMemory(67_111_936) == "64.01 MiB")
    }
}
