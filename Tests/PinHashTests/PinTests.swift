import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// The pin value: parsing, printing, and the hash itself checked against openssl.
@Suite("Pin")
struct PinTests {
    /// SHA-256 of no bytes, a published constant.
    static let sha256OfNothing = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    static let sha256OfNothingHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test("The pin of nothing is SHA-256 of no bytes")
    func pinOfNothingIsTheEmptyHash() {
        #expect(Pin.ofNothing.base64 == Self.sha256OfNothing)
        #expect(Pin.ofNothing.hex == Self.sha256OfNothingHex)
        #expect(Pin(subjectPublicKeyInfo: []) == Pin.ofNothing)
        #expect(Pin.ofNothing.description == Self.sha256OfNothing)
    }

    @Test("A base64 pin parses and prints back unchanged", arguments: Set(try Fixtures.manifest().map(\.pin)))
    func base64RoundTrips(text: String) throws {
        let pin = try #require(Pin(base64: text))
        #expect(pin.base64 == text)
        #expect(pin.sha256.count == 32)
        #expect(pin.sha256 == [UInt8](try #require(Data(base64Encoded: text))))
    }

    @Test(
        "Pin(base64:) takes only the base64 of exactly 32 bytes",
        arguments: [
            "",
            "AAAA",
            String(sha256OfNothing.dropLast()),  // 43 characters
            sha256OfNothing + "=",  // 45 characters
            sha256OfNothing + "A",
            Data(count: 31).base64EncodedString(),  // 44 characters, 31 bytes
            Data(count: 33).base64EncodedString(),  // 44 characters, 33 bytes
            Data(repeating: 0xA5, count: 33).base64EncodedString(),
            Data(count: 64).base64EncodedString(),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF%=",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF!=",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",  // padding missing
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF==",  // 31 bytes
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hS uFU=",
            " 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuF\nU=",
            "47DEQpj8HBSa+/TImW+5JCeuQe=km5NMpJWZG3hSuFU=",  // padding in the middle
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",  // hex, not base64
            "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\u{0}",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFÜ=",
        ])
    func base64OfTheWrongThingIsRejected(text: String) {
        #expect(Pin(base64: text) == nil)
    }

    @Test("Pin(base64:) accepts every 32-byte value")
    func base64OfAny32BytesIsAccepted() throws {
        for fill in [0x00, 0xFF, 0x3E, 0x3F, 0xFB] as [UInt8] {
            let bytes = [UInt8](repeating: fill, count: 32)
            let text = Data(bytes).base64EncodedString()
            let pin = try #require(Pin(base64: text), "\(text)")
            #expect(pin.sha256 == bytes)
            #expect(pin.base64 == text)
        }
    }

    @Test("Pins compare by their digest")
    func pinsCompareByDigest() throws {
        let pin = try #require(Pin(base64: Self.sha256OfNothing))
        #expect(pin == Pin.ofNothing)
        #expect(Set([pin, Pin.ofNothing]).count == 1)
        #expect(Pin(subjectPublicKeyInfo: [0]) != Pin.ofNothing)
    }

    @Test(
        "The hex form is 64 lower-case digits equal to openssl dgst -sha256 of the SPKI DER",
        .enabled(if: ExternalCommand.hasOpenSSL, "needs /usr/bin/openssl"),
        arguments: ["keys/ec-p256.pkcs8.pem", "keys/rsa2048.pkcs8.pem", "keys/ed448.pkcs8.pem"])
    func hexIsOpenSSLsDigest(file: String) throws {
        try withTemporaryDirectory { directory in
            let spkiFile = directory.appendingPathComponent("spki.der").path
            let export = try ExternalCommand.openSSL(
                "pkey", "-in", Fixtures.path(file), "-pubout", "-outform", "der", "-out", spkiFile)
            try #require(export.succeeded, "openssl pkey: \(export.firstErrorLine)")
            let digest = try ExternalCommand.openSSL("dgst", "-sha256", "-r", spkiFile)
            try #require(digest.succeeded, "openssl dgst: \(digest.firstErrorLine)")
            let expectedHex = String(try #require(digest.text.split(separator: " ").first))
            try #require(expectedHex.count == 64)

            let spki = [UInt8](try Data(contentsOf: URL(fileURLWithPath: spkiFile)))
            let pin = Pin(subjectPublicKeyInfo: spki)
            #expect(pin.hex == expectedHex)
            #expect(pin.hex.count == 64)
            #expect(pin.hex.allSatisfy { "0123456789abcdef".contains($0) })

            let fromKey = try #require(try PinReader().pins(inFileAt: Fixtures.path(file)).first)
            #expect(fromKey.pin.hex == expectedHex)
            #expect(fromKey.subjectPublicKeyInfo == spki)
            let fromSPKIFile = try #require(
                try PinReader(inputType: .publicKey).pins(inFileAt: spkiFile).first)
            #expect(fromSPKIFile.pin.hex == expectedHex)
        }
    }
}
