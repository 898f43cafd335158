import Foundation
import PinHashTestSupport
import Testing

/// `pinhash --format …` through the built binary: every format's output read by its consumer where one
/// runs here (curl against a live TLS server, python's XML and plist parsers, JSONSerialization), with
/// expected pins from manifest.tsv.
@Suite("--format")
struct FormatCommandTests {
    /// Lower-case hex of a base64 pin, decoded by Foundation.
    private func hex(_ base64: String) throws -> String {
        try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
    }

    private func pins(_ path: String) throws -> [String] { try Fixtures.file(path).rows.map(\.pin) }

    /// Runs pinhash and requires exit status 0 and nothing on stderr.
    private func output(
        _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try run(arguments, sourceLocation: sourceLocation)
        #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr == "", sourceLocation: sourceLocation)
        return result.stdout
    }

    // MARK: The default stays as it was

    @Test(
        "--format base64 prints byte for byte what pinhash prints without --format",
        arguments: [
            ["certs/leaf.pem"], ["certs/chain.pem", "keys/ed25519.pkcs8.pem"], ["--all", "certs/chain.pem"],
            ["--all", "certs/chain.pem", "csr/ec-p256.csr.pem"],
        ])
    func base64IsTheDefault(arguments: [String]) throws {
        let plain = try output(arguments)
        #expect(try output(["--format", "base64"] + arguments) == plain)
        #expect(try output(arguments + ["--format=base64"]) == plain)
    }

    @Test("Without --format one file still prints its bare pin")
    func barePin() throws {
        #expect(try output(["certs/chain.pem"]) == "\(try Fixtures.file("certs/chain.pem").expectedPin)\n")
    }

    // MARK: Line formats

    @Test(
        "hex prints, for the pins base64 would print, the lower-case hex: one per file, every one with --all")
    func hexLines() throws {
        let files = ["certs/chain.pem", "keys/ec-p384.pkcs8.pem", "p12/leaf-empty-password.p12"]
        let text = try output(["--format", "hex"] + files)
        #expect(text == (try files.map { try hex(try Fixtures.file($0).expectedPin) + "\n" }.joined()))
        let all = try output(["--format", "hex", "--all", "certs/chain.pem"])
        #expect(all == (try pins("certs/chain.pem").map { try hex($0) + "\n" }.joined()))
    }

