import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// `PinSetImporter` against Fixtures/pinsets/import: configurations written in each format's documented
/// syntax, beside the pin set each stands for, written by hand from the format's documentation
/// (NAME.expected.tsv), with pins from manifest.tsv (openssl).
@Suite("Pin-set import: each documented format into the expected pin set")
struct PinSetImportTests {
    static let directory = "pinsets/import"

    /// The pin set an expected.tsv describes; `lines` false drops the line from each source (a binary
    /// plist has none).
    static func expected(_ name: String, source: String, lines: Bool = true) throws -> PinSet {
        let text = try String(contentsOf: Fixtures.url("\(directory)/\(name).expected.tsv"), encoding: .utf8)
        var hosts: [PinnedHost] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            try #require(fields.count == 9, "\(name): \(line)")
            var host = PinnedHost(
                name: fields[0], port: try #require(Int(fields[1])), includesSubdomains: fields[2] == "true",
                expiration: fields[3] == "-" ? nil : try #require(CalendarDate(iso8601: fields[3])),
                enforcement: try #require(PinEnforcement(rawValue: fields[4])),
                reportURIs: fields[5] == "-" ? [] : fields[5].split(separator: " ").map(String.init))
            let entry = PinSetEntry(
                pin: try #require(Pin(base64: fields[7])),
                role: fields[6] == "-" ? nil : PinSetRole(rawValue: fields[6]),
                source: lines ? "\(source):\(fields[8])" : source)
            if let index = hosts.firstIndex(where: {
                $0.name == host.name && $0.port == host.port
                    && $0.includesSubdomains == host.includesSubdomains
            }) {
                hosts[index].pins.append(entry)
            } else {
                host.pins = [entry]
                hosts.append(host)
            }
        }
        return PinSet(hosts: hosts)
    }

    /// (file, expected, host given, whether the format has lines)
    static let cases: [(String, String, String?, Bool)] = [
        ("android-documentation.xml", "android-documentation", nil, true),
        ("android-nested.xml", "android-nested", nil, true),
        ("ios-documentation.plist", "ios-documentation", nil, true),
        ("ios-documentation.binary.plist", "ios-documentation", nil, false),
        ("trustkit-readme.plist", "trustkit-readme", nil, true),
        ("trustkit-readme.binary.plist", "trustkit-readme", nil, false),
        ("okhttp-documentation.kt", "okhttp-documentation", nil, true),
        ("OkHttpJava.java", "OkHttpJava", nil, true),
        ("zone.db", "zone", nil, true),
        ("headers.conf", "headers", "www.example.com", true),
        ("curl.txt", "curl", nil, true),
        ("chrome.txt", "chrome", "www.example.com", true),
    ]

    @Test("Each fixture imports to the pin set written by hand beside it", arguments: cases)
    func imports(file: String, expected: String, host: String?, lines: Bool) throws {
        let source = "\(Self.directory)/\(file)"
        let imported = try PinSetImporter.import(Fixtures.bytes(source), name: source, host: host)
        let wanted = try Self.expected(expected, source: source, lines: lines)
        #expect(imported.hosts.map(\.name) == wanted.hosts.map(\.name))
        for (got, want) in zip(imported.hosts, wanted.hosts) {
            #expect(got == want, "\(got.name)")
        }
    }

    @Test("The format named gives what the format told from the content gives")
    func namedFormat() throws {
        let named: [(String, PinSetImportFormat)] = [
            ("android-documentation.xml", .android), ("ios-documentation.plist", .ios),
            ("trustkit-readme.binary.plist", .trustkit), ("okhttp-documentation.kt", .okhttp),
            ("zone.db", .tlsa),
            ("headers.conf", .hpkp), ("curl.txt", .curl), ("chrome.txt", .chrome),
        ]
        for (file, format) in named {
            let source = "\(Self.directory)/\(file)"
            let bytes = try Fixtures.bytes(source)
            #expect(
                try PinSetImporter.import(bytes, format: format, name: source, host: "www.example.com")
                    == PinSetImporter.import(bytes, name: source, host: "www.example.com"), "\(file)")
        }
    }

    @Test("OkHttp's *. is widened with a note; a TLSA record of a certificate is skipped with a note")
    func notes() throws {
        let okhttp = try PinSetImporter.read(
            Fixtures.bytes("\(Self.directory)/okhttp-documentation.kt"), name: "okhttp-documentation.kt")
        #expect(okhttp.notes.map(\.line) == [19])
        #expect(okhttp.notes.first?.message.contains("*.example.org") == true)
        let zone = try PinSetImporter.read(Fixtures.bytes("\(Self.directory)/zone.db"), name: "zone.db")
        #expect(zone.notes.map(\.line) == [16])
        #expect(zone.notes.first?.message.contains("3 0 1") == true)
    }

    @Test(
        "A bad file is one error naming the file, the line and the problem",
        arguments: [
            // Line 8: where `</pin` (line 7) runs into `</pin-set>`, as Python's XML reader and xmllint say.
            ("bad-malformed.xml", "line 8: malformed XML"),
            ("bad-pin-length.xml", "line 7: '7HIpactkIAq2Y49orFOOQKurWxk=' is not a SHA-256 pin"),
            ("bad-digest.xml", "line 7: pin digest \"SHA-1\" is not SHA-256"),
            ("bad-expiration.xml", "line 5: pin-set expiration \"2018-02-30\" is not a date"),
            (
                "bad-ios-pin.plist",
                "line 27: NSPinnedDomains › www.example.net › NSPinnedLeafIdentities[1] › SPKI-SHA256-BASE64: "
                    + "'not-a-pin' is not a SHA-256 pin"
            ),
            (
                "bad-trustkit-expiration.plist",
                "line 36: TSKPinnedDomains › yahoo.com › TSKExpirationDate \"30.06.2027\""
            ),
            ("bad-okhttp-sha1.kt", "line 3: 'sha1/BOGUSBOGUSBOGUSBOGUSBOGUSBO=' is a SHA-1 pin"),
            ("bad-tlsa-short.db", "line 1: the data of TLSA 3 1 1 is 4 bytes"),
        ])
    func badFiles(file: String, reason: String) throws {
        let source = "\(Self.directory)/\(file)"
        let error = try #require(throws: PinHashError.self) {
            try PinSetImporter.import(Fixtures.bytes(source), name: source)
        }
        #expect(error.description.hasPrefix("\(source): \(reason)"), "\(error.description)")
        #expect(error.isOneNonEmptyLine)
    }

    @Test("Headers, curl values and Chrome lists without a host are refused as host required")
    func hostRequired() throws {
        for file in ["headers.conf", "chrome.txt"] {
            let error = try #require(throws: PinHashError.self) {
                try PinSetImporter.import(Fixtures.bytes("\(Self.directory)/\(file)"), name: file)
            }
            #expect(error.code == .hostRequired, "\(file): \(error)")
        }
    }

    @Test(
        "Pins in a spelling the format does not take are refused: OkHttp bare base64, curl sha256/, Android hex"
    )
    func wrongSpelling() throws {
        let pin = try Fixtures.file("certs/leaf.pem").rows[0].pin
        let hex = try #require(Data(base64Encoded: pin)).map { String(format: "%02x", $0) }.joined()
        let texts: [(String, PinSetImportFormat)] = [
            ("CertificatePinner.Builder().add(\"a.example\", \"\(pin)\", \"sha256/\(pin)\")", .okhttp),
            ("sha256/\(pin)", .curl),
            (
                "<network-security-config><domain-config><domain>a.example</domain><pin-set>"
                    + "<pin digest=\"SHA-256\">\(hex)</pin></pin-set></domain-config></network-security-config>",
                .android
            ),
        ]
        for (text, format) in texts {
            #expect(throws: PinHashError.self, "\(format)") {
                try PinSetImporter.import(Array(text.utf8), format: format, name: "x", host: "a.example")
            }
        }
    }

    @Test("XML that declares an entity is refused at the declaration: nothing expands, nothing is fetched")
    func entityDeclaration() throws {
        let text = """
            <?xml version="1.0"?>
            <!DOCTYPE network-security-config [
            <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
            <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
            <!ENTITY c SYSTEM "file:///etc/passwd">
            ]>
            <network-security-config><domain-config><domain>&b;&c;</domain></domain-config>
            </network-security-config>
            """
        for format in [PinSetImportFormat.android, .ios, .trustkit] {
            let error = try #require(throws: PinHashError.self) {
                try PinSetImporter.import(Array(text.utf8), format: format, name: "x.xml", host: nil)
            }
            #expect(error.description.hasPrefix("x.xml: line 3: declares an XML entity"), "\(format)")
        }
    }

    @Test("XML nested deeper than 256 elements is refused with its line")
    func deepXML() throws {
        let text =
            "<network-security-config>\n" + String(repeating: "<domain-config>", count: 300)
            + String(repeating: "</domain-config>", count: 300) + "</network-security-config>\n"
        let error = try #require(throws: PinHashError.self) {
            try PinSetImporter.import(Array(text.utf8), format: .android, name: "deep.xml", host: nil)
        }
        #expect(error.description == "deep.xml: line 2: nests elements more than 256 deep")
    }

    /// libplist reads nested objects by recursion that also scans every level above: 400,000 nested
    /// arrays overflowed the stack (a crash) and 30,000 took seconds, so the object count is capped.
    /// The time limit only stops a hang, as in the alias bomb's test.
    @Test("A binary plist of more objects than are read safely is refused", .timeLimit(.minutes(10)))
    func manyObjects() throws {
        let python3 = try #require(InstalledProgram.path(of: "python3"))
        let script = """
            import plistlib, sys
            sys.setrecursionlimit(100000)
            value = []
            for _ in range(12000):
                value = [value]
            sys.stdout.buffer.write(plistlib.dumps({"NSAppTransportSecurity": value}, fmt=plistlib.FMT_BINARY))
            """
        let made = try ExternalCommand.run(python3, ["-c", script])
        try #require(made.succeeded, "python3: \(made.errorOutput)")
        let error = try #require(throws: PinHashError.self) {
            try PinSetImporter.import(made.output, format: .ios, name: "deep.plist", host: nil)
        }
        #expect(error.description.hasPrefix("deep.plist: is a binary property list of 12003 objects"))
    }

    @Test("Several pin sets merge by host, port and subdomain rule, each pin once")
    func merging() throws {
        let android = try PinSetImporter.import(
            Fixtures.bytes("\(Self.directory)/android-documentation.xml"), name: "a")
        let twice = PinSetImporter.merged([android, android])
        #expect(twice.hosts.count == 1)
        #expect(twice.hosts[0].pins.count == 2)
    }
}
