import Foundation
import Testing

@Suite("Lint command: pinhash lint")
struct LintCommandTests {
    static let d6qz = "d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM="
    static let e9cz = "E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g="

    @Test("RFC 7469's first example is clean: exit 0, one line saying so")
    func cleanHeaderLine() throws {
        let result = try run([
            "lint", "Public-Key-Pins: max-age=3000; pin-sha256=\"\(Self.d6qz)\"; pin-sha256=\"\(Self.e9cz)\"",
        ])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "ok: Public-Key-Pins has no errors, warnings or notes\n")
        #expect(result.stderr == "")
    }

    @Test(
        "RFC 6797's examples are clean with --hsts",
        arguments: ["max-age=31536000", "max-age=15768000 ; includeSubDomains", "max-age=\"31536000\""])
    func cleanHSTS(value: String) throws {
        let result = try run(["lint", "--hsts", value])
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout == "ok: Strict-Transport-Security has no errors, warnings or notes\n")
    }

    @Test("The hash of empty input in a pin-sha256 is an error whose fix names pinhash FILE")
    func emptyInputPinNamesTheCommand() throws {
        let empty = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        let result = try run(["lint", "--hpkp", "pin-sha256=\"\(empty)\"; max-age=600"])
        #expect(result.status == 1)
        #expect(
            result.stdoutLines.contains(
                "error: pin-sha256 at column 1: \(empty) is the SHA-256 of empty input, not of a key: the openssl "
                    + "pipeline that printed it read no key; compute the pin with pinhash FILE"),
            "\(result.stdout)")
    }

    @Test("A header folded over lines, as the RFCs print them, is one argument")
    func foldedArgument() throws {
        let folded = """
            Public-Key-Pins-Report-Only: max-age=2592000;
                pin-sha256="\(Self.e9cz)";
                pin-sha256="LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";
                report-uri="https://other.example.net/pkp-report"
            """
        let result = try run(["lint", folded])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "ok: Public-Key-Pins-Report-Only has no errors, warnings or notes\n")
    }

    @Test("Every problem is one line on stdout and the exit status is 1")
    func problems() throws {
        let result = try run([
            "lint", "--hpkp",
            "Max-Age=300; max-age=300; pin-sha256=\"\(Self.d6qz)\"; includeSubDomains=yes; foo=bar",
        ])
        #expect(result.status == 1)
        #expect(result.stderr == "")
        let lines = result.stdoutLines
        #expect(
            lines.contains { $0.hasPrefix("error: max-age at column 14 repeats Max-Age (column 1)") },
            "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("error: includeSubDomains at column") && $0.contains("takes no value")
            })
        #expect(lines.contains { $0.hasPrefix("error: only one distinct valid pin") })
        #expect(lines.contains { $0.hasPrefix("note: unknown directive foo") })
        #expect(
            lines.allSatisfy {
                $0.hasPrefix("error: ") || $0.hasPrefix("warning: ") || $0.hasPrefix("note: ")
            })
    }

    @Test("Warnings alone fail the lint; notes alone do not")
    func severities() throws {
        let warning = try run(["lint", "--hsts", "max-age=300; preload"])
        #expect(warning.status == 1)
        #expect(
            warning.stdoutLines.contains {
                $0.hasPrefix("warning: the preload list requires includeSubDomains")
            })
        #expect(!warning.stdout.contains("error:"))
        let note = try run(["lint", "--hsts", "max-age=300; futureDirective"])
        #expect(note.status == 0)
        #expect(note.stdoutLines.count == 2, "\(note.stdout)")
        #expect(note.stdoutLines.allSatisfy { $0.hasPrefix("note: ") })
    }

    @Test("With the chain, each pin is named as matching a file or as the backup")
    func pinsAgainstChain() throws {
        let leaf = try HeaderExpected.pin("certs/chain.pem")
        let spare = try HeaderExpected.pin("keys/ec-p256.pkcs8.pem")
        let header = "Public-Key-Pins: pin-sha256=\"\(leaf)\"; pin-sha256=\"\(spare)\"; max-age=5184000"
        let result = try run(["lint", header, "certs/chain.pem"])
        #expect(result.status == 0, "\(result.stdout)")
        let subject = try HeaderExpected.subject("certs/chain.pem")
        #expect(
            result.stdoutLines == [
                "note: pin-sha256 \(leaf) matches certs/chain.pem: leaf \(subject)",
                "note: pin-sha256 \(spare) matches none of the files: a backup pin",
            ])
    }

    @Test("A header whose pins are all in the files has no backup left")
    func noBackupLeft() throws {
        let pins = try HeaderExpected.pins("certs/chain.pem")
        let value = "max-age=600; pin-sha256=\"\(pins[0])\"; pin-sha256=\"\(pins[1])\""
        let result = try run(["lint", "--hpkp", value, "certs/chain.pem"])
        #expect(result.status == 1)
        #expect(result.stdoutLines.contains { $0.hasPrefix("error: no backup pin remains") })
    }

    @Test("A header that pins none of the files is an error")
    func noPinMatches() throws {
        let value = "max-age=600; pin-sha256=\"\(Self.d6qz)\"; pin-sha256=\"\(Self.e9cz)\""
        let result = try run(["lint", "--hpkp", value, "certs/leaf.pem"])
        #expect(result.status == 1)
        #expect(result.stdoutLines.contains { $0.hasPrefix("error: no pin matches") })
    }

    @Test("--report-only lints a report-only value: report-uri required, max-age optional")
    func reportOnly() throws {
        let pins = "pin-sha256=\"\(Self.d6qz)\"; pin-sha256=\"\(Self.e9cz)\""
        let missing = try run(["lint", "--hpkp", pins, "--report-only"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("without report-uri"))
        let good = try run([
            "lint", "--hpkp", "\(pins); report-uri=\"https://example.com/r\"", "--report-only",
        ])
        #expect(good.status == 0, "\(good.stdout)")
    }

    @Test("- reads a response head from stdin and lints each header, named")
    func standardInput() throws {
        let head =
            "HTTP/1.1 200 OK\r\nServer: test\r\nStrict-Transport-Security: max-age=300\r\n"
            + "Public-Key-Pins: max-age=3000;\r\n  pin-sha256=\"\(Self.d6qz)\";\r\n  pin-sha256=\"\(Self.e9cz)\"\r\n\r\n"
        let result = try run(["lint", "-"], stdin: Data(head.utf8))
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdoutLines.count == 2)
        #expect(
            result.stdoutLines.first?.hasPrefix(
                "Strict-Transport-Security: note: max-age=300 is a test value") == true)
        #expect(result.stdoutLines.last == "Public-Key-Pins: ok: no errors, warnings or notes")
    }

    @Test("Standard input without a known header fails")
    func standardInputWithoutHeader() throws {
        let result = try run(["lint", "-"], stdin: Data("HTTP/1.1 200 OK\r\nServer: x\r\n\r\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("no Public-Key-Pins"))
    }

    @Test(
        "Command-line mistakes exit 64",
        arguments: [
            ["lint"], ["lint", "max-age=3"], ["lint", "X-Pins: max-age=3"],
            ["lint", "--hpkp", "a", "--hsts", "b"],
            ["lint", "--report-only", "Public-Key-Pins: max-age=3"], ["lint", "-", "-"],
        ])
    func usageError(arguments: [String]) throws {
        let result = try run(arguments, timeout: 15)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test("A file that cannot be read fails with its name")
    func unreadable() throws {
        let result = try run(["lint", "--hsts", "max-age=31536000", "no/such/chain.pem"])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("pinhash: no/such/chain.pem: "))
    }

    @Test(
        "100,002 certificates from standard input are matched in bounded memory; a pin names its file once",
        .disabled(if: pinhashIsSanitized, "a sanitizer's shadow memory says nothing of pinhash's own"))
    func longStreamInBoundedMemory() throws {
        let leaf = try HeaderExpected.pin("certs/chain.pem")
        let spare = try HeaderExpected.pin("keys/ec-p256.pkcs8.pem")
        let value = "max-age=600; pin-sha256=\"\(leaf)\"; pin-sha256=\"\(spare)\""
        let result = try runMeasuringPeakMemory(
            ["lint", "--hpkp", value, "-"], stdinCopies: 33_334, of: "certs/chain.pem")
        #expect(result.status == 0, "\(result.stderrLines)")
        #expect(result.peakKiB < streamMemoryLimitKiB, "peak resident memory \(result.peakKiB) KiB")
    }
}
