import PinHash
import PinHashTestSupport
import Testing

/// Expected pins from `manifest.tsv` (computed by openssl), and the objects pinhash reads from the same
/// files for the checks that need a chain.
enum HeaderFixtures {
    static func pin(_ file: String, position: Int = 1, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> Pin
    {
        let row = try Fixtures.manifest().first { $0.file == file && $0.position == position }
        let text = try #require(
            row?.pin, "\(file) #\(position) is not in manifest.tsv", sourceLocation: sourceLocation)
        return try #require(Pin(base64: text), sourceLocation: sourceLocation)
    }

    static func subject(_ file: String, position: Int = 1) throws -> String {
        try #require(try Fixtures.manifest().first { $0.file == file && $0.position == position }?.subject)
    }

    /// The objects of a fixture file as `PinnedEntry`s named by the path relative to `Fixtures/`.
    static func origins(_ file: String) throws -> [PinnedEntry] {
        try PinReader().pins(inFileAt: Fixtures.path(file)).map { PinnedEntry($0, source: file) }
    }
}

@Suite("Header: building and checking Public-Key-Pins")
struct HeaderBuilderTests {
    @Test("The value lists the pins, then max-age, includeSubDomains and report-uri, joined by \"; \"")
    func value() throws {
        let leaf = try HeaderFixtures.pin("certs/leaf.pem")
        let spare = try HeaderFixtures.pin("keys/ec-p256.pkcs8.pem")
        let plain = HPKPHeader(pins: [leaf, spare])
        #expect(plain.name == "Public-Key-Pins")
        #expect(
            plain.value == "pin-sha256=\"\(leaf.base64)\"; pin-sha256=\"\(spare.base64)\"; max-age=5184000")
        let full = HPKPHeader(
            pins: [leaf, spare, leaf], maxAge: 600, includeSubDomains: true,
            reportURI: "https://example.com/hpkp-report", reportOnly: true)
        #expect(full.name == "Public-Key-Pins-Report-Only")
        #expect(full.pins == [leaf, spare])
        #expect(
            full.value
                == "pin-sha256=\"\(leaf.base64)\"; pin-sha256=\"\(spare.base64)\"; max-age=600; includeSubDomains; "
                + "report-uri=\"https://example.com/hpkp-report\"")
    }

    @Test("What the builder writes, the lint reads back clean with the same pins")
    func roundTrip() throws {
        let pins = [
            try HeaderFixtures.pin("certs/leaf.pem"), try HeaderFixtures.pin("keys/ed25519.pkcs8.pem"),
        ]
        let header = HPKPHeader(
            pins: pins, includeSubDomains: true, reportURI: "https://example.com/r?a=1;b=2")
        let lint = HeaderLint(try HeaderField(line: try header.line(for: .raw)))
        #expect(lint.isClean, "\(lint.findings)")
        #expect(lint.pins == pins)
        #expect(lint.field.kind == .publicKeyPins)
    }

    @Test("A chain plus a backup key outside it passes, with the report-only advice as a note")
    func chainAndBackup() throws {
        let chain = try HeaderFixtures.origins("certs/chain.pem")
        let spare = try HeaderFixtures.pin("keys/ec-p256.pkcs8.pem")
        let header = HPKPHeader(pins: chain.map(\.pin) + [spare])
        let findings = header.validate(chain: chain, declaredBackups: [spare])
        #expect(!findings.containsErrors, "\(findings)")
        #expect(findings.highestSeverity == .note)
        #expect(findings.contains { $0.message.contains("Report-Only") })
    }

    @Test("Pins of the chain alone are refused: no backup")
    func noBackup() throws {
        let chain = try HeaderFixtures.origins("certs/chain.pem")
        #expect(chain.count == 3)
        let findings = HPKPHeader(pins: chain.map(\.pin)).validate(chain: chain)
        #expect(findings.contains { $0.severity == .error && $0.message.contains("no backup pin") })
    }

    @Test("A declared backup that is in the chain is refused and named")
    func backupInChain() throws {
        let chain = try HeaderFixtures.origins("certs/chain.pem")
        let intermediate = try HeaderFixtures.pin("certs/chain.pem", position: 2)
        let spare = try HeaderFixtures.pin("keys/rsa2048.pkcs8.pem")
        let header = HPKPHeader(pins: [chain[0].pin, intermediate, spare])
        let findings = header.validate(chain: chain, declaredBackups: [intermediate, spare])
        let error = findings.first { $0.severity == .error }
        #expect(error?.message.contains("backup pin \(intermediate.base64) is in use") == true, "\(findings)")
        #expect(error?.message.contains(try HeaderFixtures.subject("certs/chain.pem", position: 2)) == true)
        #expect(findings.filter { $0.severity == .error }.count == 1)
    }

    @Test("Pins that match nothing in the chain are refused")
    func noPinInChain() throws {
        let chain = try HeaderFixtures.origins("certs/leaf.pem")
        let header = HPKPHeader(
            pins: [
                try HeaderFixtures.pin("keys/ed448.pkcs8.pem"), try HeaderFixtures.pin("keys/x448.pkcs8.pem"),
            ])
        let findings = header.validate(chain: chain)
        #expect(findings.contains { $0.severity == .error && $0.message.contains("no pin matches") })
    }

    @Test("Fewer than two distinct pins are refused")
    func tooFewPins() throws {
        let leaf = try HeaderFixtures.pin("certs/leaf.pem")
        for pins in [[], [leaf], [leaf, leaf]] {
            let findings = HPKPHeader(pins: pins).validate()
            #expect(
                findings.contains { $0.severity == .error && $0.message.contains("backup pin") }, "\(pins)")
        }
    }

    @Test("The hash of empty input is refused by name, as a pin and in a header")
    func emptyInputPin() throws {
        let text = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        #expect(Pin.ofNothing.base64 == text)
        #expect {
            _ = try HPKPHeader.parsePin(text)
        } throws: { error in
            (error as? PinHashError)?.reason.contains("SHA-256 of empty input") == true
        }
        let leaf = try HeaderFixtures.pin("certs/leaf.pem")
        let spare = try HeaderFixtures.pin("keys/rsa2048.pkcs8.pem")
        let findings = HPKPHeader(pins: [leaf, spare, Pin.ofNothing]).validate()
        #expect(findings.contains { $0.severity == .error && $0.message.contains("SHA-256 of empty input") })
    }

    @Test(
        "parsePin takes every pin spelling and says why anything else is not a pin",
        arguments: [
            ("", "empty"), ("abc", "not a SHA-256 pin"),
            ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "empty input"),
            ("sha256//47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "empty input"),
            ("pin-sha256=\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"", "empty input"),
            ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "not a SHA-256 pin"),
            ("sha256/abc", "not a SHA-256 pin"),
        ])
    func notAPin(text: String, phrase: String) {
        #expect {
            _ = try HPKPHeader.parsePin(text)
        } throws: { error in
            (error as? PinHashError)?.reason.contains(phrase) == true
        }
    }

    @Test("parsePin reads every pin of the manifest, bare and as sha256/, sha256// and pin-sha256=")
    func manifestPins() throws {
        for row in try Fixtures.manifest() {
            for spelling in [row.pin, "sha256/\(row.pin)", "sha256//\(row.pin)", "pin-sha256=\"\(row.pin)\""]
            {
                #expect(try HPKPHeader.parsePin(spelling).base64 == row.pin)
            }
        }
    }

    @Test("A max-age over 60 days is a warning, not an error; 60 days is quiet")
    func maxAge() throws {
        let pins = [
            try HeaderFixtures.pin("certs/leaf.pem"), try HeaderFixtures.pin("keys/rsa2048.pkcs8.pem"),
        ]
        let long = HPKPHeader(pins: pins, maxAge: 5_184_001).validate()
        #expect(long.highestSeverity == .warning)
        #expect(long.contains { $0.message.contains("60 days") })
        #expect(!HPKPHeader(pins: pins, maxAge: 5_184_000).validate().contains { $0.severity == .warning })
        #expect(HPKPHeader.defaultMaxAge == 5_184_000)
    }

    @Test("Report-only needs a report-uri")
    func reportOnlyWithoutReportURI() throws {
        let pins = [
            try HeaderFixtures.pin("certs/leaf.pem"), try HeaderFixtures.pin("keys/rsa2048.pkcs8.pem"),
        ]
        let findings = HPKPHeader(pins: pins, reportOnly: true).validate()
        #expect(findings.contains { $0.severity == .error && $0.message.contains("without report-uri") })
        let withURI = HPKPHeader(pins: pins, reportURI: "https://example.com/r", reportOnly: true).validate()
        #expect(!withURI.containsErrors)
        #expect(!withURI.contains { $0.message.contains("first deployment") })
    }

    @Test(
        "A report-uri must be an absolute http or https URI of URI characters",
        arguments: [
            "example.com/r", "ftp://example.com/r", "https://", "https://example.com/a\"b",
            "https://example.com/a b",
            "https://example.com/\u{7F}", "https://exämple.com/", "https://example.com/%2",
            "https://example.com/a\\b",
            "https://example.com/{x}", "https://example.com/a<b>", "javascript:alert(1)",
        ])
    func badReportURI(uri: String) {
        let findings = HPKPHeader.reportURIFindings(uri)
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .error)
    }

    @Test(
        "Report URIs with any RFC 3986 character pass",
        arguments: [
            "https://example.com/hpkp-report", "http://example.com/pkp-report", "HTTPS://Example.COM:8443/r",
            "https://example.com/r?a=%20&b='c'#f", "https://[2001:db8::1]/r",
            "https://u@example.com/!$&()*+,;=~",
        ])
    func goodReportURI(uri: String) {
        #expect(HPKPHeader.reportURIFindings(uri).isEmpty)
    }

    @Test("Keys in use gathered from a repeated chain keep each pin once and name a repeated object once")
    func keysInUseOfARepeatedChain() throws {
        let chain = try HeaderFixtures.origins("certs/chain.pem")
        let spare = try HeaderFixtures.pin("keys/ec-p256.pkcs8.pem")
        var inUse = KeysInUse()
        for _ in 0..<1_000 { for entry in chain { inUse.add(entry) } }
        #expect(inUse.count == 3_000)
        #expect(inUse.pins == chain.map(\.pin))
        let origins = inUse.origins(of: chain[0].pin)
        let subject = try HeaderFixtures.subject("certs/chain.pem")
        #expect(origins.described == ["certs/chain.pem: leaf \(subject)"])
        #expect(origins.count == 1_000)
        let header = HPKPHeader(pins: [chain[0].pin, spare])
        #expect(header.validate(keysInUse: inUse) == header.validate(chain: chain))
        let lint = HeaderLint(try HeaderField(line: try header.line(for: .raw)), keysInUse: inUse)
        #expect(
            lint.findings.contains {
                $0.message == "pin-sha256 \(chain[0].pin.base64) matches "
                    + "certs/chain.pem: leaf \(subject) (1000 objects in all)"
            })
    }
}

