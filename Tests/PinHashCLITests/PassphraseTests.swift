import Foundation
import PinHashTestSupport
import Testing

/// The forms of `--passin`, as openssl's `-passin` has them.
enum PassinForm: String, CaseIterable, Sendable {
    case pass, env, file, fd, stdin
}

@Suite("Encrypted inputs and --passin")
struct PassphraseTests {
    /// An encrypted PKCS#8 key, a legacy `Proc-Type` PEM key, and a passphrase-protected PKCS#12 file.
    static let encryptedInputs = ["keys/rsa2048.pkcs8.enc.pem", "keys/rsa2048.pkcs1.enc.pem", "p12/leaf.p12"]
    static let variable = "PINHASH_TEST_PASSPHRASE"
    static let wrongPassphrase = "not the fixture passphrase 5d1c"

    /// Runs `pinhash --passin FORM path` with `passphrase` delivered the way `form` reads it.
    private func decrypt(_ path: String, form: PassinForm, passphrase: String) throws -> ProcessOutput {
        switch form {
        case .pass:
            return try run(["--passin", "pass:\(passphrase)", path])
        case .env:
            return try run(
                ["--passin", "env:\(Self.variable)", path], environment: [Self.variable: passphrase])
        case .file:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinhash-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("passphrase")
            try Data(passphrase.utf8).write(to: file)
            return try run(["--passin", "file:\(file.path)", path])
        case .fd:
            // Descriptor 3 is opened by the shell on a here-document, so no file holds the passphrase.
            return try runShell(
                "exec 3<<'EOF'\n\(passphrase)\nEOF\n" + #"exec "$0" --passin fd:3 "$1""#, [path])
        case .stdin:
            return try run(["--passin", "stdin", path], stdin: Data("\(passphrase)\n".utf8))
        }
    }

    @Test("Every --passin form opens the encrypted fixtures", arguments: encryptedInputs, PassinForm.allCases)
    func everyForm(path: String, form: PassinForm) throws {
        let result = try decrypt(path, form: form, passphrase: Fixtures.passphrase)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "\(try Fixtures.file(path).expectedPin)\n")
        if form == .pass {
            #expect(result.stderrIsOneLine, "stderr: \(result.stderr)")
            #expect(result.stderr.hasPrefix("pinhash: ") && result.stderr.contains("warning:"))
        } else {
            #expect(result.stderr == "")
        }
        #expect(!result.stderr.contains(Fixtures.passphrase))
    }

