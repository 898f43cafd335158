import Foundation
import PinHashTestSupport
import Testing

/// The command line on inputs that take its concurrent and OpenSSL-heavy paths, so that a pinhash built
/// with a sanitizer (`make sanitize` sets PINHASH_BINARY) reports any race, memory error or leak on
/// standard error, which these tests require to be empty.
@Suite("Sanitizer workloads through the command line")
struct SanitizerCLITests {
    @Test("A 300-certificate bundle from standard input: 300 lines, nothing on standard error")
    func bundleFromStandardInput() throws {
        let chain = try Fixtures.contents(of: "certs/chain.pem")
        let bundle = Data([Data](repeating: chain, count: 100).joined())
        let result = try run(["--cert", "--all", "-"], stdin: bundle, timeout: 60)
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 300)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test("Keys of every kind, encrypted ones and PKCS#12 files in one run: nothing on standard error")
    func keysAndPKCS12InOneRun() throws {
        let files = [
            "keys/rsa2048.pkcs1.pem", "keys/ec-p256.sec1.pem", "keys/dsa2048.traditional.pem",
            "keys/dsa2048.pkcs8.pem", "keys/ed25519.pkcs8.der", "keys/x448.pkcs8.pem",
            "keys/rsa2048.pkcs8.enc.pem", "keys/ec-p256.sec1.enc.pem", "p12/leaf.p12", "p12/leaf-legacy.p12",
        ]
        let result = try run(["--all", "--passin", "file:passphrase.txt"] + files, timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }
}
