import Foundation
import PinHashTestSupport
import Testing

/// Expected pins and subjects from `manifest.tsv`, never from pinhash.
enum HeaderExpected {
    static func pin(_ file: String, position: Int = 1, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> String
    {
        let fixture = try Fixtures.file(file, sourceLocation: sourceLocation)
        let row = fixture.rows.first { $0.position == position }
        return try #require(row?.pin, "\(file) has no object \(position)", sourceLocation: sourceLocation)
    }

    static func subject(_ file: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.file(file).rows.first { $0.position == position }?.subject)
    }

    /// The pins of every object in a fixture file, in order.
    static func pins(_ file: String) throws -> [String] { try Fixtures.file(file).rows.map(\.pin) }

    /// `pin-sha256="…"; …; max-age=N…`, written out here from the RFC's form.
    static func value(
        pins: [String], maxAge: Int = 5_184_000, includeSubDomains: Bool = false, reportURI: String? = nil
    ) -> String {
        var directives = pins.map { "pin-sha256=\"\($0)\"" }
        directives.append("max-age=\(maxAge)")
        if includeSubDomains { directives.append("includeSubDomains") }
        if let reportURI { directives.append("report-uri=\"\(reportURI)\"") }
        return directives.joined(separator: "; ")
    }
}

@Suite("Header command: pinhash header")
struct HeaderCommandTests {
    static let emptyInputHash = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

