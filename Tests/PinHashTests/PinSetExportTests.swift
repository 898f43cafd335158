import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// `PinSetExport` read back by parsers no one here wrote: Android's XML with python3's xml.etree, the
/// iOS and TrustKit dictionaries with plistlib; the line formats against the syntax each consumer
/// documents. Values expected are the pin set's, written here by hand from the fixture manifest.
@Suite("Pin-set export")
struct PinSetExportTests {
    static func pinSet() throws -> PinSet {
        let leaf = try PinSetFileTests.pin("certs/chain.pem", 1)
        let intermediate = try PinSetFileTests.pin("certs/chain.pem", 2)
        let spare = try PinSetFileTests.pin("keys/ec-p256.pkcs8.pem")
        return PinSet(hosts: [
            PinnedHost(
                name: "www.example.com",
                pins: [
                    PinSetEntry(pin: leaf, label: "leaf <&> --", role: .leaf, source: "certs/chain.pem"),
                    PinSetEntry(pin: intermediate, role: .intermediate),
                    PinSetEntry(pin: spare, label: "spare", role: .backup),
                ],
                expiration: CalendarDate(year: 2027, month: 6, day: 30), enforcement: .reportOnly,
                reportURIs: ["https://example.com/r?a=1&b=2"]),
            PinnedHost(
                name: "example.org", includesSubdomains: true,
                pins: [PinSetEntry(pin: leaf), PinSetEntry(pin: spare, role: .backup)],
                clients: [.android, .ios]),
            PinnedHost(
                name: "api.example.net", port: 8443, pins: [PinSetEntry(pin: spare)], clients: [.tlsa]),
        ])
    }

    static func python(_ script: String, _ input: String) throws -> Any {
        try PinSetFileTests.python(script, input: input)
    }

