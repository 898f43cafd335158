import PinHashTestSupport
import Testing

/// `pinhash` over `Fixtures/der.tsv`: a pin (exit 0) with its warning on standard error, or one error line
/// (exit 1) that says what is wrong.
@Suite("Strict DER and the truth about keys, on the command line")
struct DERTruthCLITests {
    @Test("Every der.tsv input prints openssl's pin or one error line", arguments: try Fixtures.derCases())
    func derCase(row: DERCaseRow) throws {
        let arguments =
            (row.typeFlag.map { [$0] } ?? [])
            + (row.usesPassphrase ? ["--passin", "file:passphrase.txt"] : [])
            + ["--all", row.file]
        let result = try run(arguments, timeout: 20)
        guard row.isPinned else {
            expectRejected(result, naming: row.file)
            if let says = row.says { #expect(result.stderr.contains(says), "stderr: \(result.stderr)") }
            return
        }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdoutLines.first?.hasPrefix("\(row.pin ?? "")  ") == true, "stdout: \(result.stdout)")
        guard let says = row.says else {
            #expect(result.stderr == "")
            return
        }
        // One line per thing to tell, each `pinhash: FILE: warning: …` or `… note: …`.
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
        let line = result.stderrLines.first ?? ""
        #expect(
            line.hasPrefix("pinhash: \(row.file): warning: ")
                || line.hasPrefix("pinhash: \(row.file): note: "))
        #expect(line.contains(says), "stderr: \(line)")
        if let reencoded = row.reencodedPin {
            #expect(line.contains(reencoded) && line.contains(row.pin ?? "-"), "both pins: \(line)")
        }
    }

    @Test(
        "Every schema.tsv input prints openssl's pin or one error line", arguments: try Fixtures.schemaCases()
    )
    func schemaCase(row: DERCaseRow) throws {
        try derCase(row: row)
    }

    @Test("A warning goes with the one pin printed without --all, and the pin is the stored key's")
    func warningWithoutAll() throws {
        let result = try run(["der/unknown-algorithm-0.0.pem"])
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 1)
        #expect(
            result.stderr.hasPrefix("pinhash: der/unknown-algorithm-0.0.pem: warning: object 1 (pubkey): "))
        #expect(result.stderrIsOneLine)
    }

    @Test("JSON gives the pin a re-encoding client computes")
    func jsonHasReencodedPin() throws {
        let row = try #require(try Fixtures.derCases().first { $0.reencodedPin != nil })
        let result = try run(["--format", "json", "--all", row.file])
        #expect(result.status == 0)
        #expect(
            result.stdout.contains("\"reencodedPinSha256Base64\": \"\(row.reencodedPin ?? "")\""),
            "\(result.stdout)")
        let plain = try run(["--format", "json", "--all", "certs/leaf.pem"])
        #expect(plain.stdout.contains("\"reencodedPinSha256Base64\": null"), "\(plain.stdout)")
    }
}
