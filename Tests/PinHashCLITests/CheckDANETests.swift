import Foundation
import PinHashTestSupport
import Testing

/// `pinhash check` for hosts whose clients include `tlsa`: the TLSA records the pin set implies, verified
/// by OpenSSL's DANE code against a loopback `openssl s_server` (and Python's ssl module behind SMTP
/// STARTTLS), with the verdict compared to `openssl s_client -dane_tlsa_rrdata` given the same records,
/// written here from the manifest's pins.
@Suite(
    "pinhash check: DANE", .serialized,
    .enabled(if: LiveTools.openssl != nil, "openssl is not installed: apt-get install openssl"))
struct CheckDANETests {
    /// One pin of a pin set: a fixture whose manifest pin it is, and its role.
    struct PinnedFixture: Sendable {
        let fixture: String
        let role: String

        var pin: String { get throws { try CheckCommandTests.pin(fixture) } }

        /// The record a DANE client is given for this pin (RFC 7671 §5: CA keys as DANE-TA, the server's
        /// own or a spare as DANE-EE), with the manifest's pin as hex.
        var record: String {
            get throws {
                let digest = try #require(Data(base64Encoded: try pin))
                let usage = role == "intermediate" || role == "root" ? 2 : 3
                return "\(usage) 1 1 " + digest.map { String(format: "%02x", $0) }.joined()
            }
        }
    }

    /// What s_client says for the records: whether it verified the chain, and which record matched at
    /// which depth (`DANE TLSA 2 1 1 ...a92243b31707de87 matched TA certificate at depth 1`).
    struct OpenSSLVerdict {
        let verified: Bool
        let usage: String?
        let dataTail: String?
        let depth: Int?
    }

    static let leaf = PinnedFixture(fixture: "certs/leaf.pem", role: "leaf")
    static let intermediate = PinnedFixture(fixture: "certs/intermediate.pem", role: "intermediate")
    static let spare = PinnedFixture(fixture: "roles/private-ca.key", role: "backup")
    static let otherLeaf = PinnedFixture(fixture: "roles/private-leaf.pem", role: "leaf")

    static func pinSet(name: String, port: Int, pins: [PinnedFixture], in directory: URL) throws -> String {
        let entries = try pins.map { "  - pin: \(try $0.pin)\n    role: \($0.role)\n" }.joined()
        return try CheckCommandTests.pinSet(
            ["- name: \(name)\n  port: \(port)\n  clients: [tlsa]\n  pins:\n" + entries], in: directory)
    }

