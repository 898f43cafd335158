import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The PEM scanner's work is linear in its input however the input arrives: a pipe delivers it in reads of
/// 64 KiB or less, and a block still incomplete after a read must not be searched again from its start.
/// Counted in bytes searched rather than timed (speed is `make bench`'s to measure).
@Suite("PEM scanning: linear work in reads of any size")
struct PEMScanningTests {
    /// What scanning `bytes`, delivered `chunkSize` bytes a read, searched; and the error it ended with.
    static func scan(_ bytes: [UInt8], chunkSize: Int, limits: InputLimits) throws -> (
        searched: Int, blocks: Int, error: PinHashError?
    ) {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("input.pem").path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let descriptor = open(path, O_RDONLY)
            try #require(descriptor >= 0)
            // A file read in small chunks arrives as a pipe does, but in reads of a size the test decides.
            let source = ByteSource(descriptor: descriptor, ownsDescriptor: true, chunkSize: chunkSize)
            var scanner = PEMScanner(source: source, limits: limits)
            var failure: PinHashError?
            do throws(PinHashError) {
                while try scanner.nextLocation(mayRead: true) != nil {}
            } catch {
                failure = error
            }
            return (scanner.bytesSearched, scanner.blockCount, failure)
        }
    }

    @Test(
        "A stream of BEGIN lines with no END is searched about once, whatever the read size",
        arguments: [4_096, 65_536, 1 << 20])
    func beginLinesWithoutEnd(chunkSize: Int) throws {
        let input = [UInt8](
            [[UInt8]](repeating: Array("-----BEGIN CERTIFICATE-----\n".utf8), count: 40_000).joined())
        let result = try Self.scan(
            input, chunkSize: chunkSize, limits: InputLimits(maximumObjectSize: 1 << 20))
        #expect(result.error?.reason == "block 1 is larger than 1 MiB")
        #expect(result.searched <= 2 * input.count, "\(result.searched) bytes searched for \(input.count)")
    }

    @Test("An END line whose line break is far away is searched about once", arguments: [4_096, 65_536])
    func longEndLine(chunkSize: Int) throws {
        let input =
            Array("-----BEGIN CERTIFICATE-----\nMA==\n-----END CERTIFICATE-----".utf8)
            + [UInt8](repeating: UInt8(ascii: " "), count: 1 << 20) + [0x0A]
        let result = try Self.scan(
            input, chunkSize: chunkSize, limits: InputLimits(maximumObjectSize: 2 << 20))
        #expect(result.error == nil)
        #expect(result.blocks == 1)
        #expect(result.searched <= 2 * input.count, "\(result.searched) bytes searched for \(input.count)")
    }

    @Test("A bundle of certificates in 4 KiB reads is searched about once, every block located")
    func bundleInSmallReads() throws {
        let chain = try Fixtures.bytes("certs/chain.pem")
        let input = [UInt8]([[UInt8]](repeating: chain, count: 300).joined())
        let result = try Self.scan(input, chunkSize: 4_096, limits: .default)
        #expect(result.error == nil)
        #expect(result.blocks == 900)
        #expect(result.searched <= 2 * input.count, "\(result.searched) bytes searched for \(input.count)")
    }
}
