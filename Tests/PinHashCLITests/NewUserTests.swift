import Foundation
import PinHashTestSupport
import Testing

/// What a new user met (issue 16): each rough edge, through the built binary. Expected pins, subjects and
/// dates come from the manifest and openssl, never from pinhash.
@Suite("What a new user hits")
struct NewUserTests {
    // MARK: Several --connect servers

    /// `PIN  SERVER  ROLE  SUBJECT  until DATE` for each fixture a server sends, as several files print
    /// `PIN  FILE  ROLE  SUBJECT`.
    static func lines(_ sent: [String], server: String) throws -> [String] {
        try sent.map { file in
            let row = try Fixtures.file(file).rows[0]
            return "\(row.pin)  \(server)  \(row.role)  \(row.subject)\(row.untilColumn)"
        }
    }

    @Test(
        "Two --connect servers are both read, each line naming its server",
        .enabled(if: LiveTools.openssl != nil, "openssl is not installed"))
    func severalServers() throws {
        let first = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { first.stop() }
        let second = try OpenSSLTLSServer(.fullChain)
        defer { second.stop() }
        let targets = ["127.0.0.1:\(first.port)", "127.0.0.1:\(second.port)"]
        let result = try run(["--connect", targets[0], "--connect", targets[1]])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdoutLines
                == (try Self.lines(first.setup.sent, server: targets[0])
                    + Self.lines(second.setup.sent, server: targets[1])))
        // One trust line each: the fixture root is in no trust store here.
        #expect(result.stderrLines.count == 2, "\(result.stderr)")
        #expect(
            result.stderrLines.first?.hasPrefix("pinhash: \(targets[0]): warning: chain not trusted") == true)
        #expect(
            result.stderrLines.last?.hasPrefix("pinhash: \(targets[1]): warning: chain not trusted") == true)
    }

    @Test(
        "A --connect server that refuses does not stop the others: its line on stderr, exit 1",
        .enabled(if: LiveTools.openssl != nil, "openssl is not installed"))
    func severalServersOneRefuses() throws {
        let server = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { server.stop() }
        let refused = "127.0.0.1:\(try Loopback.freePort())"
        let target = "127.0.0.1:\(server.port)"
        let result = try run(["--connect", refused, "--connect", target])
        #expect(result.status == 1)
        #expect(result.stdoutLines == (try Self.lines(server.setup.sent, server: target)))
        #expect(
            result.stderrLines.first?.hasPrefix("pinhash: \(refused): connection refused") == true,
            "\(result.stderr)")
    }

    @Test(
        "verify and rotate continuity check one server: a second --connect is refused, exit 64",
        arguments: [
            [
                "verify", "--connect", "a.example", "--connect", "b.example", "--pin",
                String(repeating: "A", count: 43) + "=",
            ],
            [
                "rotate", "continuity", "--connect", "a.example", "--connect", "b.example", "--pinset",
                "pins.yaml",
            ],
        ])
    func oneServerCommands(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("--connect was given 2 times"), "\(result.stderr)")
    }

    @Test("--connect ::1:8444 says an IPv6 address with a port needs brackets, exit 64")
    func ipv6PortWithoutBrackets() throws {
        let result = try run(["--connect", "::1:8444"])
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(
            result.stderr.contains(
                "an IPv6 address with a port needs brackets; write [::1]:8444 for port 8444, or [::1:8444] for the "
                    + "address"), "\(result.stderr)")
    }

    // MARK: lint

    /// Commands whose header lines lint must read, and a line lint prints for each (RFC 6797's test
    /// value; the leaf's pin from the manifest matching its file).
    static let headerCommands: [([String], String)] = [
        (["hsts", "--max-age", "300", "--include-subdomains"], "note: max-age=300 is a test value"),
        (
            [
                "header", "certs/leaf.pem", "--backup", "keys/ec-p256.pkcs8.pem", "--report-only",
                "--report-uri",
                "https://example.com/r",
            ], "note: pin-sha256 Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY= matches certs/leaf.pem: leaf "
        ),
    ]

    @Test(
        "lint reads the Apache, nginx and IIS lines pinhash writes, as an argument and on stdin, as the raw line",
        arguments: headerCommands, ["apache", "nginx", "iis"])
    func lintReadsConfiguration(command: ([String], String), syntax: String) throws {
        let (arguments, finding) = command
        #expect(
            try Fixtures.file("certs/leaf.pem").expectedPin == "Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=")
        let raw = try run(arguments + ["--server", "raw"])
        let configured = try run(arguments + ["--server", syntax])
        try #require(raw.status == 0 && configured.status == 0, "\(raw.stderr)\(configured.stderr)")
        let expected = try run(["lint", raw.stdout.trimmingCharacters(in: .newlines), "certs/leaf.pem"])
        #expect(expected.stdoutLines.contains { $0.hasPrefix(finding) }, "\(expected.stdout)")
        let argument = try run(["lint", configured.stdout, "certs/leaf.pem"])
        #expect(argument.status == expected.status, "\(argument.stderr)")
        #expect(argument.stdout == expected.stdout)
        let standardInput = try run(["lint", "-", "certs/leaf.pem"], stdin: Data(configured.stdout.utf8))
        #expect(standardInput.status == expected.status, "\(standardInput.stderr)")
        #expect(standardInput.stdout == expected.stdout)
    }

    @Test("lint says so in one line when a header has nothing to report, exit 0")
    func lintCleanHeader() throws {
        let result = try run(["lint", "Strict-Transport-Security: max-age=31536000; includeSubDomains"])
        #expect(result.status == 0)
        #expect(result.stdout == "ok: Strict-Transport-Security has no errors, warnings or notes\n")
        #expect(result.stderr == "")
    }

    // MARK: Help, max-age, Ed25519, expiry

    @Test("--p12 help names no --all where the command has none", arguments: ["header", "lint", "verify"])
    func p12Help(command: String) throws {
        let result = try run([command, "--help"])
        #expect(result.status == 0)
        let lines = result.stdoutLines
        let start = try #require(lines.firstIndex { $0.hasPrefix("  --p12") }, "\(result.stdout)")
        // The option's text: its line and the indented lines after it, up to the next option.
        let text =
            ([lines[start]] + lines[(start + 1)...].prefix { $0.hasPrefix("      ") && !$0.hasPrefix("  -") })
            .joined(separator: " ")
        #expect(!text.contains("--all"), "\(text)")
    }

    @Test(
        "A negative --max-age says max-age must be a non-negative number of seconds, exit 64",
        arguments: [
            ["hsts", "--max-age", "-5"], ["hsts", "--max-age", "-50"],
            ["header", "certs/leaf.pem", "--max-age", "-5"],
        ])
    func negativeMaxAge(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 64)
        #expect(result.stdout == "")
        let value = arguments.last!
        #expect(
            result.stderr.contains(
                "--max-age: max-age must be a non-negative whole number of seconds, not \"\(value)\""),
            "\(result.stderr)")
        #expect(!result.stderr.contains("Missing value"))
    }

    static let ed25519Warning =
        "public CAs do not issue certificates for Ed25519 keys and browsers cannot use them, so this backup "
        + "could never be deployed on a public site"

    @Test("backup --algorithm ed25519 warns that no public site could deploy the key; p256 does not")
    func ed25519Backup() throws {
        try withBackupDirectory { directory in
            let ed25519 = try run(["backup", "--algorithm", "ed25519", "--out", directory.path("ed.key")])
            #expect(ed25519.status == 0)
            #expect(ed25519.stdout == "\(try BackupOpenSSL.pin(ofKey: directory.path("ed.key")))\n")
            #expect(ed25519.stderrIsOneLine, "\(ed25519.stderr)")
            #expect(
                ed25519.stderr.hasPrefix("pinhash: warning: --algorithm ed25519: \(Self.ed25519Warning); "))
            let p256 = try run(["backup", "--algorithm", "p256", "--out", directory.path("p256.key")])
            #expect(p256.status == 0)
            #expect(p256.stderr == "")
        }
    }

    @Test("header warns of an Ed25519 backup, naming it, and still prints the header")
    func ed25519BackupInHeader() throws {
        let result = try run(["header", "certs/chain.pem", "--backup", "csr/ed25519.csr.pem"])
        #expect(result.status == 0)
        let pins =
            try HeaderExpected.pins("certs/chain.pem") + [try HeaderExpected.pin("csr/ed25519.csr.pem")]
        #expect(result.stdout == "Public-Key-Pins: \(HeaderExpected.value(pins: pins))\n")
        #expect(
            result.stderrLines.contains {
                $0.hasPrefix(
                    "pinhash: warning: the backup csr/ed25519.csr.pem (Ed25519): \(Self.ed25519Warning); ")
            }, "\(result.stderr)")
        let p256 = try run(["header", "certs/chain.pem", "--backup", "csr/ec-p256.csr.pem"])
        #expect(p256.status == 0)
        #expect(!p256.stderr.contains("public CAs"), "\(p256.stderr)")
    }

    @Test("--all ends a certificate's line with openssl's notAfter; a key's line has none")
    func allShowsExpiry() throws {
        let result = try run(["--all", "certs/leaf-expired.pem", "keys/ec-p256.pkcs8.pem"])
        #expect(result.status == 0)
        let dates = try runShell(
            "openssl x509 -noout -enddate -dateopt iso_8601 -in certs/leaf-expired.pem | sed 's/^notAfter=//; s/ /T/'"
        )
        let notAfter = dates.stdout.trimmingCharacters(in: .newlines)
        #expect(notAfter.count == 20, "openssl: \(dates.stdout)\(dates.stderr)")
        #expect(result.stdoutLines.first?.hasSuffix("  until \(notAfter)") == true, "\(result.stdout)")
        #expect(result.stdoutLines.last?.contains("until") == false)
    }

    // MARK: The README's SME Server recipe

    @Test(
        "The README's SME Server recipe is whole: absolute template path, the Header line, expand-template, restart"
    )
    func smeServerRecipe() throws {
        let readme = try String(
            contentsOf: PackagePaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let recipe = try #require(
            readme.components(separatedBy: "SME Server (Koozali)").dropFirst().first?.components(
                separatedBy: "\n\n"
            )
            .prefix(3).joined(separator: "\n\n"), "README.md has no SME Server (Koozali) recipe")
        let fragment =
            "/etc/e-smith/templates-custom/etc/httpd/conf/httpd.conf/VirtualHosts/05PublicKeyPinning"
        #expect(
            recipe.contains("mkdir -p /etc/e-smith/templates-custom/etc/httpd/conf/httpd.conf/VirtualHosts"))
        #expect(recipe.contains("--server apache > \(fragment)"))
        #expect(recipe.contains("expand-template /etc/httpd/conf/httpd.conf"))
        #expect(recipe.contains("service httpd-e-smith restart"))
    }
}
