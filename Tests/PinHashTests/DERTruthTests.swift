import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// The inputs of `Fixtures/der.tsv`: each gives the pin openssl computed for its stored
/// SubjectPublicKeyInfo (with the warning it is due) or a refusal that says what is wrong, never a pin
/// no client computes.
@Suite("Strict DER and the truth about keys")
struct DERTruthTests {
    @Test("der.tsv lists its inputs")
    func tableIsComplete() throws {
        let rows = try Fixtures.derCases()
        #expect(rows.count >= 25)
        #expect(rows.contains { $0.isPinned } && rows.contains { !$0.isPinned })
        for row in rows { #expect(Fixtures.exists(row.file), "\(row.file) is missing") }
    }

    @Test(
        "Every der.tsv input is pinned as openssl pins it, or refused for what is wrong",
        arguments: try Fixtures.derCases())
    func derCase(row: DERCaseRow) throws {
        let reader = PinReader(
            inputType: inputType(row.force),
            passphrase: row.usesPassphrase ? .literal(Fixtures.passphrase) : nil)
        if row.isPinned {
            var objects: [PinnedObject] = []
            var skipped: [SkippedBlock] = []
            try reader.forEachPin(inFileAt: Fixtures.path(row.file), skipped: { skipped.append($0) }) {
                objects.append($0)
            }
            let first = try #require(objects.first)
            #expect(first.pin.base64 == row.pin)
            #expect(first.reencodedPin?.base64 == row.reencodedPin)
            if let subject = row.subject { #expect(first.subject == subject) }
            let told = objects.flatMap(\.warnings).map(\.description) + skipped.map(\.description)
            if let says = row.says {
                #expect(told.contains { $0.contains(says) }, "\(told)")
            } else {
                #expect(told.isEmpty, "\(told)")
            }
        } else {
            let error = #expect(throws: PinHashError.self) {
                try reader.pins(inFileAt: Fixtures.path(row.file))
            }
            MalformedInputTests.expectUsable(error)
            #expect(error?.code.description == row.code, "\(error.map(String.init(describing:)) ?? "")")
            if let says = row.says {
                #expect(error?.reason.contains(says) == true, "\(error?.reason ?? "")")
            }
            // Nothing here is a passphrase problem, whatever the shape of the input suggested.
            #expect(error?.code != .passphraseRequired && error?.code != .wrongPassphrase)
        }
    }

    @Test(
        "Every schema.tsv certificate or request is pinned as openssl pins it, or refused for what is wrong",
        arguments: try Fixtures.schemaCases())
    func schemaCase(row: DERCaseRow) throws {
        try derCase(row: row)
    }

    @Test("A certificate with its key is read as a certificate only, and the key is not decoded")
    func combinedPEMSkipsTheKey() throws {
        // The key block made unreadable: were it decoded, the read would fail.
        let text = try String(contentsOf: Fixtures.url("der/combined-cert-then-key.pem"), encoding: .utf8)
        let keyStart = try #require(text.range(of: "-----BEGIN PRIVATE KEY-----\n"))
        let broken = text.replacingCharacters(
            in: keyStart.upperBound..<text.index(keyStart.upperBound, offsetBy: 8), with: "AAAAAAAA")
        let objects = try PinReader(inputType: .certificate).pins(in: Array(broken.utf8))
        #expect(objects.map(\.kind) == [.certificate])
        // Auto-detection still reads (and here fails on) the key.
        #expect(throws: PinHashError.self) { try PinReader().pins(in: Array(broken.utf8)) }
    }

    @Test("Every certificate of the system bundle passes the strict reading without a warning")
    func systemBundleIsStrictDER() throws {
        let bundle = "/etc/ssl/certs/ca-certificates.crt"
        try #require(FileManager.default.fileExists(atPath: bundle), "no system CA bundle at \(bundle)")
        let objects = try PinReader(inputType: .certificate).pins(inFileAt: bundle)
        #expect(objects.count > 100)
        #expect(objects.allSatisfy { $0.warnings.isEmpty })
    }

    private func inputType(_ force: String) -> InputType {
        switch force {
        case "--cert": .certificate
        case "--csr": .certificateRequest
        case "--key": .privateKey
        case "--pubkey": .publicKey
        case "--p12": .pkcs12
        default: .auto
        }
    }
}
