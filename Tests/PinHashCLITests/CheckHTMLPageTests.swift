import Foundation
import PinHashTestSupport
import Testing

/// `pinhash check --format html` against an `openssl s_server` whose certificate has a hostile subject,
/// rendered by headless Chromium: a screenshot saved under `.build/test-output/`, and the DOM Chromium
/// built read by python3's html.parser.
@Suite("pinhash check --format html", .serialized)
struct CheckHTMLPageTests {
    static let outputDirectory = PackagePaths.root.appendingPathComponent(".build/test-output")

    /// python3's html.parser over a page: its text, the number of script elements, and every attribute
    /// that can load something (src, href, srcset, action, data, poster, xlink:href) or a style `url(`.
    static let pageReader = #"""
        import json, sys
        from html.parser import HTMLParser
        class Page(HTMLParser):
            def __init__(self):
                super().__init__()
                self.text, self.scripts, self.loads, self.current = [], 0, [], None
            def handle_starttag(self, tag, attrs):
                self.current = tag
                if tag == "script": self.scripts += 1
                for name, value in attrs:
                    if name in ("src", "href", "srcset", "action", "data", "poster", "xlink:href"):
                        self.loads.append(f"{tag} {name}={value}")
                    if value and ("url(" in value or "http" in value and name != "content"):
                        self.loads.append(f"{tag} {name}={value}")
            def handle_data(self, data):
                if self.current == "style" and "url(" in data: self.loads.append("style url(")
                self.text.append(data)
        page = Page()
        page.feed(sys.stdin.read())
        print(json.dumps({"text": " ".join(page.text), "scripts": page.scripts, "loads": page.loads}))
        """#

    @Test(
        "The page names the pins, the clients each matches and the dates, escapes a hostile subject, and loads nothing",
        .enabled(if: FormatConsumers.chromium != nil, "chromium is not installed (apt-get install chromium)"))
    func page() throws {
        let servers = try CheckCommandTests.Servers()
        defer { servers.stop() }
        let directory = servers.directory
        let key = directory.appendingPathComponent("hostile.key").path
        let certificate = directory.appendingPathComponent("hostile.pem").path
        let made = try runShell(
            #"""
            set -e
            printf 'subjectAltName=DNS:www.example.com\nbasicConstraints=CA:FALSE\n' > "$2.ext"
            openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null
            openssl req -new -key "$1" -subj "/O=<script>alert(\"pinned\")<\/script> & <b>bold<\/b>/CN=www.example.com" \
                -out "$2.csr"
            openssl x509 -req -in "$2.csr" -CA certs/intermediate.pem -CAkey certs/intermediate.key \
                -set_serial 77 -days 400 -extfile "$2.ext" -out "$2" 2>/dev/null
            """#, [key, certificate])
        try #require(made.status == 0, "\(made.stderr)")
        let port = try servers.start(on: "127.0.0.2", certificate: certificate, key: key)

        let leafPin = try CheckCommandTests.opensslPin(ofKey: key)
        let intermediatePin = try RotateTruth.pin(ofCertificate: "certs/intermediate.pem")
        let spare = "YLh1dUR9y6Kja30RrAn7JKnbQG/uEtLMkBgFF2Fuihg="
        let pins = directory.appendingPathComponent("pins.yaml").path
        try """
        version: 1
        hosts:
        - name: www.example.com
          port: \(port)
          pins:
          - pin: \(leafPin)
            label: "leaf <img src=http://198.51.100.1/x.png>"
            role: leaf
          - pin: \(intermediatePin)
            role: intermediate
          - pin: \(spare)
            role: backup
          expiration: 2099-06-30
          clients: [curl, okhttp, hpkp, tlsa]

        """.write(toFile: pins, atomically: true, encoding: .utf8)
        let result = try run(
            [
                "check", "--format", "html", "--cafile", "certs/root.pem", "--resolve",
                "www.example.com:\(port):127.0.0.2", pins,
            ], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")

        try FileManager.default.createDirectory(at: Self.outputDirectory, withIntermediateDirectories: true)
        let html = Self.outputDirectory.appendingPathComponent("check-page.html")
        let png = Self.outputDirectory.appendingPathComponent("check-page.png")
        try? FileManager.default.removeItem(at: png)
        try result.stdout.write(to: html, atomically: true, encoding: .utf8)

        let chromium = HeadlessChromium(executable: try #require(FormatConsumers.chromium), resolving: [])
        let shot = try chromium.screenshot(html.absoluteString, to: png.path)
        #expect(!shot.timedOut, "\(shot.log)")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "no PNG at \(png.path):\n\(shot.log)")
        print("check --format html: page \(html.path), screenshot \(png.path) (\(bytes.count) bytes)")

        let loaded = try chromium.load(html.absoluteString, arguments: [])
        #expect(!loaded.timedOut, "\(loaded.log)")
        let read = try #require(
            try FormatConsumers.python(Self.pageReader, input: loaded.dom) as? [String: Any], "\(loaded.dom)")
        let text = try #require(read["text"] as? String)
        #expect(read["scripts"] as? Int == 0, "a script element reached the DOM")
        #expect((read["loads"] as? [String])?.isEmpty == true, "the page loads \(read["loads"] ?? "")")
        // The subject as openssl writes it in RFC 2253 form (which escapes < > " with a backslash).
        let subject = try runShell(#"openssl x509 -in "$1" -noout -subject -nameopt RFC2253"#, [certificate])
        let shownSubject = String(subject.stdout.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst(8))
        #expect(shownSubject.contains(#"\<script\>alert(\"pinned\")\</script\>"#))
        #expect(text.contains(shownSubject), "the hostile subject is not shown as text: \(text)")
        #expect(text.contains("leaf <img src=http://198.51.100.1/x.png>"))
        for pin in [leafPin, intermediatePin, spare] { #expect(text.contains(pin), "no \(pin)") }
        #expect(text.contains("okhttp, hpkp"))

        let notAfter = try runShell(
            #"date -u -d "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)" +%F"#, [certificate])
        let leafEnd = notAfter.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let today = try RotateTruth.today
        #expect(text.contains("\(leafEnd) leaf"), "no notAfter \(leafEnd) on the timeline")
        #expect(text.contains("2099-06-30 the pin set expires"))
        #expect(
            text.contains("\(try RotateTruth.day(today, plus: 60)) a Public-Key-Pins header served today"))
        #expect(text.contains("\(try RotateTruth.day(today, plus: 1)) TLSA records published today"))
    }
}
