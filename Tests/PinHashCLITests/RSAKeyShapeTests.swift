import Foundation
import PinHashTestSupport
import Testing

/// pinhash reads the public half of a plain two-prime RSAPrivateKey itself and leaves every other shape
/// to OpenSSL. Whichever path a key takes, its pin must be the one `openssl pkey -pubout` gives, and a key
/// openssl refuses must be refused; where openssl takes BER that is not DER, pinhash refuses it (its
/// strict-DER rule), naming the length.
@Suite("RSA private keys of every shape: pinhash agrees with openssl pkey")
struct RSAKeyShapeTests {
    /// The nine INTEGERs of Fixtures/keys/rsa2048.pkcs1.der (version, n, e, d, p, q, dP, dQ, qInv).
    static func integers() throws -> [[UInt8]] {
        let der = try Fixtures.bytes("keys/rsa2048.pkcs1.der")
        var position = try DERTestReader.header(der, at: 0).contentStart
        var integers: [[UInt8]] = []
        while position < der.count {
            let element = try DERTestReader.header(der, at: position)
            #expect(der[position] == 0x02)
            integers.append(Array(der[element.contentStart..<element.end]))
            position = element.end
        }
        #expect(integers.count == 9)
        return integers
    }

    static let shapes: [(String, @Sendable ([[UInt8]]) -> [UInt8])] = [
        ("as openssl wrote it", { DERTestReader.rsaKey($0) }),
        ("version 1 without other primes", { ints in DERTestReader.rsaKey([[1]] + ints.dropFirst()) }),
        ("version 2", { ints in DERTestReader.rsaKey([[2]] + ints.dropFirst()) }),
        ("modulus padded with 00", { ints in DERTestReader.rsaKey(replacing(ints, 1, with: [0] + ints[1])) }),
        (
            "negative public exponent",
            { ints in DERTestReader.rsaKey(replacing(ints, 2, with: [0x81, 0, 1])) }
        ),
        ("public exponent 0", { ints in DERTestReader.rsaKey(replacing(ints, 2, with: [0])) }),
        (
            "private exponent padded with 00",
            { ints in DERTestReader.rsaKey(replacing(ints, 3, with: [0] + ints[3])) }
        ),
        ("a tenth INTEGER", { ints in DERTestReader.rsaKey(ints + [[0]]) }),
        ("eight INTEGERs", { ints in DERTestReader.rsaKey(Array(ints.dropLast())) }),
        (
            "outer length in a longer form than needed",
            { ints in DERTestReader.rsaKey(ints, paddedLength: true) }
        ),
        ("an empty INTEGER", { ints in DERTestReader.rsaKey(replacing(ints, 8, with: [])) }),
    ]

    static func replacing(_ integers: [[UInt8]], _ index: Int, with content: [UInt8]) -> [[UInt8]] {
        var copy = integers
        copy[index] = content
        return copy
    }

    @Test("Each shape as PKCS#1 DER gives openssl's pin or openssl's refusal", arguments: 0..<shapes.count)
    func shape(index: Int) throws {
        let (name, make) = Self.shapes[index]
        let der = make(try Self.integers())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinhash-rsa-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("key.der").path
        try Data(der).write(to: URL(fileURLWithPath: path))
        let expected = try runShell(
            "openssl pkey -inform DER -in \"$1\" -pubout -outform DER -out \"$1.pub\" "
                + "&& openssl dgst -sha256 -binary \"$1.pub\" | openssl base64", [path])
        let result = try run(["--key", path])
        if name.hasPrefix("outer length") {
            #expect(expected.status == 0, "openssl pkey now refuses BER lengths: \(expected.stderr)")
            #expect(result.status == 1)
            #expect(result.stderr.contains("not minimal DER"), "\(result.stderr)")
        } else if expected.status != 0 {
            #expect(result.status == 1, "\(name): openssl refuses it, pinhash printed \(result.stdout)")
            #expect(result.stdout.isEmpty)
        } else {
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout == expected.stdout, "\(name)")
        }
    }
}

/// Just enough DER for the shapes above: headers with definite lengths, and RSAPrivateKey written back.
enum DERTestReader {
    static func header(_ der: [UInt8], at start: Int) throws -> (contentStart: Int, end: Int) {
        try #require(start + 2 <= der.count)
        let first = Int(der[start + 1])
        if first < 0x80 { return (start + 2, start + 2 + first) }
        let count = first & 0x7F
        var length = 0
        for byte in der[(start + 2)..<(start + 2 + count)] { length = length << 8 | Int(byte) }
        return (start + 2 + count, start + 2 + count + length)
    }

    static func length(_ count: Int, padded: Bool = false) -> [UInt8] {
        if count < 0x80 && !padded { return [UInt8(count)] }
        var bytes: [UInt8] = []
        var rest = count
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        if padded { bytes.insert(0, at: 0) }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func rsaKey(_ integers: [[UInt8]], paddedLength: Bool = false) -> [UInt8] {
        let content = integers.flatMap { integer -> [UInt8] in [0x02] + length(integer.count) + integer }
        return [0x30] + length(content.count, padded: paddedLength) + content
    }
}