    @Test("hpkp, curl, chrome and okhttp list each pin once, in first-seen order, across files")
    func pinSetFormats() throws {
        let files = ["--all", "certs/leaf.pem", "certs/chain.pem", "certs/leaf.key"]
        let unique = try pins("certs/chain.pem")
        #expect(try output(["--format", "hpkp"] + files) == unique.map { "pin-sha256=\"\($0)\"\n" }.joined())
        #expect(
            try output(["--format", "curl"] + files) == unique.map { "sha256//\($0)" }.joined(separator: ";")
                + "\n")
        #expect(try output(["--format", "chrome"] + files) == unique.joined(separator: ",") + "\n")
        #expect(try output(["--format", "okhttp"] + files) == unique.map { "sha256/\($0)\n" }.joined())
    }

    @Test("okhttp with --host prints the CertificatePinner.Builder() calls")
    func okHttpWithHost() throws {
        let text = try output(["--format", "okhttp", "--host", "www.example.com", "certs/chain.pem"])
        let pin = try Fixtures.file("certs/chain.pem").expectedPin
        let add = "    .add(\"www.example.com\", \"sha256/\(pin)\")\n"
        #expect(text == "CertificatePinner.Builder()\n" + add + "    .build()\n")
    }

    @Test(
        "tlsa prints _PORT._tcp.HOST. records: 3 1 1 leaf, 2 1 1 intermediate (with a note), 2 1 0 root key")
    func tlsaRecords() throws {
        let rows = try Fixtures.file("certs/chain.pem").rows
        #expect(rows.map(\.role) == ["leaf", "intermediate", "root"])
        let rootKey = try DANERoleTests.spkiHex(of: "certs/root.pem")
        let expected = [
            "3 1 1 \(try hex(rows[0].pin))", "2 1 1 \(try hex(rows[1].pin))", "2 1 0 \(rootKey)",
        ].map { "_8443._tcp.www.example.com. IN TLSA \($0)\n" }
        let result = try run([
            "--format", "tlsa", "--host", "www.example.com", "--port", "8443", "--all", "certs/chain.pem",
        ])
        #expect(result.status == 0)
        #expect(result.stdout == expected.joined())
        #expect(
            result.stderr
                == "pinhash: note: a TLSA 2 1 1 record matches only if the server sends that CA certificate "
                + "(certs/chain.pem: intermediate \(rows[1].subject)); pinhash --connect HOST:PORT shows the "
                + "certificates it sends\n")
        let leaf = try output(["--format", "tlsa", "--host", "www.example.com", "certs/leaf.der"])
        #expect(leaf == "_443._tcp.www.example.com. IN TLSA 3 1 1 \(try hex(rows[0].pin))\n")
    }

    // MARK: curl

    /// curl fetching `https://www.example.com:PORT/` from `server`, trusting the test root and pinning
    /// `pinnedPublicKey`; the proxy settings and ~/.curlrc of the machine are ignored.
    private func curl(_ server: OpenSSLTLSServer, pinnedPublicKey: String) throws -> ProcessOutput {
        let curl = try #require(FormatConsumers.curl)
        return try runProcess(
            curl,
            [
                "-q", "-sS", "-o", "/dev/null", "--noproxy", "*", "--max-time", "20", "--cacert",
                "certs/root.pem",
                "--resolve", "www.example.com:\(server.port):127.0.0.1", "--pinnedpubkey", pinnedPublicKey,
                "https://www.example.com:\(server.port)/",
            ], stdin: nil, environment: [:], timeout: 60, sourceLocation: #_sourceLocation)
    }

    @Test(
        "curl --pinnedpubkey takes the value with the server's leaf pin, alone or in a list; others fail",
        .enabled(if: FormatConsumers.curl != nil, "curl is not installed (apt-get install curl)"),
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed"))
    func curlAcceptsTheValue() throws {
        let leafValue = try output(["--format", "curl", "certs/leaf.pem"])
        let chainValue = try output(["--format", "curl", "--all", "certs/root-first.pem"])
        let wrongValue = try output(["--format", "curl", "certs/intermediate.pem", "certs/root.der"])
        #expect(leafValue == "sha256//\(try Fixtures.file("certs/leaf.pem").expectedPin)\n")
        #expect(chainValue.split(separator: ";").count == 3)
        #expect(wrongValue.split(separator: ";").count == 2)

        let server = try OpenSSLTLSServer()
        defer { server.stop() }
        for value in [leafValue, chainValue] {
            let result = try curl(server, pinnedPublicKey: String(value.dropLast()))
            #expect(result.status == 0, "curl --pinnedpubkey \(value): \(result.stderr)")
        }
        // sha256// of the empty input is what a failed openssl pipeline produces.
        let emptyPin = "sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        for value in [String(wrongValue.dropLast()), emptyPin] {
            let result = try curl(server, pinnedPublicKey: value)
            #expect(result.status == 90, "curl --pinnedpubkey \(value): \(result.stderr)")
        }
    }

    // MARK: Android

    @Test(
        "android prints a <pin-set> that python's XML parser reads, one pin per key",
        .enabled(if: FormatConsumers.python3 != nil, "python3 is not installed"))
    func androidPinSet() throws {
        let text = try output(["--format", "android", "--all", "certs/chain.pem", "certs/leaf.der"])
        #expect(text.hasPrefix("<pin-set>\n"))
        // Where the pin set goes: in a <domain-config> of the <network-security-config>.
        let document = """
            <?xml version="1.0" encoding="utf-8"?>
            <network-security-config><domain-config><domain>example.com</domain>
            \(text)</domain-config></network-security-config>
            """
        let parsed = try #require(
            try FormatConsumers.python(FormatConsumers.androidReader, input: document) as? [String: Any])
        let pins = try #require(parsed["pins"] as? [[String: String]])
        #expect(pins.map { $0["digest"] } == Array(repeating: "SHA-256", count: 3))
        #expect(pins.map { $0["value"] } == (try self.pins("certs/chain.pem")))
    }

    @Test(
        "android with --host prints a whole <domain-config> for the host",
        .enabled(if: FormatConsumers.python3 != nil, "python3 is not installed"))
    func androidDomainConfig() throws {
        let text = try output(["--format", "android", "--host", "api.example.com", "certs/chain.pem"])
        let document = "<network-security-config>\n\(text)</network-security-config>\n"
        let parsed = try #require(
            try FormatConsumers.python(FormatConsumers.androidReader, input: document) as? [String: Any])
        let domains = try #require(parsed["domains"] as? [[String: String]])
        #expect(domains == [["name": "api.example.com", "includeSubdomains": "false"]])
        let pins = try #require(parsed["pins"] as? [[String: String]])
        #expect(pins.map { $0["value"] } == [try Fixtures.file("certs/chain.pem").expectedPin])
        #expect(text.hasPrefix("<domain-config>\n"))
    }

    // MARK: iOS

    /// The NSPinnedDomains entry for `domain`, as python's plistlib reads the fragment.
    private func pinnedDomain(_ fragment: String, _ domain: String) throws -> [String: Any] {
        let plist = try #require(
            try FormatConsumers.python(FormatConsumers.plistReader, input: fragment) as? [String: Any])
        let domains = try #require(plist["NSPinnedDomains"] as? [String: Any])
        #expect(Array(domains.keys) == [domain])
        return try #require(domains[domain] as? [String: Any])
    }

    private func identities(_ value: Any?) throws -> [String] {
        try #require(value as? [[String: String]]).map { try #require($0["SPKI-SHA256-BASE64"]) }
    }

    @Test(
        "ios prints an NSPinnedDomains fragment plistlib reads; leaf and key pins apart from CA pins",
        .enabled(if: FormatConsumers.python3 != nil, "python3 is not installed"))
    func iOSFragment() throws {
        let text = try output([
            "--format", "ios", "--host", "www.example.com", "--all", "certs/chain.pem",
            "keys/ec-p256.pkcs8.pem",
        ])
        let domain = try pinnedDomain(text, "www.example.com")
        #expect(domain["NSIncludesSubdomains"] as? Bool == false)
        let rows = try Fixtures.file("certs/chain.pem").rows
        let leaves =
            rows.filter { $0.role == "leaf" }.map(\.pin) + [
                try Fixtures.file("keys/ec-p256.pkcs8.pem").expectedPin
            ]
        let authorities = rows.filter { $0.role != "leaf" }.map(\.pin)
        #expect(try identities(domain["NSPinnedLeafIdentities"]) == leaves)
        #expect(try identities(domain["NSPinnedCAIdentities"]) == authorities)
    }

    @Test(
        "ios without --host pins example.com and says to replace it",
        .enabled(if: FormatConsumers.python3 != nil, "python3 is not installed"))
    func iOSPlaceholder() throws {
        let text = try output(["--format", "ios", "certs/leaf.pem"])
        let domain = try pinnedDomain(text, "example.com")
        #expect(domain["NSPinnedCAIdentities"] == nil)
        #expect(
            try identities(domain["NSPinnedLeafIdentities"]) == [
                try Fixtures.file("certs/leaf.pem").expectedPin
            ])
        #expect(text.contains("<!-- No host was given: replace example.com with the server's name. -->"))
    }

    // MARK: JSON

    @Test("json prints an array JSONSerialization reads: one object per pin base64 would print")
    func json() throws {
        let files = [
            "certs/intermediate.der", "csr/ec-p256.csr.pem", "p12/leaf-empty-password.p12",
            "public/x448.spki.der",
        ]
        let text = try output(["--format", "json"] + files)
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        try #require(objects.count == files.count)
        for (path, object) in zip(files, objects) {
            let file = try Fixtures.file(path)
            let row = try #require(file.rows.first { $0.pin == file.expectedPin })
            #expect(object["file"] as? String == path)
            #expect(object["position"] as? Int == row.position, "\(path)")
            #expect(object["pinSha256Base64"] as? String == row.pin)
            #expect(object["pinSha256Hex"] as? String == (try hex(row.pin)))
            #expect(object["keyAlgorithm"] as? String == row.algorithm)
            #expect(object["subject"] as? String == (row.subject == "-" ? nil : row.subject), "\(path)")
            #expect(object["role"] as? String == (row.role == "-" ? nil : row.role), "\(path)")
        }
        #expect(
            objects.map { $0["kind"] as? String } == [
                "certificate", "certificateRequest", "certificate", "publicKey",
            ])
        #expect(objects[0]["role"] as? String == "intermediate")
        #expect(objects[2]["role"] as? String == "leaf")
    }

    @Test("json --all prints every object, file and position included")
    func jsonAll() throws {
        let text = try output(["--format", "json", "--all", "certs/chain.pem"])
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        let rows = try Fixtures.file("certs/chain.pem").rows
        #expect(objects.map { $0["position"] as? Int } == rows.map(\.position))
        #expect(objects.map { $0["pinSha256Base64"] as? String } == rows.map(\.pin))
        #expect(objects.allSatisfy { $0["file"] as? String == "certs/chain.pem" })
    }

    // MARK: Failures and notes

    @Test("A failing input among good ones: the document of the good ones, one error line, exit 1")
    func failingInput() throws {
        let result = try run([
            "--format", "json", "certs/leaf.pem", "malformed/garbage-der.pem", "keys/ed25519.pkcs8.pem",
        ])
        #expect(result.status == 1)
        #expect(result.stderrIsOneLine, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("pinhash: malformed/garbage-der.pem: "))
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["file"] as? String } == ["certs/leaf.pem", "keys/ed25519.pkcs8.pem"])
    }

    @Test("An input that fails after some of its objects leaves no trace in the document written as it goes")
    func failingInputIsRolledBack() throws {
        let leaf = try Fixtures.file("certs/leaf.pem").expectedPin
        // The failing bundle's first certificate is the same leaf: had it stayed in the document, curl's
        // list (each key once) would drop the good file's, and JSON would lack its opening bracket.
        let curl = try run([
            "--format", "curl", "--all", "malformed/bundle-second-truncated.pem", "certs/leaf.pem",
        ])
        #expect(curl.status == 1)
        #expect(curl.stdout == "sha256//\(leaf)\n")
        let json = try run([
            "--format", "json", "--all", "malformed/bundle-second-truncated.pem", "certs/leaf.pem",
            "malformed/bundle-second-truncated.pem", "keys/ed25519.pkcs8.pem",
        ])
        #expect(json.status == 1)
        #expect(json.stderrLines.count == 2)
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(objects.map { $0["file"] as? String } == ["certs/leaf.pem", "keys/ed25519.pkcs8.pem"])
    }

    @Test(
        "When every input fails nothing is printed, for every format",
        arguments: ["json", "curl", "android", "ios", "hex"])
    func everyInputFails(format: String) throws {
        let result = try run(["--format", format, "no-such-file.pem", "malformed/garbage-der.pem"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrLines.count == 2)
    }

    @Test("The note about a bundle whose first certificate is a CA is still given")
    func caFirstNote() throws {
        let result = try run(["--format", "hpkp", "certs/root-first.pem"])
        #expect(result.status == 0)
        #expect(result.stdout == "pin-sha256=\"\(try Fixtures.file("certs/root-first.pem").expectedPin)\"\n")
        #expect(result.stderrIsOneLine && result.stderr.contains("note: the first certificate is a root CA"))
    }

    @Test(
        "Options a format cannot use, a missing --host and a bad host or port are usage errors (exit 64)",
        arguments: [
            ["--format", "tlsa"], ["--format", "curl", "--host", "example.com"], ["--host", "example.com"],
            ["--format", "android", "--port", "443"], ["--format", "tlsa", "--host", "a\"b.example"],
            ["--format", "android", "--host", "<x>"], ["--format", "ios", "--host", "192.0.2.1"],
            ["--format", "tlsa", "--host", "example.com", "--port", "0"], ["--format", "pem"],
            ["--format", "okhttp", "--host", "exa\nmple.com"],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try run(arguments + ["certs/leaf.pem"])
        #expect(result.status == 64)
        #expect(result.stdout == "")
        #expect(
            result.stderr.contains("--format") || result.stderr.contains("--host")
                || result.stderr.contains("--port"))
    }

    @Test("The error for tlsa without --host says what is missing")
    func tlsaWithoutHostMessage() throws {
        let result = try run(["--format", "tlsa", "certs/leaf.pem"])
        #expect(result.status == 64)
        #expect(
            result.stderrLines.first
                == "Error: --format tlsa needs --host: its records are named _PORT._tcp.HOST.")
    }

    // MARK: Hostile file names

    @Test(
        "A file name with quotes, markup, `--`, a newline, non-ASCII: intact in JSON, harmless in XML",
        .enabled(if: FormatConsumers.python3 != nil, "python3 is not installed"))
    func hostileFileName() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pinhash-format-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("a\"<b>&amp;--x'$y\\z\n\tü😀-.pem").path
        try FileManager.default.copyItem(atPath: Fixtures.url("certs/chain.pem").path, toPath: path)
        let pin = try Fixtures.file("certs/chain.pem").expectedPin

        let json = try output(["--format", "json", path])
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(objects.first?["file"] as? String == path)

        let android = try output(["--format", "android", "--host", "www.example.com", path])
        let parsed = try #require(
            try FormatConsumers.python(FormatConsumers.androidReader, input: android) as? [String: Any])
        #expect((parsed["pins"] as? [[String: String]])?.map { $0["value"] } == [pin])

        let ios = try output(["--format", "ios", "--host", "www.example.com", path])
        #expect(try identities(try pinnedDomain(ios, "www.example.com")["NSPinnedLeafIdentities"]) == [pin])
    }
}