    @Test(
        "android: xml.etree reads a network security config with each host's domain, expiration and pins",
        .enabled(if: InstalledProgram.path(of: "python3") != nil, "python3 is not installed"))
    func android() throws {
        let export = try PinSetExport(try Self.pinSet(), format: .android)
        let script = """
            import json, sys, xml.etree.ElementTree as ET
            root = ET.fromstring(sys.stdin.buffer.read())
            print(json.dumps({"root": root.tag, "configs": [{
                "domains": [[d.text, d.get("includeSubdomains")] for d in c.findall("domain")],
                "expiration": c.find("pin-set").get("expiration"),
                "pins": [[p.get("digest"), p.text] for p in c.find("pin-set").findall("pin")]}
                for c in root.findall("domain-config")]}))
            """
        let parsed = try #require(try Self.python(script, export.text) as? [String: Any])
        #expect(parsed["root"] as? String == "network-security-config")
        let configs = try #require(parsed["configs"] as? [[String: Any]])
        let set = try Self.pinSet()
        // api.example.net is for tlsa only.
        try #require(configs.count == 2)
        #expect(configs[0]["domains"] as? [[String]] == [["www.example.com", "false"]])
        #expect(configs[0]["expiration"] as? String == "2027-06-30")
        #expect(configs[0]["pins"] as? [[String]] == set.hosts[0].pins.map { ["SHA-256", $0.pin.base64] })
        #expect(configs[1]["domains"] as? [[String]] == [["example.org", "true"]])
        #expect(configs[1]["expiration"] is NSNull)
        #expect(configs[1]["pins"] as? [[String]] == set.hosts[1].pins.map { ["SHA-256", $0.pin.base64] })
        #expect(
            export.notes == [
                PinSetExportNote(host: "www.example.com", omission: .reportOnly),
                PinSetExportNote(host: "www.example.com", omission: .reportURIs),
            ])
    }

    /// Wraps a fragment of a dictionary in a whole plist and reads it with plistlib, printing JSON.
    static let plistScript = """
        import json, plistlib, sys
        document = (b'<?xml version="1.0" encoding="UTF-8"?>\\n'
            b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\\n'
            b'<plist version="1.0">\\n<dict>\\n' + sys.stdin.buffer.read() + b'</dict>\\n</plist>\\n')
        print(json.dumps(plistlib.loads(document)))
        """

    @Test(
        "ios: plistlib reads NSPinnedDomains with leaf and CA identities apart and include-subdomains",
        .enabled(if: InstalledProgram.path(of: "python3") != nil, "python3 is not installed"))
    func iOS() throws {
        let set = try Self.pinSet()
        let export = try PinSetExport(set, format: .ios)
        let parsed = try #require(try Self.python(Self.plistScript, export.text) as? [String: Any])
        let domains = try #require(parsed["NSPinnedDomains"] as? [String: [String: Any]])
        #expect(Set(domains.keys) == ["www.example.com", "example.org"])
        let www = try #require(domains["www.example.com"])
        #expect(www["NSIncludesSubdomains"] as? Bool == false)
        func values(_ list: Any?) -> [String]? {
            (list as? [[String: String]])?.map { $0["SPKI-SHA256-BASE64"] ?? "" }
        }
        #expect(
            values(www["NSPinnedLeafIdentities"]) == [
                set.hosts[0].pins[0].pin.base64, set.hosts[0].pins[2].pin.base64,
            ])
        #expect(values(www["NSPinnedCAIdentities"]) == [set.hosts[0].pins[1].pin.base64])
        let org = try #require(domains["example.org"])
        #expect(org["NSIncludesSubdomains"] as? Bool == true)
        #expect(values(org["NSPinnedLeafIdentities"]) == set.hosts[1].pins.map(\.pin.base64))
        #expect(org["NSPinnedCAIdentities"] == nil)
        #expect(export.notes.contains(PinSetExportNote(host: "www.example.com", omission: .expiration)))
    }

    @Test(
        "trustkit: plistlib reads TSKConfiguration with hashes, include-subdomains, enforcement, expiration, reports",
        .enabled(if: InstalledProgram.path(of: "python3") != nil, "python3 is not installed"))
    func trustKit() throws {
        let set = try Self.pinSet()
        let export = try PinSetExport(set, format: .trustkit)
        let parsed = try #require(try Self.python(Self.plistScript, export.text) as? [String: Any])
        let configuration = try #require(parsed["TSKConfiguration"] as? [String: Any])
        let domains = try #require(configuration["TSKPinnedDomains"] as? [String: [String: Any]])
        // example.org is for android and ios only, api.example.net for tlsa.
        #expect(Set(domains.keys) == ["www.example.com"])
        let www = try #require(domains["www.example.com"])
        #expect(www["TSKPublicKeyHashes"] as? [String] == set.hosts[0].pins.map(\.pin.base64))
        #expect(www["TSKIncludeSubdomains"] as? Bool == false)
        #expect(www["TSKEnforcePinning"] as? Bool == false)
        #expect(www["TSKExpirationDate"] as? String == "2027-06-30")
        #expect(www["TSKReportUris"] as? [String] == ["https://example.com/r?a=1&b=2"])
        #expect(export.notes.isEmpty)
    }

    @Test("okhttp: **. covers a host and its subdomains; Java ends the statement, Kotlin does not")
    func okHttp() throws {
        let set = try Self.pinSet()
        let kotlin = try PinSetExport(set, format: .okhttp, host: "example.org")
        let leaf = set.hosts[1].pins[0].pin.base64
        let spare = set.hosts[1].pins[1].pin.base64
        #expect(
            kotlin.text == """
                CertificatePinner.Builder()
                    .add("**.example.org", "sha256/\(leaf)")
                    .add("**.example.org", "sha256/\(spare)") // backup
                    .build()

                """)
        let java = try PinSetExport(set, format: .okhttpJava, host: "example.org")
        #expect(
            java.text.hasPrefix("CertificatePinner certificatePinner = new CertificatePinner.Builder()\n"))
        #expect(java.text.hasSuffix("    .build();\n"))
        #expect(java.notes == [PinSetExportNote(host: "example.org", omission: .doubleWildcardNeedsOkHttp4)])
    }

    @Test("tlsa: 3 1 1 for leaf and backup pins, 2 1 1 for CA pins, on each host's port")
    func tlsa() throws {
        let set = try Self.pinSet()
        let export = try PinSetExport(set, format: .tlsa)
        let www = set.hosts[0].pins.map(\.pin.hex)
        #expect(
            export.text == """
                _443._tcp.www.example.com. IN TLSA 3 1 1 \(www[0])
                _443._tcp.www.example.com. IN TLSA 2 1 1 \(www[1])
                _443._tcp.www.example.com. IN TLSA 3 1 1 \(www[2])
                _8443._tcp.api.example.net. IN TLSA 3 1 1 \(set.hosts[2].pins[0].pin.hex)

                """)
    }

    @Test("the one-host formats take one host: hpkp, curl, chrome, base64")
    func oneHostFormats() throws {
        let set = try Self.pinSet()
        let pins = set.hosts[0].pins.map(\.pin.base64)
        #expect(throws: PinHashError.self) { try PinSetExport(set, format: .base64) }
        #expect(
            try PinSetExport(set, format: .curl, host: "WWW.example.com").text
                == pins.map { "sha256//" + $0 }.joined(separator: ";") + "\n")
        #expect(
            try PinSetExport(set, format: .chrome, host: "www.example.com").text == pins.joined(
                separator: ",") + "\n")
        #expect(
            try PinSetExport(set, format: .hpkp, host: "www.example.com").text
                == "Public-Key-Pins-Report-Only: "
                + pins.map { "pin-sha256=\"\($0)\"" }.joined(separator: "; ")
                + "; max-age=5184000; report-uri=\"https://example.com/r?a=1&b=2\"\n")
        #expect(throws: PinHashError.self) { try PinSetExport(set, format: .json, host: "nowhere.example") }
    }

    @Test("an IP address cannot be written for iOS, and one name on two ports cannot be written by name")
    func unwritableHosts() throws {
        let pin = try PinSetFileTests.pin("certs/leaf.pem")
        #expect(throws: PinHashError.self) {
            try PinSetExport(
                PinSet(hosts: [PinnedHost(name: "192.0.2.1", pins: [PinSetEntry(pin: pin)])]), format: .ios)
        }
        let twoPorts = PinSet(hosts: [
            PinnedHost(name: "a.example", pins: [PinSetEntry(pin: pin)]),
            PinnedHost(name: "a.example", port: 8443, pins: [PinSetEntry(pin: pin)]),
        ])
        #expect(throws: PinHashError.self) { try PinSetExport(twoPorts, format: .android) }
        #expect(try PinSetExport(twoPorts, format: .tlsa).text.split(separator: "\n").count == 2)
    }
}
