import Foundation
import PinHashTestSupport
import Testing

/// `pinhash --connect` through the built binary against loopback servers no one here wrote: openssl
/// s_server, Python's ssl module behind a small STARTTLS script, nginx. Expected pins and subjects come
/// from manifest.tsv (computed by the openssl command line) for the fixture files each server sends.
@Suite(
    "--connect: live loopback servers", .serialized,
    .enabled(if: LiveTools.openssl != nil, "openssl is not installed: apt-get install openssl"))
struct ConnectCommandTests {
    // MARK: Expectations from the manifest

    /// The `PIN  ROLE  SUBJECT` lines `pinhash --all` prints for these single-certificate fixtures.
    static func expectedLines(_ files: [String]) throws -> String {
        try files.map { path in
            let row = try Fixtures.file(path).rows[0]
            return "\(row.pin)  \(row.role)  \(row.subject)\(row.untilColumn)\n"
        }.joined()
    }

    /// The lines for `sent`, then, when the chain verified against the fixture root and the server did not
    /// send it, the root's line marked `(not sent)`: the chain a client builds ends there.
    static func expectedLines(_ sent: [String], stderr: String) throws -> String {
        let root = "certs/root.pem"
        guard stderr.contains("chain trusted"), stderr.contains(fixtureRoot), !sent.contains(root) else {
            return try expectedLines(sent)
        }
        let row = try Fixtures.file(root).rows[0]
        return try expectedLines(sent)
            + "\(row.pin)  \(row.role)  \(row.subject)\(row.untilColumn)  (not sent)\n"
    }

    static func hex(_ base64: String) throws -> String {
        try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
    }

    /// `s_client -showcerts` (with `-starttls` when given), then for each certificate
    /// `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`.
    static let opensslPipeline = """
        set -e
        openssl s_client -connect "$1" $2 -showcerts </dev/null 2>/dev/null >"$3/showcerts.txt"
        awk -v dir="$3" '/-----BEGIN CERTIFICATE-----/ { n++; file = sprintf("%s/cert-%02d.pem", dir, n) }
            file { print > file } /-----END CERTIFICATE-----/ { close(file); file = "" }' "$3/showcerts.txt"
        for file in "$3"/cert-*.pem; do
            openssl x509 -in "$file" -pubkey -noout | openssl pkey -pubin -outform der \\
                | openssl dgst -sha256 -binary | base64
        done
        """

