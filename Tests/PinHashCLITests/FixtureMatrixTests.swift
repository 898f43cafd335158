import PinHashTestSupport
import Testing

/// Every fixture through the binary, checked against the pins, roles and subjects openssl put in the manifest.
@Suite("Fixture matrix through the pinhash binary")
struct FixtureMatrixTests {
    @Test(
        "--all prints one line per object with the manifest's pin, role and subject",
        arguments: Fixtures.files)
    func everyObject(of file: FixtureFile) throws {
        let result = try run(["--all"] + file.passphraseArguments + [file.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr == "")
        let lines = result.stdoutLines
        #expect(lines.count == file.rows.count, "stdout: \(result.stdout)")
        for row in file.rows where row.position <= lines.count {
            let line = lines[row.position - 1]
            let fields = columns(of: line, count: 3)
            try #require(fields.count == 3, "object \(row.position) is not `PIN  ROLE  SUBJECT`: \(line)")
            #expect(fields[0] == row.pin, "object \(row.position)")
            switch row.kind {
            case "cert", "p12":
                #expect(fields[1] == row.role, "object \(row.position)")
                #expect(fields[2] == row.subject + row.untilColumn, "object \(row.position)")
            case "csr":
                #expect(fields[1] == "csr")
                #expect(fields[2] == row.subject)
            default:
                #expect(fields[1] == row.kind)
                #expect(fields[2].hasPrefix("\(row.algorithm) "), "key description: \(fields[2])")
                if ["RSA", "RSA-PSS", "DSA"].contains(row.algorithm) {
                    #expect(fields[2] == "\(row.algorithm) \(row.bits)")
                }
            }
        }
    }

    @Test(
        "One file prints exactly one line: its pin (a bundle's first, a PKCS#12 file's leaf)",
        arguments: Fixtures.files)
    func onePin(of file: FixtureFile) throws {
        let result = try run(file.passphraseArguments + [file.path])
        expectOnePin(result, of: file)
    }

    @Test("A type flag matching the file's kind gives the same one pin", arguments: Fixtures.files)
    func onePinWithTypeFlag(of file: FixtureFile) throws {
        let result = try run([file.typeFlag] + file.passphraseArguments + [file.path])
        expectOnePin(result, of: file)
    }

    private func expectOnePin(
        _ result: ProcessOutput, of file: FixtureFile, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout == "\(file.expectedPin)\n", sourceLocation: sourceLocation)
        if file.expectsCAFirstNote {
            #expect(result.stderrIsOneLine && result.stderr.contains("note:"), sourceLocation: sourceLocation)
        } else {
            #expect(result.stderr == "", sourceLocation: sourceLocation)
        }
    }
}

/// The first `count - 1` two-space-separated columns of an output line, then the rest (a subject may hold
/// single spaces).
func columns(of line: String, count: Int) -> [String] {
    line.split(separator: "  ", maxSplits: count - 1, omittingEmptySubsequences: false).map(String.init)
}
