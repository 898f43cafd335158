import Foundation
import PinHashTestSupport
import Testing

/// Names that would forge output lines or reach the terminal are escaped; a label of megabytes does not
/// make a line of megabytes.
@Suite("Hostile names and labels")
struct HostileNameTests {
    static func withDirectory<T>(_ body: (URL) throws -> T) throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    @Test("A file name with a newline cannot forge a PIN  FILE line: it is escaped as sha256sum escapes it")
    func newlineInName() throws {
        try Self.withDirectory { directory in
            let forged = directory.appendingPathComponent("b\nFAKEPIN=  trusted.pem").path
            try FileManager.default.copyItem(atPath: Fixtures.path("certs/leaf.pem"), toPath: forged)
            let pin = try Fixtures.file("certs/leaf.pem").expectedPin
            let leaf = Fixtures.path("certs/leaf.pem")
            for extra in [[], ["--all"]] {
                let result = try run(extra + [forged, leaf])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(result.stdoutLines.count == 2, "\(result.stdout)")
                let escaped = "\\\(pin)  \(directory.path)/b\\nFAKEPIN=  trusted.pem"
                #expect(result.stdoutLines.first?.hasPrefix(escaped) == true, "\(result.stdout)")
                #expect(result.stdoutLines.last?.hasPrefix("\(pin)  \(leaf)") == true)
            }
        }
    }

    @Test("A file name with an escape sequence reaches stderr escaped, on one line")
    func escapeInName() throws {
        try Self.withDirectory { directory in
            let path = directory.appendingPathComponent("c\u{1B}[31mred\n.pem").path
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
            let result = try run([path])
            #expect(result.status == 1)
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(!result.stderr.contains("\u{1B}"))
            let escaped = "pinhash: \(directory.path)/c\\x1b[31mred\\n.pem: "
            #expect(result.stderr.hasPrefix(escaped), "\(result.stderr)")
        }
    }

    @Test("A PEM label of 3 MiB is cut in the error: one short line")
    func hugeLabel() throws {
        try Self.withDirectory { directory in
            let label = String(repeating: "A", count: 3 << 20)
            let path = directory.appendingPathComponent("label.pem").path
            try Data("-----BEGIN \(label)-----\nAAAA\n-----END \(label)-----\n".utf8).write(
                to: URL(fileURLWithPath: path))
            let result = try run([path])
            #expect(result.status == 1)
            #expect(result.stderrIsOneLine)
            #expect(result.stderr.utf8.count < 400, "\(result.stderr.utf8.count) bytes")
            let cut = "… (3145728 characters), which holds no public key"
            #expect(result.stderr.contains(cut), "\(result.stderr)")
        }
    }
}
