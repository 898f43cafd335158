import Foundation
import PinHashTestSupport
import Testing

/// Output that cannot be written (a full disk, here /dev/full) is an error, never exit 0 with the output
/// lost.
@Suite("Lost output")
struct LostOutputTests {
    static let leaf = "Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY="

    @Test(
        "header, hsts and lint writing to a full device: exit 1 and one line saying so",
        arguments: [
            ["hsts", "--max-age", "31536000"],
            ["header", "--pin", leaf, "--backup", "keys/rsa2048.pkcs8.pem", "certs/leaf.pem"],
            ["lint", "--hsts", "max-age=5"],
        ])
    func fullDevice(arguments: [String]) throws {
        let result = try runShell(#"exec "$0" "$@" >/dev/full"#, arguments)
        #expect(result.status == 1, "\(arguments): \(result.stderr)")
        #expect(
            result.stderrLines.contains("pinhash: cannot write to standard output: No space left on device"),
            "\(arguments): \(result.stderr)")
    }

    @Test(
        "backup with standard output full or closed: exit 1, and the line says the key was written",
        arguments: [#"exec "$0" "$@" >/dev/full"#, #"exec 1>&-; exec "$0" "$@""#])
    func backupPinLost(script: String) throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let result = try runShell(script, ["backup", "--algorithm", "p256", "--out", out])
            #expect(result.status == 1, "\(result.stderr)")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(
                result.stderr.hasPrefix("pinhash: cannot write to standard output: ")
                    && result.stderr.contains("the key was written to \(out)")
                    && result.stderr.contains("only printing its pin failed"),
                "\(result.stderr)")
            // The key is there and whole: openssl reads it.
            _ = try BackupOpenSSL.pin(ofKey: out)
            #expect(directory.contents == ["backup.key"])
        }
    }
}

/// A file name that starts with `-` is an unknown option, a usage error, never help with exit 0.
@Suite("Names that start with -")
struct DashNameTests {
    @Test(
        "An argument like -fullchain.pem (its letters hold h) is an unknown option: exit 64, nothing on stdout",
        arguments: [
            ["verify", "--pin", LostOutputTests.leaf, "-fullchain.pem"], ["-fullchain.pem"],
            ["lint", "-hsts.txt"], ["header", "--pin", LostOutputTests.leaf, "-chain.pem"],
        ])
    func dashNameIsAUsageError(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 64, "\(arguments): \(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(arguments): \(result.stdout)")
        #expect(result.stderr.contains("./-") && result.stderr.contains("--"), "\(result.stderr)")
    }

    @Test("After --, or as ./-name, such a file is read")
    func dashNameAfterTerminator() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-dash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(
            atPath: Fixtures.path("certs/leaf.pem"),
            toPath: directory.appendingPathComponent("-leaf.pem").path)
        let expected = try Fixtures.file("certs/leaf.pem").expectedPin
        for form in [#"cd "$1" && exec "$0" -- -leaf.pem"#, #"cd "$1" && exec "$0" ./-leaf.pem"#] {
            let result = try runShell(form, [directory.path])
            #expect(result.status == 0, "\(form): \(result.stderr)")
            #expect(result.stdout == "\(expected)\n", "\(form)")
        }
    }
}
