import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// The pin-set file against its documented schema (README: Pin sets): files written here by hand read
/// to the values the schema gives them, every bad file is refused with its line and field, and what
/// pinhash writes reads back to the same value, in pinhash and in PyYAML (a YAML reader no one here
/// wrote). Pins come from the fixture manifest, computed by openssl.
@Suite("Pin-set file (pins.yaml)")
struct PinSetFileTests {
    static func pin(_ file: String, _ position: Int = 1) throws -> Pin {
        let row = try #require(try Fixtures.file(file).rows.first { $0.position == position })
        return try #require(Pin(base64: row.pin))
    }

    static func read(_ text: String) throws(PinHashError) -> PinSet { try PinSetFile.read(Array(text.utf8)) }

    @Test("the README's example reads to the values the schema gives each field")
    func documentedExample() throws {
        let leaf = try Self.pin("certs/chain.pem", 1)
        let intermediate = try Self.pin("certs/chain.pem", 2)
        let spare = try Self.pin("keys/ec-p256.pkcs8.pem")
        let text = """
            # pins for the shop's apps
            version: 1
            hosts:
            - name: WWW.Example.com.
              include-subdomains: true
              pins:
              - pin: \(leaf.base64)
                label: leaf 2026
                role: leaf
                source: certs/chain.pem
              - {pin: "\(intermediate.base64)", role: intermediate}
              - pin: \(spare.base64)
                label: '2027'
                role: backup
              expiration: 2027-06-30
              enforcement: report-only
              report-uris: [https://example.com/pin-report]
              clients: [android, okhttp]
            - name: api.example.com
              port: 8443
              pins:
              - pin: \(spare.base64)
            """
        let pinSet = try Self.read(text)
        let expected = PinSet(hosts: [
            PinnedHost(
                name: "www.example.com", port: 443, includesSubdomains: true,
                pins: [
                    PinSetEntry(pin: leaf, label: "leaf 2026", role: .leaf, source: "certs/chain.pem"),
                    PinSetEntry(pin: intermediate, role: .intermediate),
                    PinSetEntry(pin: spare, label: "2027", role: .backup),
                ],
                expiration: CalendarDate(year: 2027, month: 6, day: 30), enforcement: .reportOnly,
                reportURIs: ["https://example.com/pin-report"], clients: [.android, .okhttp]),
            PinnedHost(name: "api.example.com", port: 8443, pins: [PinSetEntry(pin: spare)]),
        ])
        #expect(pinSet == expected)
    }

    /// A set with every field and labels that YAML would read as something else unquoted.
    static func awkwardSet() throws -> PinSet {
        PinSet(hosts: [
            PinnedHost(
                name: "www.example.com", includesSubdomains: true,
                pins: [
                    PinSetEntry(
                        pin: try pin("certs/chain.pem", 1), label: "2026", role: .leaf, source: "yes"),
                    PinSetEntry(
                        pin: try pin("certs/chain.pem", 2), label: "a: b # not a comment", role: .intermediate
                    ),
                    PinSetEntry(
                        pin: try pin("certs/chain.pem", 3), label: "line\nbreak \"quoted\" ü ☃", role: .root),
                    PinSetEntry(
                        pin: try pin("keys/ec-p256.pkcs8.pem"), label: "", role: .backup, source: "~"),
                ],
                expiration: CalendarDate(year: 2030, month: 2, day: 28), enforcement: .reportOnly,
                reportURIs: ["https://example.com/a", "https://example.com/b?x=1&y=2"],
                clients: PinClient.allCases),
            PinnedHost(name: "null", port: 8443, pins: [PinSetEntry(pin: try pin("keys/ec-p256.pkcs8.pem"))]),
            PinnedHost(name: "192.0.2.7", pins: []),
        ])
    }

