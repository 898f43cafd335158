import PinHash
import Testing

/// A header value and a phrase the expected finding must contain.
struct LintCase: Sendable, CustomTestStringConvertible {
    let value: String
    let phrase: String
    var testDescription: String { value }

    init(_ value: String, _ phrase: String) {
        self.value = value
        self.phrase = phrase
    }
}

/// The grammar of RFC 7469 §2.1 and RFC 6797 §6.1, checked with the RFCs' own examples and with values
/// that break one rule each.
@Suite("Lint: the grammar of RFC 7469 and RFC 6797")
struct LintGrammarTests {
    // Pins printed in RFC 7469 §2.1.5; LPJNul… is also the SHA-256 of "hello".
    static let d6qz = "d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM="
    static let e9cz = "E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g="
    static let lpjn = "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
    static let twoPins = "pin-sha256=\"\(d6qz)\"; pin-sha256=\"\(e9cz)\""

    /// RFC 7469 §2.1.5 (Figure 7), folded as the RFC prints them; each parses to the pins listed.
    static let rfc7469Examples: [(text: String, pins: [String])] = [
        (
            """
            Public-Key-Pins: max-age=3000;
                pin-sha256="\(d6qz)";
                pin-sha256="\(e9cz)"
            """, [d6qz, e9cz]
        ),
        (
            """
            Public-Key-Pins: max-age=2592000;
                pin-sha256="\(e9cz)";
                pin-sha256="\(lpjn)"
            """, [e9cz, lpjn]
        ),
        (
            """
            Public-Key-Pins: max-age=2592000;
                pin-sha256="\(e9cz)";
                pin-sha256="\(lpjn)";
                report-uri="http://example.com/pkp-report"
            """, [e9cz, lpjn]
        ),
        (
            """
            Public-Key-Pins-Report-Only: max-age=2592000;
                pin-sha256="\(e9cz)";
                pin-sha256="\(lpjn)";
                report-uri="https://other.example.net/pkp-report"
            """, [e9cz, lpjn]
        ),
        (
            """
            Public-Key-Pins:
                pin-sha256="\(d6qz)";
                pin-sha256="\(lpjn)";
                max-age=259200
            """, [d6qz, lpjn]
        ),
        (
            """
            Public-Key-Pins:
                pin-sha256="\(d6qz)";
                pin-sha256="\(e9cz)";
                pin-sha256="\(lpjn)";
                max-age=10000; includeSubDomains
            """, [d6qz, e9cz, lpjn]
        ),
    ]

    /// RFC 6797 §6.2.
    static let rfc6797Examples = [
        "Strict-Transport-Security: max-age=31536000",
        "Strict-Transport-Security: max-age=15768000 ;\n    includeSubDomains",
        "Strict-Transport-Security: max-age=\"31536000\"",
        "Strict-Transport-Security: max-age=0",
        "Strict-Transport-Security: max-age=0; includeSubDomains",
    ]

    static func lint(_ kind: HeaderKind, _ value: String) -> HeaderLint {
        HeaderLint(HeaderField(kind: kind, value: value))
    }

    static func messages(_ lint: HeaderLint, _ severity: HeaderFinding.Severity) -> [String] {
        lint.findings.filter { $0.severity == severity }.map(\.message)
    }

    @Test("Every RFC 7469 example is clean and yields its pins", arguments: 0..<6)
    func rfc7469Example(index: Int) throws {
        let example = Self.rfc7469Examples[index]
        let fields = HeaderField.fields(inResponse: example.text)
        try #require(fields.count == 1)
        #expect(try HeaderField(line: example.text) == fields[0])
        let lint = HeaderLint(fields[0])
        #expect(lint.isClean, "\(lint.findings)")
        #expect(lint.pins.map(\.base64) == example.pins)
        #expect(lint.field.kind == (index == 3 ? .publicKeyPinsReportOnly : .publicKeyPins))
    }

