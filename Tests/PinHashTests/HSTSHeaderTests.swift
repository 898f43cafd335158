import PinHash
import Testing

@Suite("HSTS: building Strict-Transport-Security and the preload list's rules")
struct HSTSHeaderTests {
    @Test("The default is one year, without includeSubDomains or preload")
    func defaults() throws {
        let header = HSTSHeader()
        #expect(header.maxAge == 31_536_000)
        #expect(header.value == "max-age=31536000")
        #expect(try header.line(for: .raw) == "Strict-Transport-Security: max-age=31536000")
        #expect(header.validate().isEmpty)
    }

    @Test("Directives come in the order max-age, includeSubDomains, preload")
    func value() {
        let header = HSTSHeader(maxAge: 63_072_000, includeSubDomains: true, preload: true)
        #expect(header.value == "max-age=63072000; includeSubDomains; preload")
        #expect(HSTSHeader(maxAge: 5, preload: true).value == "max-age=5; preload")
    }

    @Test("A header that meets the preload rules passes, with a note on the rest of the list's checks")
    func preloadable() {
        let findings = HSTSHeader(maxAge: 31_536_000, includeSubDomains: true, preload: true).validate()
        #expect(!findings.containsErrors)
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("redirecting") == true)
    }

    @Test(
        "preload with a rule unmet is refused with one error per missing rule",
        arguments: [
            (UInt64(31_535_999), true, ["at least 31536000"]),
            (UInt64(300), true, ["at least 31536000"]),
            (UInt64(31_536_000), false, ["includeSubDomains"]),
            (UInt64(0), false, ["at least 31536000", "includeSubDomains"]),
        ])
    func preloadRefused(maxAge: UInt64, includeSubDomains: Bool, missing: [String]) {
        let findings = HSTSHeader(maxAge: maxAge, includeSubDomains: includeSubDomains, preload: true)
            .validate()
        let errors = findings.filter { $0.severity == .error }
        #expect(errors.count == missing.count, "\(findings)")
        for (error, phrase) in zip(errors, missing) {
            #expect(error.message.contains(phrase), "\(error)")
            // The fix is a setting of the header being built; the command line words it as its options
            // (HSTSCommandTests checks "--max-age 31536000" and "--include-subdomains").
            #expect(error.remedy == .raiseMaxAge(atLeast: 31_536_000) || error.remedy == .includeSubdomains)
        }
    }

    @Test(
        "Short values are explained as test values, in minutes, hours or a day",
        arguments: [
            (UInt64(300), "5 minutes"), (3_600, "1 hour"), (7_200, "2 hours"), (86_400, "1 day"),
            (90, "about 1 minute"),
        ])
    func testValue(maxAge: UInt64, words: String) {
        let findings = HSTSHeader(maxAge: maxAge).validate()
        #expect(findings.count == 1)
        #expect(findings.first?.severity == .note)
        #expect(findings.first?.message.contains("test value") == true)
        #expect(findings.first?.message.contains(words) == true, "\(findings)")
    }

    @Test("max-age=0 is explained as removing the policy; a day and a second is quiet")
    func zeroAndLonger() {
        #expect(HSTSHeader(maxAge: 0).validate().first?.message.contains("forget") == true)
        #expect(HSTSHeader(maxAge: 86_401).validate().isEmpty)
    }

    @Test("Every server syntax carries the HSTS value")
    func serverSyntaxes() throws {
        let header = HSTSHeader(includeSubDomains: true)
        #expect(
            try header.line(for: .apache)
                == "Header always set Strict-Transport-Security \"max-age=31536000; includeSubDomains\"")
        #expect(
            try header.line(for: .nginx)
                == "add_header Strict-Transport-Security 'max-age=31536000; includeSubDomains' always;")
        #expect(
            try header.line(for: .iis).contains(
                "<add name=\"Strict-Transport-Security\" value=\"max-age=31536000; includeSubDomains\" />"))
    }
}
