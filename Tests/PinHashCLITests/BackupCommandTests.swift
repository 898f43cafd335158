import Foundation
import PinHashTestSupport
import Testing

/// A fresh directory for one test's output files.
struct BackupDirectory {
    let url: URL

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names in the directory.
    var contents: Set<String> { Set((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []) }
}

/// Runs `body` with a fresh directory, removed afterwards whatever happens.
func withBackupDirectory<T>(_ body: (BackupDirectory) throws -> T) throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("pinhash-backup-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(BackupDirectory(url: url))
}

/// What openssl says about a key or request file; the values pinhash must agree with.
enum BackupOpenSSL {
    /// `openssl pkey -in KEY -pubout -outform der | openssl dgst -sha256 -binary | openssl enc -base64`,
    /// with `-passin file:PASSFILE` when given. Fails when openssl cannot read the key.
    static func pin(ofKey path: String, passphraseFile: String? = nil) throws -> String {
        let script =
            #"/usr/bin/openssl pkey -in "$1" ${2:+-passin "file:$2"} -pubout -outform der"#
            + #" | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl enc -base64"#
        let result = try runShell(script, [path, passphraseFile ?? ""])
        guard result.status == 0, result.stderr.isEmpty else {
            throw OpenSSLFailure(reason: "openssl pkey \(path): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The pin of the public key in a certificate request.
    static func pin(ofRequest path: String) throws -> String {
        let script =
            #"/usr/bin/openssl req -in "$1" -pubkey -noout | /usr/bin/openssl pkey -pubin -outform der"#
            + #" | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl enc -base64"#
        let result = try runShell(script, [path])
        guard result.status == 0, result.stderr.isEmpty else {
            throw OpenSSLFailure(reason: "openssl req \(path): \(result.stderr)")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `openssl pkey -noout -text`'s first line: `Private-Key: (2048 bit, 2 primes)`, `ED25519 Private-Key:`.
    static func description(ofKey path: String) throws -> String {
        let result = try runShell(#"/usr/bin/openssl pkey -in "$1" -noout -text | head -n 1"#, [path])
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func openssl(_ arguments: [String]) throws -> ProcessOutput {
        try runProcess(
            "/usr/bin/openssl", arguments, stdin: nil, environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
    }

    struct OpenSSLFailure: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}

func fileMode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? NSNumber).intValue
}

@Suite(
    "Backup: pinhash backup writes keys and requests openssl reads",
    .enabled(if: OpenSSLPipeline.isInstalled, "/usr/bin/openssl is missing"))
struct BackupCommandTests {
    static let subject = "/C=DE/O=Example Inc./OU=Ops\\/Backup/CN=www.example.com"
    /// What `openssl req -noout -subject -nameopt RFC2253` prints for `subject`.
    static let subjectRFC2253 = "subject=CN=www.example.com,OU=Ops/Backup,O=Example Inc.,C=DE"

    @Test(
        "Each algorithm: a 0600 PKCS#8 key openssl reads, and pinhash prints openssl's pin for it",
        arguments: [
            ("rsa2048", "Private-Key: (2048 bit, 2 primes)"),
            ("rsa3072", "Private-Key: (3072 bit, 2 primes)"),
            ("rsa4096", "Private-Key: (4096 bit, 2 primes)"), ("p256", "Private-Key: (256 bit)"),
            ("p384", "Private-Key: (384 bit)"), ("ed25519", "ED25519 Private-Key:"),
        ])
    func everyAlgorithm(algorithm: String, opensslDescription: String) throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let result = try run(["backup", "--algorithm", algorithm, "--out", out], timeout: 60)
            #expect(result.status == 0, "stderr: \(result.stderr)")
            // Ed25519's warning (no public CA certifies such a key) is NewUserTests'.
            #expect(algorithm == "ed25519" ? result.stderrIsOneLine : result.stderr == "", "\(result.stderr)")
            #expect(try fileMode(out) == 0o600)
            #expect(
                try String(contentsOfFile: out, encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            #expect(try BackupOpenSSL.description(ofKey: out) == opensslDescription)
            let opensslPin = try BackupOpenSSL.pin(ofKey: out)
            #expect(result.stdout == "\(opensslPin)\n")
            #expect(directory.contents == ["backup.key"], "a temporary file was left behind")
        }
    }

    @Test("The key's mode is exactly 0600 whatever the umask", arguments: ["000", "022", "077", "277"])
    func modeIgnoresUmask(umask: String) throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let result = try runShell(
                #"umask "$1" && exec "$0" backup --algorithm ed25519 --out "$2""#, [umask, out])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(try fileMode(out) == 0o600)
        }
    }

    @Test("--format prints the new key's pin in the form asked for, as openssl computes it")
    func formattedPin() throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let result = try run(["backup", "--algorithm", "p256", "--out", out, "--format", "hpkp"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "pin-sha256=\"\(try BackupOpenSSL.pin(ofKey: out))\"\n")
            let tlsaOut = directory.path("backup2.key")
            let tlsa = try run(
                [
                    "backup", "--algorithm", "ed25519", "--out", tlsaOut, "--format", "tlsa", "--host",
                    "example.com",
                ])
            #expect(tlsa.status == 0, "\(tlsa.stderr)")
            let pin = try #require(Data(base64Encoded: try BackupOpenSSL.pin(ofKey: tlsaOut)))
            let hex = pin.map { String(format: "%02x", $0) }.joined()
            #expect(tlsa.stdout == "_443._tcp.example.com. IN TLSA 3 1 1 \(hex)\n")
        }
    }

    @Test("An existing --out is refused: exit 1, one line, the file untouched, no other file left")
    func refusesToOverwrite() throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            try Data("precious\n".utf8).write(to: URL(fileURLWithPath: out))
            let result = try run(["backup", "--algorithm", "p256", "--out", out])
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderr == "pinhash: \(out) exists; pinhash never overwrites a key\n")
            #expect(try String(contentsOfFile: out, encoding: .utf8) == "precious\n")
            #expect(directory.contents == ["backup.key"])
        }
    }