    @Test(
        "passphrase.txt (no trailing newline) opens them through file: and through fd:",
        arguments: encryptedInputs)
    func fixturePassphraseFile(path: String) throws {
        let expected = "\(try Fixtures.file(path).expectedPin)\n"
        let viaFile = try run(["--passin", "file:passphrase.txt", path])
        #expect(viaFile.status == 0, "stderr: \(viaFile.stderr)")
        #expect(viaFile.stdout == expected)
        let viaDescriptor = try runShell(#"exec 3<passphrase.txt; exec "$0" --passin fd:3 "$1""#, [path])
        #expect(viaDescriptor.status == 0, "stderr: \(viaDescriptor.stderr)")
        #expect(viaDescriptor.stdout == expected)
    }

    @Test(
        "A wrong passphrase: exit 1, no pin, one line saying so that shows no passphrase",
        arguments: encryptedInputs, [PassinForm.file, .fd, .stdin])
    func wrongPassphrase(path: String, form: PassinForm) throws {
        let result = try decrypt(path, form: form, passphrase: Self.wrongPassphrase)
        expectWrongPassphrase(result, path: path)
    }

    @Test(
        "A wrong passphrase fails every encrypted fixture the same way",
        arguments: Fixtures.files.filter { $0.rows[0].encrypted == "yes" })
    func wrongPassphraseOnEveryEncryptedFixture(file: FixtureFile) throws {
        let result = try decrypt(file.path, form: .env, passphrase: Self.wrongPassphrase)
        expectWrongPassphrase(result, path: file.path)
    }

    private func expectWrongPassphrase(
        _ result: ProcessOutput, path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.stdout == "", sourceLocation: sourceLocation)
        #expect(result.stderrIsOneLine, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("pinhash: \(path): "), sourceLocation: sourceLocation)
        #expect(
            result.stderr.contains("wrong passphrase"), "stderr: \(result.stderr)",
            sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(Self.wrongPassphrase), sourceLocation: sourceLocation)
        #expect(!result.stderr.contains(Fixtures.passphrase), sourceLocation: sourceLocation)
    }

    @Test(
        "A wrong pass: passphrase: the warning and one error line, neither showing it",
        arguments: encryptedInputs)
    func wrongLiteralPassphrase(path: String) throws {
        let result = try decrypt(path, form: .pass, passphrase: Self.wrongPassphrase)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let lines = result.stderrLines
        #expect(lines.count == 2, "stderr: \(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("pinhash: ") && $0.contains("warning:") })
        #expect(lines.contains { $0.hasPrefix("pinhash: \(path): ") && $0.contains("wrong passphrase") })
        #expect(!result.stderr.contains(Self.wrongPassphrase))
    }

    @Test(
        "Without --passin and without a terminal an encrypted input fails at once",
        arguments: Fixtures.files.filter { $0.rows[0].encrypted == "yes" })
    func noPassphraseAndNoTerminal(file: FixtureFile) throws {
        // Standard input is a pipe that is never written or closed: reading it, or prompting, would hang.
        let result = try run([file.path], timeout: 15)
        #expect(!result.timedOut)
        #expect(result.seconds < 5, "took \(result.seconds) s")
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrIsOneLine, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("pinhash: \(file.path): ") && result.stderr.contains("--passin"))
    }

    @Test(
        "An unusable passphrase source fails the encrypted input with one line",
        arguments: ["env:PINHASH_TEST_UNSET_VARIABLE", "file:no-such-passphrase.txt", "fd:87"])
    func unusableSource(passin: String) throws {
        let path = "keys/rsa2048.pkcs8.enc.pem"
        let result = try run(["--passin", passin, path], timeout: 15)
        expectRejected(result, naming: path)
    }

    @Test("The library's remedies, worded with --passin: no terminal to ask on, an unset variable")
    func remediesNameTheOption() throws {
        let path = "keys/rsa2048.pkcs8.enc.pem"
        let noTerminal = try run([path], timeout: 15)
        #expect(
            noTerminal.stderr
                == "pinhash: \(path): block 1 (ENCRYPTED PRIVATE KEY) is encrypted; give the passphrase with --passin "
                + "(no terminal to ask on)\n")
        let unset = try run(["--passin", "env:PINHASH_TEST_UNSET_VARIABLE", path], timeout: 15)
        #expect(
            unset.stderr
                == "pinhash: \(path): block 1 (ENCRYPTED PRIVATE KEY): environment variable "
                + "PINHASH_TEST_UNSET_VARIABLE (from --passin env:) is not set\n"
        )
    }

    @Test("One passphrase from standard input serves several encrypted files")
    func passphraseReadOnceForSeveralFiles() throws {
        let paths = ["keys/rsa2048.pkcs8.enc.pem", "p12/leaf.p12", "keys/ec-p256.sec1.enc.pem"]
        let result = try run(["--passin", "stdin"] + paths, stdin: Data("\(Fixtures.passphrase)\n".utf8))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdoutLines == (try paths.map { "\(try Fixtures.file($0).expectedPin)  \($0)" }))
    }

    @Test("A PKCS#12 file with the empty password needs no --passin")
    func emptyPassword() throws {
        let file = try Fixtures.file("p12/leaf-empty-password.p12")
        let result = try run([file.path], timeout: 15)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "\(file.expectedPin)\n")
    }
}

/// Passphrases openssl could not take, and standard input that holds none: one clear line, never "wrong
/// passphrase".
@Suite("Passphrase sources openssl would refuse")
struct PassphraseSourceRefusalTests {
    static let key = "keys/ec-p256.pkcs8.enc.pem"

