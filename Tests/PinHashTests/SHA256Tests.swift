import CPinhashSHA256
import Foundation
import Testing

/// pinhash's SHA-256 (Sources/CPinhashSHA256), both its paths (the x86-64 SHA extensions where the
/// processor has them, and portable C), against `openssl dgst -sha256` on every length up to 1,100
/// bytes (each padding case: a tail of 0–63 bytes, a length field in the same or the next block) and on
/// large random inputs.
@Suite(
    "SHA-256 against openssl dgst",
    .enabled(if: ExternalCommand.hasOpenSSL, "/usr/bin/openssl is missing"))
struct SHA256Tests {
    /// openssl's digest of each file, in order, from one `openssl dgst -sha256 -r` run.
    static func opensslDigests(of files: [URL]) throws -> [String] {
        let result = try ExternalCommand.run(
            ExternalCommand.openSSL, ["dgst", "-sha256", "-r"] + files.map(\.path))
        try #require(result.succeeded, "openssl dgst: \(result.firstErrorLine)")
        let lines = result.text.split(separator: "\n").map { String($0.prefix(64)) }
        try #require(lines.count == files.count)
        return lines
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func digests(_ bytes: [UInt8]) -> (chosen: String, portable: String) {
        var chosen = [UInt8](repeating: 0, count: 32)
        var portable = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeBufferPointer { input in
            pinhash_sha256(input.baseAddress, input.count, &chosen)
            pinhash_sha256_portable(input.baseAddress, input.count, &portable)
        }
        return (hex(chosen), hex(portable))
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-sha256-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("Every length from 0 to 1,100 bytes")
    func everyLength() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let inputs = (0...1100).map { count in
            (0..<count).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: state >> 33)
            }
        }
        let files = try inputs.enumerated().map { index, bytes in
            let url = directory.appendingPathComponent("\(index)")
            try Data(bytes).write(to: url)
            return url
        }
        let expected = try Self.opensslDigests(of: files)
        for (index, bytes) in inputs.enumerated() {
            let (chosen, portable) = Self.digests(bytes)
            #expect(chosen == expected[index], "length \(index)")
            #expect(portable == expected[index], "length \(index), portable")
        }
    }

    @Test("Random inputs of several MiB from openssl rand")
    func large() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try [1 << 20, (3 << 20) + 7, 55].map { count in
            let url = directory.appendingPathComponent("\(count)")
            let made = try ExternalCommand.run(
                ExternalCommand.openSSL, ["rand", "-out", url.path, "\(count)"])
            try #require(made.succeeded, "openssl rand: \(made.firstErrorLine)")
            return url
        }
        let expected = try Self.opensslDigests(of: files)
        for (index, file) in files.enumerated() {
            let (chosen, portable) = Self.digests(Array(try Data(contentsOf: file)))
            #expect(chosen == expected[index], "\(file.lastPathComponent) bytes")
            #expect(portable == expected[index], "\(file.lastPathComponent) bytes, portable")
        }
    }

    @Test("The SHA extensions are used exactly where /proc/cpuinfo lists sha_ni")
    func extensionsWhereThere() throws {
        let cpuinfo = try String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)
        let flags = cpuinfo.split(separator: "\n").first { $0.hasPrefix("flags") } ?? ""
        let hasSHA = flags.split(separator: " ").contains("sha_ni")
        #expect((pinhash_sha256_uses_sha_extensions() != 0) == hasSHA)
    }
}