    @Test("An RFC 7469 example on one line reads the same as folded")
    func unfoldedExample() throws {
        let line = "Public-Key-Pins: max-age=10000; includeSubDomains; \(Self.twoPins)"
        let lint = HeaderLint(try HeaderField(line: line))
        #expect(lint.isClean)
        #expect(lint.directives.map(\.name) == ["max-age", "includeSubDomains", "pin-sha256", "pin-sha256"])
        #expect(lint.directives.map(\.value) == ["10000", nil, Self.d6qz, Self.e9cz])
        #expect(lint.directives.map(\.isQuoted) == [false, false, true, true])
    }

    @Test("Every RFC 6797 example is clean", arguments: rfc6797Examples)
    func rfc6797Example(text: String) throws {
        let fields = HeaderField.fields(inResponse: text)
        try #require(fields.count == 1)
        #expect(fields[0].kind == .strictTransportSecurity)
        let lint = HeaderLint(fields[0])
        #expect(lint.isClean, "\(lint.findings)")
        #expect(lint.directives.first?.lowercasedName == "max-age")
    }

    @Test("max-age=0 is explained as forgetting the policy")
    func zeroMaxAge() {
        let hsts = Self.lint(.strictTransportSecurity, "max-age=0")
        #expect(Self.messages(hsts, .note).contains { $0.contains("forget") })
        let hpkp = Self.lint(.publicKeyPins, "max-age=0; \(Self.twoPins)")
        #expect(Self.messages(hpkp, .note).contains { $0.contains("forget") })
    }

    static let publicKeyPinsErrors: [LintCase] = [
        LintCase("max-age=3000; Max-Age=3000; \(twoPins)", "repeats max-age"),
        LintCase("\(twoPins); MAX-AGE=1; max-age=2", "repeats MAX-AGE"),
        LintCase(
            "\(twoPins); max-age=3000; includeSubDomains; includesubdomains", "repeats includeSubDomains"),
        LintCase(
            "\(twoPins); max-age=3000; report-uri=\"https://a.example/\"; report-uri=\"https://b.example/\"",
            "repeats report-uri"),
        LintCase("\(twoPins); max-age=\"3000", "never closed"),
        LintCase("pin-sha256=\"\(d6qz); pin-sha256=\"\(e9cz)\"; max-age=3000", "\"E\" at column"),
        LintCase("\(twoPins); max-age=3000; includeSubDomains=yes", "takes no value"),
        LintCase("\(twoPins); max-age=3000; includeSubDomains=\"\"", "takes no value"),
        LintCase(twoPins, "no max-age"),
        LintCase("\(twoPins); max-age=abc", "not a number of seconds"),
        LintCase("\(twoPins); max-age=-1", "not a number of seconds"),
        LintCase("\(twoPins); max-age=1.5", "not a number of seconds"),
        LintCase("\(twoPins); max-age", "max-age at column"),
        LintCase("\(twoPins); max-age=", "has \"=\" but no value"),
        LintCase("\(twoPins); max-age=; includeSubDomains", "has \"=\" but no value"),
        LintCase("max-age=3000; pin-sha256=\"\(d6qz)\"", "only one distinct valid pin"),
        LintCase(
            "max-age=3000; pin-sha256=\"\(d6qz)\"; pin-sha256=\"\(d6qz)\"", "only one distinct valid pin"),
        LintCase("max-age=3000", "no pin-sha256 directive"),
        LintCase(
            "max-age=3000; pin-sha256=\"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\"; pin-sha256=\"\(d6qz)\"",
            "SHA-256 of empty input"),
        LintCase("max-age=3000; pin-sha256=\"AAAA\"; \(twoPins)", "not the base64 of 32 bytes"),
        LintCase("max-age=3000; pin-sha256=\"sha256//\(d6qz)\"; \(twoPins)", "prefix"),
        LintCase(
            "max-age=3000; pin-sha256=\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"; \(twoPins)",
            "hex"),
        LintCase("max-age=3000; pin-sha256=\(d6qz); pin-sha256=\"\(e9cz)\"", "runs into \"=\""),
        LintCase("max-age=3000; pin-sha256=abc; \(twoPins)", "not quoted"),
        LintCase("max-age=3000; pin-sha256; \(twoPins)", "has no value"),
        LintCase("max-age=3000; \(twoPins);", "at the end"),
        LintCase("max-age=3000;; \(twoPins)", "empty directive"),
        LintCase("; max-age=3000; \(twoPins)", "empty directive"),
        LintCase("max-age = 3000; \(twoPins)", "white space around \"=\""),
        LintCase("max-age= 3000; \(twoPins)", "white space around \"=\""),
        LintCase("max-age=3000, \(twoPins)", "\",\" at column 13"),
        LintCase("max-age=3000 includeSubDomains; \(twoPins)", "\"i\" at column 14"),
        LintCase("max-age=3000; \(twoPins); report-uri=abc", "not quoted"),
        LintCase(
            "max-age=3000; \(twoPins); report-uri=\"ftp://example.com/r\"",
            "not an absolute http or https URI"),
        LintCase("max-age=3000; \(twoPins); report-uri=\"/relative\"", "not an absolute http or https URI"),
        LintCase("max-age=3000; \(twoPins); report-uri=\"https://a.example/a b\"", "a space at position 20"),
        LintCase(
            "max-age=3000; \(twoPins); report-uri=\"https://a.example/%zz\"", "not followed by two hex digits"
        ),
        LintCase("max-age=3000; \(twoPins); report-uri=\"https:///path\"", "has no host"),
        LintCase(
            "max-age=3000; \(twoPins); report-uri=\"https://a.example/\u{01}\"",
            "inside the quoted value of report-uri"),
        LintCase("max-age=3000; \(twoPins); report-uri=\"https://a.example/\\\"\"", "a double quote"),
        LintCase("max-age=3000; pin-sha256=\"\(d6qz)\\\"\"; \(twoPins)", "not the base64 of 32 bytes"),
        LintCase("max-age=3000; \(twoPins); ünknown=1", "byte 0xC3"),
        LintCase("max-age=3000; \(twoPins); x=\"a\"b", "\"b\" at column"),
        LintCase("", "empty"),
        LintCase("   ", "empty"),
    ]

