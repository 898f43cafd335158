import Foundation
import PinHashTestSupport
import Testing

/// `pinhash pinset diff PINSET CONFIG`: a pin set written here by hand against the configurations of
/// `Fixtures/pinsets/import/`, whose hosts and pins are in their hand-written `.expected.tsv`.
@Suite("pinset diff against an app's configuration")
struct PinSetDiffImportTests {
    static let leaf = "Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY="
    static let backup = "SdcRgk4P0N4mEMVGP7frGXX/BCcFIALMyj/0NR6YLFs="
    static let other = "0wyjtTMxmqk1v5u9PofS9xLCiJnD5LiWYjXy5eBxzvY="

    /// A pins.yaml holding `hosts` (already indented YAML), in a fresh directory.
    private func pinSet(_ hosts: String) throws -> (path: String, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-diff-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        let path = directory.appendingPathComponent("pins.yaml").path
        try "version: 1\nhosts:\n\(hosts)".write(toFile: path, atomically: true, encoding: .utf8)
        return (path, directory)
    }

    private let android = "pinsets/import/android-documentation.xml"

    @Test("The Android documentation's config agrees with a pin set of its host, pins and expiration")
    func agrees() throws {
        let (path, directory) = try pinSet(
            """
            - name: example.com
              include-subdomains: true
              expiration: 2018-01-01
              report-uris: [https://example.com/r]
              pins:
              - pin: \(Self.backup)
                label: spare
              - pin: \(Self.leaf)
            - name: api.example.com
              clients: [ios]
              pins:
              - pin: \(Self.other)

            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Report URIs are not compared (Android has none), nor the host pinned for iOS only.
        let result = try run(["pinset", "diff", path, android])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout == "")
    }

    @Test("A pin, the expiration and a host that drifted: one line each, exit 1")
    func drifted() throws {
        let (path, directory) = try pinSet(
            """
            - name: example.com
              include-subdomains: true
              expiration: 2019-06-30
              pins:
              - pin: \(Self.leaf)
              - pin: \(Self.other)
            - name: api.example.com
              clients: [android]
              pins:
              - pin: \(Self.other)

            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run(["pinset", "diff", path, android])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = result.stdoutLines
        #expect(lines.count == 4, "\(result.stdout)")
        #expect(lines.contains { $0.hasPrefix("example.com: ") && $0.contains(Self.other) })
        #expect(lines.contains { $0.hasPrefix("example.com: ") && $0.contains(Self.backup) })
        #expect(lines.contains { $0.hasPrefix("example.com: ") && $0.contains("2019-06-30") })
        #expect(lines.contains { $0.hasPrefix("api.example.com: ") })
    }

    /// The pin of Let's Encrypt's R11 by the openssl pipeline, from the certificate the catalogue was made from.
    private func r11Pin() throws -> String {
        let result = try runShell(
            "openssl x509 -pubkey -noout -in \"$1\" | openssl pkey -pubin -outform der "
                + "| openssl dgst -sha256 -binary | base64",
            ["../Catalogue/intermediates/letsencrypt/r11.pem"])
        try #require(result.status == 0, "openssl: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("A CA pin only in one set is named from the catalogue, after its label")
    func caPinNamed() throws {
        let r11 = try r11Pin()
        let (path, directory) = try pinSet(
            """
            - name: example.com
              include-subdomains: true
              expiration: 2018-01-01
              pins:
              - pin: \(Self.backup)
              - pin: \(Self.leaf)
              - pin: \(r11)
                label: issuer

            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try run(["pinset", "diff", path, android])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(
            result.stdoutLines.contains {
                $0.hasPrefix("example.com: pin only in \(path): \(r11) (issuer) ")
                    && $0.hasSuffix("(catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024)")
            }, "\(result.stdout)")
    }

    @Test("A curl command is compared on its host's pins only; a Chrome list needs --host")
    func pinLists() throws {
        let (path, directory) = try pinSet(
            """
            - name: api.example.com
              include-subdomains: true
              pins:
              - pin: \(Self.leaf)
            - name: www.example.com
              pins:
              - pin: \(Self.leaf)
              - pin: \(Self.other)

            """)
        defer { try? FileManager.default.removeItem(at: directory) }
        // curl.txt pins api.example.com (its URL) with the leaf and TUfDa4…; include-subdomains is not
        // compared, and www.example.com is a host only in the pin set.
        let curl = try run(["pinset", "diff", path, "pinsets/import/curl.txt"])
        #expect(curl.status == 1, "\(curl.stderr)")
        #expect(curl.stdoutLines.count == 2, "\(curl.stdout)")
        #expect(
            curl.stdoutLines.contains { $0.hasPrefix("api.example.com: ") && $0.contains("TUfDa4iqlZ6QO2Y2") }
        )
        #expect(curl.stdoutLines.contains { $0.hasPrefix("www.example.com: ") })
        #expect(!curl.stdout.contains("include-subdomains"))

        let chrome = "pinsets/import/chrome.txt"
        let withoutHost = try run(["pinset", "diff", path, chrome])
        #expect(withoutHost.status == 2)
        #expect(withoutHost.stderrIsOneLine && withoutHost.stderr.contains("--host"), "\(withoutHost.stderr)")
        // chrome.txt holds E8JM9h… and the other pin: the leaf is only in the pin set, E8JM9h… only in
        // the list; api.example.com is only in the pin set.
        let result = try run(["pinset", "diff", "--host", "www.example.com", path, chrome])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdoutLines.count == 3, "\(result.stdout)")
    }
}
