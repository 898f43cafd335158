import Foundation
import PinHashTestSupport
import Testing

/// `pinhash check PINSET --rotation` against `openssl s_server` on 127.0.0.2 serving chains made now by
/// Tests/Support/make-rotation-chains.sh (a CA with a pool of three intermediates under root A, root B
/// cross-signing the first). The command's catalogue does not know this CA, so what is checked here is what
/// the chains alone tell (the catalogue's pools and cross-signs are covered by the library tests). Pins come
/// from the openssl pipeline; JSON is read by python3's json module.
@Suite("pinhash check --rotation", .serialized)
struct CheckRotationTests {
    /// The s_server processes and the chains they serve, in one scratch directory.
    final class Chains {
        let servers: CheckCommandTests.Servers
        private(set) var pins: [String: String] = [:]

        init() throws {
            servers = try CheckCommandTests.Servers()
            let script = PackagePaths.root.appendingPathComponent("Tests/Support/make-rotation-chains.sh")
                .path
            let made = try runShell("sh \"$1\" \"$2\"", [script, servers.directory.path])
            try #require(made.status == 0, "\(made.stderr)")
            for name in ["root-a", "int1", "leaf", "backup"] {
                let key =
                    name == "backup"
                    ? "openssl pkey -in \"$1/backup.key\" -pubout"
                    : "openssl x509 -in \"$1/\(name).pem\" -pubkey -noout"
                let result = try runShell(
                    key
                        + " | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl base64 -A",
                    [servers.directory.path])
                try #require(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
                pins[name] = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }

        func path(_ name: String) -> String { servers.directory.appendingPathComponent(name).path }

        /// Starts s_server on 127.0.0.2 with the leaf and R1; returns the port.
        func start() throws -> Int {
            let openssl = servers.openssl
            for _ in 0..<5 {
                let port = try CheckCommandTests.Servers.freePort(on: "127.0.0.2")
                let process = try servers.group.start(
                    openssl,
                    [
                        "s_server", "-accept", "127.0.0.2:\(port)", "-cert", path("leaf.pem"), "-key",
                        path("leaf.key"), "-cert_chain", path("int1.pem"), "-www",
                    ], log: "s_server-\(port).log")
                if process.wait(until: { process.output.contains("ACCEPT") }) { return port }
                if !process.output.contains("in use") {
                    throw LiveServerError("openssl s_server did not start:\n\(process.output)")
                }
            }
            throw LiveServerError("no free port on 127.0.0.2")
        }

        /// A pin set for www.example.com on `port` with the pins of `entries` (name, role).
        func pinSet(port: Int, _ entries: [(String, String)], clients: [String] = []) throws -> String {
            var text = "version: 1\nhosts:\n- name: www.example.com\n  port: \(port)\n"
            if !clients.isEmpty { text += "  clients: [\(clients.joined(separator: ", "))]\n" }
            text += "  pins:\n" + entries.map { "  - pin: \(pins[$0.0]!)\n    role: \($0.1)\n" }.joined()
            let file = servers.directory.appendingPathComponent("pins-\(UUID().uuidString).yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }

        func check(_ pinSet: String, port: Int, _ extra: [String]) throws -> ProcessOutput {
            try run(
                [
                    "check", pinSet, "--cafile", path("root-a.pem"), "--resolve",
                    "www.example.com:\(port):127.0.0.2", "--rotation",
                ] + extra)
        }

        func stop() { servers.stop() }
    }

    /// The events of a host's `rotation` object: `event scope` → survives.
    static func table(_ host: [String: Any]) throws -> [String: Bool] {
        let rotation = try #require(host["rotation"] as? [String: Any])
        let events = try #require(rotation["events"] as? [[String: Any]])
        var table: [String: Bool] = [:]
        for event in events {
            table["\(event["event"] as? String ?? "") \(event["scope"] as? String ?? "")"] =
                event["survives"] as? Bool
        }
        return table
    }

    @Test(
        "an intermediate pin with a backup: breaks when the CA changes intermediate (exit 1) unless accepted")
    func intermediatePin() throws {
        let chains = try Chains()
        defer { chains.stop() }
        let port = try chains.start()
        let file = try chains.pinSet(
            port: port, [("int1", "intermediate"), ("backup", "backup")], clients: ["android", "ios"])
        let text = try chains.check(file, port: port, [])
        #expect(text.status == 1, "\(text.stderr)")
        #expect(
            text.stdout.contains("rotation of www.example.com:\(port) (1 address):"),
            "\(text.stdout)")
        let rows = text.stdout.split(separator: "\n").map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        #expect(rows.contains("event android, ios"), "\(text.stdout)")
        #expect(rows.contains("leaf-rekey survives"))
        #expect(rows.contains("intermediate breaks"))
        #expect(rows.contains("ca-move survives"))
        #expect(rows.contains("cross-sign survives"))
        #expect(
            text.stdout.contains(
                "intermediate breaks for android, ios (the same key, issued by another intermediate, ending at "
                    + "\(chains.pins["root-a"]!)): fix: add the root \(chains.pins["root-a"]!)"),
            "\(text.stdout)")

        let accepted = try chains.check(file, port: port, ["--accept", "intermediate", "--format", "json"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        let document = try CheckCommandTests.json(accepted.stdout)
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        try #require(hosts.count == 1)
        #expect(hosts[0]["host"] as? String == "www.example.com")
        let rotation = try #require(hosts[0]["rotation"] as? [String: Any])
        #expect(rotation["breaks"] as? Bool == false)
        #expect(
            try Self.table(hosts[0]) == [
                "leaf-rekey verified-chain": true, "intermediate verified-chain": false,
                "ca-move verified-chain": true, "cross-sign verified-chain": true,
            ])
        let events = try #require(rotation["events"] as? [[String: Any]])
        let intermediate = try #require(events.first { $0["event"] as? String == "intermediate" })
        #expect(intermediate["accepted"] as? Bool == true)
        let fixes = try #require(intermediate["fixes"] as? [[String: Any]])
        #expect(fixes.map { $0["kind"] as? String } == ["add-roots"])
        #expect(fixes.first?["pins"] as? [String] == [chains.pins["root-a"]!])
    }

    @Test(
        "a leaf-only pin set breaks on a re-key and a CA move for curl and the rest; the fix is a backup key")
    func leafOnly() throws {
        let chains = try Chains()
        defer { chains.stop() }
        let port = try chains.start()
        let file = try chains.pinSet(port: port, [("leaf", "leaf")], clients: ["curl", "okhttp"])
        let result = try chains.check(file, port: port, ["--format", "jsonl", "--accept", "leaf-rekey"])
        #expect(result.status == 1, "\(result.stderr)")
        let lines = try CheckCommandTests.jsonLines(result.stdout)
        try #require(lines.count == 2)
        #expect(lines[0]["address"] as? String == "127.0.0.2")
        #expect(lines[1]["address"] == nil)
        #expect(
            try Self.table(lines[1]) == [
                "leaf-rekey leaf-key": false, "leaf-rekey verified-chain": false,
                "intermediate leaf-key": true, "intermediate verified-chain": true,
                "ca-move leaf-key": false, "ca-move verified-chain": false,
                "cross-sign leaf-key": true, "cross-sign verified-chain": true,
            ])
        let rotation = try #require(lines[1]["rotation"] as? [String: Any])
        let events = try #require(rotation["events"] as? [[String: Any]])
        let caMove = try #require(
            events.first { $0["event"] as? String == "ca-move" && $0["scope"] as? String == "leaf-key" })
        #expect((caMove["fixes"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["add-backup-key"])
        #expect(caMove["accepted"] as? Bool == false)
        // Accepting both events leaves the check's own error (a single pin): still exit 1.
        let both = try chains.check(file, port: port, ["--accept", "leaf-rekey", "--accept", "ca-move"])
        #expect(both.status == 1)
        #expect(both.stdout.contains("breaks (accepted)"))
    }

