import Foundation
import PinHashTestSupport
import Testing

/// `pinhash FILE…` with at most a type flag and --all runs without argument parsing
/// (`PlainPinsCommandLine`); `pinhash pins FILE…` always goes through it. Both must print the same
/// bytes and exit the same way, whatever the files hold.
@Suite("Plain command lines: pinhash FILE… prints what pinhash pins FILE… prints")
struct PlainCommandLineTests {
    @Test(
        "Same output, errors and status as the parsed pins subcommand",
        arguments: [
            ["keys/rsa2048.pkcs8.pem"],
            ["keys/rsa2048.pkcs1.pem"],
            ["--key", "keys/rsa2048.pkcs8.pem"],
            ["--cert", "certs/leaf.pem"],
            ["certs/leaf.pem", "--cert"],
            ["certs/chain.pem"],
            ["--all", "certs/chain.pem"],
            ["certs/chain.pem", "--all", "--cert"],
            ["--csr", "csr/rsa2048.csr.pem"],
            ["--pubkey", "public/rsa2048.spki.pem"],
            ["certs/leaf.pem", "certs/intermediate.der", "keys/rsa2048.pkcs8.pem"],
            ["--all", "certs/leaf.pem", "certs/chain.pem"],
            ["--p12", "p12/leaf.p12"],
            ["p12/leaf-empty-password.p12", "--all"],
            ["keys/rsa2048.pkcs8.enc.pem"],
            ["no-such-file.pem"],
            ["certs/leaf.pem", "no-such-file.pem", "keys/rsa2048.pkcs8.pem"],
            ["--key", "certs/leaf.pem"],
            ["malformed/truncated-body.pem"],
            ["malformed/random.bin", "--all"],
            ["-"],
            ["--all", "-"],
        ])
    func sameAsParsed(arguments: [String]) throws {
        let stdin = arguments.contains("-") ? try Fixtures.contents(of: "certs/chain.pem") : nil
        let plain = try run(arguments, stdin: stdin)
        let parsed = try run(["pins"] + arguments, stdin: stdin)
        #expect(plain.status == parsed.status)
        #expect(plain.stdout == parsed.stdout)
        #expect(plain.stderr == parsed.stderr)
        #expect(!plain.stdout.isEmpty || !plain.stderr.isEmpty)
    }

    @Test(
        "Lines that are not plain are parsed: repeated, unknown and = options, two standard inputs",
        arguments: [
            ["--all", "--all", "certs/leaf.pem"],
            ["--cert", "--cert", "certs/leaf.pem"],
            ["--cert", "--key", "certs/leaf.pem"],
            ["--cert=certs/leaf.pem"],
            ["--no-such-flag", "certs/leaf.pem"],
            ["-", "-"],
            ["--all"],
            ["--cert"],
        ])
    func notPlain(arguments: [String]) throws {
        let plain = try run(arguments, timeout: 15)
        let parsed = try run(["pins"] + arguments, timeout: 15)
        #expect(plain.status == parsed.status)
        #expect(plain.stdout == parsed.stdout)
        #expect(plain.status != 0 || !plain.stdout.isEmpty)
    }

    @Test("A subcommand's name is the subcommand, not a file of that name")
    func subcommandWord() throws {
        // The header command refuses a chain without a backup pin; read as a file, "header" would not open.
        let header = try run(["header", "certs/chain.pem"])
        #expect(header.status != 0)
        #expect(header.stderr.contains("no backup pin"), "\(header.stderr)")
        let help = try run(["help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("SUBCOMMANDS:"), "\(help.stdout)")
    }
}