    /// An independent computation of what pinhash prints: the pins openssl s_client sees at `target`
    /// must be the manifest's for the files the server sends.
    static func expectOpenSSLSees(
        _ sent: [String], at target: String, starttls: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let pins = try withLiveScratchDirectory { directory in
            let result = try runProcess(
                "/bin/sh",
                [
                    "-c", opensslPipeline, "sh", target, starttls.map { "-starttls \($0)" } ?? "",
                    directory.path,
                ],
                stdin: nil, environment: [:], timeout: 60, sourceLocation: sourceLocation)
            #expect(
                result.status == 0, "the openssl pipeline: \(result.stderr)", sourceLocation: sourceLocation)
            return result.stdoutLines
        }
        let expected = try sent.map { try Fixtures.file($0).rows[0].pin }
        #expect(pins == expected, "openssl s_client at \(target)", sourceLocation: sourceLocation)
    }

    /// Requires a successful connect: exit 0, the expected lines, one stderr line, which it returns.
    @discardableResult
    static func expectChain(
        _ arguments: [String], sent: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let result = try run(arguments, sourceLocation: sourceLocation)
        #expect(result.status == 0, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(
            result.stdout == (try expectedLines(sent, stderr: result.stderr)), sourceLocation: sourceLocation)
        #expect(result.stderrIsOneLine, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stderrLines.first ?? ""
    }

    /// Requires a failure: exit 1, nothing on stdout, one line `pinhash: SERVER: REASON`; returns REASON.
    static func failure(
        _ arguments: [String], server: String, timeout: Double = 30,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (reason: String, seconds: Double) {
        let result = try run(arguments, timeout: timeout, sourceLocation: sourceLocation)
        #expect(result.status == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout == "", sourceLocation: sourceLocation)
        #expect(result.stderrIsOneLine, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        let prefix = "pinhash: \(server): "
        let line = result.stderrLines.first ?? ""
        #expect(line.hasPrefix(prefix), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        return (line.hasPrefix(prefix) ? String(line.dropFirst(prefix.count)) : line, result.seconds)
    }

    /// Starts s_server with `setup` on `addresses`, runs `pinhash --connect HOST:PORT ARGUMENTS`, requires
    /// the chain the server sends (and, if asked, that openssl s_client sees it too), and returns
    /// `HOST:PORT` and pinhash's status line.
    static func connect(
        to setup: OpenSSLTLSServer.Setup, on addresses: [Loopback] = [.ipv4], as host: String = "127.0.0.1",
        _ arguments: [String] = [], checkedByOpenSSL: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> (target: String, status: String) {
        let server = try OpenSSLTLSServer(setup, on: addresses)
        defer { server.stop() }
        let target = "\(host):\(server.port)"
        let status = try expectChain(
            ["--connect", target] + arguments, sent: setup.sent, sourceLocation: sourceLocation)
        if checkedByOpenSSL {
            try expectOpenSSLSees(setup.sent, at: target, sourceLocation: sourceLocation)
        }
        return (target, status)
    }

    static let systemStore = "the system trust store"
    static let fixtureRoot = "the CAs in certs/root.pem"

    /// The contract's status line for a trusted chain.
    static func trusted(
        _ target: String, for name: String, by store: String, version: String = "TLSv1.3",
        from address: Loopback = .ipv4
    ) -> String {
        "pinhash: \(target): chain trusted for \(name) by \(store) (\(version) from \(address.address))"
    }

    /// The contract's status line for an untrusted chain; without `reason`, the part before it.
    static func untrusted(_ target: String, for name: String, by store: String, _ reason: String? = nil)
        -> String
    {
        let start = "pinhash: \(target): warning: chain not trusted for \(name) by \(store): "
        return reason.map { start + $0 + " (pins printed anyway)" } ?? start
    }

    /// An IP literal: no SNI, the leaf checked against the address, and no root here to trust it.
    static func expectUntrustedAddress(
        _ connection: (target: String, status: String), name: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let status = connection.status
        #expect(
            status.hasPrefix(untrusted(connection.target, for: name, by: systemStore)), "\(status)",
            sourceLocation: sourceLocation)
        #expect(status.hasSuffix(" (pins printed anyway)"), "\(status)", sourceLocation: sourceLocation)
    }

    static let setups = [OpenSSLTLSServer.Setup.leafAndIntermediate, .fullChain]

    // MARK: The chain a server sends

    @Test(
        "Over IPv4: every certificate s_server sends, in order, as pinhash --all prints them and s_client sees them",
        arguments: setups)
    func chainOverIPv4(setup: OpenSSLTLSServer.Setup) throws {
        Self.expectUntrustedAddress(try Self.connect(to: setup, checkedByOpenSSL: true), name: "127.0.0.1")
    }

    @Test("The lines are exactly what pinhash --cert chain.pem --all prints for the same certificates")
    func sameAsAllOnTheFile() throws {
        let server = try OpenSSLTLSServer(.fullChain)
        defer { server.stop() }
        let file = try run(["--cert", "certs/chain.pem", "--all"])
        try #require(file.status == 0)
        let live = try run(["--connect", "127.0.0.1:\(server.port)"])
        #expect(live.status == 0, "stderr: \(live.stderr)")
        #expect(live.stdout == file.stdout)
        #expect(file.stdout == (try Self.expectedLines(server.setup.sent)))
    }

    @Test(
        "Over IPv6: --connect [::1]:PORT, the chain s_client sees there",
        .enabled(if: Loopback.ipv6IsAvailable, "this machine has no IPv6 loopback address (::1)"))
    func chainOverIPv6() throws {
        let connection = try Self.connect(to: .fullChain, on: [.ipv6], as: "[::1]", checkedByOpenSSL: true)
        Self.expectUntrustedAddress(connection, name: "::1")
        let (target, status) = try Self.connect(
            to: .leafAndIntermediate, on: [.ipv6], as: "[::1]",
            ["--servername", "www.example.com", "--cafile", "certs/root.pem"])
        #expect(status == Self.trusted(target, for: "www.example.com", by: Self.fixtureRoot, from: .ipv6))
    }

    @Test("localhost:PORT resolves and connects (the server listens on 127.0.0.1 and ::1 alike)")
    func localhost() throws {
        let connection = try Self.connect(to: .leafAndIntermediate, on: Loopback.available, as: "localhost")
        #expect(
            connection.status.hasPrefix(
                Self.untrusted(connection.target, for: "localhost", by: Self.systemStore)))
    }

    // MARK: Verification

    @Test("With --cafile root.pem and --servername www.example.com the chain is trusted", arguments: setups)
    func trustedWithCAFile(setup: OpenSSLTLSServer.Setup) throws {
        let (target, status) = try Self.connect(
            to: setup, ["--servername", "www.example.com", "--cafile", "certs/root.pem"])
        #expect(status == Self.trusted(target, for: "www.example.com", by: Self.fixtureRoot))
    }

    @Test("--address connects to an IP while SNI and the name check use the host: trusted with --cafile")
    func addressOverridesResolution() throws {
        let (target, status) = try Self.connect(
            to: .leafAndIntermediate, as: "www.example.com",
            ["--address", "127.0.0.1", "--cafile", "certs/root.pem"])
        #expect(status == Self.trusted(target, for: "www.example.com", by: Self.fixtureRoot))
    }

    @Test("The status line names the protocol agreed: TLSv1.2 with a server that speaks only 1.2")
    func protocolVersion() throws {
        let (target, status) = try Self.connect(
            to: .tls12Only, ["--servername", "www.example.com", "--cafile", "certs/root.pem"])
        #expect(
            status == Self.trusted(target, for: "www.example.com", by: Self.fixtureRoot, version: "TLSv1.2"))
    }

    @Test(
        "Without --cafile the fixture chain is not trusted: a warning in OpenSSL's words, the pins, exit 0",
        arguments: zip(
            setups,
            ["unable to get local issuer certificate", "self-signed certificate in certificate chain"]))
    func untrustedWithoutCAFile(setup: OpenSSLTLSServer.Setup, reason: String) throws {
        let (target, status) = try Self.connect(to: setup, ["--servername", "www.example.com"])
        #expect(status == Self.untrusted(target, for: "www.example.com", by: Self.systemStore, reason))
    }

    @Test("A name the leaf does not hold: not trusted, hostname mismatch, the pins still printed")
    func hostnameMismatch() throws {
        let (target, status) = try Self.connect(
            to: .leafAndIntermediate, ["--servername", "other.test", "--cafile", "certs/root.pem"])
        #expect(
            status == Self.untrusted(target, for: "other.test", by: Self.fixtureRoot, "hostname mismatch"))
    }

    // MARK: SNI

    @Test("SNI picks the chain: none gives the default, --servername expired.example.com the second")
    func serverNameSelectsTheChain() throws {
        let server = try OpenSSLTLSServer(.selectedByName)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        try Self.expectChain(["--connect", target], sent: server.setup.sent)
        let alternative = try #require(server.setup.alternative)
        let status = try Self.expectChain(
            ["--connect", target, "--servername", alternative.serverName, "--cafile", "certs/root.pem"],
            sent: [alternative.certificate])
        #expect(status.hasPrefix(Self.untrusted(target, for: "expired.example.com", by: Self.fixtureRoot)))
    }

    @Test("A server with no certificate for the SNI name sent: a fatal alert, one error line, exit 1")
    func noServerNameMatch() throws {
        let server = try OpenSSLTLSServer(.selectedByName)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let (reason, _) = try Self.failure(
            ["--connect", target, "--servername", "www.example.com"], server: target)
        #expect(reason.hasPrefix("TLS handshake failed: "), "\(reason)")
        #expect(reason.contains("unrecognized name"), "\(reason)")
    }

    @Test("The command line words the library's remedy for a name the server lacks with --servername")
    func noServerNameMatchNamesTheOption() throws {
        let server = try OpenSSLTLSServer(.selectedByName)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let (reason, _) = try Self.failure(
            ["--connect", target, "--servername", "www.example.com"], server: target)
        #expect(
            reason.hasSuffix(
                ": the server has no certificate for the name sent (www.example.com); check --servername"),
            "\(reason)")
    }

    @Test(
        "A mail server reached without --starttls: the TLS error says the port wants --starttls",
        .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"))
    func plaintextGreetingNamesStartTLS() throws {
        let server = try StartTLSServer("smtp")
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let (reason, _) = try Self.failure(["--connect", target, "--timeout", "5"], server: target)
        #expect(reason.hasPrefix("TLS handshake failed: "), "\(reason)")
        #expect(
            reason.hasSuffix(
                ": the server did not answer with TLS; is port \(server.port) a TLS port? (mail servers on 25, "
                    + "587, 143 and 110 need --starttls)"),
            "\(reason)")
    }

    // MARK: Servers that fail

    /// A TCP server that fails a client in one way, and the reason pinhash must give.
    struct Misbehaviour: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let behaviour: LoopbackTCPServer.Behaviour
        let arguments: [String]
        let reason: String

        static let all = [
            Misbehaviour(
                testDescription: "a server that closes the connection at once", behaviour: .closesAtOnce,
                arguments: [], reason: "the server closed the connection during the TLS handshake"),
            Misbehaviour(
                testDescription: "a server that accepts and never answers", behaviour: .neverAnswers,
                arguments: ["--timeout", "1"], reason: "timed out after 1 s waiting for the TLS handshake"),
            Misbehaviour(
                testDescription: "a listener whose accept queue is full", behaviour: .connectingTimesOut,
                arguments: ["--timeout", "1"], reason: "timed out after 1 s connecting to 127.0.0.1"),
            Misbehaviour(
                testDescription: "a mail server that never greets", behaviour: .neverAnswers,
                arguments: ["--starttls", "smtp", "--timeout", "1"],
                reason: "timed out after 1 s waiting for the STARTTLS reply"),
        ]
    }

    @Test(
        "Servers that close or never answer: one error line saying which step failed; --timeout 1 ends it",
        arguments: Misbehaviour.all)
    func misbehavingServer(_ misbehaviour: Misbehaviour) throws {
        let server = try LoopbackTCPServer(misbehaviour.behaviour)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let (reason, seconds) = try Self.failure(
            ["--connect", target] + misbehaviour.arguments, server: target)
        #expect(reason.hasPrefix(misbehaviour.reason), "\(reason)")
        if misbehaviour.arguments.contains("--timeout") {
            #expect(seconds >= 0.9 && seconds < 4, "took \(seconds) s")
        }
    }

    @Test("A closed port: connection refused, naming the address and port")
    func refusedConnection() throws {
        for address in Loopback.available {
            let port = try address.refusingPort()
            let target = address.hostAndPort(port)
            let (reason, _) = try Self.failure(["--connect", target], server: target)
            #expect(reason.hasPrefix("connection refused by \(address.address) port \(port)"), "\(reason)")
        }
    }

    @Test("A name in .invalid (RFC 6761) cannot be resolved")
    func unresolvableName() throws {
        let target = "pinhash-test.invalid:443"
        let (reason, _) = try Self.failure(
            ["--connect", target, "--timeout", "5"], server: target, timeout: 60)
        #expect(reason.hasPrefix("cannot resolve pinhash-test.invalid: "), "\(reason)")
    }

    @Test(
        "Usage errors exit 64",
        arguments: [
            ["--connect", "127.0.0.1:notaport"], ["--connect", "[::1"], ["--connect", "127.0.0.1:0"],
            ["--connect", "127.0.0.1:443", "certs/leaf.pem"],
            ["--connect", "127.0.0.1:443", "--starttls", "ftp"],
        ])
    func usageErrors(arguments: [String]) throws {
        let result = try run(arguments)
        #expect(result.status == 64, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(result.stdout == "")
    }

    // MARK: Formats

    @Test("--format tlsa: _PORT._tcp.NAME. records, 3 1 1 for the leaf and 2 1 1 for the CA")
    func tlsaFormat() throws {
        let server = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { server.stop() }
        let rows = try server.setup.sent.map { try Fixtures.file($0).rows[0] }
        let common = [
            "--connect", "127.0.0.1:\(server.port)", "--servername", "www.example.com", "--format", "tlsa",
        ]
        let expected = try rows.map { row in
            "_\(server.port)._tcp.www.example.com. IN TLSA \(row.role == "leaf" ? 3 : 2) 1 1 \(try Self.hex(row.pin))\n"
        }.joined()
        let result = try run(common)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == expected)
        let renamed = try run(common + ["--host", "mail.example.com", "--port", "25"])
        #expect(renamed.status == 0, "stderr: \(renamed.stderr)")
        #expect(
            renamed.stdout
                == expected.replacingOccurrences(of: "_\(server.port)._tcp.www.", with: "_25._tcp.mail."))
    }

    @Test(
        "--format curl: the value curl --pinnedpubkey accepts for the same server",
        .enabled(if: LiveTools.curl != nil, "curl is not installed: apt-get install curl"))
    func curlFormat() throws {
        let curl = try #require(LiveTools.curl)
        let server = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { server.stop() }
        let pins = try server.setup.sent.map { try Fixtures.file($0).rows[0].pin }
        let result = try run(["--connect", "127.0.0.1:\(server.port)", "--format", "curl"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == pins.map { "sha256//\($0)" }.joined(separator: ";") + "\n")
        let fetched = try runProcess(
            curl,
            [
                "-q", "-sS", "-o", "/dev/null", "--noproxy", "*", "--max-time", "20", "--cacert",
                "certs/root.pem",
                "--resolve", "www.example.com:\(server.port):127.0.0.1", "--pinnedpubkey",
                String(result.stdout.dropLast()), "https://www.example.com:\(server.port)/",
            ], stdin: nil, environment: [:], timeout: 60, sourceLocation: #_sourceLocation)
        #expect(fetched.status == 0, "curl: \(fetched.stderr)")
    }

    @Test("--format json: one object per certificate sent, pins, roles and subjects from the manifest")
    func jsonFormat() throws {
        let server = try OpenSSLTLSServer(.fullChain)
        defer { server.stop() }
        let result = try run(["--connect", "127.0.0.1:\(server.port)", "--format", "json"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let rows = try server.setup.sent.map { try Fixtures.file($0).rows[0] }
        #expect(objects.map { $0["pinSha256Base64"] as? String } == rows.map(\.pin))
        #expect(objects.map { $0["pinSha256Hex"] as? String } == (try rows.map { try Self.hex($0.pin) }))
        #expect(objects.map { $0["role"] as? String } == rows.map(\.role))
        #expect(objects.map { $0["subject"] as? String } == rows.map(\.subject))
        #expect(objects.map { $0["position"] as? Int } == [1, 2, 3])
        #expect(objects.allSatisfy { $0["kind"] as? String == "certificate" })
    }

    // MARK: STARTTLS

    @Test(
        "--starttls: the chain Python's ssl module sends after STARTTLS (STLS for POP3), as s_client sees it",
        .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"),
        arguments: ["smtp", "imap", "pop3"])
    func startTLS(mailProtocol: String) throws {
        let server = try StartTLSServer(mailProtocol)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let trust = ["--servername", "www.example.com", "--cafile", "certs/root.pem"]
        let status = try Self.expectChain(
            ["--connect", target, "--starttls", mailProtocol] + trust,
            sent: StartTLSServer.sent)
        #expect(status == Self.trusted(target, for: "www.example.com", by: Self.fixtureRoot))
        try Self.expectOpenSSLSees(StartTLSServer.sent, at: target, starttls: mailProtocol)
    }

    @Test(
        "--starttls over IPv6",
        .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"),
        .enabled(if: Loopback.ipv6IsAvailable, "this machine has no IPv6 loopback address (::1)"))
    func startTLSOverIPv6() throws {
        let server = try StartTLSServer("smtp", on: .ipv6)
        defer { server.stop() }
        try Self.expectChain(
            ["--connect", "[::1]:\(server.port)", "--starttls", "smtp"], sent: StartTLSServer.sent)
    }

    @Test(
        "A mail server that does not offer STARTTLS: one error line, exit 1",
        .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"),
        arguments: ["smtp", "imap", "pop3"])
    func startTLSNotOffered(mailProtocol: String) throws {
        let server = try StartTLSServer(mailProtocol, offersStartTLS: false)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let (reason, _) = try Self.failure(
            ["--connect", target, "--starttls", mailProtocol, "--timeout", "5"], server: target)
        #expect(reason.hasPrefix("STARTTLS"), "\(reason)")
        #expect(reason.contains("not offer") || reason.contains("refused"), "\(reason)")
    }

    // MARK: nginx

    @Test(
        "nginx: the chain from ssl_certificate, over 127.0.0.1 and ::1, as s_client sees it",
        .enabled(if: LiveTools.nginx != nil, "nginx is not installed: apt-get install nginx"))
    func nginx() throws {
        let site = try LiveNginxSite()
        defer { site.stop() }
        for address in site.addresses {
            let target = address.hostAndPort(site.httpsPort)
            try Self.expectChain(["--connect", target], sent: LiveNginxSite.sent)
            try Self.expectOpenSSLSees(LiveNginxSite.sent, at: target)
        }
    }
}