    @Test("a leaf and a backup key: every event survives, exit 0")
    func backupPin() throws {
        let chains = try Chains()
        defer { chains.stop() }
        let port = try chains.start()
        let file = try chains.pinSet(port: port, [("leaf", "leaf"), ("backup", "backup")])
        let result = try chains.check(file, port: port, ["--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let hosts = try #require(try CheckCommandTests.json(result.stdout)["hosts"] as? [[String: Any]])
        #expect(try Self.table(hosts[0]).values.allSatisfy { $0 })
        #expect(try Self.table(hosts[0]).count == 8)
    }

    @Test("an address that cannot be checked makes the exit status 2 even when the pins break on an event")
    func uncheckedWins() throws {
        let chains = try Chains()
        defer { chains.stop() }
        let port = try chains.start()
        let closed = try Loopback.ipv4.refusingPort()
        let file = try chains.pinSet(port: port, [("int1", "intermediate"), ("backup", "backup")])
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text +=
            "- name: down.example.com\n  port: \(closed)\n  pins:\n  - pin: \(chains.pins["leaf"]!)\n"
            + "  - pin: \(chains.pins["backup"]!)\n"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let result = try chains.check(
            file, port: port, ["--resolve", "down.example.com:\(closed):127.0.0.1"])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stdout.contains("intermediate breaks for"), "\(result.stdout)")
        #expect(
            result.stdout.contains(
                "rotation of down.example.com:\(closed) (0 addresses): not analysed, no address "
                    + "served a chain"), "\(result.stdout)")
    }

    @Test("--accept without --rotation, or an event that does not exist, is exit 64 with one line")
    func badAccept() throws {
        for arguments in [
            ["check", "pins.yaml", "--accept", "ca-move"],
            ["check", "pins.yaml", "--rotation", "--accept", "renewal"],
        ] {
            let result = try run(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("--accept"), "\(result.stderr)")
        }
    }
}