    @Test("A chain and a backup key give one header line on stdout, pins in file order")
    func chainAndBackup() throws {
        let result = try run(["header", "certs/chain.pem", "--backup", "keys/ec-p256.pkcs8.pem"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let pins =
            try HeaderExpected.pins("certs/chain.pem") + [try HeaderExpected.pin("keys/ec-p256.pkcs8.pem")]
        #expect(result.stdout == "Public-Key-Pins: \(HeaderExpected.value(pins: pins))\n")
        #expect(result.stderr.contains("pinhash: note: "))
        #expect(result.stderr.contains("--report-only"))
        #expect(!result.stderr.contains("error"))
    }

    @Test("A key in use with --pin and a backup CSR and pin, every option, report-only")
    func everyOption() throws {
        let extra = try HeaderExpected.pin("keys/ed25519.pkcs8.pem")
        let backupPin = try HeaderExpected.pin("keys/x448.pkcs8.pem")
        let result = try run([
            "header", "--key", "certs/leaf.key", "--pin", extra, "--backup", "csr/ec-p256.csr.pem",
            "--backup",
            backupPin, "--max-age", "600", "--include-subdomains", "--report-uri", "https://example.com/hpkp",
            "--report-only",
        ])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let pins = [
            try HeaderExpected.pin("certs/leaf.key"), extra, try HeaderExpected.pin("csr/ec-p256.csr.pem"),
            backupPin,
        ]
        let value = HeaderExpected.value(
            pins: pins, maxAge: 600, includeSubDomains: true, reportURI: "https://example.com/hpkp")
        #expect(result.stdout == "Public-Key-Pins-Report-Only: \(value)\n")
        #expect(result.stderr == "")
    }

    @Test("The chain alone is refused: nothing on stdout, the reason on stderr, exit 1")
    func noBackup() throws {
        let result = try run(["header", "certs/chain.pem"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(
            result.stderrLines.first?.hasPrefix("pinhash: error: no backup pin") == true, "\(result.stderr)")
    }

    @Test("A backup that is in the chain is refused and named")
    func backupInChain() throws {
        let result = try run(["header", "certs/chain.pem", "--backup", "certs/intermediate.key"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let intermediate = try HeaderExpected.pin("certs/intermediate.key")
        #expect(result.stderr.contains("backup pin \(intermediate) is in use"), "\(result.stderr)")
        #expect(result.stderr.contains(try HeaderExpected.subject("certs/chain.pem", position: 2)))
    }

    @Test("The hash of empty input is refused by name, as --pin and as --backup")
    func emptyInputHashRefused() throws {
        for option in ["--pin", "--backup"] {
            let result = try run(["header", "certs/leaf.pem", option, Self.emptyInputHash])
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(
                result.stderr.contains(
                    "pinhash: error: \(option): '\(Self.emptyInputHash)' is the SHA-256 of empty input"),
                "\(result.stderr)")
        }
    }

    @Test(
        "A --pin that is not the base64 of 32 bytes is refused",
        arguments: ["abc", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "sha256//abc"])
    func badPin(pin: String) throws {
        let result = try run(["header", "certs/leaf.pem", "--backup", "keys/ed448.pkcs8.pem", "--pin", pin])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("pinhash: error: --pin: "), "\(result.stderr)")
    }

    @Test("Fewer than two distinct pins are refused, also without files")
    func onePin() throws {
        let leaf = try HeaderExpected.pin("certs/leaf.pem")
        for arguments in [
            ["header", "--pin", leaf], ["header", "--pin", leaf, "--pin", leaf],
            ["header", "certs/leaf.pem"],
        ] {
            let result = try run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stdout == "")
            #expect(result.stderr.contains("backup pin"))
        }
    }

    @Test("Pins alone are accepted with a note that the chain was not checked")
    func pinsOnly() throws {
        let pins = [
            try HeaderExpected.pin("certs/leaf.pem"), try HeaderExpected.pin("keys/rsa2048.pkcs8.pem"),
        ]
        let result = try run(["header", "--pin", pins[0], "--backup", pins[1]])
        #expect(result.status == 0)
        #expect(result.stdout == "Public-Key-Pins: \(HeaderExpected.value(pins: pins))\n")
        #expect(result.stderr.contains("note: no certificate or key in use was given"))
    }

    @Test("A max-age over 60 days is printed with a warning")
    func longMaxAge() throws {
        let result = try run([
            "header", "certs/leaf.pem", "--backup", "keys/ed448.pkcs8.pem", "--max-age", "31536000",
        ])
        #expect(result.status == 0)
        #expect(result.stdout.contains("max-age=31536000"))
        #expect(result.stderrLines.first?.hasPrefix("pinhash: warning: max-age=31536000 (1 year)") == true)
    }

    @Test(
        "A bad --max-age or no input is a usage error",
        arguments: [
            ["header", "certs/leaf.pem", "--max-age=-5"], ["header", "certs/leaf.pem", "--max-age", "soon"],
            ["header", "certs/leaf.pem", "--max-age", "1e6"], ["header"],
            ["header", "--server", "caddy", "certs/leaf.pem"],
            ["header", "-", "--backup", "-"],
        ])
    func usageError(arguments: [String]) throws {
        let result = try run(arguments, timeout: 15)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test("Report-only without --report-uri is refused")
    func reportOnlyWithoutURI() throws {
        let result = try run([
            "header", "certs/leaf.pem", "--backup", "keys/ed448.pkcs8.pem", "--report-only",
        ])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("without report-uri"))
    }

    @Test(
        "A bad --report-uri is refused",
        arguments: ["/relative", "https://example.com/a b", "ftp://example.com/"])
    func badReportURI(uri: String) throws {
        let result = try run([
            "header", "certs/leaf.pem", "--backup", "keys/ed448.pkcs8.pem", "--report-uri", uri,
        ])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.contains("pinhash: error: report-uri"))
    }

    @Test("A file that cannot be read fails the command with the file named")
    func unreadable() throws {
        let result = try run(["header", "certs/leaf.pem", "--backup", "no/such/spare.pem"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderr.hasPrefix("pinhash: no/such/spare.pem: "))
    }

    @Test("--server writes Apache, nginx and IIS syntax")
    func serverSyntaxes() throws {
        let arguments = [
            "header", "certs/leaf.pem", "--backup", "keys/ed448.pkcs8.pem", "--report-uri",
            "https://r.example/a%20b",
        ]
        let pins = [try HeaderExpected.pin("certs/leaf.pem"), try HeaderExpected.pin("keys/ed448.pkcs8.pem")]
        let value = HeaderExpected.value(pins: pins, reportURI: "https://r.example/a%20b")

        let apache = try run(arguments + ["--server", "apache"])
        let apacheValue = value.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
            of: "%", with: "%%")
        #expect(apache.stdout == "Header always set Public-Key-Pins \"\(apacheValue)\"\n")

        let nginx = try run(arguments + ["--server", "nginx"])
        #expect(nginx.stdout == "add_header Public-Key-Pins '\(value)' always;\n")

        let iis = try run(arguments + ["--server", "iis"])
        #expect(
            iis.stdout.hasPrefix(
                "<httpProtocol>\n  <customHeaders>\n    <add name=\"Public-Key-Pins\" value=\""))
        #expect(iis.stdout.contains(value.replacingOccurrences(of: "\"", with: "&quot;")))

        let raw = try run(arguments + ["--server", "raw"])
        #expect(raw.stdout == "Public-Key-Pins: \(value)\n")
    }

    @Test("nginx cannot carry a $ in the report-uri: refused for nginx, written for Apache")
    func dollarForNginx() throws {
        let arguments = [
            "header", "certs/leaf.pem", "--backup", "keys/ed448.pkcs8.pem", "--report-uri",
            "https://r.example/$x",
        ]
        let nginx = try run(arguments + ["--server", "nginx"])
        #expect(nginx.status == 1)
        #expect(nginx.stdout == "")
        #expect(nginx.stderr.contains("%24"))
        let apache = try run(arguments + ["--server", "apache"])
        #expect(apache.status == 0)
    }

    @Test("--help names every server syntax and the exit statuses")
    func help() throws {
        let result = try run(["header", "--help"])
        #expect(result.status == 0)
        for word in ["apache", "nginx", "iis", "raw", "--backup", "Exit status"] {
            #expect(result.stdout.contains(word), "\(word)")
        }
    }

    @Test(
        "A chain of 100,002 certificates from standard input is read in bounded memory, its pins once each",
        .disabled(if: pinhashIsSanitized, "a sanitizer's shadow memory says nothing of pinhash's own"))
    func longStreamInBoundedMemory() throws {
        let spare = try HeaderExpected.pin("keys/ec-p256.pkcs8.pem")
        let result = try runMeasuringPeakMemory(
            ["header", "--backup", spare, "-"], stdinCopies: 33_334, of: "certs/chain.pem")
        #expect(result.status == 0, "\(result.stderrLines)")
        #expect(result.peakKiB < streamMemoryLimitKiB, "peak resident memory \(result.peakKiB) KiB")
    }
}
