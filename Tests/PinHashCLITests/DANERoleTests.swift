import Foundation
import PinHashTestSupport
import Testing

/// Roles decide pins that must match: each TLSA record pinhash writes is checked by OpenSSL's own DANE
/// verifier (`openssl s_client -dane_tlsa_rrdata`) against a loopback s_server, and each `--connect`
/// listing against the manifest's roles (computed by make-fixtures.sh with `openssl verify`).
@Suite(
    "Roles: self-signed servers, CAs sent and not sent, and the DANE records they give", .serialized,
    .enabled(if: LiveTools.openssl != nil, "openssl is not installed: apt-get install openssl"))
struct DANERoleTests {
    /// A small server's only certificate, made by `openssl req -x509` (CA:TRUE).
    static let selfSigned = OpenSSLTLSServer.Setup(
        testDescription: "a self-signed certificate", sent: ["roles/self-signed.pem"],
        key: "roles/self-signed.key")
    /// A server certificate, then the private CA (made by `openssl req -x509`, no keyUsage) that issued it.
    static let privateCA = OpenSSLTLSServer.Setup(
        testDescription: "a leaf and its private CA",
        sent: ["roles/private-leaf.pem", "roles/private-ca.pem"],
        key: "roles/private-leaf.key")

    /// A certificate's SubjectPublicKeyInfo in hex, as `openssl x509 -pubkey | openssl pkey -pubin -outform
    /// der` writes it.
    static func spkiHex(of fixture: String) throws -> String {
        let openssl = try #require(LiveTools.openssl)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-spki-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let pem = directory.appendingPathComponent("key.pem").path
        let der = directory.appendingPathComponent("key.der").path
        for arguments in [
            ["x509", "-in", Fixtures.url(fixture).path, "-pubkey", "-noout", "-out", pem],
            ["pkey", "-pubin", "-in", pem, "-outform", "der", "-out", der],
        ] {
            let result = try runProcess(
                openssl, arguments, stdin: nil, environment: [:], timeout: 30,
                sourceLocation: #_sourceLocation)
            try #require(result.status == 0, "openssl \(arguments[0]): \(result.stderr)")
        }
        return try Data(contentsOf: URL(fileURLWithPath: der)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether OpenSSL's DANE verifier accepts the server at `port` with this one TLSA record's data.
    static func daneMatches(_ data: String, port: Int, name: String) throws -> Bool {
        let result = try runProcess(
            try #require(LiveTools.openssl),
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-servername", name, "-dane_tlsa_domain", name,
                "-dane_tlsa_rrdata", data,
            ], stdin: Data(), environment: [:], timeout: 30, sourceLocation: #_sourceLocation)
        return result.stdout.contains("Verify return code: 0 (ok)")
    }

    /// The records of a `--format tlsa` output: `USAGE SELECTOR TYPE DATA`.
    static func records(_ text: String) -> [String] {
        text.split(separator: "\n").map { line in
            line.split(separator: " ").dropFirst(3).joined(separator: " ")
        }
    }

    static func line(_ fixture: String, notSent: Bool = false) throws -> String {
        let row = try Fixtures.file(fixture).rows[0]
        return "\(row.pin)  \(row.role)  \(row.subject)\(row.untilColumn)\(notSent ? "  (not sent)" : "")\n"
    }

    @Test("A self-signed server certificate is self-signed, and its TLSA 3 1 1 record matches")
    func selfSignedServer() throws {
        #expect(try Fixtures.file("roles/self-signed.pem").rows[0].role == "self-signed")
        let server = try OpenSSLTLSServer(Self.selfSigned)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let listing = try run(["--connect", target, "--servername", "self-signed.example"])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout == (try Self.line("roles/self-signed.pem")))
        let tlsa = try run([
            "--connect", target, "--servername", "self-signed.example", "--format", "tlsa",
        ])
        let records = Self.records(tlsa.stdout)
        #expect(records.count == 1 && records[0].hasPrefix("3 1 1 "), "\(tlsa.stdout)")
        for record in records {
            #expect(try Self.daneMatches(record, port: server.port, name: "self-signed.example"), "\(record)")
        }
        // The same from the file.
        let file = try run(["--format", "tlsa", "--host", "self-signed.example", "roles/self-signed.pem"])
        #expect(Self.records(file.stdout) == records)
        #expect(file.stderr == "")
    }

    @Test("--connect lists the root a verified chain ends in as not sent; every TLSA record of it matches")
    func notSentRootAndSentIntermediate() throws {
        let server = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let trust = ["--servername", "www.example.com", "--cafile", "certs/root.pem"]
        let listing = try run(["--connect", target] + trust)
        #expect(listing.status == 0)
        #expect(
            listing.stdout
                == (try Self.line("certs/leaf.pem") + Self.line("certs/intermediate.pem")
                    + Self.line("certs/root.pem", notSent: true)))
        let json = try run(["--connect", target, "--format", "json"] + trust)
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["sent"] as? Bool } == [true, true, false])
        #expect(objects.map { $0["role"] as? String } == ["leaf", "intermediate", "root"])

        let tlsa = try run(["--connect", target, "--format", "tlsa"] + trust)
        #expect(tlsa.stderrLines.count == 1, "only the status line: \(tlsa.stderr)")
        let records = Self.records(tlsa.stdout)
        #expect(records.map { String($0.prefix(6)) } == ["3 1 1 ", "2 1 1 ", "2 1 0 "])
        #expect(records.last == "2 1 0 \(try Self.spkiHex(of: "certs/root.pem"))")
        for record in records {
            #expect(try Self.daneMatches(record, port: server.port, name: "www.example.com"), "\(record)")
        }
        // Untrusted: no chain was built, so nothing is listed as not sent.
        let untrusted = try run(["--connect", target, "--servername", "www.example.com"])
        #expect(
            untrusted.stdout == (try Self.line("certs/leaf.pem") + Self.line("certs/intermediate.pem")))
    }

    @Test("A chain file's TLSA records (root as 2 1 0) all match a server that does not send the root")
    func chainFileRecordsMatch() throws {
        let server = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { server.stop() }
        let tlsa = try run(["--format", "tlsa", "--host", "www.example.com", "--all", "certs/chain.pem"])
        #expect(tlsa.status == 0)
        let records = Self.records(tlsa.stdout)
        #expect(records.count == 3)
        for record in records {
            #expect(try Self.daneMatches(record, port: server.port, name: "www.example.com"), "\(record)")
        }
    }

    @Test("A private CA the server sends is a root (it issued the leaf), and its 2 1 1 record matches")
    func privateCASent() throws {
        let rows = try Fixtures.file("roles/private-leaf-then-ca.pem").rows
        #expect(rows.map(\.role) == ["leaf", "root"])
        let server = try OpenSSLTLSServer(Self.privateCA)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let listing = try run(["--connect", target, "--servername", "private.example"])
        #expect(
            listing.stdout
                == rows.map { "\($0.pin)  \($0.role)  \($0.subject)\($0.untilColumn)\n" }.joined())
        let tlsa = try run(["--connect", target, "--servername", "private.example", "--format", "tlsa"])
        let records = Self.records(tlsa.stdout)
        #expect(records.map { String($0.prefix(6)) } == ["3 1 1 ", "2 1 1 "])
        for record in records {
            #expect(try Self.daneMatches(record, port: server.port, name: "private.example"), "\(record)")
        }
    }
}
