import Foundation
import Testing

@testable import PinHash

/// pinhash's base64 decoder (its fast paths: eight characters a load, a whole 64-character PEM line at a
/// time) on text `openssl base64` wrote from bytes the test chose, and on that text damaged.
@Suite(
    "Base64 decoding against openssl base64",
    .enabled(if: ExternalCommand.hasOpenSSL, "/usr/bin/openssl is missing"))
struct Base64DecodingTests {
    /// Bytes the test fixes (a simple generator, so a failure can be replayed) and openssl's encoding of
    /// them, 64 characters a line.
    static func encoded(count: Int, seed: UInt64) throws -> (bytes: [UInt8], text: [UInt8]) {
        var state = seed &+ 0x9E37_79B9_7F4A_7C15
        let bytes = (0..<count).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-base64-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("bytes")
        try Data(bytes).write(to: input)
        let result = try ExternalCommand.run(ExternalCommand.openSSL, ["base64", "-in", input.path])
        try #require(result.succeeded, "openssl base64: \(result.firstErrorLine)")
        return (bytes, result.output)
    }

    /// The decoding of `text` with the pair table and the vector instructions (the fast paths of a bulk
    /// run), after checking that the pair table alone, and neither (a run of one certificate), give the
    /// same bytes or the same error.
    static func decode(_ text: [UInt8]) throws(Base64.DecodingError) -> [UInt8] {
        func decode(pairTable: Bool, vectors: Bool) -> Result<[UInt8], Base64.DecodingError> {
            text.withUnsafeBufferPointer { buffer in
                Result { () throws(Base64.DecodingError) in
                    try Base64.decode(buffer, pairTable: pairTable, vectors: vectors)
                }
            }
        }
        let slow = decode(pairTable: false, vectors: false)
        let pairs = decode(pairTable: true, vectors: false)
        let fast = decode(pairTable: true, vectors: true)
        #expect(slow == pairs)
        #expect(slow == fast)
        return try fast.get()
    }

    @Test(
        "Every length from 0 to 300 bytes and some of many lines decode to the bytes openssl encoded",
        arguments: Array(0...300) + [1_000, 1_023, 1_024, 1_025, 4_096, 65_537])
    func decodesWhatOpenSSLEncoded(count: Int) throws {
        let (bytes, text) = try Self.encoded(count: count, seed: UInt64(count))
        #expect(try Self.decode(text) == bytes)
        // The same text with CRLF line ends, as files written on Windows have.
        let crlf = text.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
        #expect(try Self.decode(crlf) == bytes)
        // And without line breaks at all.
        #expect(try Self.decode(text.filter { $0 != 0x0A }) == bytes)
    }

    @Test("A character outside the alphabet anywhere in a full line is named, whichever path reads it")
    func invalidCharacterAtEveryPosition() throws {
        // Six lines of 64 characters: the first lines go through the whole-line path.
        let (_, text) = try Self.encoded(count: 288, seed: 7)
        let lineStarts = text.indices.filter { $0 == 0 || text[$0 - 1] == 0x0A }
        for line in [0, 2, 5] {
            for column in 0..<64 {
                var damaged = text
                damaged[lineStarts[line] + column] = UInt8(ascii: "!")
                #expect(throws: Base64.DecodingError.invalidCharacter(UInt8(ascii: "!"))) {
                    try Self.decode(damaged)
                }
            }
        }
    }

    @Test(
        "Every byte value at every column of a full line decodes as the one-character-at-a-time path decodes it",
        arguments: [0, 2])
    func everyByteAtEveryColumn(line: Int) throws {
        // The vector path validates 32 characters with two nibble tables: no byte outside the alphabet
        // may pass them, and every byte of it must decode to its own six bits.
        let (_, text) = try Self.encoded(count: 288, seed: 5)
        let lineStart = text.indices.filter { $0 == 0 || text[$0 - 1] == 0x0A }[line]
        for column in 0..<64 {
            for byte in UInt8.min...UInt8.max {
                var changed = text
                changed[lineStart + column] = byte
                _ = try? Self.decode(changed)
            }
        }
    }

    @Test("The vector path is used where the processor has AVX2, as /proc/cpuinfo lists it")
    func vectorsWhereAVX2() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        #expect(Base64.hasVectors == flags.split(separator: " ").contains("avx2"))
    }

    @Test("A damaged line after good ones does not stop the lines after it from decoding")
    func lineAfterFallback() throws {
        let (bytes, text) = try Self.encoded(count: 480, seed: 11)
        // A space inside line 3 makes the whole-line check fail there; the space is skipped, as before.
        var spaced = text
        let lineStarts = text.indices.filter { $0 == 0 || text[$0 - 1] == 0x0A }
        spaced.insert(0x20, at: lineStarts[3] + 10)
        #expect(try Self.decode(spaced) == bytes)
    }
}
