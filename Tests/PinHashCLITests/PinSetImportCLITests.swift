import Foundation
import PinHashTestSupport
import Testing

/// `pinhash pinset import` through the built binary: the pins of the pin set it prints (read back with
/// PyYAML) are those written by hand beside each fixture; bad files are one line on stderr.
@Suite(
    "pinset import: the command",
    .enabled(if: PinSetCommandTests.pyYAML, "python3 with PyYAML is not installed"))
struct PinSetImportCLITests {
    static let directory = "pinsets/import"

    /// The (host, pin) pairs of an expected.tsv, in order.
    static func expectedPins(_ name: String) throws -> [String] {
        let text = try String(contentsOf: Fixtures.url("\(directory)/\(name).expected.tsv"), encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            let fields = $0.split(separator: "\t", omittingEmptySubsequences: false)
            return "\(fields[0]) \(fields[7])"
        }
    }

    /// The (host, pin) pairs of the pin set pinhash printed, as PyYAML reads it.
    static func printedPins(_ text: String) throws -> [String] {
        let document = try PinSetCommandTests.yaml(text)
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        return try hosts.flatMap { host in
            let name = try #require(host["name"] as? String)
            return try #require(host["pins"] as? [[String: Any]]).map {
                "\(name) \($0["pin"] as? String ?? "")"
            }
        }
    }

    @Test(
        "Each fixture's pins are printed, and the notes go to stderr",
        arguments: [
            ("android-nested.xml", "android-nested", [String]()),
            ("ios-documentation.binary.plist", "ios-documentation", []),
            ("trustkit-readme.plist", "trustkit-readme", []),
            ("okhttp-documentation.kt", "okhttp-documentation", []),
            ("zone.db", "zone", []),
            ("headers.conf", "headers", ["--host", "www.example.com"]),
            ("curl.txt", "curl", []),
        ])
    func imports(file: String, expected: String, options: [String]) throws {
        let result = try run(["pinset", "import"] + options + ["\(Self.directory)/\(file)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Self.printedPins(result.stdout) == Self.expectedPins(expected))
        for line in result.stderrLines {
            #expect(line.hasPrefix("pinhash: note: \(Self.directory)/\(file): line "))
        }
    }

    @Test("Several files are one pin set; standard input is read with -")
    func severalFiles() throws {
        let android = "\(Self.directory)/android-documentation.xml"
        let result = try run(
            ["pinset", "import", android, "-"],
            stdin: try Fixtures.contents(of: "\(Self.directory)/OkHttpJava.java"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            try Self.printedPins(result.stdout)
                == Self.expectedPins("android-documentation") + Self.expectedPins("OkHttpJava"))
    }

    @Test(
        "A bad file: exit 1, nothing on stdout, one line naming the file and the line",
        arguments: [
            // Line 8: where `</pin` (line 7) runs into `</pin-set>`, as Python's XML reader says.
            ("bad-malformed.xml", "line 8: "), ("bad-digest.xml", "line 7: "),
            ("bad-expiration.xml", "line 5: "),
            ("bad-pin-length.xml", "line 7: "), ("bad-ios-pin.plist", "line 27: "),
            ("bad-trustkit-expiration.plist", "line 36: "), ("bad-okhttp-sha1.kt", "line 3: "),
        ])
    func badFile(file: String, line: String) throws {
        let path = "\(Self.directory)/\(file)"
        let result = try run(["pinset", "import", path])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrIsOneLine, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("pinhash: \(path): \(line)"), "\(result.stderr)")
    }

    @Test("A header without --host is refused naming --host; a file of no known format is refused")
    func refusals() throws {
        let header = try run(["pinset", "import", "\(Self.directory)/headers.conf"])
        #expect(header.status == 1)
        #expect(header.stderrIsOneLine && header.stderr.contains("--host"), "\(header.stderr)")
        let unknown = try run(["pinset", "import", "certs/leaf.pem"])
        #expect(unknown.status == 1)
        #expect(
            unknown.stderrIsOneLine && unknown.stderr.contains("none of the configurations"),
            "\(unknown.stderr)")
    }

    @Test("--out writes a new file and overwrites one only with --force")
    func out() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-import-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("pins.yaml").path
        let arguments = ["pinset", "import", "--out", path, "\(Self.directory)/zone.db"]
        let first = try run(arguments)
        #expect(first.status == 0)
        #expect(first.stdout == "")
        let written = try String(contentsOfFile: path, encoding: .utf8)
        #expect(try Self.printedPins(written) == Self.expectedPins("zone"))
        let second = try run(arguments)
        #expect(second.status == 1)
        #expect(second.stderr.contains("exists"), "\(second.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == written)
        let forced = try run(["pinset", "import", "--force", "--out", path, "\(Self.directory)/curl.txt"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(
            try Self.printedPins(try String(contentsOfFile: path, encoding: .utf8))
                == Self.expectedPins("curl"))
    }
}