    @Test("what pinhash writes reads back to the same pin set, and writing is deterministic")
    func roundTrip() throws {
        let pinSet = try Self.awkwardSet()
        let text = PinSetFile.text(of: pinSet)
        #expect(try Self.read(text) == pinSet)
        #expect(PinSetFile.text(of: try Self.read(text)) == text)
        #expect(text.hasPrefix("# pinhash pin set, schema version 1"))
        #expect(text.hasSuffix("\n"))
        #expect(try Self.read(PinSetFile.text(of: PinSet())) == PinSet())
    }

    @Test(
        "PyYAML reads what pinhash writes as the schema says",
        .enabled(if: Self.pyYAML != nil, "python3 with PyYAML is not installed"))
    func pyYAMLReadsTheFile() throws {
        let pinSet = try Self.awkwardSet()
        let loaded = try #require(
            try Self.python(
                "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin), default=str))",
                input: PinSetFile.text(of: pinSet)) as? [String: Any])
        #expect(loaded["version"] as? Int == 1)
        let hosts = try #require(loaded["hosts"] as? [[String: Any]])
        try #require(hosts.count == 3)
        #expect(hosts[0]["name"] as? String == "www.example.com")
        #expect(hosts[0]["port"] as? Int == 443)
        #expect(hosts[0]["include-subdomains"] as? Bool == true)
        #expect(hosts[0]["expiration"] as? String == "2030-02-28")
        #expect(hosts[0]["enforcement"] as? String == "report-only")
        #expect(
            hosts[0]["report-uris"] as? [String] == [
                "https://example.com/a", "https://example.com/b?x=1&y=2",
            ])
        #expect(hosts[0]["clients"] as? [String] == PinClient.allCases.map(\.rawValue))
        let pins = try #require(hosts[0]["pins"] as? [[String: Any]])
        #expect(pins.map { $0["pin"] as? String } == pinSet.hosts[0].pins.map(\.pin.base64))
        #expect(
            pins.map { $0["label"] as? String } == [
                "2026", "a: b # not a comment", "line\nbreak \"quoted\" ü ☃", "",
            ])
        #expect(pins.map { $0["role"] as? String } == ["leaf", "intermediate", "root", "backup"])
        #expect(pins[0]["source"] as? String == "yes")
        #expect(pins[3]["source"] as? String == "~")
        #expect(hosts[1]["name"] as? String == "null")
        #expect(hosts[1]["port"] as? Int == 8443)
        #expect(hosts[2]["pins"] as? [Any] != nil)
    }

    @Test(
        "a pin set PyYAML writes reads to the same values",
        .enabled(if: Self.pyYAML != nil, "python3 with PyYAML is not installed"))
    func readsPyYAMLOutput() throws {
        let leaf = try Self.pin("certs/leaf.pem")
        let spare = try Self.pin("keys/ec-p256.pkcs8.pem")
        let script = """
            import sys, yaml
            sys.stdout.write(yaml.safe_dump({"version": 1, "hosts": [{"name": "www.example.com", "port": 443,
                "include-subdomains": False, "enforcement": "enforce", "expiration": "2028-01-31",
                "pins": [{"pin": "\(leaf.base64)", "label": "leaf", "role": "leaf"},
                         {"pin": "\(spare.base64)", "label": "spare", "role": "backup"}]}]}))
            """
        let text = try Self.pythonText(script)
        let pinSet = try Self.read(text)
        #expect(
            pinSet
                == PinSet(hosts: [
                    PinnedHost(
                        name: "www.example.com",
                        pins: [
                            PinSetEntry(pin: leaf, label: "leaf", role: .leaf),
                            PinSetEntry(pin: spare, label: "spare", role: .backup),
                        ], expiration: CalendarDate(year: 2028, month: 1, day: 31))
                ]))
    }

    /// Bad files and the one error each gets: line, field path, problem.
    static let refusals: [(text: String, error: String)] = [
        ("", "line 1: is empty; a pin set starts with version: 1"),
        (
            "version: 2\nhosts: []\n",
            "line 1: version: 2 is not a version this pinhash reads (it reads version 1)"
        ),
        ("hosts: []\n", "line 1: has no version; a pin set starts with version: 1"),
        ("version: one\nhosts: []\n", "line 1: version: \"one\" is not a whole number"),
        ("version: 1\n", "line 1: has no hosts list"),
        ("version: 1\nhost: []\n", "line 2: host: unknown key; the keys here are version, hosts"),
        ("- version: 1\n", "line 1: is a list, not a pin set (a mapping with version and hosts)"),
        (
            "version: 1\nhosts:\n- name: a.example\n  pin: []\n",
            "line 4: hosts[0].pin: unknown key; the keys here are name, port, include-subdomains, pins, expiration, "
                + "enforcement, report-uris, clients"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  pins:\n  - pin: \(goodPin)\n  - pin: abc\n",
            "line 6: hosts[0].pins[1].pin: \"abc\" is not the base64 of a SHA-256 (32 bytes)"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  pins:\n  - pin: sha256/\(goodPin)\n",
            "line 5: hosts[0].pins[0].pin: \"sha256/\(goodPin)\" has a sha256/ prefix; the file keeps the base64 value alone"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  pins:\n  - pin: \(goodPin)\n    lable: x\n",
            "line 6: hosts[0].pins[0].lable: unknown key; the keys here are pin, label, role, source"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  pins:\n  - pin: \(goodPin)\n    role: spare\n",
            "line 6: hosts[0].pins[0].role: \"spare\" is not one of leaf, intermediate, root, backup"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  pins:\n  - label: x\n",
            "line 5: hosts[0].pins[0].pin: missing; every entry has a pin"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  port: 70000\n  pins: []\n",
            "line 4: hosts[0].port: \"70000\" is not a TCP port (1 to 65535)"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  port: \"443\"\n  pins: []\n",
            "line 4: hosts[0].port: \"443\" is not a TCP port (1 to 65535)"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  port: !!str 443\n  pins: []\n",
            "line 4: hosts[0].port: \"443\" is not a TCP port (1 to 65535)"
        ),
        (
            "version: !!int 1\nhosts:\n- name: a.example\n  include-subdomains: !!str true\n  pins: []\n",
            "line 4: hosts[0].include-subdomains: \"true\" is not true or false"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  include-subdomains: yes\n  pins: []\n",
            "line 4: hosts[0].include-subdomains: \"yes\" is not true or false"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  expiration: 2027-02-30\n  pins: []\n",
            "line 4: hosts[0].expiration: \"2027-02-30\" is not a date as YYYY-MM-DD"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  enforcement: strict\n  pins: []\n",
            "line 4: hosts[0].enforcement: \"strict\" is not one of enforce, report-only"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  report-uris: [ftp://x]\n  pins: []\n",
            "line 4: hosts[0].report-uris[0]: report-uri \"ftp://x\" is not an absolute http or https URI"
        ),
        (
            "version: 1\nhosts:\n- name: a.example\n  clients: [okhttp, ie]\n  pins: []\n",
            "line 4: hosts[0].clients[1]: \"ie\" is not one of okhttp, android, ios, trustkit, curl, chrome, hpkp, tlsa"
        ),
        (
            "version: 1\nhosts:\n- name: '*.example.com'\n  pins: []\n",
            "line 3: hosts[0].name: the host has the character '*' (U+002A), which no DNS name or IP address holds "
                + "(give the parent name with include-subdomains: true)"
        ),
        ("version: 1\nhosts:\n- pins: []\n", "line 3: hosts[0].name: missing; every host has a name"),
        ("version: 1\nhosts:\n- name: a.example\n", "line 3: hosts[0]: has no pins list"),
        (
            "version: 1\nhosts:\n- name: a.example\n  pins: []\n- name: A.example\n  pins: []\n",
            "line 5: hosts[1]: repeats hosts[0] (a.example port 443)"
        ),
        (
            "version: 1\nversion: 1\nhosts: []\n",
            "line 1: is not valid YAML: the key version is given twice in one mapping"
        ),
        ("version: 1\nhosts: [\n", "line 3: is not valid YAML: did not find expected node content"),
        ("version: 1\nhosts: []\n---\nversion: 1\n", "line 3: is not valid YAML: it holds a second document"),
        (
            "version: 1\nhosts:\n- &a {name: a.example, pins: []}\n- *a\n",
            "line 3: uses an anchor or alias, which a pin set does not use"
        ),
    ]
    static let goodPin = "Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY="

    @Test("a bad file is refused with its line, the field's path and the problem", arguments: refusals)
    func refusal(_ text: String, _ expected: String) {
        #expect(throws: PinHashError.self) { try Self.read(text) }
        do {
            _ = try Self.read(text)
        } catch {
            #expect(error.code == .malformedInput)
            #expect(error.description == expected)
        }
    }

    /// Aliases of aliases used as a mapping key: resolving them takes time exponential in the nesting
    /// (with Yams, which hashed every key, this hung for minutes before anchors were refused).
    /// The time limit only stops a hang: the run shares its threads with every other suite (under the
    /// sanitizers, on two cores, one minute was once not enough for a test that takes milliseconds).
    @Test("an alias bomb is refused at its first anchor", .timeLimit(.minutes(10)))
    func aliasBomb() {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for level in 1...12 {
            lines.append(
                "a\(level): &a\(level) ["
                    + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]")
        }
        lines.append("? *a12\n: boom")
        #expect(throws: PinHashError.self) { try Self.read(lines.joined(separator: "\n")) }
        do {
            _ = try Self.read(lines.joined(separator: "\n"))
        } catch {
            #expect(error.description == "line 1: uses an anchor or alias, which a pin set does not use")
        }
    }

    @Test("lists nested deeper than any pin set are refused at the line that goes too deep")
    func deepNesting() {
        let text =
            "version: 1\nhosts:\n- " + String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: PinHashError.self) { try Self.read(text) }
        do {
            _ = try Self.read(text)
        } catch {
            #expect(error.description == "line 3: nests lists and mappings more than 64 deep")
        }
    }

    @Test("a file that is not UTF-8 text is refused, and a missing one names the file")
    func notText() throws {
        #expect(throws: PinHashError.self) { try PinSetFile.read([0x76, 0x00]) }
        #expect(throws: PinHashError.self) { try PinSetFile.read([0xFF, 0xFE, 0x41]) }
        do {
            _ = try PinSetFile.read(fileAt: "/nonexistent/pins.yaml")
            Issue.record("read a missing file")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/pins.yaml: cannot open"))
        }
    }

    // MARK: PyYAML

    static let pyYAML: String? = {
        guard let python3 = InstalledProgram.path(of: "python3"),
            let result = try? ExternalCommand.run(python3, ["-c", "import yaml"]), result.succeeded
        else { return nil }
        return python3
    }()

    /// Runs `script` with `input` on standard input (through a file) and decodes its output as JSON.
    static func python(_ script: String, input: String) throws -> Any {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pinhash-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("input")
        try Data(input.utf8).write(to: file)
        let result = try ExternalCommand.run(
            ExternalCommand.shell,
            ["-c", "exec \"$0\" -c \"$1\" < \"$2\"", try #require(pyYAML), script, file.path])
        try #require(result.succeeded, "python3: \(result.errorOutput)")
        return try JSONSerialization.jsonObject(with: Data(result.output))
    }

    static func pythonText(_ script: String) throws -> String {
        let result = try ExternalCommand.run(try #require(pyYAML), ["-c", script])
        try #require(result.succeeded, "python3: \(result.errorOutput)")
        return result.text
    }
}
