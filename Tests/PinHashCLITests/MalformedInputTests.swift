import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks the one way pinhash rejects an input: exit 1, nothing on stdout, one `pinhash: NAME: REASON` line.
func expectRejected(
    _ result: ProcessOutput, naming name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(!result.timedOut, sourceLocation: sourceLocation)
    #expect(result.status == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stdout == "", sourceLocation: sourceLocation)
    #expect(result.stderrIsOneLine, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    let prefix = "pinhash: \(name): "
    #expect(result.stderr.hasPrefix(prefix), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    #expect(result.stderr.count > prefix.count + 1, "no reason given", sourceLocation: sourceLocation)
    for crash in ["Fatal error", "Trace", "Segmentation", "Stack dump", "Illegal instruction"] {
        #expect(!result.stderr.contains(crash), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }
}

@Suite("Malformed and unreadable inputs")
struct MalformedInputTests {
    @Test(
        "Every malformed fixture is rejected with one error line naming it",
        arguments: try Fixtures.malformed())
    func malformedFixture(_ input: MalformedRow) throws {
        // The passphrase is there so encrypted inputs fail for being malformed, not for lacking it.
        let result = try run(
            input.typeArguments + ["--passin", "file:passphrase.txt", input.file], timeout: 20)
        expectRejected(result, naming: input.file)
    }

    @Test(
        "Endless devices end with one error line instead of hanging",
        arguments: [
            ["/dev/zero"], ["/dev/urandom"], ["--cert", "/dev/zero"], ["--p12", "/dev/urandom"],
            ["--key", "/dev/zero"],
        ])
    func endlessDevice(arguments: [String]) throws {
        let result = try run(arguments, timeout: 20)
        expectRejected(result, naming: arguments.last!)
    }

    @Test(
        "Endless standard input ends with one error line instead of hanging",
        arguments: ["/dev/zero", "/dev/urandom"])
    func endlessStandardInput(device: String) throws {
        let result = try runShell(#"exec "$0" - < "$1""#, [device], timeout: 20)
        expectRejected(result, naming: "standard input")
    }

    @Test("A directory is rejected")
    func directory() throws {
        expectRejected(try run(["certs"]), naming: "certs")
    }

    @Test("A missing file is rejected")
    func missingFile() throws {
        expectRejected(try run(["certs/no-such-certificate.pem"]), naming: "certs/no-such-certificate.pem")
    }

    @Test(
        "An unreadable file is rejected", .enabled(if: geteuid() != 0, "root can read a file with mode 000"))
    func unreadableFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinhash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("leaf.pem")
        try Fixtures.contents(of: "certs/leaf.pem").write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file.path)
        expectRejected(try run([file.path]), naming: file.path)
    }
}
