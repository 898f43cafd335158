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

    /// A DER tree, to write back with one element's length in a longer form than DER allows.
    private indirect enum Node {
        case primitive(tag: UInt8, content: ArraySlice<UInt8>)
        case constructed(tag: UInt8, children: [Node])

        /// Parses `der[range]` as a sequence of elements (nil on anything that does not parse).
        static func parse(_ der: [UInt8], _ range: Range<Int>) -> [Node]? {
            var nodes: [Node] = []
            var position = range.lowerBound
            while position < range.upperBound {
                guard position + 2 <= range.upperBound else { return nil }
                let tag = der[position]
                var length = Int(der[position + 1])
                var contentStart = position + 2
                if length >= 0x80 {
                    let count = length & 0x7F
                    guard count >= 1, count <= 3, contentStart + count <= range.upperBound else { return nil }
                    length = der[contentStart..<(contentStart + count)].reduce(0) { $0 << 8 | Int($1) }
                    contentStart += count
                }
                let end = contentStart + length
                guard end <= range.upperBound else { return nil }
                if tag & 0x20 != 0 {
                    guard let children = parse(der, contentStart..<end) else { return nil }
                    nodes.append(.constructed(tag: tag, children: children))
                } else {
                    nodes.append(.primitive(tag: tag, content: der[contentStart..<end]))
                }
                position = end
            }
            return nodes
        }

        /// The DER, the `padded`th element (in document order; counting from 0) with a length one byte
        /// longer than its shortest form; `counter` counts the elements written.
        func encoded(padding padded: Int, counter: inout Int) -> [UInt8] {
            let index = counter
            counter += 1
            let (tag, content): (UInt8, [UInt8]) =
                switch self {
                case .primitive(let tag, let content): (tag, Array(content))
                case .constructed(let tag, let children):
                    (tag, children.flatMap { $0.encoded(padding: padded, counter: &counter) })
                }
            var lengthBytes: [UInt8] = []
            var value = content.count
            while value > 0 {
                lengthBytes.insert(UInt8(value & 0xFF), at: 0)
                value >>= 8
            }
            let header: [UInt8]
            if index == padded {
                header = [0x80 | UInt8(lengthBytes.count + 1), 0] + lengthBytes
            } else if content.count < 0x80 {
                header = [UInt8(content.count)]
            } else {
                header = [0x80 | UInt8(lengthBytes.count)] + lengthBytes
            }
            return [tag] + header + content
        }
    }

    @Test("Certificates with one element's length in a longer form than DER's are read by neither reading")
    func nonMinimalLengths() throws {
        var padded = 0
        for (name, der) in try Self.certificates().filter({ Self.quick($0.der) != nil }).prefix(40) {
            let tree = try #require(Node.parse(der, 0..<der.count)?.first)
            var counter = 0
            // The tree written back as it is: the same bytes.
            #expect(tree.encoded(padding: -1, counter: &counter) == der, "\(name)")
            for element in 0..<counter {
                var written = 0
                let changed = tree.encoded(padding: element, counter: &written)
                #expect(Self.quick(changed) == nil, "\(name), element \(element)")
                #expect(Self.full(changed) == nil, "\(name), element \(element)")
                padded += 1
            }
        }
        #expect(padded >= 2000)
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
