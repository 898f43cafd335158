import Foundation
import PinHashTestSupport
import Testing

/// Limits seen from the command line: hostile inputs that would keep pinhash busy for minutes or for
/// ever end with one error line, in seconds.
@Suite("Limits through the command line")
struct LimitCLITests {
    /// A DER element split into its tag and content (definite lengths only, as the fixtures are DER).
    struct Element {
        var tag: UInt8
        var content: [UInt8]

        var isConstructed: Bool { tag & 0x20 != 0 }
        var encoded: [UInt8] { [tag] + Self.length(content.count) + content }

        static func length(_ count: Int) -> [UInt8] {
            if count < 0x80 { return [UInt8(count)] }
            var bytes: [UInt8] = []
            var rest = count
            while rest > 0 {
                bytes.insert(UInt8(rest & 0xFF), at: 0)
                rest >>= 8
            }
            return [0x80 | UInt8(bytes.count)] + bytes
        }

        static func parse(_ bytes: ArraySlice<UInt8>) -> [Element] {
            var elements: [Element] = []
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let tag = bytes[index]
                var count = Int(bytes[index + 1])
                var start = index + 2
                if count & 0x80 != 0 {
                    let size = count & 0x7F
                    count = bytes[start..<(start + size)].reduce(0) { $0 << 8 | Int($1) }
                    start += size
                }
                elements.append(Element(tag: tag, content: Array(bytes[start..<(start + count)])))
                index = start + count
            }
            return elements
        }
    }

    /// `der` with the first INTEGER equal to 2,048 (OpenSSL's iteration count) among its constructed
    /// elements, in order, replaced by `iterations`; every enclosing length is re-encoded.
    static func settingIterations(of der: [UInt8], to iterations: [UInt8]) -> [UInt8] {
        var replaced = false
        func rewrite(_ elements: [Element]) -> [Element] {
            elements.map { element in
                var element = element
                if replaced { return element }
                if element.tag == 0x02, element.content == [0x08, 0x00] {
                    element.content = iterations
                    replaced = true
                } else if element.isConstructed {
                    element.content = rewrite(Element.parse(element.content[...])).flatMap(\.encoded)
                }
                return element
            }
        }
        let result = rewrite(Element.parse(der[...])).flatMap(\.encoded)
        #expect(replaced, "no iteration count of 2048 found")
        return result
    }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-limits-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    static let twoToThe31: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF]

    @Test(
        "An encrypted key or PKCS#12 file asking for 2^31 key-derivation iterations fails at once",
        arguments: [
            ("keys/rsa2048.pkcs8.enc.der", ["--key"]), ("keys/rsa2048.pkcs8.enc.der", []),
            ("p12/leaf.p12", ["--p12", "--all"]), ("p12/leaf.p12", []),
        ])
    func hugeIterationCount(fixture: String, flags: [String]) throws {
        let original = try Fixtures.bytes(fixture)
        let hostile = Self.settingIterations(of: original, to: Self.twoToThe31)
        let file = URL(
            fileURLWithPath: try Self.temporaryFile(URL(fileURLWithPath: fixture).lastPathComponent, hostile))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        // Without a limit this runs OpenSSL's PBKDF2 2^31 times: about ten minutes.
        let result = try run(flags + ["--passin", "file:passphrase.txt", file.path], timeout: 20)
        #expect(!result.timedOut)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrIsOneLine, "\(result.stderr)")
        #expect(result.stderr.contains("2147483647 key-derivation iterations"), "\(result.stderr)")
    }

    @Test("The same files with their own 2,048 iterations still give their pins")
    func ordinaryIterationCountPasses() throws {
        for fixture in ["keys/rsa2048.pkcs8.enc.der", "p12/leaf.p12"] {
            let result = try run(["--passin", "file:passphrase.txt", fixture], timeout: 20)
            #expect(result.status == 0, "\(fixture): \(result.stderr)")
        }
    }
}
