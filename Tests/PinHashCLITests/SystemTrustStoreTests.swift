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
            result.stderr.contains("chain trusted")
            ? "\(root.pin)  root  \(root.subject)\(root.untilColumn)  (not sent)\n" : ""
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

/// A self-issued CA certificate whose own fields do not make it a root (`openssl req -x509`: CA:TRUE,
/// no keyUsage) is a root when its key is a system trust store CA's: found in a hashed directory by its
/// subject's hash, or in SSL_CERT_FILE.
@Suite(
    "Roles: a self-issued CA in the system trust store is a root", .serialized,
    .enabled(if: LiveTools.openssl != nil, "openssl is not installed: apt-get install openssl"))
struct TrustStoreRoleTests {
    static let certificate = "roles/self-signed.pem"

    static func role(with environment: [String: String]) throws -> String {
        let result = try run(["--cert", certificate, "--all"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let row = try Fixtures.file(certificate).rows[0]
        #expect(result.stdout.hasPrefix("\(row.pin)  "), "\(result.stdout)")
        return String(result.stdout.split(separator: " ", omittingEmptySubsequences: true)[1])
    }

    @Test("In a hashed SSL_CERT_DIR: root; in one without it, or with no hash links: self-signed")
    func hashedDirectory() throws {
        try SystemTrustStoreTests.withRootDirectory(rehash: true, holding: Self.certificate) { directory in
            let role = try Self.role(with: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": ""])
            #expect(role == "root")
        }
        try SystemTrustStoreTests.withRootDirectory(rehash: true) { directory in
            let role = try Self.role(with: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": ""])
            #expect(role == "self-signed")
        }
        try SystemTrustStoreTests.withRootDirectory(rehash: false, holding: Self.certificate) { directory in
            let role = try Self.role(with: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": ""])
            #expect(role == "self-signed")
        }
    }

    @Test(
        "In a bundle of 200 certificates (decoded on every core, the store read meanwhile on a thread of its own): root in every row"
    )
    func bundleDecodedInParallel() throws {
        try SystemTrustStoreTests.withRootDirectory(rehash: true, holding: Self.certificate) { directory in
            let bundle = URL(fileURLWithPath: directory).appendingPathComponent("bundle.pem")
            let text = try String(contentsOf: Fixtures.url(Self.certificate), encoding: .utf8)
            try String(repeating: text, count: 200).write(to: bundle, atomically: true, encoding: .utf8)
            let result = try run(
                ["--cert", bundle.path, "--all"],
                environment: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": ""])
            #expect(result.status == 0, "\(result.stderr)")
            let pin = try Fixtures.file(Self.certificate).rows[0].pin
            let rows = result.stdout.split(separator: "\n")
            #expect(rows.count == 200)
            #expect(rows.allSatisfy { $0.hasPrefix("\(pin)  root  ") }, "\(result.stdout.prefix(500))")
        }
    }

    @Test("Named by SSL_CERT_FILE, beside a hashed directory without it: root")
    func bundleFile() throws {
        try SystemTrustStoreTests.withRootDirectory(rehash: true) { directory in
            let file = Fixtures.url(Self.certificate).path
            let role = try Self.role(with: ["SSL_CERT_DIR": directory, "SSL_CERT_FILE": file])
            #expect(role == "root")
        }
    }
}