    @Test("A dangling symbolic link at --out is refused, and nothing is created where it points")
    func refusesDanglingLink() throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            try FileManager.default.createSymbolicLink(
                atPath: out, withDestinationPath: directory.path("target.key"))
            let result = try run(["backup", "--algorithm", "p256", "--out", out])
            #expect(result.status == 1)
            #expect(result.stderrIsOneLine && result.stderr.contains("exists"), "stderr: \(result.stderr)")
            #expect(directory.contents == ["backup.key"])
        }
    }

    @Test("An existing --csr is refused before anything is written")
    func refusesExistingRequest() throws {
        try withBackupDirectory { directory in
            let csr = directory.path("backup.csr")
            try Data().write(to: URL(fileURLWithPath: csr))
            let result = try run([
                "backup", "--algorithm", "p256", "--out", directory.path("backup.key"), "--csr", csr,
                "--subject",
                "/CN=x",
            ])
            #expect(result.status == 1)
            #expect(result.stderr == "pinhash: \(csr) exists; pinhash never overwrites a file\n")
            #expect(directory.contents == ["backup.csr"])
        }
    }

    @Test("A --out in a missing directory fails with one line naming it")
    func missingDirectory() throws {
        let result = try run([
            "backup", "--algorithm", "p256", "--out", "/nonexistent-pinhash-dir/backup.key",
        ])
        #expect(result.status == 1)
        #expect(
            result.stderrIsOneLine && result.stderr.contains("/nonexistent-pinhash-dir"), "\(result.stderr)")
    }

    enum PassoutForm: String, CaseIterable, Sendable {
        case pass, env, file, fd, stdin
    }

    @Test(
        "--passout in every form writes an ENCRYPTED PRIVATE KEY openssl opens only with that passphrase",
        arguments: PassoutForm.allCases)
    func encryptedOutput(form: PassoutForm) throws {
        let passphrase = "correct horse battery staple"
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let passFile = directory.path("pass.txt")
            let wrongFile = directory.path("wrong.txt")
            try Data(passphrase.utf8).write(to: URL(fileURLWithPath: passFile))
            try Data("correct horse battery stapler".utf8).write(to: URL(fileURLWithPath: wrongFile))
            let base = ["backup", "--algorithm", "p256", "--out", out]
            let result: ProcessOutput
            switch form {
            case .pass: result = try run(base + ["--passout", "pass:\(passphrase)"])
            case .env:
                result = try run(
                    base + ["--passout", "env:BACKUP_PASS"], environment: ["BACKUP_PASS": passphrase])
            case .file: result = try run(base + ["--passout", "file:\(passFile)"])
            case .fd:
                result = try runShell(
                    #"exec 3<"$2"; exec "$0" backup --algorithm p256 --out "$1" --passout fd:3"#,
                    [out, passFile])
            case .stdin: result = try run(base + ["--passout", "stdin"], stdin: Data("\(passphrase)\n".utf8))
            }
            #expect(result.status == 0, "stderr: \(result.stderr)")
            if form == .pass {
                #expect(
                    result.stderrIsOneLine && result.stderr.contains("warning: --passout pass:"),
                    "\(result.stderr)")
            } else {
                #expect(result.stderr == "")
            }
            #expect(!result.stderr.contains(passphrase) && !result.stdout.contains(passphrase))
            #expect(try fileMode(out) == 0o600)
            let text = try String(contentsOfFile: out, encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
            let opensslPin = try BackupOpenSSL.pin(ofKey: out, passphraseFile: passFile)
            #expect(result.stdout == "\(opensslPin)\n")
            #expect(throws: BackupOpenSSL.OpenSSLFailure.self) {
                try BackupOpenSSL.pin(ofKey: out, passphraseFile: wrongFile)
            }
            let cipher = try BackupOpenSSL.openssl(["asn1parse", "-in", out])
            #expect(cipher.stdout.contains(":aes-256-cbc"), "\(cipher.stdout)")
        }
    }

    @Test("An empty --passout passphrase or an unset variable fails; a bad form is a usage error")
    func passoutProblems() throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let empty = try run([
                "backup", "--algorithm", "p256", "--out", out, "--passout", "file:/dev/null",
            ])
            #expect(empty.status == 1)
            #expect(empty.stderr.contains("empty"), "\(empty.stderr)")
            let unset = try run(
                [
                    "backup", "--algorithm", "p256", "--out", out, "--passout",
                    "env:PINHASH_TEST_UNSET_VARIABLE",
                ])
            #expect(unset.status == 1)
            #expect(
                unset.stderr
                    == "pinhash: environment variable PINHASH_TEST_UNSET_VARIABLE (from --passout env:) is not set\n"
            )
            let bogus = try run(["backup", "--algorithm", "p256", "--out", out, "--passout", "bogus"])
            #expect(bogus.status == 64)
            #expect(directory.contents.isEmpty)
        }
    }

    @Test(
        "--csr: a request that verifies, has the subject and the key's pin",
        arguments: ["rsa2048", "p256", "ed25519"])
    func certificateRequest(algorithm: String) throws {
        try withBackupDirectory { directory in
            let out = directory.path("backup.key")
            let csr = directory.path("backup.csr")
            let result = try run([
                "backup", "--algorithm", algorithm, "--out", out, "--csr", csr, "--subject", Self.subject,
            ])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            let verified = try BackupOpenSSL.openssl(["req", "-in", csr, "-verify", "-noout"])
            #expect(verified.status == 0, "\(verified.stderr)")
            #expect((verified.stdout + verified.stderr).contains("verify OK"))
            let subject = try BackupOpenSSL.openssl([
                "req", "-in", csr, "-noout", "-subject", "-nameopt", "RFC2253",
            ])
            #expect(subject.stdout == "\(Self.subjectRFC2253)\n")
            let keyPin = try BackupOpenSSL.pin(ofKey: out)
            #expect(try BackupOpenSSL.pin(ofRequest: csr) == keyPin)
            #expect(result.stdout == "\(keyPin)\n")
            #expect(directory.contents == ["backup.key", "backup.csr"])
        }
    }

    @Test("A request with a UTF-8 subject, under the umask's usual mode")
    func utf8Request() throws {
        try withBackupDirectory { directory in
            let csr = directory.path("backup.csr")
            let result = try runShell(
                #"umask 022 && exec "$0" backup --algorithm ed25519 --out "$1" --csr "$2" --subject "$3""#,
                [directory.path("backup.key"), csr, "/CN=Bücher.example/O=Ünïcödé"])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(try fileMode(csr) == 0o644)
            let subject = try BackupOpenSSL.openssl([
                "req", "-in", csr, "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb",
            ])
            #expect(subject.stdout == "subject=O=Ünïcödé,CN=Bücher.example\n")
        }
    }

    @Test(
        "Command-line mistakes exit 64 and write nothing",
        arguments: [
            ["--algorithm", "p256"],
            ["--out", "OUT"],
            ["--algorithm", "dsa", "--out", "OUT"],
            ["--algorithm", "p256", "--out", "-"],
            ["--algorithm", "p256", "--out", "OUT", "--csr", "CSR"],
            ["--algorithm", "p256", "--out", "OUT", "--subject", "/CN=x"],
            ["--algorithm", "p256", "--out", "OUT", "--csr", "OUT", "--subject", "/CN=x"],
            ["--algorithm", "p256", "--out", "OUT", "--csr", "CSR", "--subject", "CN=x"],
            ["--algorithm", "p256", "--out", "OUT", "--csr", "CSR", "--subject", "/NOSUCHTYPE=x"],
            ["--algorithm", "p256", "--out", "OUT", "--csr", "CSR", "--subject", "/C=DEU"],
            ["--algorithm", "p256", "--out", "OUT", "--csr", "CSR", "--subject", "/CN="],
        ])
    func usageErrors(arguments: [String]) throws {
        try withBackupDirectory { directory in
            let resolved = arguments.map {
                $0 == "OUT" ? directory.path("k") : $0 == "CSR" ? directory.path("r") : $0
            }
            let result = try run(["backup"] + resolved)
            #expect(result.status == 64, "stderr: \(result.stderr)")
            #expect(result.stdout == "")
            #expect(directory.contents.isEmpty)
        }
    }

    @Test("--help explains the options and the exit statuses")
    func help() throws {
        let result = try run(["backup", "--help"])
        #expect(result.status == 0)
        for word in ["--algorithm", "--out", "--passout", "--csr", "--subject", "0600", "Exit status"] {
            #expect(result.stdout.contains(word), "\(word)")
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP while `pinhash backup` writes, sent by `Tests/Support/signal-at-create.py`:
/// no file is left but whole ones in place (openssl reads the key), never a temporary file.
@Suite(
    "Backup: signals while the key is written",
    .enabled(if: OpenSSLPipeline.isInstalled, "/usr/bin/openssl is missing"),
    .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"))
struct BackupSignalTests {
    static let script = PackagePaths.root.appendingPathComponent("Tests/Support/signal-at-create.py").path

    /// The helper's report (`first=NAME signal=N status=N`) on `pinhash backup` signalled `when`
    /// (`create`: as the first name appears in the directory; else after that many seconds).
    private func backup(
        signal: String, when: String, in directory: BackupDirectory, algorithm: String = "p256",
        request: Bool = false
    ) throws -> [String: String] {
        var arguments = [
            Self.script, signal, when, directory.url.path, PackagePaths.pinhash, "backup", "--algorithm",
            algorithm,
            "--out", directory.path("backup.key"),
        ]
        if request {
            arguments += ["--csr", directory.path("backup.csr"), "--subject", "/CN=backup.example"]
        }
        let result = try runProcess(
            try #require(LiveTools.python), arguments, stdin: nil, environment: [:], timeout: 60,
            sourceLocation: #_sourceLocation)
        try #require(result.status == 0, "\(result.stdout)\(result.stderr)")
        var report: [String: String] = [:]
        for field in result.stdout.split(whereSeparator: \.isWhitespace) {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { report[String(parts[0])] = String(parts[1]) }
        }
        return report
    }

    /// What every interrupted run must leave: no temporary file; a key only whole (openssl reads it) with
    /// mode 0600, and with --csr only together with its request.
    private func expectOnlyWholeFiles(
        in directory: BackupDirectory, request: Bool, _ report: [String: String]
    )
        throws
    {
        let names = directory.contents
        #expect(!names.contains { $0.hasPrefix(".pinhash-") }, "\(names) after \(report)")
        let allowed: Set<String> = request ? ["backup.key", "backup.csr"] : ["backup.key"]
        #expect(names.isEmpty || names == allowed, "\(names) after \(report)")
        if names.contains("backup.key") {
            _ = try BackupOpenSSL.pin(ofKey: directory.path("backup.key"))
            #expect(try fileMode(directory.path("backup.key")) == 0o600)
        }
        if report["status"] == "0" && report["signal"] == "0" { #expect(names == allowed, "\(report)") }
    }

    @Test(
        "A signal the moment the first file appears: no .pinhash- temporary file, the key gone or whole",
        arguments: ["INT", "TERM", "HUP"], [false, true])
    func signalAtFirstFile(signal: String, request: Bool) throws {
        for _ in 0..<3 {
            try withBackupDirectory { directory in
                let report = try backup(signal: signal, when: "create", in: directory, request: request)
                // The key's contents never have a name of their own: the first name is the key itself.
                #expect(report["first"] == "backup.key", "\(report)")
                try expectOnlyWholeFiles(in: directory, request: request, report)
            }
        }
    }

    @Test("Signals at random moments of an RSA backup leave no temporary file and no partial key")
    func signalsAtRandomMoments() throws {
        for run in 0..<12 {
            let signal = ["INT", "TERM", "HUP"][run % 3]
            let delay = String(format: "%.3f", Double.random(in: 0...0.3))
            try withBackupDirectory { directory in
                let report = try backup(
                    signal: signal, when: delay, in: directory, algorithm: "rsa2048", request: run % 2 == 0)
                try expectOnlyWholeFiles(in: directory, request: run % 2 == 0, report)
            }
        }
    }
}
