import PinHashTestSupport
import Testing

/// `pinhash` over `Fixtures/kdf/kdf.tsv`: keys and PKCS#12 files whose key derivation OpenSSL would run for
/// minutes (openssl itself is still deriving after 3 seconds on each, `make-kdf-fixtures.py` checks) end
/// at once with one error line and exit status 1; the ordinary scrypt key gives openssl's pin.
@Suite("Hostile key derivation on the command line")
struct KeyDerivationCLITests {
    @Test(
        "Every kdf.tsv input ends in seconds: one error line naming the demand, or openssl's pin",
        arguments: try Fixtures.keyDerivationCases())
    func keyDerivationCase(row: DERCaseRow) throws {
        let arguments =
            (row.typeFlag.map { [$0] } ?? [])
            + (row.usesPassphrase ? ["--passin", "file:passphrase.txt"] : [])
            + [row.file]
        // Generous: a refusal takes milliseconds; the derivations refused take minutes.
        let result = try run(arguments, timeout: 10)
        #expect(!result.timedOut, "still running after 10 s")
        guard row.isPinned else {
            expectRejected(result, naming: row.file)
            if let says = row.says { #expect(result.stderr.contains(says), "stderr: \(result.stderr)") }
            #expect(!result.stderr.contains("passphrase"), "stderr: \(result.stderr)")
            return
        }
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "\(row.pin ?? "")\n", "stdout: \(result.stdout)")
    }
}