    @Test(
        "--passin stdin with standard input closed or at /dev/null: no passphrase from standard input",
        arguments: [
            #"exec 0<&-; exec "$0" --passin stdin "$1""#, #"exec "$0" --passin stdin "$1" </dev/null"#,
        ])
    func standardInputHoldsNoPassphrase(script: String) throws {
        // openssl says "Error reading password from BIO" here; with descriptor 0 closed, pinhash used to
        // open the key itself as 0 and read its first line as the passphrase.
        let result = try runShell(script, [Self.key])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrIsOneLine, "\(result.stderr)")
        #expect(
            result.stderr.contains("no passphrase from standard input") && !result.stderr.contains("wrong"),
            "\(result.stderr)")
    }

    @Test("A passphrase holding a NUL byte is refused, as openssl would cut it there (--passin file:, stdin)")
    func nulByteInPassin() throws {
        try withBackupDirectory { directory in
            let passFile = directory.path("nul.txt")
            try Data("before\0after\n".utf8).write(to: URL(fileURLWithPath: passFile))
            // openssl reads a passphrase as a C string: the key it writes with this file opens with "before".
            let key = directory.path("openssl.key")
            let made = try BackupOpenSSL.openssl([
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc",
                "-pass", "file:\(passFile)", "-out", key,
            ])
            #expect(made.status == 0, "\(made.stderr)")
            let truncated = try BackupOpenSSL.openssl([
                "pkey", "-in", key, "-passin", "pass:before", "-noout",
            ])
            #expect(truncated.status == 0, "openssl did not cut the passphrase at NUL: \(truncated.stderr)")
            for result in [
                try run(["--passin", "file:\(passFile)", key]),
                try run(["--passin", "stdin", key], stdin: Data("before\0after\n".utf8)),
            ] {
                #expect(result.status == 1)
                #expect(result.stdout == "")
                #expect(result.stderrIsOneLine, "\(result.stderr)")
                #expect(
                    result.stderr.contains("NUL byte") && !result.stderr.contains("wrong"), "\(result.stderr)"
                )
            }
        }
    }

    @Test("backup --passout with a NUL byte: refused, and no key written that openssl could not open")
    func nulByteInPassout() throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let passFile = directory.path("nul.txt")
            try Data("before\0after".utf8).write(to: URL(fileURLWithPath: passFile))
            for result in [
                try run(["backup", "--algorithm", "p256", "--out", out, "--passout", "file:\(passFile)"]),
                try run(
                    ["backup", "--algorithm", "p256", "--out", out, "--passout", "stdin"],
                    stdin: Data("before\0after\n".utf8)),
            ] {
                #expect(result.status == 1)
                #expect(result.stdout == "")
                #expect(result.stderrIsOneLine, "\(result.stderr)")
                #expect(result.stderr.contains("NUL byte"), "\(result.stderr)")
                #expect(directory.contents == ["nul.txt"])
            }
        }
    }

    @Test("backup --passout stdin with standard input closed writes nothing")
    func backupWithClosedStandardInput() throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let result = try runShell(
                #"exec 0<&-; exec "$0" backup --algorithm p256 --out "$1" --passout stdin"#, [out])
            #expect(result.status == 1)
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(result.stderr.contains("no passphrase from standard input"), "\(result.stderr)")
            #expect(directory.contents.isEmpty)
        }
    }
}

/// The passphrase prompt on a terminal, run on a pseudo-terminal by `Tests/Support/prompt-interrupt.py`.
@Suite(
    "Terminal passphrase prompt",
    .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"))
struct TerminalPromptTests {
    static let script = PackagePaths.root.appendingPathComponent("Tests/Support/prompt-interrupt.py").path
    static let key = "keys/ec-p256.pkcs8.enc.pem"

    /// The helper's report on `pinhash KEY` prompting on a pseudo-terminal and ended by `how`.
    private func prompt(ending how: String) throws -> String {
        let result = try runProcess(
            try #require(LiveTools.python), [Self.script, how, PackagePaths.pinhash, Self.key], stdin: nil,
            environment: [:], timeout: 60, sourceLocation: #_sourceLocation)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(
        "A signal at the prompt (Ctrl-C, SIGTERM, SIGHUP) restores echo, then ends pinhash by that signal",
        arguments: [("INT", SIGINT), ("TERM", SIGTERM), ("HUP", SIGHUP)])
    func signalRestoresEcho(name: String, number: Int32) throws {
        #expect(try prompt(ending: name) == "echo=on signal=\(number) status=0")
    }

    @Test("A passphrase typed at the prompt opens the key, and echo is on again afterwards")
    func typedPassphrase() throws {
        #expect(try prompt(ending: "TYPE:\(Fixtures.passphrase)") == "echo=on signal=0 status=0")
        #expect(try prompt(ending: "TYPE:not the passphrase") == "echo=on signal=0 status=1")
    }
}
