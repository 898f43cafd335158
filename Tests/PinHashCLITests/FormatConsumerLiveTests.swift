import Foundation
import PinHashTestSupport
import Testing

/// What `pinhash --format tlsa`, `chrome` and `okhttp` write, used by the program each is written for
/// against a loopback `openssl s_server` sending leaf.pem and intermediate.pem (whose root the system does
/// not trust): OpenSSL's DANE verification in s_client, headless Chromium, and an OkHttp client. Each
/// must accept what pinhash writes for the keys the server has and reject what it writes for others.
/// Expected pins come from manifest.tsv. (curl's `--pinnedpubkey` is in FormatCommandTests.)
@Suite("--format read by its consumers, live")
struct FormatConsumerLiveTests {
    static let host = "www.example.com"

    /// Runs pinhash and requires exit status 0; returns standard output.
    private func output(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> String
    {
        let result = try run(arguments, sourceLocation: sourceLocation)
        try #require(
            result.status == 0, "pinhash \(arguments): \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdout
    }

    private func pin(_ path: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.file(path).rows.first { $0.position == position }).pin
    }

    /// Lower-case hex of a base64 pin, decoded by Foundation.
    private func hex(_ base64: String) throws -> String {
        try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: DANE (openssl s_client)

    /// The RDATA (`U S M HEX`) of each `_PORT._tcp.HOST. IN TLSA U S M HEX` line, after requiring the
    /// owner name and the record type.
    private func tlsaRecordData(
        _ text: String, port: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [String] {
        try text.split(separator: "\n").map { line in
            let fields = line.split(separator: " ").map(String.init)
            try #require(fields.count == 7, "not a TLSA record: \(line)", sourceLocation: sourceLocation)
            #expect(
                fields[0...2] == ["_\(port)._tcp.\(Self.host).", "IN", "TLSA"], "\(line)",
                sourceLocation: sourceLocation)
            return fields[3...].joined(separator: " ")
        }
    }

    /// `openssl s_client` connecting to `server` with DANE verification of `Self.host` against `records`
    /// (each the RDATA `U S M HEX` of one record), failing the handshake when no record matches.
    private func daneClient(_ server: OpenSSLTLSServer, _ records: [String]) throws -> ProcessOutput {
        let openssl = try #require(FormatConsumers.openssl)
        let arguments =
            [
                "s_client", "-connect", "127.0.0.1:\(server.port)", "-servername", Self.host,
                "-dane_tlsa_domain", Self.host, "-verify_return_error",
            ] + records.flatMap { ["-dane_tlsa_rrdata", $0] }
        // End of input right away: s_client completes the handshake, prints its report and leaves.
        return try runProcess(
            openssl, arguments, stdin: Data(), environment: [:], timeout: 30, sourceLocation: #_sourceLocation
        )
    }

    @Test(
        "openssl's DANE verification accepts the tlsa records for the leaf (3 1 1) and the intermediate (2 1 1)",
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed (apt-get install openssl)"))
    func daneAcceptsTheServersKeys() throws {
        let server = try OpenSSLTLSServer()
        defer { server.stop() }
        let port = server.port
        let leaf = "3 1 1 \(try hex(try pin("certs/chain.pem", position: 1)))"
        let intermediate = "2 1 1 \(try hex(try pin("certs/chain.pem", position: 2)))"

        let fromFile = try tlsaRecordData(
            try output([
                "--cert", "certs/chain.pem", "--all", "--format", "tlsa", "--host", Self.host, "--port",
                String(port),
            ]), port: port)
        // The root's record is left out: the root is not sent, and which usage it gets is not asked here.
        #expect(Array(fromFile.prefix(2)) == [leaf, intermediate])
        let fromServer = try tlsaRecordData(
            try output([
                "--connect", "127.0.0.1:\(port)", "--servername", Self.host, "--format", "tlsa", "--host",
                Self.host, "--port", String(port),
            ]), port: port)
        #expect(fromServer == [leaf, intermediate])

        for (record, match) in [
            (leaf, "matched EE certificate at depth 0"), (intermediate, "matched TA certificate at depth 1"),
        ] {
            let result = try daneClient(server, [record])
            #expect(result.status == 0, "s_client with \(record): \(result.stdout)\(result.stderr)")
            #expect(result.stdoutLines.contains("Verification: OK"), "\(result.stdout)")
            // s_client names the record by its last 24 hex digits.
            let matched = "DANE TLSA \(record.prefix(5)) ...\(record.suffix(24)) \(match)"
            #expect(result.stdoutLines.contains(matched), "no `\(matched)` in:\n\(result.stdout)")
        }
        // Every record together, as a zone publishes them.
        for records in [fromFile, fromServer] {
            let result = try daneClient(server, records)
            #expect(result.status == 0, "s_client with \(records): \(result.stdout)\(result.stderr)")
            #expect(result.stdoutLines.contains("Verification: OK"), "\(result.stdout)")
        }
    }

    @Test(
        "openssl's DANE verification rejects the tlsa records of keys the server does not send",
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed (apt-get install openssl)"))
    func daneRejectsOtherKeys() throws {
        let server = try OpenSSLTLSServer()
        defer { server.stop() }
        let port = server.port
        // Another leaf and a bare key. (The chain's root, which the server does not send, gets a 2 1 0
        // record with its whole key, which does match: DANERoleTests checks that.)
        for file in ["certs/leaf-expired.pem", "keys/ec-p256.pkcs8.pem"] {
            let records = try tlsaRecordData(
                try output(["--format", "tlsa", "--host", Self.host, "--port", String(port), file]),
                port: port)
            try #require(records.count == 1)
            #expect(records[0].hasSuffix(" 1 1 \(try hex(try pin(file)))"), "\(file): \(records[0])")
            let result = try daneClient(server, records)
            #expect(result.status == 1, "s_client with \(records) for \(file): \(result.stdout)")
            #expect(
                result.stderr.contains("verify error:num=65:no matching DANE TLSA records"),
                "s_client with \(records) for \(file): \(result.stderr)")
            #expect(!result.stdoutLines.contains("Verification: OK"))
        }
    }

    // MARK: Chromium

    @Test(
        "Chromium loads the page with the chrome list that has the leaf's pin, and refuses it with one that has not",
        .enabled(if: FormatConsumers.chromium != nil, "chromium is not installed (apt-get install chromium)"),
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed (apt-get install openssl)"))
    func chromiumSPKIList() throws {
        let chromium = HeadlessChromium(
            executable: try #require(FormatConsumers.chromium), resolving: [Self.host])
        // The root first: Chromium must read past the first entry of the list to find the leaf.
        let matching = try output(["--format", "chrome", "certs/root.pem", "certs/leaf.pem"])
        #expect(matching == "\(try pin("certs/root.pem")),\(try pin("certs/leaf.pem"))\n")
        // Neither key is sent by the server (the root is trusted by no one here).
        let other = try output(["--format", "chrome", "certs/root.pem", "keys/ec-p256.pkcs8.pem"])
        #expect(other == "\(try pin("certs/root.pem")),\(try pin("keys/ec-p256.pkcs8.pem"))\n")

        let server = try OpenSSLTLSServer()
        defer { server.stop() }
        let url = "https://\(Self.host):\(server.port)/"
        // The page `openssl s_server -www` serves.
        let marker = "Ciphers supported in s_server binary"
        let loaded = try chromium.load(
            url, arguments: ["--ignore-certificate-errors-spki-list=\(matching.dropLast())"])
        #expect(!loaded.timedOut, "chromium did not finish within its time limit:\n\(loaded.log)")
        #expect(
            loaded.dom.contains(marker), "the page did not load:\n\(loaded.dom)\n--- chromium:\n\(loaded.log)"
        )

        let refused = try chromium.load(
            url, arguments: ["--ignore-certificate-errors-spki-list=\(other.dropLast())"])
        #expect(!refused.timedOut, "chromium did not finish within its time limit:\n\(refused.log)")
        #expect(!refused.dom.contains(marker), "the page loaded with pins the server does not have")
        #expect(
            refused.log.contains("Page load failed: net::ERR_CERT_AUTHORITY_INVALID"),
            "chromium did not name the certificate error:\n\(refused.log)")
    }

    // MARK: OkHttp

    /// `Tests/Support/OkHttpPinCheck.java`, compiled against Debian's OkHttp into a scratch directory,
    /// run with pins on standard input.
    private struct OkHttpClient {
        let java: String
        let classPath: String

        /// Fetches `https://HOST:port/` with `pins` (`sha256/…` lines) as OkHttp's CertificatePinner for
        /// the host, trusting only the fixture root.
        func fetch(port: Int, pins: String) throws -> ProcessOutput {
            try runProcess(
                java,
                [
                    "-cp", classPath, "OkHttpPinCheck", FormatConsumerLiveTests.host, String(port),
                    "certs/root.pem",
                ],
                stdin: Data(pins.utf8), environment: [:], timeout: 60, sourceLocation: #_sourceLocation)
        }
    }

    @Test(
        "OkHttp's CertificatePinner accepts the okhttp pins of the server's keys and fails on others",
        .enabled(
            if: FormatConsumers.java != nil && FormatConsumers.javac != nil,
            "the JDK is not installed (apt-get install default-jdk-headless)"),
        .enabled(
            if: FormatConsumers.okHttpClassPath != nil,
            "OkHttp is not installed (apt-get install libokhttp-java)"),
        .enabled(if: FormatConsumers.openssl != nil, "openssl is not installed (apt-get install openssl)"))
    func okHttpCertificatePinner() throws {
        let jars = try #require(FormatConsumers.okHttpClassPath)
        try withLiveScratchDirectory { classes in
            let source = PackagePaths.root.appendingPathComponent("Tests/Support/OkHttpPinCheck.java").path
            let compiled = try runProcess(
                try #require(FormatConsumers.javac),
                ["-d", classes.path, "-cp", jars.joined(separator: ":"), source], stdin: nil,
                environment: [:],
                timeout: 120, sourceLocation: #_sourceLocation)
            try #require(compiled.status == 0, "javac: \(compiled.stderr)")
            let client = OkHttpClient(
                java: try #require(FormatConsumers.java),
                classPath: (jars + [classes.path]).joined(separator: ":"))

            let leaf = try output(["--format", "okhttp", "certs/leaf.pem"])
            #expect(leaf == "sha256/\(try pin("certs/leaf.pem"))\n")
            let chain = try output(["--format", "okhttp", "--all", "certs/chain.pem"])
            let chainPins = try (1...3).map { "sha256/\(try pin("certs/chain.pem", position: $0))" }
            #expect(chain == chainPins.map { $0 + "\n" }.joined())
            // With --host, Kotlin for an app's source: the same values in CertificatePinner.Builder() calls.
            let builder = try output(["--format", "okhttp", "--host", Self.host, "--all", "certs/chain.pem"])
            let calls = builder.split(separator: "\n").filter { $0.hasPrefix("    .add(") }.map(String.init)
            #expect(calls == chainPins.map { "    .add(\"\(Self.host)\", \"\($0)\")" })
            let other = try output(["--format", "okhttp", "certs/leaf-expired.pem", "keys/ec-p256.pkcs8.pem"])

            let server = try OpenSSLTLSServer()
            defer { server.stop() }
            for pins in [leaf, chain] {
                let result = try client.fetch(port: server.port, pins: pins)
                #expect(result.status == 0, "OkHttp with \(pins): \(result.stderr)")
                #expect(result.stdout == "fetched HTTP 200\n", "OkHttp with \(pins): \(result.stderr)")
            }
            let refused = try client.fetch(port: server.port, pins: other)
            #expect(refused.status == 1)
            // (A line before it would be the JVM's `Picked up JAVA_TOOL_OPTIONS`.)
            #expect(
                refused.stderrLines.contains(
                    "javax.net.ssl.SSLPeerUnverifiedException: Certificate pinning failure!"),
                "\(refused.stderr)")
            // OkHttp lists the pins it computed for the chain: the leaf's is the manifest's.
            #expect(
                refused.stderr.contains("sha256/\(try pin("certs/leaf.pem")): CN=www.example.com"),
                "\(refused.stderr)")
        }
    }
}
