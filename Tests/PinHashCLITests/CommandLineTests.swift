import PinHashTestSupport
import Testing

@Suite("Command line: exit statuses, help, type flags and notes")
struct CommandLineTests {
    @Test(
        "Command-line mistakes exit 64 and print nothing on stdout",
        arguments: [
            [],
            ["--cert", "--csr", "certs/leaf.pem"],
            ["--passin", "bogus", "keys/rsa2048.pkcs8.enc.pem"],
            ["-", "-"],
            ["--passin", "stdin", "-"],
            ["--passin", "fd:0", "-"],
            ["--no-such-flag", "certs/leaf.pem"],
        ])
    func usageError(arguments: [String]) throws {
        // Standard input stays open and unwritten: a mistake must be caught before anything reads it.
        let result = try run(arguments, timeout: 15)
        #expect(result.status == 64, "stderr: \(result.stderr)")
        #expect(result.stdout == "")
        #expect(!result.stderr.isEmpty)
    }

    @Test("--help explains the exit statuses")
    func help() throws {
        let result = try run(["--help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exit status"))
    }

    @Test("--version prints a version number")
    func version() throws {
        let result = try run(["--version"])
        #expect(result.status == 0)
        let version = /[0-9]+\.[0-9]+(\.[0-9]+)?([-+][0-9A-Za-z.-]+)?\n/
        #expect(result.stdout.wholeMatch(of: version) != nil, "\(result.stdout)")
    }

    @Test(
        "--cert on a certificate request fails: not a certificate",
        arguments: ["csr/rsa2048.csr.pem", "csr/ec-p256.csr.der"])
    func certificateRequestForcedAsCertificate(path: String) throws {
        let result = try run(["--cert", path])
        expectRejected(result, naming: path)
        #expect(result.stderr.contains("not a certificate"))
    }

    @Test("A request as block 2 of a --cert bundle is named exactly")
    func requestInsideCertificateBundle() throws {
        let path = "malformed/bundle-with-csr.pem"
        let result = try run(["--cert", path])
        expectRejected(result, naming: path)
        let reason = "block 2 is a CERTIFICATE REQUEST, not a certificate"
        #expect(result.stderr == "pinhash: \(path): \(reason)\n")
    }

    @Test("A bundle that starts with a CA prints that pin and one note about the later leaf")
    func caFirstBundle() throws {
        let file = try Fixtures.file("certs/root-first.pem")
        try #require(file.expectsCAFirstNote)
        for arguments in [[file.path], ["--cert", file.path]] {
            let result = try run(arguments)
            #expect(result.status == 0)
            #expect(result.stdout == "\(file.rows[0].pin)\n")
            #expect(result.stderrIsOneLine, "stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("pinhash: ") && result.stderr.contains("note:"))
        }
    }

    @Test("--all on a bundle that starts with a CA prints every pin and no note")
    func caFirstBundleWithAll() throws {
        let file = try Fixtures.file("certs/root-first.pem")
        let result = try run(["--all", file.path])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines.map { $0.prefix { $0 != " " } } == file.rows.map { Substring($0.pin) })
    }
}
