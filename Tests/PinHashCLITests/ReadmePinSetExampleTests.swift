import Foundation
import PinHashTestSupport
import Testing

/// The README's worked pin-set example prints what the command prints: the imported pin set and the iOS
/// and OkHttp exports (the check against a live server is covered by the check tests).
@Suite("README: the pin-set example")
struct ReadmePinSetExampleTests {
    static let readme = PackagePaths.root.appendingPathComponent("README.md")

    /// The README's lines after the line `    $ COMMAND` up to the next `    $ ` line or blank line, without
    /// the 4-space indent.
    static func shown(after command: String) throws -> [String] {
        let lines = try String(contentsOf: readme, encoding: .utf8).components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "    $ \(command)"), "README shows no `$ \(command)`")
        var shown: [String] = []
        for line in lines[(start + 1)...] {
            if line.isEmpty || line.hasPrefix("    $ ") { break }
            shown.append(String(line.dropFirst(4)))
        }
        return shown
    }

    @Test("import, then the iOS and OkHttp Java exports, print what the README shows")
    func workedExample() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-readme-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("network_security_config.xml")
        try Data(contentsOf: Fixtures.url("pinsets/import/android-documentation.xml")).write(to: config)
        let pins = directory.appendingPathComponent("pins.yaml").path
        // The README runs in the config's directory; here the paths are absolute, so they are cut back.
        func relative(_ text: String) -> [String] {
            text.replacingOccurrences(of: directory.path + "/", with: "").components(separatedBy: "\n")
                .filter { !$0.isEmpty }
        }
        let imported = try run(["pinset", "import", config.path, "--out", pins])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(
            relative(try String(contentsOfFile: pins, encoding: .utf8))
                == (try Self.shown(after: "cat pins.yaml")))

        try String(contentsOfFile: pins, encoding: .utf8)
            .replacingOccurrences(of: "expiration: 2018-01-01", with: "expiration: 2027-06-30")
            .write(toFile: pins, atomically: true, encoding: .utf8)
        for format in ["ios", "okhttp-java"] {
            let exported = try run(["pinset", "export", pins, "--format", format])
            #expect(exported.status == 0, "\(exported.stderr)")
            #expect(
                relative(exported.stdout) + exported.stderrLines
                    == (try Self.shown(after: "pinhash pinset export pins.yaml --format \(format)")))
        }
        let diff = try run(["pinset", "diff", pins, config.path])
        #expect(diff.status == 1)
        #expect(
            relative(diff.stdout) == [
                "example.com: expiration: 2027-06-30 in pins.yaml, 2018-01-01 in network_security_config.xml"
            ])
    }
}
