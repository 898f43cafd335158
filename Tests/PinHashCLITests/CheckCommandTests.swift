import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash check` against `openssl s_server` processes on 127.0.0.x and ::1, each with its own chain:
/// one name mapped with --resolve to two addresses, one of which serves a certificate re-keyed at test
/// time (signed by the fixture intermediate with the openssl CLI). Expected pins come from the fixture
/// manifest or from the openssl CLI; the JSON output is read with python3's json module.
@Suite("pinhash check", .serialized)
struct CheckCommandTests {
    static func pin(_ path: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.file(path).rows.first { $0.position == position }).pin
    }

    /// The pin of a key or certificate, computed by the openssl command line.
    static func opensslPin(ofKey path: String) throws -> String {
        let result = try runShell(
            "openssl pkey -in \"$1\" -pubout -outform der | openssl dgst -sha256 -binary | openssl base64 -A",
            [path])
        try #require(result.status == 0, "\(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The servers of one test: `openssl s_server -www` processes, each on its own address and port, and
    /// the scratch directory they read from; stopped by `stop()`.
    final class Servers {
        let group: LiveServerGroup
        let openssl: String
        /// The key and certificate made at test time for www.example.com: a new key, signed by the
        /// fixture intermediate.
        private(set) var rekeyed: (certificate: String, key: String)?

        init() throws {
            openssl = try #require(LiveTools.openssl, "openssl is not installed")
            group = try LiveServerGroup()
        }

        var directory: URL { group.directory }

        /// Makes a new EC key and a certificate for www.example.com signed by the fixture intermediate.
        func makeRekeyedLeaf() throws -> (certificate: String, key: String) {
            let key = directory.appendingPathComponent("rekeyed.key").path
            let certificate = directory.appendingPathComponent("rekeyed.pem").path
            let extensions = directory.appendingPathComponent("leaf.ext").path
            try "subjectAltName=DNS:www.example.com,DNS:example.com\nbasicConstraints=CA:FALSE\n".write(
                toFile: extensions, atomically: true, encoding: .utf8)
            let result = try runShell(
                """
                set -e
                openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
                openssl req -new -key "$1" -subj "/C=DE/O=Pinhash Test/CN=www.example.com" -out "$2.csr"
                openssl x509 -req -in "$2.csr" -CA certs/intermediate.pem -CAkey certs/intermediate.key \
                    -CAcreateserial -CAserial "$2.srl" -days 3650 -extfile "$3" -out "$2" 2>/dev/null
                """, [key, certificate, extensions])
            try #require(result.status == 0, "\(result.stderr)")
            rekeyed = (certificate, key)
            return (certificate, key)
        }

        /// Starts s_server on `address` (`127.0.0.2`, `::1`) serving `certificate` and the fixture
        /// intermediate, on `port` or a free one; returns the port.
        @discardableResult
        func start(on address: String, port: Int? = nil, certificate: String, key: String) throws -> Int {
            let chain = Fixtures.url("certs/intermediate.pem").path
            for _ in 0..<5 {
                let chosen = try port ?? Self.freePort(on: address)
                let host = address.contains(":") ? "[\(address)]" : address
                let process = try group.start(
                    openssl,
                    [
                        "s_server", "-accept", "\(host):\(chosen)", "-cert", certificate, "-key", key,
                        "-cert_chain", chain, "-www",
                    ], log: "s_server-\(address)-\(chosen).log")
                if process.wait(until: { process.output.contains("ACCEPT") }) { return chosen }
                if port != nil || !process.output.contains("in use") {
                    throw LiveServerError("openssl s_server did not start:\n\(process.output)")
                }
            }
            throw LiveServerError("no free port on \(address)")
        }

        /// A port the kernel hands out on `address`, closed again.
        static func freePort(on address: String) throws -> Int {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = AI_NUMERICHOST
            var list: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(address, "0", &hints, &list) == 0, let info = list else {
                throw LiveServerError("cannot read the address \(address)")
            }
            defer { freeaddrinfo(list) }
            let descriptor = socket(info.pointee.ai_family, info.pointee.ai_socktype, 0)
            defer { close(descriptor) }
            guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                throw LiveServerError("bind to \(address): \(String(cString: strerror(errno)))")
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            return withUnsafeBytes(of: &storage) {
                Int(UInt16(bigEndian: $0.load(fromByteOffset: 2, as: UInt16.self)))
            }
        }

        func stop() { group.stop() }
    }

    /// The fixture leaf (leaf.pem and intermediate.pem) on 127.0.0.2 and the re-keyed leaf on 127.0.0.3,
    /// on the same port.
    static func sameNameTwoServers(_ servers: Servers) throws -> Int {
        let rekeyed = try servers.makeRekeyedLeaf()
        let port = try servers.start(
            on: "127.0.0.2", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        try servers.start(on: "127.0.0.3", port: port, certificate: rekeyed.certificate, key: rekeyed.key)
        return port
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(
            try FormatConsumers.python(
                "import json, sys; print(json.dumps(json.load(sys.stdin)))", input: text)
                as? [String: Any])
    }

    /// Each line of a jsonl output, read by python3's json module one line at a time.
    static func jsonLines(_ text: String) throws -> [[String: Any]] {
        let script = "import json, sys; print(json.dumps([json.loads(line) for line in sys.stdin]))"
        return try #require(try FormatConsumers.python(script, input: text) as? [[String: Any]])
    }

    static func kinds(_ result: [String: Any]) -> [String] {
        ((result["findings"] as? [[String: Any]]) ?? []).compactMap { $0["kind"] as? String }
    }

    @Test(
        "a name on two addresses: the one serving a re-keyed certificate has no matching pin, the other is clean"
    )
    func rekeyedAddress() throws {
        let servers = try Servers()
        defer { servers.stop() }
        let port = try Self.sameNameTwoServers(servers)
        let leaf = try Self.pin("certs/leaf.pem")
        let backup = try Self.pin("keys/ec-p256.pkcs8.pem")
        let rekeyedPin = try Self.opensslPin(ofKey: try #require(servers.rekeyed).key)
        let result = try run([
            "check", "--pins", leaf, "--pins", "sha256/\(backup)", "--cafile", "certs/root.pem",
            "--resolve", "www.example.com:\(port):127.0.0.2,127.0.0.3", "--format", "json",
            "www.example.com:\(port)",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let document = try Self.json(result.stdout)
        let results = try #require(document["results"] as? [[String: Any]])
        try #require(results.count == 2)
        #expect(results.map { $0["address"] as? String } == ["127.0.0.2", "127.0.0.3"])
        #expect(results[0]["status"] as? String == "ok", "\(results[0])")
        #expect(Self.kinds(results[0]).isEmpty)
        let chain = try #require(results[0]["chain"] as? [[String: Any]])
        #expect(
            chain.map { $0["pin"] as? String } == [
                leaf, try Self.pin("certs/intermediate.pem"), try Self.pin("certs/root.pem"),
            ])
        #expect(chain.map { $0["sent"] as? Bool } == [true, true, false])
        #expect(results[1]["status"] as? String == "error")
        #expect(Self.kinds(results[1]) == ["no-pin-matches", "no-pin-matches"])
        let rekeyedChain = try #require(results[1]["chain"] as? [[String: Any]])
        #expect(rekeyedChain.first?["pin"] as? String == rekeyedPin)
        let matches = try #require(results[1]["matches"] as? [[String: Any]])
        #expect(matches.map { $0["scope"] as? String } == ["leaf-key", "verified-chain"])
        #expect(matches.allSatisfy { $0["matched"] as? Bool == false })
        #expect(document["ok"] as? Int == 1)
        #expect(document["errors"] as? Int == 1)
    }

    @Test(
        "an address that refuses the connection makes the exit status 2 and every other address is still reported"
    )
    func unreachableAddress() throws {
        let servers = try Servers()
        defer { servers.stop() }
        let port = try Self.sameNameTwoServers(servers)
        let closed = try Loopback.ipv4.refusingPort()
        let leaf = try Self.pin("certs/leaf.pem")
        let backup = try Self.pin("keys/ec-p256.pkcs8.pem")
        let result = try run([
            "check", "--pins", "\(leaf);\(backup)", "--cafile", "certs/root.pem", "--jobs", "2",
            "--resolve", "www.example.com:\(port):127.0.0.2", "--resolve",
            "www.example.com:\(port):127.0.0.3",
            "--resolve", "example.com:\(closed):127.0.0.1", "--format", "jsonl",
            "www.example.com:\(port)", "example.com:\(closed)",
        ])
        #expect(result.status == 2, "\(result.stderr)")
        let lines = try Self.jsonLines(result.stdout)
        #expect(lines.count == 3)
        let byAddress = Dictionary(
            lines.map { ("\($0["host"] as? String ?? ""):\($0["address"] as? String ?? "")", $0) },
            uniquingKeysWith: { first, _ in first })
        #expect(byAddress["www.example.com:127.0.0.2"]?["status"] as? String == "ok")
        #expect(byAddress["www.example.com:127.0.0.3"]?["status"] as? String == "error")
        let unreachable = try #require(byAddress["example.com:127.0.0.1"])
        #expect(unreachable["status"] as? String == "unchecked")
        #expect((unreachable["failure"] as? String)?.contains("refused") == true, "\(unreachable)")
    }

    /// A pin set (pins.yaml) written by the test, with the expected pins from the manifest.
    static func pinSet(_ hosts: [String], in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("pins.yaml")
        try ("version: 1\nhosts:\n" + hosts.joined()).write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    @Test(
        "a pin set: an expired pin set, a placeholder pin, a single-pin host and an expired certificate on ::1"
    )
    func pinSetFindings() throws {
        let servers = try Servers()
        defer { servers.stop() }
        let port = try servers.start(
            on: "127.0.0.2", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        let expiredAddress = Loopback.ipv6IsAvailable ? "::1" : "127.0.0.4"
        let expiredPort = try servers.start(
            on: expiredAddress, certificate: Fixtures.url("certs/leaf-expired.pem").path,
            key: Fixtures.url("certs/leaf-expired.key").path)
        let leaf = try Self.pin("certs/leaf.pem")
        let backup = try Self.pin("keys/ec-p256.pkcs8.pem")
        let expiredLeaf = try Self.pin("certs/leaf-expired.pem")
        let file = try Self.pinSet(
            [
                "- name: www.example.com\n  port: \(port)\n  expiration: 2020-01-01\n"
                    + "  pins:\n  - pin: \(leaf)\n  - pin: \(backup)\n    role: backup\n",
                "- name: example.com\n  port: \(port)\n  pins:\n  - pin: \(leaf)\n",
                "- name: expired.example.com\n  port: \(expiredPort)\n  pins:\n  - pin: \(expiredLeaf)\n"
                    + "  - pin: 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n",
            ], in: servers.directory)
        let bracketed = expiredAddress.contains(":") ? "[\(expiredAddress)]" : expiredAddress
        let result = try run([
            "check", file, "--cafile", "certs/root.pem", "--format", "json",
            "--resolve", "www.example.com:\(port):127.0.0.2", "--resolve", "example.com:\(port):127.0.0.2",
            "--resolve", "expired.example.com:\(expiredPort):\(bracketed)",
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let results = try #require(try Self.json(result.stdout)["results"] as? [[String: Any]])
        try #require(results.count == 3)
        #expect(
            results.map { $0["host"] as? String } == [
                "www.example.com", "example.com", "expired.example.com",
            ])
        #expect(Self.kinds(results[0]) == ["pin-set-expired"])
        #expect(
            Self.kinds(results[1]) == ["fewer-than-two-pins"])
        let expired = Self.kinds(results[2])
        #expect(expired.contains("placeholder-pin"))
        #expect(expired.contains("fewer-than-two-pins"))
        #expect(expired.contains("certificate-expired"))
        #expect(results[2]["address"] as? String == expiredAddress)
        let placeholder = (results[2]["findings"] as? [[String: Any]])?.first {
            $0["kind"] as? String == "placeholder-pin"
        }
        #expect(placeholder?["pin"] as? String == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
    }

    @Test("a certificate expiring within --warn-days is a warning: exit 0, or 1 with --fail-on warning")
    func warnDays() throws {
        let servers = try Servers()
        defer { servers.stop() }
        let port = try servers.start(
            on: "127.0.0.2", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        let pins = [
            "--pins", try Self.pin("certs/leaf.pem"), "--pins", try Self.pin("keys/ec-p256.pkcs8.pem"),
        ]
        let common =
            ["check", "--cafile", "certs/root.pem", "--resolve", "www.example.com:\(port):127.0.0.2"] + pins
        let clean = try run(common + ["www.example.com:\(port)"])
        #expect(clean.status == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("www.example.com:\(port) at 127.0.0.2: ok"))
        #expect(
            clean.stdout.hasSuffix(
                "1 address: 1 ok, 0 with warnings, 0 with errors, 0 could not be checked\n"))
        // The fixtures expire in 2126: 40,000 days ahead reaches them.
        let warned = try run(common + ["--warn-days", "40000", "www.example.com:\(port)"])
        #expect(warned.status == 0, "\(warned.stderr)")
        #expect(warned.stdout.contains("warning: the leaf CN=www.example.com"), "\(warned.stdout)")
        let strict = try run(
            common + ["--warn-days", "40000", "--fail-on", "warning", "www.example.com:\(port)"])
        #expect(strict.status == 1)
    }

    @Test("a bad command line is exit 64 with one line; an unreadable pin set is exit 2")
    func badInput() throws {
        for arguments in [
            ["check"], ["check", "--pins", "sha256/oops", "www.example.com"],
            ["check", "--format", "xml", "pins.yaml"],
            ["check", "--resolve", "www.example.com:443", "x.yaml"],
            ["check", "--pins", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "www.example.com"],
            ["check", "--jobs", "0", "x.yaml"],
        ] {
            let result = try run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
        }
        let missing = try run(["check", "no-such-pins.yaml"])
        #expect(missing.status == 2)
        #expect(missing.stderrIsOneLine, "\(missing.stderr)")
        #expect(missing.stdout.isEmpty)
    }

    @Test("verify --connect: the root the server does not send matches; the re-keyed address does not")
    func verifyConnect() throws {
        let servers = try Servers()
        defer { servers.stop() }
        let port = try Self.sameNameTwoServers(servers)
        let root = try Self.pin("certs/root.pem")
        let leaf = try Self.pin("certs/leaf.pem")
        let common = ["verify", "--connect", "www.example.com:\(port)", "--cafile", "certs/root.pem"]
        let matched = try run(common + ["--address", "127.0.0.2", "--pin", root])
        #expect(matched.status == 0, "\(matched.stderr)")
        #expect(
            matched.stdout
                == "pin OK: \(root) matches root CN=Pinhash Test Root CA,O=Pinhash Test,C=DE (www.example.com:\(port))\n"
        )
        let rekeyed = try run(common + ["--address", "127.0.0.3", "--pin", leaf])
        #expect(rekeyed.status == 1)
        #expect(rekeyed.stdout.isEmpty)
        #expect(rekeyed.stderr.hasPrefix("pinhash: certificate pinning failure!"))
        let refused = try run([
            "verify", "--connect", "127.0.0.1:\(try Loopback.ipv4.refusingPort())", "--pin", leaf,
        ])
        #expect(refused.status == 1)
        #expect(refused.stderrIsOneLine, "\(refused.stderr)")
    }
}
