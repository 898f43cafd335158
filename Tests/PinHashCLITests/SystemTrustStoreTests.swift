import Foundation
import PinHashTestSupport
import Testing

/// Where `--connect` finds "the system trust store": OpenSSL's default directory and file, or
/// SSL_CERT_DIR and SSL_CERT_FILE, with the hashed directory preferred so that the whole CA bundle is
/// not decoded on every run. The stores here are made by `openssl rehash` from the fixture root, so a
/// chain is trusted only when pinhash really looked where it should.
@Suite(
    "--connect: the system trust store (SSL_CERT_DIR, SSL_CERT_FILE)", .serialized,
    .enabled(if: LiveTools.openssl != nil, "openssl is not installed: apt-get install openssl"))
struct SystemTrustStoreTests {
    /// Connects to s_server (leaf and intermediate) as www.example.com with `environment`, requires the
    /// chain, and returns the status line.
    static func status(with environment: [String: String]) throws -> (status: String, target: String) {
        let server = try OpenSSLTLSServer(.leafAndIntermediate)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        let result = try run(
            ["--connect", target, "--servername", "www.example.com"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        // A trusted chain ends in the store's root, which the server did not send.
        let root = try Fixtures.file("certs/root.pem").rows[0]
        let notSent =
            result.stderr.contains("chain trusted") ? "\(root.pin)  root  \(root.subject)  (not sent)\n" : ""
        #expect(
            result.stdout
                == (try ConnectCommandTests.expectedLines(["certs/leaf.pem", "certs/intermediate.pem"]))
                + notSent)
        return (result.stderr.trimmingCharacters(in: .newlines), target)
    }

    /// A directory holding a copy of a fixture CA (the chain's root unless told), with the hash links
    /// `openssl rehash` makes when `rehash` is set.
    static func withRootDirectory<T>(
        rehash: Bool, holding certificate: String = "certs/root.pem", _ body: (String) throws -> T
    ) throws -> T {
        try withLiveScratchDirectory { directory in
            try FileManager.default.copyItem(
                at: Fixtures.url(certificate), to: directory.appendingPathComponent("ca.pem"))
            if rehash {
                let result = try runProcess(
                    try #require(LiveTools.openssl), ["rehash", directory.path], stdin: nil, environment: [:],
                    timeout: 30, sourceLocation: #_sourceLocation)
                #expect(result.status == 0, "openssl rehash: \(result.stderr)")
            }
            return try body(directory.path)
        }
    }

    @Test("A hashed SSL_CERT_DIR with the root: trusted by the system trust store, without any bundle file")
    func hashedDirectory() throws {
        try Self.withRootDirectory(rehash: true) { directory in
            let (status, target) = try Self.status(with: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": ""])
            #expect(
                status
                    == ConnectCommandTests.trusted(
                        target, for: "www.example.com", by: ConnectCommandTests.systemStore))
        }
    }

    @Test(
        "SSL_CERT_FILE naming the root is read whether or not SSL_CERT_DIR (with another CA) has hash links",
        arguments: [true, false])
    func fileBesideDirectory(rehash: Bool) throws {
        try Self.withRootDirectory(rehash: rehash, holding: "certs/v1-root.pem") { directory in
            let (status, target) = try Self.status(with: [
                "SSL_CERT_DIR": directory, "SSL_CERT_FILE": Fixtures.url("certs/root.pem").path,
            ])
            #expect(
                status
                    == ConnectCommandTests.trusted(
                        target, for: "www.example.com", by: ConnectCommandTests.systemStore))
        }
    }

    @Test("A directory with the root but no hash links is not the store: without SSL_CERT_FILE, untrusted")
    func directoryWithoutHashLinks() throws {
        try Self.withRootDirectory(rehash: false) { directory in
            let (status, target) = try Self.status(with: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": ""])
            #expect(
                status
                    == ConnectCommandTests.untrusted(
                        target, for: "www.example.com", by: ConnectCommandTests.systemStore,
                        "unable to get local issuer certificate"))
        }
    }
}
