import Foundation
import PinHashTestSupport
import Testing

/// pinhash reads a DER certificate (or request) exactly when OpenSSL's `d2i_X509` (`d2i_X509_REQ`) does,
/// as the openssl command line shows live: both refuse, or both read it and give the same pin, or openssl
/// reads BER that DER forbids and pinhash refuses it, saying so. Over
/// `schema.tsv` and the inputs the `spki` fuzz target found the two disagreeing on.
@Suite(
    "pinhash reads a certificate exactly when openssl does",
    .enabled(if: OpenSSLPipeline.isInstalled, "/usr/bin/openssl is missing"))
struct CertificateSchemaCLITests {
    /// `openssl x509|req -pubkey | openssl pkey -pubin -outform der | dgst | base64` on DER file `$2`.
    static let pipeline =
        #"/usr/bin/openssl "$1" -inform der -in "$2" -pubkey -noout | /usr/bin/openssl pkey -pubin -outform der"#
        + #" | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl enc -base64"#

    static let inputs: [String] = {
        let regressions =
            ((try? FileManager.default.contentsOfDirectory(
                atPath: Fixtures.path("fuzz-regressions"))) ?? [])
            .filter { $0.hasPrefix("spki-") }.sorted().map { "fuzz-regressions/\($0)" }
        return ((try? Fixtures.schemaCases()) ?? []).map(\.file) + regressions
    }()

    @Test("There are inputs of both outcomes, and the kept spki regressions among them")
    func inputsAreThere() throws {
        #expect(Self.inputs.count >= 50)
        #expect(Self.inputs.filter { $0.hasPrefix("fuzz-regressions/spki-") }.count >= 3)
    }

    @Test(
        "openssl reads the input exactly when pinhash pins it, and both give the same pin", arguments: inputs)
    func agreesWithOpenSSL(file: String) throws {
        let command = file.hasPrefix("schema/csr-") ? "req" : "x509"
        let openssl = try runShell(#"/usr/bin/openssl "$1" -inform der -in "$2" -noout"#, [command, file])
        let result = try run(["--all", file])
        guard openssl.status == 0 else {
            expectRejected(result, naming: file)
            return
        }
        // Where openssl reads BER that DER forbids, pinhash refuses and says so.
        if result.status != 0, result.stderr.contains("DER forbids") {
            expectRejected(result, naming: file)
            return
        }
        let expected = try OpenSSLPipeline.pin(Self.pipeline, [command, file])
        #expect(expected.count == 44)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdoutLines.first?.hasPrefix("\(expected)  ") == true, "stdout: \(result.stdout)")
    }
}
