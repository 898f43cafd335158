import Foundation
import PinHashTestSupport
import Testing

/// One reader for every pin spelling: what `pinhash --format F` and `pinhash header --server S` print is
/// read back by `verify --pins`, and `header --pin/--backup` take the spellings `verify` takes. Expected
/// pins come from manifest.tsv (openssl).
@Suite("Pin spellings: verify --pins reads every pinhash output, header takes every spelling")
struct PinSpellingCLITests {
    /// A key no chain fixture holds, whose failure report lists every pin `verify` read.
    static let stranger = "keys/ed25519.pkcs8.pem"

    /// The pins `verify --pins FILE` read from `text`, in order: the "Pinned certificates" lines of the
    /// failure report for a key that has none of them.
    static func pinsRead(from text: String, sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String]
    {
        try withTemporaryFile(text) { path in
            let result = try run(["verify", "--pins", path, stranger])
            #expect(result.status == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
            #expect(result.stdout == "", sourceLocation: sourceLocation)
            guard let start = result.stderrLines.firstIndex(of: "  Pinned certificates:") else {
                Issue.record("no pinning failure report: \(result.stderr)", sourceLocation: sourceLocation)
                return []
            }
            return result.stderrLines[(start + 1)...].map {
                $0.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "sha256/", with: "")
            }
        }
    }

    static func output(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        let result = try run(arguments)
        #expect(result.status == 0, "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    @Test(
        "verify --pins reads the output of every --format, with and without a host",
        arguments: ["base64", "hex", "hpkp", "curl", "okhttp", "android", "ios", "tlsa", "chrome", "json"])
    func everyFormat(format: String) throws {
        let chain = try Fixtures.file("certs/chain.pem").rows.map(\.pin)
        let withHost = ["--host", "www.example.com"]
        let hosts =
            format == "tlsa"
            ? [withHost] : ["okhttp", "android", "ios"].contains(format) ? [[], withHost] : [[]]
        for host in hosts {
            let text = try Self.output(["--format", format, "--all"] + host + ["certs/chain.pem"])
            #expect(try Self.pinsRead(from: text) == chain, "\(format) \(host): \(text)")
        }
    }

    @Test(
        "verify --pins reads the --format output of several files and keys",
        arguments: ["tlsa", "android", "ios"])
    func severalInputs(format: String) throws {
        let files = ["certs/chain.pem", "keys/rsa2048.pkcs8.pem", "csr/ec-p256.csr.pem"]
        let expected = try files.flatMap { try Fixtures.file($0).rows.map(\.pin) }
        let text = try Self.output(["--format", format, "--all", "--host", "example.com"] + files)
        // ios lists CA pins after the leaf pins: compare as sets there.
        #expect(Set(try Self.pinsRead(from: text)) == Set(expected), "\(text)")
        #expect(try Self.pinsRead(from: text).count == expected.count)
    }

    @Test(
        "verify --pins reads the header line of every --server syntax, report-only too",
        arguments: ["raw", "apache", "nginx", "iis"])
    func everyHeaderSyntax(server: String) throws {
        let chain = try Fixtures.file("certs/chain.pem").rows.map(\.pin)
        let backup = try Fixtures.file("keys/ec-p256.pkcs8.pem").rows[0].pin
        for extra in [[], ["--report-only", "--report-uri", "https://example.com/r?a=1;b=%41"]] {
            let text = try Self.output(
                ["header", "--server", server, "certs/chain.pem", "--backup", "keys/ec-p256.pkcs8.pem"]
                    + extra)
            #expect(try Self.pinsRead(from: text) == chain + [backup], "\(server): \(text)")
        }
    }

    @Test("header --pin and --backup take every spelling verify takes")
    func headerTakesEverySpelling() throws {
        let leaf = try Fixtures.file("certs/leaf.pem").rows[0].pin
        let backup = try Fixtures.file("keys/ec-p256.pkcs8.pem").rows[0].pin
        let hex = try #require(Data(base64Encoded: backup)).map { String(format: "%02x", $0) }.joined()
        for spelling in [
            "sha256/\(backup)", "sha256//\(backup)", "pin-sha256=\"\(backup)\"", hex, "3 1 1 \(hex)",
        ] {
            for option in ["--backup", "--pin"] {
                let result = try run(["header", "certs/leaf.pem", option, spelling])
                #expect(result.status == 0, "\(option) \(spelling): \(result.stderr)")
                #expect(
                    result.stdout
                        == "Public-Key-Pins: pin-sha256=\"\(leaf)\"; pin-sha256=\"\(backup)\"; max-age=5184000\n"
                )
            }
        }
    }

    @Test("A malformed pin in a --pins file names the line; a SHA-1 one says SHA-1")
    func malformedLine() throws {
        let leaf = try Fixtures.file("certs/leaf.pem").rows[0].pin
        try withTemporaryFile("<pin-set>\n<pin digest=\"SHA-256\">\(leaf)</pin>\nsha1/abc\n") { path in
            let result = try run(["verify", "--pins", path, "certs/leaf.pem"])
            #expect(result.status == 64)
            #expect(result.stdout == "")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(result.stderr.contains("line 3: 'sha1/abc' is a SHA-1 pin"), "\(result.stderr)")
        }
    }
}

/// Writes `text` to a fresh temporary file, passes its path to `body`, and removes it afterwards.
func withTemporaryFile<T>(_ text: String, name: String = "pins.txt", _ body: (String) throws -> T) throws -> T
{
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("pinhash-cli-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent(name).path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return try body(path)
}
