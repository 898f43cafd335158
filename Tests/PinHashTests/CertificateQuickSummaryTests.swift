import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// The one-pass reading of a certificate (`quickCertificateSummary`) against the full reading whose work it
/// saves: for any bytes it gives the full reading's summary, or nothing (and the full reading then reads
/// them, with its error). A quick reading that accepted what the full one refuses would pin a certificate
/// pinhash is meant to refuse; the schema and DER tables test the refusals end to end, these tests the
/// agreement over many more inputs.
@Suite("A certificate's quick reading agrees with its full reading")
struct CertificateQuickSummaryTests {
    /// The DER of every certificate block of the fixtures and of Debian's CA bundle, and the fixtures' DER
    /// certificates, well-formed or not (Fixtures/schema holds one broken rule each).
    static func certificates() throws -> [(name: String, der: [UInt8])] {
        var found: [(name: String, der: [UInt8])] = []
        let pemFiles =
            ["certs", "roles"].flatMap { folder in
                (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path(folder)))?.sorted()
                    .filter { $0.hasSuffix(".pem") }.map { "\(folder)/\($0)" } ?? []
            }
        for file in pemFiles {
            let text = String(decoding: try Fixtures.bytes(file), as: UTF8.self)
            for (index, der) in certificateBlocks(text).enumerated() {
                found.append(("\(file) #\(index + 1)", der))
            }
        }
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        let bundleText = try String(contentsOfFile: bundle, encoding: .utf8)
        for (index, der) in certificateBlocks(bundleText).enumerated() {
            found.append(("\(bundle) #\(index + 1)", der))
        }
        for folder in ["certs", "schema", "der"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path(folder)).sorted()
            for name in names where name.hasSuffix(".der") {
                found.append(("\(folder)/\(name)", try Fixtures.bytes("\(folder)/\(name)")))
            }
        }
        return found
    }

    private static func certificateBlocks(_ text: String) -> [[UInt8]] {
        text.components(separatedBy: "-----BEGIN CERTIFICATE-----").dropFirst().compactMap { part in
            guard let body = part.components(separatedBy: "-----END CERTIFICATE-----").first,
                let data = Data(base64Encoded: body, options: .ignoreUnknownCharacters)
            else { return nil }
            return [UInt8](data)
        }
    }

    /// The full reading's summary, or nil where it throws.
    private static func full(_ der: [UInt8]) -> SignedObjectSummary? {
        der.withUnsafeBufferPointer { try? fullCertificateSummary($0) }
    }

    private static func quick(_ der: [UInt8]) -> SignedObjectSummary? {
        der.withUnsafeBufferPointer { quickCertificateSummary($0) }
    }

    @Test("Every certificate of the fixtures and of the CA bundle reads the same both ways")
    func realCertificates() throws {
        let certificates = try Self.certificates()
        var readQuickly = 0
        var bundleCertificates = 0
        var bundleReadQuickly = 0
        for (name, der) in certificates {
            let quick = Self.quick(der)
            if let quick {
                #expect(quick == Self.full(der), "\(name)")
                readQuickly += 1
            }
            if name.hasPrefix("/etc/") {
                bundleCertificates += 1
                if quick != nil { bundleReadQuickly += 1 }
            }
        }
        // The quick reading is for the usual certificate: nearly all of a CA bundle's.
        #expect(bundleCertificates >= 100)
        #expect(
            bundleReadQuickly * 100 >= bundleCertificates * 95,
            "\(bundleReadQuickly) of \(bundleCertificates)")
        #expect(readQuickly > bundleReadQuickly)
    }

    /// SplitMix64: the same changes on every run, so a failure can be repeated.
    private struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test(
        "RSA keys with a byte changed, removed or added, or cut short, pass the in-place check only where they pass the full one"
    )
    func changedRSAKeys() throws {
        // The RSAPublicKey inside each RSA certificate's SubjectPublicKeyInfo BIT STRING.
        let keys = try Self.certificates().compactMap { _, der -> [UInt8]? in
            der.withUnsafeBufferPointer { buffer -> [UInt8]? in
                guard let summary = try? fullCertificateSummary(buffer) else { return nil }
                var spki = DERCursor(buffer, range: summary.spki)
                guard let outer = try? spki.next() else { return nil }
                var fields = DERCursor(contentOf: outer, in: buffer)
                guard let algorithm = try? fields.next(), let key = try? fields.next() else { return nil }
                var identifier = DERCursor(contentOf: algorithm, in: buffer)
                guard let oid = try? identifier.next(),
                    buffer.slice(oid.contentRange).equals(KeyAlgorithmOID.rsaEncryption),
                    key.contentRange.count > 1
                else { return nil }
                return Array(buffer[(key.contentStart + 1)..<key.end])
            }
        }
        #expect(keys.count >= 50)
        var generator = Generator(state: 0x5253_414B_4559_5321)
        var held = 0
        var refused = 0
        for original in keys.prefix(60) {
            for round in 0..<300 {
                var der = original
                // Where the rules are: the headers and the modulus's first bytes, the exponent at the end.
                let position =
                    round % 8 < 4
                    ? Int.random(in: 0..<min(der.count, 16), using: &generator)
                    : der.count - 1 - Int.random(in: 0..<min(der.count, 8), using: &generator)
                switch round % 4 {
                case 0: der[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: der.remove(at: position)
                case 2: der.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                default: der.removeLast(Int.random(in: 1...min(8, der.count), using: &generator))
                }
                let quick = der.withUnsafeBufferPointer { rsaPublicKeyHolds($0) }
                let full = der.withUnsafeBufferPointer { (try? checkRSAPublicKeyFully($0, "")) != nil }
                if quick { #expect(full, "\(der.prefix(16))") }
                if quick { held += 1 } else if !full { refused += 1 }
            }
        }
        #expect(held >= 500 && refused >= 500, "\(held) held, \(refused) refused by both")
    }

    @Test(
        "Certificates with a byte changed, removed or added, or cut short, read the same both ways or not quickly"
    )
    func changedCertificates() throws {
        let sources = try Self.certificates().filter { Self.quick($0.der) != nil }
        var generator = Generator(state: 0x5049_4E48_4153_4821)
        var agreed = 0
        var refusedBoth = 0
        for (name, original) in sources.prefix(60) {
            for round in 0..<600 {
                var der = original
                let position = Int.random(in: 0..<der.count, using: &generator)
                switch round % 5 {
                case 0: der[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: der[position] ^= UInt8(1) << UInt8.random(in: 0...7, using: &generator)
                case 2: der.remove(at: position)
                case 3: der.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                default: der.removeLast(Int.random(in: 1...min(40, der.count), using: &generator))
                }
                let full = Self.full(der)
                guard let quick = Self.quick(der) else {
                    if full == nil { refusedBoth += 1 }
                    continue
                }
                #expect(quick == full, "\(name), change \(round) at byte \(position)")
                agreed += 1
            }
        }
        // Both outcomes are reached often: changes inside a value leave DER that both readings accept.
        #expect(agreed >= 1000 && refusedBoth >= 1000, "\(agreed) agreed, \(refusedBoth) refused by both")
    }
}