    @Test(
        "A Public-Key-Pins value that breaks one rule gets an error naming it", arguments: publicKeyPinsErrors
    )
    func publicKeyPinsError(testCase: LintCase) {
        let lint = Self.lint(.publicKeyPins, testCase.value)
        let errors = Self.messages(lint, .error)
        #expect(errors.contains { $0.contains(testCase.phrase) }, "\(errors)")
        #expect(!lint.isClean)
    }

    @Test("Report-only without report-uri is an error; without max-age it is not")
    func reportOnly() {
        let noReportURI = Self.lint(.publicKeyPinsReportOnly, "max-age=3000; \(Self.twoPins)")
        #expect(
            Self.messages(noReportURI, .error).contains { $0.contains("without report-uri does nothing") })
        let noMaxAge = Self.lint(
            .publicKeyPinsReportOnly, "\(Self.twoPins); report-uri=\"https://example.com/r\"")
        #expect(noMaxAge.isClean, "\(noMaxAge.findings)")
        let enforcing = Self.lint(.publicKeyPins, "\(Self.twoPins); report-uri=\"https://example.com/r\"")
        #expect(Self.messages(enforcing, .error).contains { $0.contains("no max-age") })
    }

    @Test("Directive names are case-insensitive and white space around \";\" is allowed")
    func caseAndWhiteSpace() {
        let value =
            "MAX-AGE=3000 ;\tPIN-SHA256=\"\(Self.d6qz)\"\t; Pin-Sha256=\"\(Self.e9cz)\" ; INCLUDESUBDOMAINS"
        let lint = Self.lint(.publicKeyPins, value)
        #expect(lint.isClean, "\(lint.findings)")
        #expect(lint.pins.map(\.base64) == [Self.d6qz, Self.e9cz])
    }

    @Test("Quoted values and quoted-pairs are unescaped; a quoted max-age is read")
    func quotedPairs() {
        // \O is a quoted-pair for O (RFC 7230 §3.2.6), so this is the pin d6qz… itself.
        let escaped = "d6qzRu9z\\OECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM="
        let lint = Self.lint(
            .publicKeyPins, "max-age=\"3000\"; pin-sha256=\"\(escaped)\"; pin-sha256=\"\(Self.e9cz)\"")
        #expect(lint.isClean, "\(lint.findings)")
        #expect(lint.pins.map(\.base64) == [Self.d6qz, Self.e9cz])
        let semicolonInQuotes = Self.lint(
            .publicKeyPins, "max-age=3000; \(Self.twoPins); report-uri=\"https://example.com/r;a=1\"")
        #expect(semicolonInQuotes.isClean, "\(semicolonInQuotes.findings)")
        #expect(semicolonInQuotes.directives.last?.value == "https://example.com/r;a=1")
    }

    @Test("Unknown directives and hashes other than sha256 are ignored with a note")
    func unknownDirectives() {
        let lint = Self.lint(
            .publicKeyPins, "max-age=3000; \(Self.twoPins); future=\"x\"; flag; pin-sha512=\"abc\"")
        #expect(lint.isClean, "\(lint.findings)")
        let notes = Self.messages(lint, .note)
        #expect(notes.contains { $0.contains("unknown directive future") })
        #expect(notes.contains { $0.contains("unknown directive flag") })
        #expect(notes.contains { $0.contains("pin-sha512") && $0.contains("ignore") })
        #expect(lint.pins.count == 2)
    }

    @Test("A listed-twice pin is a note when two distinct pins remain")
    func repeatedPin() {
        let lint = Self.lint(.publicKeyPins, "max-age=3000; \(Self.twoPins); pin-sha256=\"\(Self.d6qz)\"")
        #expect(lint.isClean)
        #expect(Self.messages(lint, .note).contains { $0.contains("listed twice") })
    }

    @Test("A max-age over 60 days is a warning; 60 days is not")
    func longMaxAge() {
        let over = Self.lint(.publicKeyPins, "max-age=5184001; \(Self.twoPins)")
        #expect(Self.messages(over, .warning).contains { $0.contains("60 days") })
        #expect(!over.isClean)
        #expect(Self.lint(.publicKeyPins, "max-age=5184000; \(Self.twoPins)").isClean)
        let huge = Self.lint(.publicKeyPins, "max-age=99999999999999999999999; \(Self.twoPins)")
        #expect(Self.messages(huge, .warning).count == 1)
        #expect(Self.messages(huge, .error).isEmpty)
    }

    @Test("Every grammar error is reported, and parsing goes on after each")
    func everyProblem() {
        let lint = Self.lint(
            .publicKeyPins,
            "max-age = 3000; pin-sha256=\(Self.d6qz); includeSubDomains=1; \(Self.twoPins); x=,")
        let errors = Self.messages(lint, .error)
        #expect(errors.contains { $0.contains("white space around") })
        #expect(errors.contains { $0.contains("runs into") })
        #expect(errors.contains { $0.contains("takes no value") })
        #expect(errors.contains { $0.contains("neither a token nor a quoted string") })
        #expect(Self.messages(lint, .note).contains { $0.contains("ignore the whole header") })
        #expect(lint.pins.count == 2)
    }

    static let strictTransportSecurityErrors: [LintCase] = [
        LintCase("includeSubDomains", "no max-age"),
        LintCase("max-age=1; MAX-AGE=2", "repeats"),
        LintCase("max-age=31536000; includeSubDomains; includeSubDomains", "repeats"),
        LintCase("max-age=31536000; preload; Preload", "repeats"),
        LintCase("max-age=31536000; foo; foo", "repeats"),
        LintCase("max-age=abc", "not a number of seconds"),
        LintCase("max-age=\"-5\"", "not a number of seconds"),
        LintCase("max-age=\"31536000", "never closed"),
        LintCase("max-age=31536000; includeSubDomains=true", "takes no value"),
        LintCase("max-age=31536000; preload=1", "takes no value"),
        LintCase("max-age=31536000, includeSubDomains", "\",\" at column"),
        LintCase("max-age=", "has \"=\" but no value"),
        LintCase("", "empty"),
    ]

    @Test(
        "A Strict-Transport-Security value that breaks one rule gets an error naming it",
        arguments: strictTransportSecurityErrors)
    func strictTransportSecurityError(testCase: LintCase) {
        let lint = Self.lint(.strictTransportSecurity, testCase.value)
        let errors = Self.messages(lint, .error)
        #expect(errors.contains { $0.contains(testCase.phrase) }, "\(errors)")
    }

    @Test(
        "RFC 6797's grammar allows empty directives and white space around \"=\"",
        arguments: [
            "max-age=31536000;", "max-age=31536000;;includeSubDomains",
            "; max-age = 31536000 ; includeSubDomains",
        ])
    func strictTransportSecurityLenientGrammar(value: String) {
        let lint = Self.lint(.strictTransportSecurity, value)
        #expect(lint.isClean, "\(lint.findings)")
        #expect(lint.directives.first?.value == "31536000")
    }

    @Test("Short HSTS values are explained as test values")
    func testValues() {
        let fiveMinutes = Self.lint(.strictTransportSecurity, "max-age=300")
        #expect(fiveMinutes.isClean)
        #expect(
            Self.messages(fiveMinutes, .note).contains {
                $0.contains("test value") && $0.contains("5 minutes")
            })
        let day = Self.lint(.strictTransportSecurity, "max-age=86400")
        #expect(Self.messages(day, .note).contains { $0.contains("1 day") })
        #expect(Self.lint(.strictTransportSecurity, "max-age=86401").findings.isEmpty)
    }

    @Test("A preload directive the list would reject is a warning for each missing rule")
    func preloadRules() {
        let short = Self.lint(.strictTransportSecurity, "max-age=300; preload")
        let warnings = Self.messages(short, .warning)
        #expect(warnings.contains { $0.contains("at least 31536000") })
        #expect(warnings.contains { $0.contains("includeSubDomains") })
        #expect(warnings.count == 2)
        let quoted = Self.lint(.strictTransportSecurity, "max-age=\"31536000\"; includeSubDomains; preload")
        #expect(Self.messages(quoted, .warning).contains { $0.contains("quoted max-age") })
        let good = Self.lint(.strictTransportSecurity, "max-age=63072000; includeSubDomains; preload")
        #expect(good.isClean)
        #expect(good.findings.isEmpty)
    }

    @Test(
        "A header line needs a known field name, compared case-insensitively",
        arguments: [
            ("public-key-pins: max-age=1", HeaderKind.publicKeyPins),
            ("PUBLIC-KEY-PINS-REPORT-ONLY:max-age=1", .publicKeyPinsReportOnly),
            ("strict-transport-security:   max-age=1  ", .strictTransportSecurity),
        ])
    func headerLine(line: String, kind: HeaderKind) throws {
        let field = try HeaderField(line: line)
        #expect(field.kind == kind)
        #expect(field.value == "max-age=1")
    }

    @Test(
        "A line without a known header name, or more than one line, is refused",
        arguments: [
            "max-age=1", "X-Pins: max-age=1", "",
            "Strict-Transport-Security: max-age=1\nPublic-Key-Pins: max-age=1",
        ])
    func unknownHeaderLine(line: String) {
        #expect(throws: PinHashError.self) { try HeaderField(line: line) }
    }

    @Test("A response head yields its HPKP and HSTS fields; other lines and CRLF ends are handled")
    func responseHead() {
        let response =
            "HTTP/1.1 200 OK\r\nServer: test\r\nstrict-transport-security: max-age=300\r\n"
            + "Public-Key-Pins: max-age=3000;\r\n\t\(Self.twoPins)\r\nContent-Length: 2\r\n\r\nok"
        let fields = HeaderField.fields(inResponse: response)
        #expect(fields.map(\.kind) == [.strictTransportSecurity, .publicKeyPins])
        #expect(fields.map(\.value) == ["max-age=300", "max-age=3000; \(Self.twoPins)"])
    }
}
