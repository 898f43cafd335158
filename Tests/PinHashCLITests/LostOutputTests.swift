import Foundation
import PinHashTestSupport
import Testing

/// Output that cannot be written (a full disk, here /dev/full) is an error, never exit 0 with the output
/// lost.
@Suite("Lost output")
struct LostOutputTests {
    static let leaf = "Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY="

    @Test(
        "header, hsts and lint writing to a full device: exit 1 and one line saying so",
        arguments: [
            ["hsts", "--max-age", "31536000"],
            ["header", "--pin", leaf, "--backup", "keys/rsa2048.pkcs8.pem", "certs/leaf.pem"],
            ["lint", "--hsts", "max-age=5"],
        ])
    func fullDevice(arguments: [String]) throws {
        let result = try runShell(#"exec "$0" "$@" >/dev/full"#, arguments)
        #expect(result.status == 1, "\(arguments): \(result.stderr)")
        #expect(
            result.stderrLines.contains("pinhash: cannot write to standard output: No space left on device"),
            "\(arguments): \(result.stderr)")
    }
}