@Suite("Header: server syntaxes")
struct HeaderServerSyntaxTests {
    static let value = "pin-sha256=\"AAAA\"; max-age=60; report-uri=\"https://example.com/a%20b'c&d<e>\""

    @Test("raw is the header line")
    func raw() throws {
        #expect(
            try ServerSyntax.raw.line(name: "Public-Key-Pins", value: Self.value)
                == "Public-Key-Pins: \(Self.value)")
    }

    @Test("apache escapes \" for its config parser and % for mod_headers")
    func apache() throws {
        let line = try ServerSyntax.apache.line(name: "Public-Key-Pins", value: Self.value)
        #expect(
            line
                == #"Header always set Public-Key-Pins "pin-sha256=\"AAAA\"; max-age=60; report-uri=\"https://example.com/a%%20b'c&d<e>\"""#
        )
    }

    @Test("nginx single-quotes the value and escapes ' inside it")
    func nginx() throws {
        let line = try ServerSyntax.nginx.line(name: "Public-Key-Pins", value: Self.value)
        #expect(
            line
                == #"add_header Public-Key-Pins 'pin-sha256="AAAA"; max-age=60; report-uri="https://example.com/a%20b\'c&d<e>"' always;"#
        )
    }

    @Test("iis writes the customHeaders block with the value as an escaped XML attribute")
    func iis() throws {
        let block = try ServerSyntax.iis.line(name: "Public-Key-Pins", value: Self.value)
        let escaped =
            "pin-sha256=&quot;AAAA&quot;; max-age=60; report-uri=&quot;https://example.com/a%20b'c&amp;d&lt;e&gt;&quot;"
        #expect(
            block == """
                <httpProtocol>
                  <customHeaders>
                    <add name="Public-Key-Pins" value="\(escaped)" />
                  </customHeaders>
                </httpProtocol>
                """)
    }

    @Test("What a syntax cannot carry is refused, not written broken")
    func refused() {
        #expect(throws: PinHashError.self) { try ServerSyntax.nginx.line(name: "X", value: "a$b") }
        #expect(throws: PinHashError.self) { try ServerSyntax.apache.line(name: "X", value: "a\\b") }
        #expect(throws: PinHashError.self) { try ServerSyntax.apache.line(name: "X", value: "${HOME}") }
        for syntax in ServerSyntax.allCases {
            #expect(throws: PinHashError.self) { try syntax.line(name: "X", value: "a\nSet-Cookie: b") }
            #expect(throws: PinHashError.self) { try syntax.line(name: "X Y", value: "a") }
        }
    }

    @Test("A report-uri nginx cannot carry makes the header refused for nginx only")
    func dollarInReportURI() throws {
        let pins = [
            try HeaderFixtures.pin("certs/leaf.pem"), try HeaderFixtures.pin("keys/rsa2048.pkcs8.pem"),
        ]
        let header = HPKPHeader(pins: pins, reportURI: "https://example.com/r$1")
        #expect(HPKPHeader.reportURIFindings("https://example.com/r$1").isEmpty)
        #expect(throws: PinHashError.self) { try header.line(for: .nginx) }
        #expect(try header.line(for: .apache).contains("r$1"))
    }
}
