import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// Inputs that take the paths only the sanitizers can judge: bundles large enough to be decoded on
/// several threads at once (`make sanitize` runs these under ThreadSanitizer and AddressSanitizer), read
/// through the library; the command-line tests do the same through the binary.
@Suite("Sanitizer workloads")
struct SanitizerTests {
    /// The fixture chain (leaf, intermediate, root) repeated `times` times.
    static func bundle(_ times: Int) throws -> [UInt8] {
        let chain = try Fixtures.bytes("certs/chain.pem")
        return Array([[UInt8]](repeating: chain, count: times).joined())
    }

    @Test("A bundle decoded on several threads gives the pins, in order, that its blocks give one by one")
    func concurrentBundleMatchesSerialReading() throws {
        let chain = try PinReader(inputType: .certificate).pins(in: try Fixtures.bytes("certs/chain.pem"))
        // 300 blocks: more than the 64 from which a batch is decoded on several threads.
        let objects = try PinReader(inputType: .certificate).pins(in: try Self.bundle(100))
        #expect(objects.count == 300)
        for (index, object) in objects.enumerated() {
            let expected = chain[index % 3]
            #expect(object.pin == expected.pin)
            #expect(object.position == index + 1)
            #expect(object.subject == expected.subject)
            #expect(object.role == expected.role)
        }
    }

    @Test("Several readers at once, each with its own bundle and a key, share OpenSSL safely")
    func readersInParallel() async throws {
        let bundle = try Self.bundle(40)
        let key = try Fixtures.bytes("keys/ec-p256.pkcs8.pem")
        let expected = try PinReader().pins(in: bundle).map(\.pin)
        try await withThrowingTaskGroup(of: [Pin].self) { group in
            for _ in 0..<4 {
                group.addTask { try PinReader().pins(in: bundle).map(\.pin) }
                group.addTask { try PinReader().pins(in: key).map(\.pin) }
            }
            for try await pins in group where pins.count > 1 {
                #expect(pins == expected)
            }
        }
    }
}
