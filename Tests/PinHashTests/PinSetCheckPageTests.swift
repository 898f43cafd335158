import Foundation
import PinHash
import PinHashLive
import PinHashTestSupport
import Testing

/// `PinSetCheckPage` over the fixture chain (pins from the fixture manifest, which openssl computed), with
/// a catalogue that names the fixture intermediate; the page read back by python3's html.parser.
@Suite("The HTML page of a pin-set check")
struct PinSetCheckPageTests {
    static func manifestPin(_ file: String, _ position: Int) throws -> String {
        try #require(try Fixtures.manifest().first { $0.file == file && $0.position == position }).pin
    }

    /// One address that served the fixture chain, checked against `host`.
    static func result(_ host: PinnedHost) throws -> AddressCheck {
        let certificates = try PinReader(inputType: .certificate).pins(
            inFileAt: Fixtures.url("certs/chain.pem").path)
        let chain = ServerChain(
            server: ServerAddress(host: host.name, port: host.port), connectedAddress: "192.0.2.10",
            serverName: host.name, protocolVersion: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256",
            certificates: Array(certificates.prefix(2)), verifiedChain: certificates,
            verification: ChainVerification(
                isTrusted: true, failure: nil, checkedName: host.name, caFile: nil))
        let served = ServedChain(sent: chain.certificates, verified: certificates, verificationFailure: nil)
        return AddressCheck(
            hostIndex: 0, host: host, address: "192.0.2.10", chain: chain, failure: nil,
            evaluation: PinSetEvaluation(host: host, served: served, now: 1_780_000_000, warnDays: 30))
    }

    /// The page's text and the number of `<h3>Rotation</h3>` headings, as html.parser reads them.
    static func read(_ html: String) throws -> (text: String, rotationHeadings: Int) {
        let script = #"""
            import json, sys
            from html.parser import HTMLParser
            class Page(HTMLParser):
                def __init__(self):
                    super().__init__()
                    self.text, self.tag, self.rotation = [], None, 0
                def handle_starttag(self, tag, attrs): self.tag = tag
                def handle_data(self, data):
                    self.text.append(data)
                    if self.tag == "h3" and data == "Rotation": self.rotation += 1
            page = Page()
            page.feed(sys.stdin.read())
            print(json.dumps({"text": " ".join(page.text), "rotation": page.rotation}))
            """#
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-page-\(UUID()).html")
        try Data(html.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ExternalCommand.run(
            ExternalCommand.shell, ["-c", "exec python3 -c \"$0\" < \"$1\"", script, file.path])
        try #require(result.succeeded, "python3: \(result.errorOutput)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.output)) as? [String: Any])
        return (try #require(object["text"] as? String), try #require(object["rotation"] as? Int))
    }

    @Test(
        "Pins carry the catalogue's names, each pin the clients it matches; rotation rows appear only when given"
    )
    func namesAndRotation() throws {
        let leaf = try #require(Pin(base64: Self.manifestPin("certs/chain.pem", 1)))
        let intermediate = try #require(Pin(base64: Self.manifestPin("certs/chain.pem", 2)))
        let root = try #require(Pin(base64: Self.manifestPin("certs/chain.pem", 3)))
        let host = PinnedHost(
            name: "www.example.com",
            pins: [PinSetEntry(pin: leaf, role: .leaf), PinSetEntry(pin: intermediate, role: .intermediate)],
            expiration: CalendarDate(iso8601: "2027-03-01"), clients: [.curl, .okhttp])
        let catalogue = CACatalogue(
            entries: [
                CatalogueEntry(
                    pin: intermediate, name: "Pinhash Test Intermediate (catalogue)", kind: .intermediate,
                    pool: "Pinhash Test 2026", roots: [root], source: "test"),
                CatalogueEntry(pin: root, name: "Pinhash Test Root (catalogue)", kind: .root, source: "test"),
            ], generated: "test")
        let result = try Self.result(host)
        let plain = try Self.read(
            PinSetCheckPage(results: [result], catalogue: catalogue, now: 1_780_000_000).html { $0.message })
        #expect(plain.text.contains("Pinhash Test Intermediate (catalogue)"))
        #expect(
            plain.text.contains("Pinhash Test Root (catalogue)"), "the root of the verified chain is named")
        #expect(plain.text.contains("pool Pinhash Test 2026"))
        #expect(plain.text.contains(leaf.base64) && plain.text.contains(intermediate.base64))
        #expect(plain.text.contains("2027-03-01 the pin set expires"))
        #expect(plain.rotationHeadings == 0)

        let rows = PinSetCheckPage.HostRotation(
            host: "www.example.com", port: 443,
            rows: [
                .init(
                    event: "the CA moves to a sibling <intermediate>", clients: "okhttp", survives: false,
                    fix: "add the pool's root")
            ])
        let withRotation = try Self.read(
            PinSetCheckPage(results: [result], catalogue: catalogue, now: 1_780_000_000, rotation: [rows])
                .html {
                    $0.message
                })
        #expect(withRotation.rotationHeadings == 1)
        #expect(withRotation.text.contains("the CA moves to a sibling <intermediate>"))
        #expect(withRotation.text.contains("breaks") && withRotation.text.contains("add the pool's root"))
    }
}
