import Foundation
import PinHashTestSupport
import Testing

/// `pinhash rotate continuity` over chains made at test time with the openssl CLI: a root, two
/// intermediates A and B, two leaf keys; renewals that keep the key, re-key, or move to the other CA.
@Suite(
    "Rotate continuity: did the renewal re-key, and which pins did it break",
    .enabled(if: OpenSSLPipeline.isInstalled, "/usr/bin/openssl is missing"))
struct RotateContinuityTests {
    /// Makes in `directory`: old.pem (key 1 from A), same.pem (key 1 from A again), rekeyed.pem (key 2
    /// from A), moved.pem (key 1 from B), each the leaf then its intermediate.
    static func makeChains(in directory: String) throws {
        let script = #"""
            set -e
            cd "$1"
            printf 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\n' > ca.ext
            printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:www.example.com\n' > leaf.ext
            ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
            ec root.key
            openssl req -x509 -new -key root.key -subj "/CN=Continuity Root" -days 30 -out root.pem
            for ca in A B; do
                ec int$ca.key
                openssl req -new -key int$ca.key -subj "/CN=Continuity Intermediate $ca" -out int$ca.csr
                openssl x509 -req -in int$ca.csr -CA root.pem -CAkey root.key -set_serial 1$RANDOM -days 30 \
                    -extfile ca.ext -out int$ca.pem 2>/dev/null
            done
            ec key1.pem
            ec key2.pem
            leaf() {
                openssl req -new -key "$1" -subj "/CN=www.example.com" -out "$3.csr"
                openssl x509 -req -in "$3.csr" -CA int$2.pem -CAkey int$2.key -set_serial 2$RANDOM -days 10 \
                    -extfile leaf.ext -out "$3.leaf" 2>/dev/null
                cat "$3.leaf" int$2.pem > "$3"
            }
            leaf key1.pem A old.pem
            leaf key1.pem A same.pem
            leaf key2.pem A rekeyed.pem
            leaf key1.pem B moved.pem
            """#
        let result = try runShell(script, [directory])
        try #require(result.status == 0, "\(result.stderr)")
    }

    static func keyPin(_ path: String) throws -> String { try BackupOpenSSL.pin(ofKey: path) }

    @Test(
        "A renewal with the same key and CA: exit 0; a new key: exit 1, both pins named as openssl computes them"
    )
    func sameKeyAndRekeyed() throws {
        try withBackupDirectory { directory in
            try Self.makeChains(in: directory.url.path)
            let key1 = try Self.keyPin(directory.path("key1.pem"))
            let key2 = try Self.keyPin(directory.path("key2.pem"))
            let same = try run([
                "rotate", "continuity", directory.path("old.pem"), directory.path("same.pem"),
            ])
            #expect(same.status == 0, "\(same.stderr)")
            #expect(same.stdoutLines.first == "leaf key: the same: \(key1)")
            #expect(
                same.stdout.contains("issuer: the same CA key (CN=Continuity Intermediate A)"),
                "\(same.stdout)")

            let rekeyed = try run([
                "rotate", "continuity", directory.path("old.pem"), directory.path("rekeyed.pem"),
            ])
            #expect(rekeyed.status == 1, "\(rekeyed.stderr)")
            #expect(rekeyed.stdoutLines.first == "leaf key: re-keyed: \(key2) (was \(key1))")
        }
    }

    @Test(
        "A move to another intermediate with the same key: the issuer change is named, exit 1 without a pin set"
    )
    func issuerChange() throws {
        try withBackupDirectory { directory in
            try Self.makeChains(in: directory.url.path)
            let moved = try run([
                "rotate", "continuity", directory.path("old.pem"), directory.path("moved.pem"),
            ])
            #expect(moved.status == 1)
            #expect(moved.stdout.contains("leaf key: the same:"))
            #expect(
                moved.stdout.contains(
                    "issuer: changed from CN=Continuity Intermediate A to CN=Continuity Intermediate B"),
                "\(moved.stdout)")
        }
    }

    @Test(
        "With a pin set: the pins the renewal broke, the clients each still matches, a planned move to the backup"
    )
    func brokenPins() throws {
        try withBackupDirectory { directory in
            try Self.makeChains(in: directory.url.path)
            let key1 = try Self.keyPin(directory.path("key1.pem"))
            let key2 = try Self.keyPin(directory.path("key2.pem"))
            let intermediateA = try RotateTruth.pin(ofCertificate: directory.path("intA.pem"))
            let pins = directory.path("pins.yaml")
            try """
            version: 1
            hosts:
            - name: www.example.com
              pins:
              - pin: \(key1)
                role: leaf
              - pin: \(intermediateA)
                role: intermediate
              - pin: \(key2)
                label: next key
                role: backup
              clients: [curl, okhttp]

            """.write(toFile: pins, atomically: true, encoding: .utf8)
            let old = directory.path("old.pem")

            let same = try run(["rotate", "continuity", "--pinset", pins, old, directory.path("same.pem")])
            #expect(same.status == 0, "\(same.stdout)\(same.stderr)")
            #expect(same.stdout.contains("broken pins: none\n"))

            let rekeyed = try run([
                "rotate", "continuity", "--pinset", pins, old, directory.path("rekeyed.pem"),
            ])
            #expect(rekeyed.status == 1)
            #expect(rekeyed.stdout.contains("a planned move"), "\(rekeyed.stdout)")
            #expect(rekeyed.stdout.contains("broken pin: \(key1)  leaf\n"))
            #expect(rekeyed.stdout.contains("curl: matches \(key2)\n"))
            #expect(rekeyed.stdout.contains("okhttp: matches \(intermediateA), \(key2)\n"))

            let moved = try run(["rotate", "continuity", "--pinset", pins, old, directory.path("moved.pem")])
            #expect(moved.status == 1)
            #expect(moved.stdout.contains("broken pin: \(intermediateA)  intermediate\n"), "\(moved.stdout)")
            #expect(moved.stdout.contains("curl: matches \(key1)\n"))
        }
    }

    @Test("A file that is not a certificate is one line on stderr and exit 2; a missing argument is 64")
    func badInput() throws {
        try withBackupDirectory { directory in
            try Self.makeChains(in: directory.url.path)
            let notCertificate = try run(
                ["rotate", "continuity", directory.path("key1.pem"), directory.path("same.pem")])
            #expect(notCertificate.status == 2)
            #expect(notCertificate.stdout == "")
            #expect(notCertificate.stderrIsOneLine, "\(notCertificate.stderr)")
            let one = try run(["rotate", "continuity", directory.path("old.pem")])
            #expect(one.status == 64)
        }
    }

    @Test(
        "--connect: a live server re-keyed at test time breaks the pin set's leaf pin; the fixture leaf does not"
    )
    func live() throws {
        let servers = try CheckCommandTests.Servers()
        defer { servers.stop() }
        let rekeyed = try servers.makeRekeyedLeaf()
        let port = try servers.start(
            on: "127.0.0.2", certificate: Fixtures.url("certs/leaf.pem").path,
            key: Fixtures.url("certs/leaf.key").path)
        try servers.start(on: "127.0.0.3", port: port, certificate: rekeyed.certificate, key: rekeyed.key)
        let leafPin = try RotateTruth.pin(ofCertificate: "certs/leaf.pem")
        let newPin = try CheckCommandTests.opensslPin(ofKey: rekeyed.key)
        let pins = servers.directory.appendingPathComponent("pins.yaml").path
        try """
        version: 1
        hosts:
        - name: www.example.com
          port: \(port)
          pins:
          - pin: \(leafPin)
            role: leaf
          - pin: \(try RotateTruth.pin(ofCertificate: "certs/intermediate.pem"))
            role: intermediate

        """.write(toFile: pins, atomically: true, encoding: .utf8)
        let common = ["rotate", "continuity", "--pinset", pins, "--cafile", "certs/root.pem", "--connect"]
        let unchanged = try run(common + ["www.example.com:\(port)", "--address", "127.0.0.2"])
        #expect(unchanged.status == 0, "\(unchanged.stdout)\(unchanged.stderr)")
        #expect(unchanged.stdout.contains("leaf key: the same: \(leafPin)"))
        let changed = try run(common + ["www.example.com:\(port)", "--address", "127.0.0.3"])
        #expect(changed.status == 1, "\(changed.stderr)")
        #expect(
            changed.stdout.contains("leaf key: re-keyed: \(newPin) (was \(leafPin))"), "\(changed.stdout)")
        #expect(changed.stdout.contains("issuer: the same CA key"))
        #expect(changed.stdout.contains("broken pin: \(leafPin)  leaf\n"))
    }
}
