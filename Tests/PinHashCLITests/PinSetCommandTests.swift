import Foundation
import PinHashTestSupport
import Testing

/// `pinhash pinset init`, `export` and `diff` run as a user would. The pin sets they write are read
/// with PyYAML (not pinhash); expected pins come from the fixture manifest (openssl); servers are
/// `openssl s_server` on loopback.
@Suite("pinhash pinset")
struct PinSetCommandTests {
    static func pin(_ path: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.file(path).rows.first { $0.position == position }).pin
    }

    static let pyYAML: Bool = {
        guard let python3 = FormatConsumers.python3,
            let result = try? runProcess(
                python3, ["-c", "import yaml"], stdin: nil, environment: [:], timeout: 30,
                sourceLocation: #_sourceLocation)
        else { return false }
        return result.status == 0
    }()

    /// A pin set's text as PyYAML reads it (dates as text).
    static func yaml(_ text: String) throws -> [String: Any] {
        try #require(
            try FormatConsumers.python(
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin), default=str))",
                input: text)
                as? [String: Any])
    }

    @Test(
        "init pins every object of the files and the backup, labelled with role and source",
        .enabled(if: Self.pyYAML, "python3 with PyYAML is not installed"))
    func initFromFiles() throws {
        let result = try run([
            "pinset", "init", "--host", "WWW.example.com", "--include-subdomains", "--expiration",
            "2027-06-30",
            "--report-only", "--report-uri", "https://example.com/r", "--client", "android", "--client",
            "ios",
            "certs/chain.pem", "--backup", "keys/ec-p256.pkcs8.pem",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let loaded = try Self.yaml(result.stdout)
        #expect(loaded["version"] as? Int == 1)
        let hosts = try #require(loaded["hosts"] as? [[String: Any]])
        try #require(hosts.count == 1)
        let host = hosts[0]
        #expect(host["name"] as? String == "www.example.com")
        #expect(host["port"] as? Int == 443)
        #expect(host["include-subdomains"] as? Bool == true)
        #expect(host["expiration"] as? String == "2027-06-30")
        #expect(host["enforcement"] as? String == "report-only")
        #expect(host["report-uris"] as? [String] == ["https://example.com/r"])
        #expect(host["clients"] as? [String] == ["android", "ios"])
        let pins = try #require(host["pins"] as? [[String: String]])
        #expect(
            pins.map { $0["pin"] } == [
                try Self.pin("certs/chain.pem", position: 1), try Self.pin("certs/chain.pem", position: 2),
                try Self.pin("certs/chain.pem", position: 3), try Self.pin("keys/ec-p256.pkcs8.pem"),
            ])
        #expect(pins.map { $0["role"] } == ["leaf", "intermediate", "root", "backup"])
        #expect(
            pins.map { $0["source"] } == [
                "certs/chain.pem", "certs/chain.pem", "certs/chain.pem", "keys/ec-p256.pkcs8.pem",
            ])
        #expect(pins[0]["label"]?.contains("CN=www.example.com") == true)
        #expect(pins.allSatisfy { !($0["label"] ?? "").isEmpty })
    }

    @Test("init refuses a set without a backup or with one pin: exit 1, one line, nothing written")
    func initRefusesWeakSets() throws {
        for arguments in [
            ["certs/chain.pem"], ["certs/leaf.pem"], ["certs/leaf.pem", "--backup", "certs/leaf.pem"],
        ] {
            let result = try run(["pinset", "init", "--host", "www.example.com"] + arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("pinhash: refusing the pin set for www.example.com: "))
            #expect(result.stderr.contains("--allow-no-backup"))
        }
        let allowed = try run([
            "pinset", "init", "--host", "www.example.com", "--allow-no-backup", "certs/leaf.pem",
        ])
        #expect(allowed.status == 0)
        #expect(
            allowed.stderr.hasPrefix("pinhash: warning: the pin set for www.example.com: it has only one pin")
        )
        #expect(allowed.stdout.contains("pin: \(try Self.pin("certs/leaf.pem"))"))
    }

    @Test("init takes a backup pin as base64, and refuses a pin that is not one")
    func initBackupPin() throws {
        let spare = try Self.pin("keys/ec-p256.pkcs8.pem")
        let result = try run([
            "pinset", "init", "--host", "www.example.com", "certs/leaf.pem", "--backup", spare,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  - pin: \(spare)\n    label: \"backup pin\"\n    role: backup\n"))
        let bad = try run([
            "pinset", "init", "--host", "www.example.com", "certs/leaf.pem", "--backup",
            String(repeating: "A", count: 43),
        ])
        #expect(bad.status == 1)
        #expect(bad.stdout.isEmpty)
    }

    @Test("init --out writes the file, refuses to replace it without --force, and replaces it with --force")
    func initOut() throws {
        try withBackupDirectory { directory in
            let out = directory.path("pins.yaml")
            let first = try run([
                "pinset", "init", "--host", "a.example", "--out", out, "certs/leaf.pem", "--backup",
                "keys/ec-p256.pkcs8.pem",
            ])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.isEmpty)
            let written = try String(contentsOfFile: out, encoding: .utf8)
            #expect(written.contains("name: a.example"))
            let again = try run([
                "pinset", "init", "--host", "b.example", "--out", out, "certs/leaf.pem", "--backup",
                "keys/ec-p256.pkcs8.pem",
            ])
            #expect(again.status == 1)
            #expect(again.stderrIsOneLine)
            #expect(again.stderr.contains("give --force to replace it"))
            #expect(try String(contentsOfFile: out, encoding: .utf8) == written)
            let forced = try run([
                "pinset", "init", "--host", "b.example", "--out", out, "--force", "certs/leaf.pem",
                "--backup", "keys/ec-p256.pkcs8.pem",
            ])
            #expect(forced.status == 0)
            #expect(try String(contentsOfFile: out, encoding: .utf8).contains("name: b.example"))
            #expect(directory.contents == ["pins.yaml"])
        }
    }

    @Test(
        "init --connect pins what the server sends and the root a client builds to, labelled host:port",
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed"))
    func initFromServer() throws {
        let server = try OpenSSLTLSServer()
        defer { server.stop() }
        let result = try run([
            "pinset", "init", "--connect", "www.example.com:\(server.port)", "--address", "127.0.0.1",
            "--cafile",
            "certs/root.pem", "--backup", "keys/ec-p256.pkcs8.pem",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = [
            ("leaf", try Self.pin("certs/leaf.pem")),
            ("intermediate", try Self.pin("certs/intermediate.pem")),
            ("root", try Self.pin("certs/root.pem")),
        ]
        for (role, pin) in expected {
            #expect(
                result.stdout.contains("  - pin: \(pin)\n"), "\(role) pin missing:\n\(result.stdout)")
        }
        #expect(result.stdout.contains("name: www.example.com\n  port: \(server.port)\n"))
        #expect(
            result.stdout.components(separatedBy: "source: \"www.example.com:\(server.port)\"").count == 4)
        #expect(result.stdout.contains("role: root\n"))
    }

    @Test("export and diff name the file and the line of a bad pin set, exit 1 and 2")
    func badPinSet() throws {
        try withBackupDirectory { directory in
            let bad = directory.path("bad.yaml")
            try "version: 1\nhosts:\n- name: a.example\n  pins:\n  - pin: abc\n".write(
                toFile: bad, atomically: true, encoding: .utf8)
            let export = try run(["pinset", "export", bad, "--format", "android"])
            #expect(export.status == 1)
            #expect(export.stdout.isEmpty)
            #expect(
                export.stderr
                    == "pinhash: \(bad): line 5: hosts[0].pins[0].pin: \"abc\" is not the base64 of a SHA-256 (32 bytes)\n"
            )
            let diff = try run(["pinset", "diff", bad, bad])
            #expect(diff.status == 2)
            #expect(diff.stderrIsOneLine)
        }
    }

    @Test("diff exits 0 for the same pins, 1 with one line per difference")
    func diff() throws {
        try withBackupDirectory { directory in
            let truth = directory.path("pins.yaml")
            let app = directory.path("app.yaml")
            let spare = try Self.pin("keys/ec-p256.pkcs8.pem")
            let leaf = try Self.pin("certs/leaf.pem")
            try "version: 1\nhosts:\n- name: a.example\n  pins:\n  - pin: \(leaf)\n  - pin: \(spare)\n"
                .write(toFile: truth, atomically: true, encoding: .utf8)
            try
                "version: 1\nhosts:\n- name: a.example\n  include-subdomains: true\n  pins:\n  - pin: \(spare)\n    label: spare\n"
                .write(toFile: app, atomically: true, encoding: .utf8)
            let same = try run(["pinset", "diff", truth, truth])
            #expect(same.status == 0)
            #expect(same.stdout.isEmpty && same.stderr.isEmpty)
            let drift = try run(["pinset", "diff", truth, app])
            #expect(drift.status == 1)
            #expect(
                drift.stdoutLines == [
                    "a.example: pin only in \(truth): \(leaf)",
                    "a.example: include-subdomains: false in \(truth), true in \(app)",
                ])
        }
    }

    @Test("export of a multi-host set to a one-host format asks for --host")
    func exportChooseHost() throws {
        try withBackupDirectory { directory in
            let file = directory.path("pins.yaml")
            let leaf = try Self.pin("certs/leaf.pem")
            try
                "version: 1\nhosts:\n- name: a.example\n  pins: [{pin: \(leaf)}]\n- name: b.example\n  pins: [{pin: \(leaf)}]\n"
                .write(toFile: file, atomically: true, encoding: .utf8)
            let refused = try run(["pinset", "export", file, "--format", "curl"])
            #expect(refused.status == 1)
            #expect(refused.stderr.hasSuffix("choose one with --host NAME\n"))
            let chosen = try run(["pinset", "export", file, "--format", "curl", "--host", "b.example"])
            #expect(chosen.status == 0)
            #expect(chosen.stdout == "sha256//\(leaf)\n")
            let unknown = try run(["pinset", "export", file, "--format", "xml"])
            #expect(unknown.status == 64)
        }
    }
}
