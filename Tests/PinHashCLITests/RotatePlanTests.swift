import Foundation
import PinHashTestSupport
import Testing

/// Values the openssl command line and GNU date compute, which `pinhash rotate` must agree with.
enum RotateTruth {
    /// The base64 SPKI SHA-256 of a certificate's key.
    static func pin(ofCertificate path: String) throws -> String {
        let result = try runShell(
            "openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin -outform der"
                + " | openssl dgst -sha256 -binary | openssl base64 -A", [path])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The hex SPKI SHA-256 of a private key: the data of its `3 1 1` record.
    static func hex(ofKey path: String) throws -> String {
        let result = try runShell(
            "openssl pkey -in \"$1\" -pubout -outform der | openssl dgst -sha256 -r | cut -d' ' -f1", [path])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `date -u -d "DAY + N days" +%F`.
    static func day(_ day: String, plus days: Int) throws -> String {
        let result = try runProcess(
            "/bin/date", ["-u", "-d", "\(day) + \(days) days", "+%F"], stdin: nil, environment: [:],
            timeout: 10,
            sourceLocation: #_sourceLocation)
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static var today: String {
        get throws {
            let result = try runProcess(
                "/bin/date", ["-u", "+%F"], stdin: nil, environment: [:], timeout: 10,
                sourceLocation: #_sourceLocation)
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

@Suite(
    "Rotate plan: the next key, its pin in the pin set, and when to switch",
    .enabled(if: OpenSSLPipeline.isInstalled, "/usr/bin/openssl is missing"))
struct RotatePlanTests {
    static func leafPin() throws -> String { try RotateTruth.pin(ofCertificate: "certs/leaf.pem") }
    static func intermediatePin() throws -> String {
        try RotateTruth.pin(ofCertificate: "certs/intermediate.pem")
    }

    /// A pin set of www.example.com with the fixture leaf and intermediate, for `clients`.
    static func pinSet(clients: String? = nil) throws -> String {
        """
        version: 1
        hosts:
        - name: www.example.com
          port: 443
          pins:
          - pin: \(try leafPin())
            label: "leaf 2026"
            role: leaf
          - pin: \(try intermediatePin())
            role: intermediate

        """ + (clients.map { "  clients: [\($0)]\n" } ?? "")
    }

    @Test(
        "The key and request openssl reads, mode 0600, and the pin set lists openssl's pin of it as a backup")
    func keyRequestAndPinSet() throws {
        try withBackupDirectory { directory in
            let pins = directory.path("pins.yaml")
            try Self.pinSet().write(toFile: pins, atomically: true, encoding: .utf8)
            let key = directory.path("next.key")
            let csr = directory.path("next.csr")
            let result = try run(
                [
                    "rotate", "plan", "--algorithm", "p256", "--out", key, "--csr", csr, "--subject",
                    "/CN=www.example.com", pins,
                ], timeout: 60)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr == "")
            #expect(try fileMode(key) == 0o600)
            let pin = try BackupOpenSSL.pin(ofKey: key)
            #expect(try BackupOpenSSL.pin(ofRequest: csr) == pin)
            #expect(result.stdoutLines.first?.hasPrefix("next key: \(pin) (p256)") == true)
            let text = try String(contentsOfFile: pins, encoding: .utf8)
            let today = try RotateTruth.today
            #expect(
                text.contains(
                    "  - pin: \(pin)\n    label: \"next key, generated \(today)\"\n    role: backup\n"),
                "\(text)")
            #expect(
                text.contains("  - pin: \(try Self.leafPin())\n    label: \"leaf 2026\"\n    role: leaf\n"))
            #expect(directory.contents == ["pins.yaml", "next.key", "next.csr"], "a temporary file was left")
        }
    }

    @Test("A CA pin the plan keeps after the switch is named from the catalogue, after its label")
    func caPinNamedAfterSwitch() throws {
        try withBackupDirectory { directory in
            let r11 = try RotateTruth.pin(ofCertificate: "../Catalogue/intermediates/letsencrypt/r11.pem")
            let pins = directory.path("pins.yaml")
            try (Self.pinSet() + "  - pin: \(r11)\n    label: issuer\n    role: intermediate\n")
                .write(toFile: pins, atomically: true, encoding: .utf8)
            let result = try run(
                [
                    "rotate", "plan", "--algorithm", "p256", "--out", directory.path("next.key"), "--csr",
                    directory.path("next.csr"), "--subject", "/CN=www.example.com", pins,
                ], timeout: 60)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdoutLines.contains(
                    "       \(r11)  intermediate  issuer  (catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024)"
                ), "\(result.stdout)")
        }
    }

    @Test("An existing key file is never overwritten, and then the pin set is left as it was")
    func neverOverwrites() throws {
        try withBackupDirectory { directory in
            let pins = directory.path("pins.yaml")
            let original = try Self.pinSet()
            try original.write(toFile: pins, atomically: true, encoding: .utf8)
            let key = directory.path("next.key")
            try "not a key\n".write(toFile: key, atomically: true, encoding: .utf8)
            let result = try run(
                [
                    "rotate", "plan", "--algorithm", "ed25519", "--out", key, "--csr",
                    directory.path("next.csr"),
                    "--subject", "/CN=x", pins,
                ])
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(
                result.stderrIsOneLine && result.stderr.contains("never overwrites a key"), "\(result.stderr)"
            )
            #expect(try String(contentsOfFile: key, encoding: .utf8) == "not a key\n")
            #expect(try String(contentsOfFile: pins, encoding: .utf8) == original)
            #expect(directory.contents == ["pins.yaml", "next.key"])
        }
    }

    @Test("When the pin set cannot be rewritten, the new key and request are removed again")
    func pinSetWriteFailureRemovesTheKey() throws {
        try withBackupDirectory { directory in
            let pins = directory.path("pins.yaml")
            try Self.pinSet().write(toFile: pins, atomically: true, encoding: .utf8)
            // /dev/fd/3 reads the pin set, but no file can be created beside it in /dev/fd.
            let result = try runShell(
                #"exec 3<"$1"; exec "$0" rotate plan --algorithm ed25519 --out "$2" --csr "$3" --subject /CN=x /dev/fd/3"#,
                [pins, directory.path("next.key"), directory.path("next.csr")])
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(directory.contents == ["pins.yaml"], "the key or request was left without the pin set")
        }
    }

    /// The documented rule: publish + the longest of the app window, max-age and two TTLs, each rounded
    /// up to whole days, counting only the channels the host's clients use.
    @Test(
        "The switch date is the publish date plus the longest wait, each wait's date as GNU date counts it",
        arguments: [
            ("okhttp, hpkp, tlsa", 45, 864_000, 172_800),
            ("okhttp, hpkp, tlsa", 30, 5_184_000, 3_600),
            ("okhttp, hpkp, tlsa", 0, 86_401, 3_601),
            ("tlsa", 90, 5_184_000, 2_000_000),
            ("android, ios", 14, 5_184_000, 3_600),
        ])
    func schedule(clients: String, appWindow: Int, maxAge: Int, ttl: Int) throws {
        try withBackupDirectory { directory in
            let pins = directory.path("pins.yaml")
            try Self.pinSet(clients: clients).write(toFile: pins, atomically: true, encoding: .utf8)
            let publish = "2026-05-01"
            let result = try run(
                [
                    "rotate", "plan", "--algorithm", "ed25519", "--out", directory.path("next.key"),
                    "--publish-date", publish, "--app-window", "\(appWindow)", "--max-age", "\(maxAge)",
                    "--tlsa-ttl", "\(ttl)", pins,
                ])
            #expect(result.status == 0, "\(result.stderr)")
            let list = clients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let ceilingDays = { (seconds: Int) in (seconds + 86_399) / 86_400 }
            var waits: [(String, Int)] = []
            if list.contains(where: { ["okhttp", "android", "ios"].contains($0) }) {
                waits.append(("the app update window, ", appWindow))
            }
            if list.contains("hpkp") { waits.append(("the header's max-age, ", ceilingDays(maxAge))) }
            if list.contains("tlsa") { waits.append(("two TTLs of the TLSA records", ceilingDays(2 * ttl))) }
            let switchDay = try RotateTruth.day(publish, plus: waits.map(\.1).max() ?? 0)
            #expect(result.stdout.contains("  1. \(publish)  publish the pin set with the next key:\n"))
            #expect(
                result.stdout.contains(
                    "  2. \(switchDay)  the earliest day to switch the server to the next key"),
                "\(result.stdout)")
            for (what, days) in waits {
                let line = "       \(try RotateTruth.day(publish, plus: days))  \(what)"
                #expect(result.stdout.contains(line), "no line \(line) in\n\(result.stdout)")
            }
            #expect(result.stdout.contains("Public-Key-Pins") == list.contains("hpkp"))
        }
    }

    @Test(
        "The TLSA records before and after the switch carry openssl's hashes and read back through pinset import"
    )
    func tlsaRecords() throws {
        try withBackupDirectory { directory in
            let pins = directory.path("pins.yaml")
            try Self.pinSet(clients: "tlsa").write(toFile: pins, atomically: true, encoding: .utf8)
            let key = directory.path("next.key")
            let result = try run(["rotate", "plan", "--algorithm", "p384", "--out", key, pins])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = result.stdoutLines
            let afterSwitch = try #require(lines.firstIndex { $0.contains("and the TLSA records:") })
            let records = { (range: ArraySlice<String>) in
                range.filter { $0.hasPrefix("         _443._tcp.") }.map {
                    $0.trimmingCharacters(in: .whitespaces)
                }
            }
            let before = records(lines[..<afterSwitch])
            let after = records(lines[afterSwitch...])
            let nextHex = try RotateTruth.hex(ofKey: key)
            let leafHex = try #require(
                Data(base64Encoded: try Self.leafPin())
            ).map { String(format: "%02x", $0) }.joined()
            let caHex = try #require(
                Data(base64Encoded: try Self.intermediatePin())
            ).map { String(format: "%02x", $0) }.joined()
            #expect(
                Set(before) == [
                    "_443._tcp.www.example.com. IN TLSA 3 1 1 \(leafHex)",
                    "_443._tcp.www.example.com. IN TLSA 2 1 1 \(caHex)",
                    "_443._tcp.www.example.com. IN TLSA 3 1 1 \(nextHex)",
                ], "\(result.stdout)")
            #expect(
                Set(after) == [
                    "_443._tcp.www.example.com. IN TLSA 2 1 1 \(caHex)",
                    "_443._tcp.www.example.com. IN TLSA 3 1 1 \(nextHex)",
                ])
            let imported = try run(
                ["pinset", "import", "--from", "tlsa", "-"],
                stdin: Data((before.joined(separator: "\n") + "\n").utf8))
            #expect(imported.status == 0, "\(imported.stderr)")
            for pin in [try Self.leafPin(), try Self.intermediatePin(), try BackupOpenSSL.pin(ofKey: key)] {
                #expect(imported.stdout.contains("- pin: \(pin)\n"), "\(imported.stdout)")
            }
        }
    }

    @Test("A pin set with several hosts needs --host; an unknown one is named")
    func choosingTheHost() throws {
        try withBackupDirectory { directory in
            let pins = directory.path("pins.yaml")
            let two =
                try Self.pinSet()
                + "- name: api.example.com\n  pins:\n  - pin: \(try Self.leafPin())\n    role: leaf\n"
            try two.write(toFile: pins, atomically: true, encoding: .utf8)
            let key = directory.path("next.key")
            let unchosen = try run(["rotate", "plan", "--algorithm", "ed25519", "--out", key, pins])
            #expect(unchosen.status == 1)
            #expect(unchosen.stderrIsOneLine && unchosen.stderr.contains("--host"), "\(unchosen.stderr)")
            let unknown = try run(
                [
                    "rotate", "plan", "--algorithm", "ed25519", "--out", key, "--host", "mail.example.com",
                    pins,
                ])
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("no host named mail.example.com"), "\(unknown.stderr)")
            #expect(directory.contents == ["pins.yaml"])
            let chosen = try run(
                ["rotate", "plan", "--algorithm", "ed25519", "--out", key, "--host", "api.example.com", pins])
            #expect(chosen.status == 0, "\(chosen.stderr)")
            let text = try String(contentsOfFile: pins, encoding: .utf8)
            let pin = try BackupOpenSSL.pin(ofKey: key)
            #expect(
                text.components(separatedBy: "- pin: \(pin)").count == 2, "added once, to api.example.com")
            #expect(
                try #require(text.range(of: "api.example.com")).lowerBound < text.range(of: pin)!.lowerBound)
        }
    }

    @Test("Bad options are refused with exit 64 before any key is made")
    func badOptions() throws {
        try withBackupDirectory { directory in
            let key = directory.path("next.key")
            for arguments in [
                ["--publish-date", "2026-02-30"], ["--app-window", "-1"], ["--tlsa-ttl", "x"],
            ] {
                let result = try run(
                    ["rotate", "plan", "--algorithm", "ed25519", "--out", key] + arguments + ["pins.yaml"])
                #expect(result.status == 64, "\(arguments): \(result.stderr)")
                #expect(result.stdout == "")
            }
            let stdin = try run(["rotate", "plan", "--algorithm", "ed25519", "--out", key, "-"])
            #expect(stdin.status == 64)
            #expect(directory.contents.isEmpty)
        }
    }
}
