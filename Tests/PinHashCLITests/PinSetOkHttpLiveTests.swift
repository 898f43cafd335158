import Foundation
import PinHashTestSupport
import Testing

/// `pinhash pinset export --format okhttp-java` compiled by javac against Debian's OkHttp and run against
/// a loopback `openssl s_server` sending leaf.pem and intermediate.pem: the Java must compile as it is,
/// connect when the pin set holds the server's keys, and fail with OkHttp's pinning error when not.
@Suite("pinset export okhttp-java, compiled and run")
struct PinSetOkHttpLiveTests {
    static let host = "www.example.com"

    /// Exports `pinSet` (text of a pins.yaml) as Java, compiles it into `PinSetPins` with
    /// OkHttpPinSetCheck, and fetches from the server with it.
    private func fetch(_ pinSet: String, port: Int, jars: [String]) throws -> ProcessOutput {
        try withLiveScratchDirectory { directory in
            let pinSetFile = directory.appendingPathComponent("pins.yaml").path
            try pinSet.write(toFile: pinSetFile, atomically: true, encoding: .utf8)
            let export = try run(["pinset", "export", pinSetFile, "--format", "okhttp-java"])
            try #require(export.status == 0, "export: \(export.stderr)")
            #expect(
                export.stdout.hasPrefix(
                    "CertificatePinner certificatePinner = new CertificatePinner.Builder()\n"))
            let wrapper = """
                import okhttp3.CertificatePinner;

                final class PinSetPins {
                    static CertificatePinner certificatePinner() {
                \(export.stdout)        return certificatePinner;
                    }
                }

                """
            let pins = directory.appendingPathComponent("PinSetPins.java").path
            try wrapper.write(toFile: pins, atomically: true, encoding: .utf8)
            let checker = PackagePaths.root.appendingPathComponent("Tests/Support/OkHttpPinSetCheck.java")
                .path
            let classes = directory.appendingPathComponent("classes").path
            let compiled = try runProcess(
                try #require(FormatConsumers.javac),
                ["-d", classes, "-cp", jars.joined(separator: ":"), checker, pins], stdin: nil,
                environment: [:],
                timeout: 120, sourceLocation: #_sourceLocation)
            try #require(compiled.status == 0, "javac: \(compiled.stderr)\n--- PinSetPins.java:\n\(wrapper)")
            return try runProcess(
                try #require(FormatConsumers.java),
                [
                    "-cp", (jars + [classes]).joined(separator: ":"), "OkHttpPinSetCheck", Self.host,
                    String(port), "certs/root.pem",
                ],
                stdin: nil, environment: [:], timeout: 60, sourceLocation: #_sourceLocation)
        }
    }

    private func pin(_ path: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.file(path).rows.first { $0.position == position }).pin
    }

    @Test(
        "the Java export compiles, connects when a pin matches and fails with SSLPeerUnverifiedException when none does",
        .enabled(
            if: FormatConsumers.java != nil && FormatConsumers.javac != nil,
            "the JDK is not installed (apt-get install default-jdk-headless)"),
        .enabled(
            if: FormatConsumers.okHttpClassPath != nil,
            "OkHttp is not installed (apt-get install libokhttp-java)"),
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed (apt-get install openssl)"))
    func okHttpJava() throws {
        let jars = try #require(FormatConsumers.okHttpClassPath)
        let server = try OpenSSLTLSServer()
        defer { server.stop() }
        // Labels with what Java would misread in a comment or a string: a \u escape, quotes, a newline.
        let matching = """
            version: 1
            hosts:
            - name: \(Self.host)
              pins:
              - pin: \(try pin("certs/intermediate.pem"))
                label: "intermediate \\\\u000a \\"quoted\\" */ \\n next line"
                role: intermediate
              - pin: \(try pin("keys/ec-p256.pkcs8.pem"))
                role: backup
            - name: other.example
              include-subdomains: false
              pins:
              - pin: \(try pin("certs/leaf-expired.pem"))

            """
        let accepted = try fetch(matching, port: server.port, jars: jars)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout == "fetched HTTP 200\n", "\(accepted.stderr)")

        let other = """
            version: 1
            hosts:
            - name: \(Self.host)
              pins:
              - pin: \(try pin("certs/leaf-expired.pem"))
              - pin: \(try pin("keys/ec-p256.pkcs8.pem"))

            """
        let refused = try fetch(other, port: server.port, jars: jars)
        #expect(refused.status == 1)
        #expect(
            refused.stderrLines.contains(
                "javax.net.ssl.SSLPeerUnverifiedException: Certificate pinning failure!"),
            "\(refused.stderr)")
        #expect(
            refused.stderr.contains("sha256/\(try pin("certs/leaf.pem")): CN=www.example.com"),
            "\(refused.stderr)")
    }
}