    /// `openssl s_client` with the records, as pinhash verifies them: the name as the DANE base domain,
    /// no name checks for DANE-EE (RFC 7671 §5.1).
    static func openSSLVerdict(records: [String], name: String, port: Int, startTLS: String? = nil) throws
        -> OpenSSLVerdict
    {
        var arguments = [
            "s_client", "-connect", "127.0.0.1:\(port)", "-servername", name, "-dane_tlsa_domain", name,
            "-dane_ee_no_namechecks",
        ]
        for record in records { arguments += ["-dane_tlsa_rrdata", record] }
        if let startTLS { arguments += ["-starttls", startTLS] }
        let result = try runProcess(
            try #require(LiveTools.openssl), arguments, stdin: Data(), environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
        let lines = result.stdout.split(separator: "\n")
        let verified = lines.contains("Verification: OK")
        guard let match = lines.first(where: { $0.hasPrefix("DANE TLSA ") && $0.contains(" matched ") })
        else {
            return OpenSSLVerdict(verified: verified, usage: nil, dataTail: nil, depth: nil)
        }
        let words = match.split(separator: " ")
        return OpenSSLVerdict(
            verified: verified, usage: String(words[2]), dataTail: String(words[5].trimmingPrefix("...")),
            depth: words.last.flatMap { Int($0) })
    }

    /// Runs `pinhash check --format json` on the pin set and returns its one result, after checking that
    /// its DANE verdict is s_client's for the same records.
    static func checkAgreesWithOpenSSL(
        pins: [PinnedFixture], port: Int, startTLS: String? = nil, expectedStatus: Int32,
        directory: URL
    ) throws -> [String: Any] {
        let name = "www.example.com"
        let file = try pinSet(name: name, port: port, pins: pins, in: directory)
        let result = try run(
            ["check", file, "--format", "json", "--resolve", "\(name):\(port):127.0.0.1"]
                + (startTLS.map { ["--starttls", $0] } ?? []))
        #expect(result.status == expectedStatus, "\(result.stdout)\(result.stderr)")
        let results = try #require(try CheckCommandTests.json(result.stdout)["results"] as? [[String: Any]])
        try #require(results.count == 1)
        let dane = try #require(results[0]["dane"] as? [String: Any], "\(results[0])")
        let records = try pins.map { try $0.record }
        #expect(dane["records"] as? [String] == records)
        let openssl = try openSSLVerdict(records: records, name: name, port: port, startTLS: startTLS)
        #expect(dane["authenticated"] as? Bool == openssl.verified, "pinhash \(dane), s_client \(openssl)")
        if openssl.verified {
            let authority = try #require(dane["authority"] as? String)
            #expect(authority.hasPrefix("\(try #require(openssl.usage)) 1 1 "))
            #expect(authority.hasSuffix(try #require(openssl.dataTail)))
            #expect(dane["depth"] as? Int == openssl.depth)
        } else {
            #expect(dane["authority"] is NSNull)
        }
        return results[0]
    }

    @Test("the leaf's pin: its 3 1 1 record authenticates the server's own key (DANE-EE), as s_client says")
    func leafPinIsDANEEE() throws {
        let servers = try CheckCommandTests.Servers()
        defer { servers.stop() }
        let port = try servers.start(
            on: "127.0.0.1", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        let result = try Self.checkAgreesWithOpenSSL(
            pins: [Self.leaf, Self.spare], port: port, expectedStatus: 0, directory: servers.directory)
        let dane = try #require(result["dane"] as? [String: Any])
        #expect(dane["usage"] as? String == "DANE-EE")
        #expect(dane["depth"] as? Int == 0)
        #expect(dane["authority"] as? String == (try Self.leaf.record))
        #expect(result["status"] as? String == "ok", "\(result)")
    }

    @Test("only the intermediate's pin: its 2 1 1 record authenticates the chain (DANE-TA), as s_client says")
    func intermediatePinIsDANETA() throws {
        let servers = try CheckCommandTests.Servers()
        defer { servers.stop() }
        let port = try servers.start(
            on: "127.0.0.1", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        let result = try Self.checkAgreesWithOpenSSL(
            pins: [Self.intermediate, Self.spare], port: port, expectedStatus: 0, directory: servers.directory
        )
        let dane = try #require(result["dane"] as? [String: Any])
        #expect(dane["usage"] as? String == "DANE-TA")
        #expect(dane["depth"] as? Int == 1)
        #expect(dane["authority"] as? String == (try Self.intermediate.record))
    }

    @Test(
        "pins of other keys: no record authenticates the chain, an error finding and exit 1, as s_client fails"
    )
    func wrongPinsFail() throws {
        let servers = try CheckCommandTests.Servers()
        defer { servers.stop() }
        let port = try servers.start(
            on: "127.0.0.1", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        let result = try Self.checkAgreesWithOpenSSL(
            pins: [Self.otherLeaf, Self.spare], port: port, expectedStatus: 1, directory: servers.directory)
        #expect(result["status"] as? String == "error")
        #expect(CheckCommandTests.kinds(result) == ["no-tlsa-record-authenticates"])
        let findings = try #require(result["findings"] as? [[String: Any]])
        #expect(
            (findings.first?["message"] as? String)?.hasPrefix(
                "no TLSA record of the pin set authenticates the chain") == true, "\(findings)")
        #expect((findings.first?["fix"] as? String)?.contains("pinhash pinset export --format tlsa") == true)

        let file = try Self.pinSet(
            name: "www.example.com", port: port, pins: [Self.otherLeaf, Self.spare], in: servers.directory)
        let text = try run(["check", file, "--resolve", "www.example.com:\(port):127.0.0.1"])
        #expect(text.status == 1)
        #expect(text.stdout.contains("\n  tlsa: no record authenticates the chain\n"), "\(text.stdout)")
        #expect(text.stdout.contains("\n  error: no TLSA record of the pin set authenticates the chain ("))
    }

    @Test("SMTP with STARTTLS: the records are verified after STARTTLS, as s_client -starttls smtp says")
    func smtpStartTLS() throws {
        let server = try StartTLSServer("smtp")
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-dane-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (pins, usage) in [
            ([Self.leaf, Self.spare], "DANE-EE"), ([Self.intermediate, Self.spare], "DANE-TA"),
        ] {
            let result = try Self.checkAgreesWithOpenSSL(
                pins: pins, port: server.port, startTLS: "smtp", expectedStatus: 0, directory: directory)
            let dane = try #require(result["dane"] as? [String: Any])
            #expect(dane["usage"] as? String == usage, "\(result)")
        }
        _ = try Self.checkAgreesWithOpenSSL(
            pins: [Self.otherLeaf, Self.spare], port: server.port, startTLS: "smtp", expectedStatus: 1,
            directory: directory)
    }
}
