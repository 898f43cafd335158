import Foundation
import PinHashTestSupport
import Testing

/// The CA catalogue in the command's output: a chain of certificates Let's Encrypt publishes (committed
/// under Catalogue/intermediates), each pin recomputed by the openssl pipeline.
@Suite("CA catalogue names in listings")
struct CatalogueCLITests {
    /// Let's Encrypt YR1 and Root YR (as ISRG Root X1 cross-signs it), as a server would send them.
    static let chain = ["letsencrypt/yr1.pem", "letsencrypt/root-yr-by-x1.pem"].map {
        "../Catalogue/intermediates/" + $0
    }

    /// The pins of the certificates in `files` (run in Fixtures/), by the openssl pipeline.
    private func opensslPins(_ files: [String]) throws -> [String] {
        try files.map { file in
            let result = try runShell(
                "openssl x509 -pubkey -noout -in \"$1\" | openssl pkey -pubin -outform der "
                    + "| openssl dgst -sha256 -binary | base64", [file])
            try #require(result.status == 0, "openssl: \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The notAfter of each certificate in `files`, as `openssl x509 -enddate` gives it (RFC 3339 form).
    private func opensslNotAfters(_ files: [String]) throws -> [String] {
        try files.map { file in
            let result = try runShell(
                "openssl x509 -noout -enddate -dateopt iso_8601 -in \"$1\" | sed 's/^notAfter=//; s/ /T/'",
                [file])
            try #require(result.status == 0, "openssl: \(result.stderr)")
            return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    @Test("--all names each published CA certificate of a chain, after its subject")
    func allNamesThePublishedIntermediate() throws {
        let pins = try opensslPins(Self.chain)
        let notAfters = try opensslNotAfters(Self.chain)
        let result = try runShell("cat \"$1\" \"$2\" | \"$0\" --all -", Self.chain)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(
            result.stdoutLines == [
                "\(pins[0])  intermediate  CN=YR1,O=Let's Encrypt,C=US  "
                    + "(catalogue: Let's Encrypt YR1, pool Let's Encrypt Gen Y RSA)  until \(notAfters[0])",
                "\(pins[1])  intermediate  CN=Root YR,O=ISRG,C=US  (catalogue: ISRG Root YR)  until \(notAfters[1])",
            ])
    }

    @Test("--format json gives each CA certificate a catalogue object, and a leaf null")
    func jsonCatalogueObject() throws {
        let result = try run(["--all", "--format", "json", Self.chain[0], "certs/leaf.pem"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let objects = try #require(
            JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]],
            "\(result.stdout)")
        try #require(objects.count == 2)
        let catalogue = try #require(objects[0]["catalogue"] as? [String: Any])
        #expect(catalogue["name"] as? String == "Let's Encrypt YR1")
        #expect(catalogue["kind"] as? String == "intermediate")
        #expect(catalogue["pool"] as? String == "Let's Encrypt Gen Y RSA")
        let rootNames = (catalogue["roots"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(Set(rootNames ?? []) == ["ISRG Root X1", "ISRG Root YR"])
        #expect(objects[1]["catalogue"] is NSNull)
    }

    @Test("pinset import labels a CA pin with its catalogue name; a pin it does not know stays unlabelled")
    func importLabelsCAPins() throws {
        let pins = try opensslPins([Self.chain[0], "certs/leaf.pem"])
        let result = try runShell(
            "printf 'sha256//%s;sha256//%s\\n' \"$1\" \"$2\" | \"$0\" pinset import --host www.example.com -",
            pins)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(
            result.stdout.contains(
                "  - pin: \(pins[0])\n    label: \"catalogue: Let's Encrypt YR1, pool Let's Encrypt Gen Y RSA\"\n"
            ),
            "\(result.stdout)")
        #expect(result.stdout.components(separatedBy: "label:").count == 2, "\(result.stdout)")
    }

    @Test("a chain of keys no public CA holds prints no catalogue note")
    func testChainIsNotNamed() throws {
        let result = try run(["--all", "certs/chain.pem"])
        #expect(result.status == 0)
        #expect(result.stdoutLines.count == 3)
        #expect(!result.stdout.contains("catalogue"))
    }
}
