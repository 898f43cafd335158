import Foundation
import PinHashTestSupport
import Testing

/// `pinhash verify` against the fixtures, with expected pins, roles and subjects from manifest.tsv.
@Suite("Verify: pinhash verify exit statuses, spellings, pin files and reports")
struct VerifyCommandTests {
    static let chainPath = "certs/chain.pem"
    static let emptyInputPin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    /// A pin no fixture has (the pin of the bytes "pinhash"), valid base64 of 32 bytes.
    static let strangerPin = "/Bbag26unUnSqEdbKU8GvXHDYUk4SSiAMKIZsEkaJUQ="

    static func chain() throws -> [ManifestRow] { try Fixtures.file(chainPath).rows }

    static func hex(ofBase64 text: String) throws -> String {
        try #require(Data(base64Encoded: text)).map { String(format: "%02x", $0) }.joined()
    }

    /// What the command prints for a match of `row` in `file`.
    static func okLine(_ row: ManifestRow, in file: String) -> String {
        "pin OK: \(row.pin) matches \(row.role) \(row.subject) (\(file))\n"
    }

    @Test("The leaf's pin matches: exit 0 and one line naming the leaf")
    func leafMatches() throws {
        let leaf = try Self.chain()[0]
        let result = try run(["verify", "--pin", leaf.pin, Self.chainPath])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.okLine(leaf, in: Self.chainPath))
        #expect(result.stderr == "")
    }

    @Test("The intermediate's or the root's pin matches too", arguments: [1, 2])
    func caMatches(index: Int) throws {
        let row = try Self.chain()[index]
        let result = try run(["verify", "--pin", Self.strangerPin, "--pin", row.pin, Self.chainPath])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.okLine(row, in: Self.chainPath))
    }

    @Test("No pin matches: exit 1, nothing on stdout, the report lists every certificate and the pins")
    func noMatch() throws {
        let rows = try Self.chain()
        let other = try Fixtures.file("keys/ed25519.pkcs8.pem").rows[0].pin
        let result = try run([
            "verify", "--pin", Self.strangerPin, "--pin", "sha256//\(other)", Self.chainPath,
        ])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let expected =
            ["pinhash: certificate pinning failure!", "  Peer certificate chain:"]
            + rows.map { "    sha256/\($0.pin): \($0.role) \($0.subject)" }
            + ["  Pinned certificates:", "    sha256/\(Self.strangerPin)", "    sha256/\(other)"]
        #expect(result.stderrLines == expected)
    }

    @Test("Keys are reported by algorithm and size, and several inputs by name")
    func noMatchWithKeys() throws {
        let key = try Fixtures.file("keys/rsa2048.pkcs8.enc.pem").rows[0]
        let leaf = try Self.chain()[0]
        let result = try run([
            "verify", "--pin", Self.strangerPin, "--passin", "file:passphrase.txt", key.file,
            "certs/leaf.pem",
        ])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 6, "\(result.stderr)")
        #expect(
            result.stderrLines.contains(
                "    sha256/\(key.pin): key \(key.algorithm) \(key.bits) (\(key.file))"))
        #expect(result.stderrLines.contains("    sha256/\(leaf.pin): leaf \(leaf.subject) (certs/leaf.pem)"))
    }

    @Test("An encrypted key matches its pin with --passin")
    func encryptedKeyMatches() throws {
        let key = try Fixtures.file("keys/rsa2048.pkcs8.enc.pem").rows[0]
        let result = try run(["verify", "--pin", key.pin, "--passin", "file:passphrase.txt", key.file])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(
            result.stdout == "pin OK: \(key.pin) matches key \(key.algorithm) \(key.bits) (\(key.file))\n")
    }

    @Test("Every pin spelling matches the intermediate", arguments: 0..<9)
    func everySpelling(index: Int) throws {
        let pin = try Self.chain()[1].pin
        let hex = try Self.hex(ofBase64: pin)
        let spellings = [
            pin, "sha256/\(pin)", "sha256//\(pin)", "pin-sha256=\"\(pin)\"",
            "sha256//\(Self.strangerPin);sha256//\(pin)",
            "pin-sha256=\"\(Self.strangerPin)\"; pin-sha256=\"\(pin)\"",
            hex, hex.uppercased(), " sha256/\(pin) ",
        ]
        let result = try run(["verify", "--pin", spellings[index], Self.chainPath])
        #expect(result.status == 0, "\(spellings[index]): \(result.stderr)")
        #expect(result.stdout == Self.okLine(try Self.chain()[1], in: Self.chainPath))
    }

    @Test("--pins FILE: comments, blank lines, CRLF and several spellings")
    func pinsFile() throws {
        let rows = try Self.chain()
        let text =
            "# pins for www.example.com\r\n\r\nsha256/\(Self.strangerPin)   # old key\r\n"
            + "pin-sha256=\"\(rows[2].pin)\"\n\n# end\n"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-verify-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pins = directory.appendingPathComponent("pins.txt").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: pins))

        let result = try run(["verify", "--pins", pins, Self.chainPath])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.okLine(rows[2], in: Self.chainPath))

        let fromStandardInput = try run(["verify", "--pins", "-", Self.chainPath], stdin: Data(text.utf8))
        #expect(fromStandardInput.status == 0, "stderr: \(fromStandardInput.stderr)")
        // A file that can be read only once (a pipe) is read only once.
        let fromPipe = try runShell(
            #"exec "$0" verify --pins /dev/stdin "$1""#, [Self.chainPath], stdin: Data(text.utf8))
        #expect(fromPipe.status == 0, "stderr: \(fromPipe.stderr)")
        #expect(fromPipe.stdout == Self.okLine(rows[2], in: Self.chainPath))

        let bad = directory.appendingPathComponent("bad.txt").path
        try Data("# fine\n\(rows[0].pin)\nsha256/nope\n".utf8).write(to: URL(fileURLWithPath: bad))
        let malformed = try run(["verify", "--pins", bad, Self.chainPath])
        #expect(malformed.status == 64)
        #expect(malformed.stderrIsOneLine, "\(malformed.stderr)")
        #expect(
            malformed.stderr.hasPrefix("pinhash: --pins \(bad): line 3: 'sha256/nope' is not a SHA-256 pin"))

        let comments = directory.appendingPathComponent("comments.txt").path
        try Data("# nothing here\n\n".utf8).write(to: URL(fileURLWithPath: comments))
        #expect(try run(["verify", "--pins", comments, Self.chainPath]).status == 64)
        #expect(
            try run(["verify", "--pins", directory.appendingPathComponent("missing").path, Self.chainPath])
                .status == 64)
    }

    @Test(
        "The SHA-256 of empty input is refused by name (64), in any spelling, even beside a good pin",
        arguments: [
            [emptyInputPin], ["sha256//\(emptyInputPin)"], ["pin-sha256=\"\(emptyInputPin)\""],
            ["e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
            ["Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=", emptyInputPin],
        ])
    func emptyInputPinRefused(pins: [String]) throws {
        let result = try run(["verify"] + pins.flatMap { ["--pin", $0] } + [Self.chainPath])
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("empty input"), "\(result.stderr)")
    }

    @Test("The empty-input pin in a --pins file is refused too")
    func emptyInputPinInFile() throws {
        let result = try runShell(
            #"exec "$0" verify --pins /dev/stdin "$1""#, [Self.chainPath],
            stdin: Data("# broken pipeline output\n\(Self.emptyInputPin)\n".utf8))
        #expect(result.status == 64)
        #expect(
            result.stderr.contains("line 2") && result.stderr.contains(Self.emptyInputPin), "\(result.stderr)"
        )
    }

    @Test(
        "A malformed pin is a usage error naming it",
        arguments: [
            "AAAA", "sha256/AAAA", "sha1/ZmFrZWZha2VmYWtlZmFrZWZha2U=", "pin-sha256=", "not a pin", "",
        ])
    func malformedPin(pin: String) throws {
        let result = try run(["verify", "--pin", pin, Self.chainPath])
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("--pin"), "\(result.stderr)")
        if !pin.isEmpty { #expect(result.stderr.contains(pin), "\(result.stderr)") }
    }

    @Test(
        "No pins, no input, or two readers of standard input: usage errors",
        arguments: [
            [chainPath], ["--pin", strangerPin], ["--pins", "-", "--pin", strangerPin, "-"],
            ["--pin", strangerPin, "--passin", "stdin", "--pins", "-", chainPath],
            ["--cert", "--key", "--pin", strangerPin, chainPath],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try run(["verify"] + arguments, timeout: 15)
        #expect(result.status == 64, "stderr: \(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test("An input error is exit 1 with the one usual line, not a pinning report")
    func inputError() throws {
        let missing = "certs/no-such-certificate.pem"
        expectRejected(try run(["verify", "--pin", Self.strangerPin, missing]), naming: missing)
        let malformed = try #require(try Fixtures.malformed().first { $0.typeFlag == nil })
        expectRejected(
            try run(["verify", "--pin", Self.strangerPin, malformed.file]), naming: malformed.file)
        expectRejected(
            try run(["verify", "--pin", Self.strangerPin, "--cert", "csr/rsa2048.csr.pem"]),
            naming: "csr/rsa2048.csr.pem")
    }

    @Test("An input error fails the run even when another input matches")
    func inputErrorBesideMatch() throws {
        let missing = "certs/no-such-certificate.pem"
        let result = try run(["verify", "--pin", try Self.chain()[0].pin, Self.chainPath, missing])
        expectRejected(result, naming: missing)
    }

    @Test("Standard input is read as an input")
    func standardInput() throws {
        let leaf = try Self.chain()[0]
        let result = try run(
            ["verify", "--pin", leaf.pin, "-"], stdin: try Fixtures.contents(of: Self.chainPath))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == Self.okLine(leaf, in: "standard input"))
    }

    @Test("--help explains the spellings and both kinds of exit status 1")
    func help() throws {
        let result = try run(["verify", "--help"])
        #expect(result.status == 0)
        for phrase in ["sha256//", "pin-sha256", "--pins", "Exit status", "failure", "malformed", "47DEQ"] {
            #expect(result.stdout.contains(phrase), "\(phrase)")
        }
    }

    @Test(
        "100,002 certificates streamed into verify - are checked in bounded memory; the report lists 1,000",
        .disabled(if: pinhashIsSanitized, "a sanitizer's shadow memory says nothing of pinhash's own"))
    func longStreamInBoundedMemory() throws {
        let rows = try Self.chain()
        let result = try runMeasuringPeakMemory(
            ["verify", "--pin", Self.strangerPin, "-"], stdinCopies: 33_334, of: Self.chainPath)
        #expect(result.status == 1)
        #expect(result.peakKiB < streamMemoryLimitKiB, "peak resident memory \(result.peakKiB) KiB")
        let lines = result.stderrLines
        #expect(lines.count == 2 + 1_000 + 1 + 2, "\(lines.count) lines")
        #expect(
            lines.prefix(3) == [
                "pinhash: certificate pinning failure!", "  Peer certificate chain:",
                "    sha256/\(rows[0].pin): \(rows[0].role) \(rows[0].subject)",
            ])
        #expect(
            lines.suffix(3) == [
                "    … and 99002 more (100002 in all)", "  Pinned certificates:",
                "    sha256/\(Self.strangerPin)",
            ])
    }
}
