import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// `PinSpelling`, `TLSARecord`, `ConfiguredHeader` and the OkHttp call reader, with pins from manifest.tsv
/// (openssl) and hex and SPKI bytes from Foundation and the openssl command line.
@Suite("Pin spellings: one reader for every spelling, TLSA data, header lines, OkHttp calls")
struct PinSpellingTests {
    static func leaf() throws -> ManifestRow { try Fixtures.file("certs/leaf.pem").rows[0] }

    static func hex(_ base64: String) throws -> String {
        try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("Every spelling of a manifest pin reads as that pin, and says which spelling it was")
    func spellings() throws {
        let row = try Self.leaf()
        let hex = try Self.hex(row.pin)
        let cases: [(String, PinSpelling)] = [
            (row.pin, .base64), ("sha256/\(row.pin)", .okhttp), ("sha256//\(row.pin)", .curl),
            ("pin-sha256=\"\(row.pin)\"", .hpkp), (hex, .hex), (hex.uppercased(), .hex),
            ("3 1 1 \(hex)", .tlsa), ("2 1 1 \(hex.prefix(30)) \(hex.dropFirst(30))", .tlsa),
        ]
        for (text, spelling) in cases {
            let read = try PinSpelling.read(text)
            #expect(read.pin.base64 == row.pin, "\(text)")
            #expect(read.spelling == spelling, "\(text)")
        }
    }

    @Test("TLSA 3 1 0 data is the whole SPKI, hashed to the pin openssl computed")
    func tlsaFullKey() throws {
        let row = try Self.leaf()
        let spki = try ExternalCommand.run(
            ExternalCommand.shell,
            [
                "-c", "openssl x509 -in \"$1\" -noout -pubkey | openssl pkey -pubin -outform der", "sh",
                row.path,
            ])
        #expect(spki.status == 0)
        let hex = spki.output.map { String(format: "%02x", $0) }.joined()
        #expect(try PinSpelling.pin(parsing: "3 1 0 \(hex)").base64 == row.pin)
    }

    @Test(
        "TLSA records that carry no SPKI SHA-256 are refused as unsupported, saying why",
        arguments: [("3 0 1", "whole certificate"), ("3 1 2", "SHA-512"), ("2 0 0", "whole certificate")])
    func tlsaWithoutPin(fields: String, phrase: String) throws {
        let data = try Self.hex(try Self.leaf().pin)
        let error = try #require(throws: PinHashError.self) {
            try PinSpelling.pin(parsing: "\(fields) \(data)")
        }
        #expect(error.code == .unsupportedInput)
        #expect(error.reason.contains(phrase), "\(error.reason)")
    }

    @Test("A TLSA line names its host and port; relative owners take $ORIGIN")
    func tlsaOwner() throws {
        let data = try Self.hex(try Self.leaf().pin)
        let (record, _) = try #require(
            try TLSARecord.parse(
                line: "_25._tcp.Mail.Example.COM. 3600 IN TLSA 3 1 1 \(data)", origin: nil, previousOwner: nil
            ))
        #expect(record.host == "mail.example.com")
        #expect(record.port == 25)
        let (relative, _) = try #require(
            try TLSARecord.parse(
                line: "_443._tcp.www IN TLSA 2 1 1 \(data)", origin: "example.org.", previousOwner: nil))
        #expect(relative.host == "www.example.org")
        #expect(relative.port == 443)
    }

    @Test(
        "Every server syntax's header line reads back to the header's name and value",
        arguments: ServerSyntax.allCases)
    func headerLines(syntax: ServerSyntax) throws {
        let value =
            "pin-sha256=\"\(try Self.leaf().pin)\"; max-age=600; report-uri=\"https://e.example/a?b=%41&c='d'\""
        let text = try syntax.line(name: "Public-Key-Pins-Report-Only", value: value)
        let line = try #require(text.split(separator: "\n").first { $0.contains("Public-Key-Pins") })
        let header = try #require(ConfiguredHeader(line: line))
        #expect(header.syntax == syntax)
        #expect(header.name == "Public-Key-Pins-Report-Only")
        #expect(header.value == value)
    }

    @Test("OkHttp add( calls in Kotlin and Java give host and pins; comments and other calls are skipped")
    func okHttpCalls() throws {
        let source = """
            // .add("commented.example.com", "sha256/AAAA")
            val pinner = CertificatePinner.Builder()
                .add("*.example.com", "sha256/A=", /* inline */ "sha256/B=")
                .add(
                    "**.example.org",
                    "sha256/C=",
                )
                .build()
            list.add("not a pin")
            """
        let calls = try OkHttpPinCalls.calls(in: source)
        #expect(calls.map(\.pattern) == ["*.example.com", "**.example.org"])
        #expect(calls.map(\.pins) == [["sha256/A=", "sha256/B="], ["sha256/C="]])
        #expect(calls.map(\.line) == [3, 4])
    }

    @Test("An OkHttp pin that is a variable or a template is refused, naming the line")
    func okHttpNonLiteral() throws {
        for source in ["x\n.add(HOST, \"sha256/A=\")", "x\n.add(\"h\", \"sha256/$pin\")"] {
            let error = try #require(throws: PinHashError.self) { try OkHttpPinCalls.calls(in: source) }
            #expect(error.reason.hasPrefix("line 2: "), "\(error.reason)")
        }
    }
}
