import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// A name written in place (`NameFormatter.writePlain`, the subject of nearly every certificate of a bundle)
/// against the same name formatted through `append`, which the live openssl tests hold to
/// `openssl x509 -nameopt RFC2253,-esc_msb`: the same text, or nothing written.
@Suite("A name written in place reads as the same name formatted")
struct NameFormatterPlainTests {
    /// Every subject and issuer of the fixtures' certificates and of the CA bundle.
    static func names() throws -> [[UInt8]] {
        try CertificateQuickSummaryTests.certificates().flatMap { _, der -> [[UInt8]] in
            guard let summary = der.withUnsafeBufferPointer({ try? fullCertificateSummary($0) }) else {
                return []
            }
            return ([summary.subject] + [summary.issuer].compactMap { $0 }).map { Array(der[$0]) }
        }
    }

    /// Both ways: what `writePlain` wrote (nil when it wrote nothing) and what `append` appends.
    private static func formatted(_ name: [UInt8]) -> (plain: [UInt8]?, appended: [UInt8]) {
        name.withUnsafeBufferPointer { der in
            var writer = SharedBytesWriter(minimumCapacity: 64)
            let plain = NameFormatter().writePlain(der, with: &writer)?.array
            var appended: [UInt8] = []
            NameFormatter().append(der, to: &appended)
            return (plain, appended)
        }
    }

    @Test("The names of the fixtures and of the CA bundle are written in place, as they format")
    func realNames() throws {
        let names = try Self.names()
        var written = 0
        for name in names {
            let (plain, appended) = Self.formatted(name)
            guard let plain else { continue }
            #expect(plain == appended, "\(String(decoding: appended, as: UTF8.self))")
            written += 1
        }
        #expect(names.count >= 200)
        #expect(written * 100 >= names.count * 95, "\(written) of \(names.count) written in place")
    }

    @Test(
        "Names with a byte changed (escapes, control characters, other scripts, broken UTF-8) write the same")
    func changedNames() throws {
        var state: UInt64 = 0x4E41_4D45_5341_4D45
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        // Bytes that reach every branch: RFC 2253's specials, # and space, controls, DEL, UTF-8 leads and
        // continuations, and any byte at all.
        let chosen: [UInt8] =
            Array(",+\"\\<>;# =A".utf8) + [0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xF0, 0xFF]
        var written = 0
        var changedOutput = 0
        for name in try Self.names().prefix(150) {
            let original = Self.formatted(name).appended
            for round in 0..<80 {
                var changed = name
                let position = Int(next() % UInt64(changed.count))
                changed[position] =
                    round % 2 == 0
                    ? chosen[Int(next() % UInt64(chosen.count))] : UInt8(truncatingIfNeeded: next())
                let (plain, appended) = Self.formatted(changed)
                guard let plain else { continue }
                #expect(plain == appended, "\(changed)")
                written += 1
                if appended != original { changedOutput += 1 }
            }
        }
        #expect(written >= 2000 && changedOutput >= 1000, "\(written) written, \(changedOutput) changed")
    }
}
