import Dispatch
import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// Differential tests: keys and certificates made now by the openssl command line, whose pins openssl
/// computes too, read through the library.
@Suite(
    "Live openssl",
    .enabled(if: ExternalCommand.hasOpenSSL, "/usr/bin/openssl is missing: no live openssl tests"))
struct LiveOpenSSLTests {
    static let passphrase = "live test passphrase"

    /// What openssl says about a public key: its pin by the classic pipeline, and the size and curve that
    /// `openssl pkey -pubin -text` prints.
    struct OpenSSLView: Sendable {
        var pin: String
        var bits: Int?
        var curve: String?
        /// An EC key written with explicit parameters, not a curve's OID.
        var hasExplicitParameters = false
    }

    /// Runs openssl in `directory`; throws with openssl's first error line when it fails.
    @discardableResult
    static func openSSL(_ arguments: [String], in directory: URL) throws -> CommandResult {
        let result = try ExternalCommand.run(ExternalCommand.openSSL, arguments, in: directory)
        guard result.succeeded else {
            throw FixtureError("openssl \(arguments.joined(separator: " ")): \(result.firstErrorLine)")
        }
        return result
    }

    /// `openssl pkey -in K -pubout -outform der | openssl dgst -sha256 -binary | openssl enc -base64`.
    static func pipelinePin(ofKeyAt path: String, options: String = "", in directory: URL) throws -> String {
        let script =
            "openssl pkey -in \(ExternalCommand.quoted(path)) \(options) -pubout -outform der"
            + " | openssl dgst -sha256 -binary | openssl enc -base64"
        return try pin(printedBy: script, in: directory)
    }

    /// Runs a pipeline that prints a pin, insisting that no stage complained (a failed first stage would
    /// leave the pin of empty input).
    static func pin(printedBy script: String, in directory: URL) throws -> String {
        let result = try ExternalCommand.pipeline(script, in: directory)
        let pin = result.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.succeeded, result.errorOutput.isEmpty, pin.count == 44, pin != PinTests.sha256OfNothing
        else {
            throw FixtureError("\(script): \(result.firstErrorLine) (printed \(pin))")
        }
        return pin
    }

    /// The pipeline pin plus the size and curve openssl prints for the key at `path`.
    static func openSSLView(ofKeyAt path: String, options: String = "", in directory: URL) throws
        -> OpenSSLView
    {
        let pin = try pipelinePin(ofKeyAt: path, options: options, in: directory)
        let export = "openssl pkey -in \(ExternalCommand.quoted(path)) \(options) -pubout"
        return try openSSLView(ofPublicKeyPrintedBy: export, pin: pin, in: directory)
    }

    /// The size and curve openssl prints for the PEM public key `export` writes. For explicit EC
    /// parameters the curve is the one `openssl ec -param_enc named_curve` re-encodes them as, if any: the
    /// named curve OpenSSL recognises them as. (`openssl ec` reports "read EC key" on stderr, so its stderr
    /// is dropped; when it fails, the last stage reads nothing and prints no curve.)
    static func openSSLView(ofPublicKeyPrintedBy export: String, pin: String, in directory: URL? = nil) throws
        -> OpenSSLView
    {
        let script = export + " | openssl pkey -pubin -noout -text"
        let text = try ExternalCommand.pipeline(script, in: directory)
        guard text.succeeded, text.errorOutput.isEmpty else {
            throw FixtureError("\(script): \(text.firstErrorLine)")
        }
        var view = describe(text.text, pin: pin)
        if view.curve == nil, text.text.contains("Field Type: ") {
            view.hasExplicitParameters = true
            let named = try ExternalCommand.pipeline(
                export + " | openssl ec -pubin -param_enc named_curve -pubout 2>/dev/null"
                    + " | openssl pkey -pubin -noout -text",
                in: directory)
            if named.succeeded, named.errorOutput.isEmpty {
                view.curve = describe(named.text, pin: pin).curve
            }
        }
        return view
    }

    /// Reads the size (`Public-Key: (N bit)`) and curve (`NIST CURVE:`, else `ASN1 OID:`) from the text of
    /// `openssl pkey -pubin -noout -text`; a key with explicit parameters has neither name.
    static func describe(_ text: String, pin: String) -> OpenSSLView {
        var view = OpenSSLView(pin: pin)
        var oid: String?
        var nist: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Public-Key: ("), let number = line.dropFirst(13).split(separator: " ").first {
                view.bits = Int(number)
            } else if line.hasPrefix("ASN1 OID: ") {
                oid = String(line.dropFirst(10))
            } else if line.hasPrefix("NIST CURVE: ") {
                nist = String(line.dropFirst(12))
            }
        }
        view.curve = nist ?? oid
        return view
    }

    /// The curve names `openssl ecparam -list_curves` prints, before each `:`.
    static func curveNames() throws -> [String] {
        let list = try ExternalCommand.openSSL("ecparam", "-list_curves")
        guard list.succeeded else {
            throw FixtureError("openssl ecparam -list_curves: \(list.firstErrorLine)")
        }
        return list.text.split(separator: "\n").compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }  // a description's second line
            let name = line[..<colon].trimmingCharacters(in: .whitespaces)
            return name.isEmpty ? nil : name
        }
    }

    /// How one curve went: openssl's view and the library's, or why openssl could not make a key.
    struct CurveOutcome: Sendable {
        let curve: String
        var unsupported: String?
        var failure: String?
        var expected: OpenSSLView?
        var keyPin: String?
        var publicKeyPin: String?
        var keyKind: ObjectKind?
        var publicKeyKind: ObjectKind?
        var algorithm: KeyAlgorithm?
    }

    static func check(curve: String, number: Int, in directory: URL) -> CurveOutcome {
        var outcome = CurveOutcome(curve: curve)
        let key = directory.appendingPathComponent("curve-\(number).key").path
        let publicKey = directory.appendingPathComponent("curve-\(number).pub.pem").path
        do {
            let generate = try ExternalCommand.openSSL(
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:\(curve)", "-out", key)
            guard generate.succeeded else {
                outcome.unsupported = generate.firstErrorLine
                return outcome
            }
            let export = try ExternalCommand.openSSL("pkey", "-in", key, "-pubout", "-out", publicKey)
            guard export.succeeded else {
                throw FixtureError("openssl pkey -pubout: \(export.firstErrorLine)")
            }
            outcome.expected = try openSSLView(ofKeyAt: key, in: directory)
        } catch {
            outcome.failure = "openssl: \(error)"
            return outcome
        }
        do {
            let fromKey = try PinReader().pins(inFileAt: key)
            let fromPublicKey = try PinReader().pins(inFileAt: publicKey)
            outcome.keyPin = fromKey.map(\.pin.base64).joined(separator: " ")
            outcome.publicKeyPin = fromPublicKey.map(\.pin.base64).joined(separator: " ")
            outcome.keyKind = fromKey.first?.kind
            outcome.publicKeyKind = fromPublicKey.first?.kind
            outcome.algorithm = fromPublicKey.first?.keyAlgorithm
        } catch {
            outcome.failure = "pinhash: \(error)"
        }
        return outcome
    }

    @Test("Every curve openssl lists: a generated key and its public key have openssl's pin, size and curve")
    func everyCurveAgreesWithOpenSSL() throws {
        let curves = try Self.curveNames()
        #expect(curves.count >= 60, "openssl ecparam -list_curves printed \(curves)")
        try withTemporaryDirectory { directory in
            let outcomes = LockedBox([CurveOutcome?](repeating: nil, count: curves.count))
            DispatchQueue.concurrentPerform(iterations: curves.count) { index in
                let outcome = Self.check(curve: curves[index], number: index, in: directory)
                outcomes.mutate { $0[index] = outcome }
            }
            var compared = 0
            var skipped: [String] = []
            for outcome in outcomes.value.compactMap({ $0 }) {
                if let reason = outcome.unsupported {
                    // openssl may list curves it cannot make keys on (binary curves in some builds).
                    skipped.append("\(outcome.curve): openssl genpkey: \(reason)")
                    continue
                }
                if let failure = outcome.failure {
                    Issue.record("curve \(outcome.curve): \(failure)")
                    continue
                }
                guard let expected = outcome.expected else { continue }
                compared += 1
                let curve = outcome.curve
                #expect(outcome.keyPin == expected.pin, "curve \(curve): private key")
                #expect(outcome.publicKeyPin == expected.pin, "curve \(curve): public key")
                #expect(outcome.keyKind == .privateKey, "curve \(curve)")
                #expect(outcome.publicKeyKind == .publicKey, "curve \(curve)")
                // OpenSSL 3 makes keys on the SM2 curve keys of its own type, which it names SM2.
                #expect(outcome.algorithm?.name == (expected.curve == "SM2" ? "SM2" : "EC"), "curve \(curve)")
                #expect(outcome.algorithm?.bits == expected.bits, "curve \(curve)")
                // Curves without an OID (Oakley-EC2N-3, -4) are written with explicit parameters, which
                // OpenSSL recognises as the curve they were made on.
                let expectedCurve = expected.curve ?? (expected.hasExplicitParameters ? curve : nil)
                #expect(outcome.algorithm?.curve == expectedCurve, "curve \(curve)")
            }
            FileHandle.standardError.write(
                Data("compared \(compared) of \(curves.count) curves with openssl\n".utf8))
            if !skipped.isEmpty {
                let note = "skipped \(skipped.count) curves:\n" + skipped.joined(separator: "\n") + "\n"
                FileHandle.standardError.write(Data(note.utf8))
            }
            #expect(compared >= 60, "only \(compared) of \(curves.count) curves could be compared")
        }
    }

    /// A key type to generate: the genpkey arguments, the library's name for it, and whether openssl has a
    /// traditional (PKCS#1, SEC1, DSA) form of it.
    struct KeyType: Sendable, Hashable, CustomTestStringConvertible {
        let label: String
        let algorithm: String
        let generate: [String]
        let hasTraditionalForm: Bool
        /// An openssl command that turns the generated `generated.pem` into `key.pem`.
        var convert: [String] = []
        var testDescription: String { label }

        /// Makes `key.pem` in `directory`.
        func make(in directory: URL) throws {
            if convert.isEmpty {
                try LiveOpenSSLTests.openSSL(["genpkey"] + generate + ["-out", "key.pem"], in: directory)
            } else {
                try LiveOpenSSLTests.openSSL(
                    ["genpkey"] + generate + ["-out", "generated.pem"], in: directory)
                try LiveOpenSSLTests.openSSL(
                    convert + ["-in", "generated.pem", "-out", "key.pem"], in: directory)
            }
        }
    }

    static let keyTypes: [KeyType] = [
        KeyType(
            label: "RSA 512", algorithm: "RSA",
            generate: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:512"], hasTraditionalForm: true),
        KeyType(
            label: "RSA 2048", algorithm: "RSA",
            generate: ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], hasTraditionalForm: true),
        KeyType(
            label: "RSA-PSS", algorithm: "RSA-PSS",
            generate: ["-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048"], hasTraditionalForm: false
        ),
        KeyType(
            label: "RSA-PSS with parameters", algorithm: "RSA-PSS",
            generate: [
                "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-pkeyopt",
                "rsa_pss_keygen_md:sha384",
                "-pkeyopt", "rsa_pss_keygen_saltlen:48",
            ],
            hasTraditionalForm: false),
        KeyType(
            label: "Ed25519", algorithm: "Ed25519", generate: ["-algorithm", "ED25519"],
            hasTraditionalForm: false),
        KeyType(
            label: "Ed448", algorithm: "Ed448", generate: ["-algorithm", "ED448"], hasTraditionalForm: false),
        KeyType(
            label: "X25519", algorithm: "X25519", generate: ["-algorithm", "X25519"],
            hasTraditionalForm: false),
        KeyType(
            label: "X448", algorithm: "X448", generate: ["-algorithm", "X448"], hasTraditionalForm: false),
        KeyType(
            label: "EC P-256", algorithm: "EC",
            generate: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], hasTraditionalForm: true),
        KeyType(
            label: "EC P-384 compressed", algorithm: "EC",
            generate: ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], hasTraditionalForm: true,
            convert: ["ec", "-conv_form", "compressed"]),
        KeyType(
            label: "EC P-384 explicit parameters", algorithm: "EC",
            generate: [
                "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-pkeyopt",
                "ec_param_enc:explicit",
            ],
            hasTraditionalForm: true),
        KeyType(
            label: "DSA 2048", algorithm: "DSA", generate: ["-paramfile", "dsa.params"],
            hasTraditionalForm: true),
    ]

    /// The sizes `EVP_PKEY_get_bits` gives the keys whose text shows no size.
    static let bitsWithoutPrintedSize = ["Ed25519": 256, "X25519": 253, "Ed448": 456, "X448": 448]

    @Test("Other key types in every form openssl writes have openssl's pin", arguments: keyTypes)
    func keyTypeAgreesWithOpenSSL(type: KeyType) throws {
        try withTemporaryDirectory { directory in
            func openSSL(_ arguments: String...) throws { try Self.openSSL(arguments, in: directory) }
            if type.algorithm == "DSA" {
                try openSSL(
                    "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048",
                    "-out", "dsa.params")
            }
            try type.make(in: directory)
            let expected = try Self.openSSLView(ofKeyAt: "key.pem", in: directory)

            // Every form of the same key, each with the pin openssl computes from that file.
            var forms: [(file: String, passphrase: String?, kind: ObjectKind, openSSLOptions: String)] = []
            try openSSL("pkey", "-in", "key.pem", "-outform", "der", "-out", "key.der")
            try openSSL(
                "pkey", "-in", "key.pem", "-aes256", "-passout", "pass:" + Self.passphrase, "-out", "enc.pem")
            try openSSL(
                "pkcs8", "-topk8", "-in", "key.pem", "-v2", "aes-128-cbc", "-outform", "der", "-passout",
                "pass:" + Self.passphrase, "-out", "enc.der")
            try openSSL("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem")
            try openSSL("pkey", "-in", "key.pem", "-pubout", "-outform", "der", "-out", "pub.der")
            let passin = "-passin pass:" + ExternalCommand.quoted(Self.passphrase)
            forms += [
                ("key.pem", nil, .privateKey, ""), ("key.der", nil, .privateKey, "-inform der"),
                ("enc.pem", Self.passphrase, .privateKey, passin),
                ("enc.der", Self.passphrase, .privateKey, "-inform der " + passin),
            ]
            if type.hasTraditionalForm {
                try openSSL("pkey", "-in", "key.pem", "-traditional", "-out", "traditional.pem")
                try openSSL(
                    "pkey", "-in", "key.pem", "-traditional", "-outform", "der", "-out", "traditional.der")
                try openSSL(
                    "pkey", "-in", "key.pem", "-traditional", "-aes128", "-passout",
                    "pass:" + Self.passphrase, "-out",
                    "traditional-enc.pem")
                forms += [
                    ("traditional.pem", nil, .privateKey, ""),
                    ("traditional.der", nil, .privateKey, "-inform der"),
                    ("traditional-enc.pem", Self.passphrase, .privateKey, passin),
                ]
            }
            for form in forms {
                let formPin = try Self.pipelinePin(
                    ofKeyAt: form.file, options: form.openSSLOptions, in: directory)
                let reader = PinReader(passphrase: form.passphrase.map { .literal($0) })
                let objects = try reader.pins(inFileAt: directory.appendingPathComponent(form.file).path)
                #expect(objects.map(\.pin.base64) == [formPin], "\(form.file)")
                #expect(objects.map(\.kind) == [form.kind], "\(form.file)")
            }
            for file in ["pub.pem", "pub.der"] {
                let objects = try PinReader(inputType: .publicKey)
                    .pins(inFileAt: directory.appendingPathComponent(file).path)
                #expect(objects.map(\.pin.base64) == [expected.pin], "\(file)")
                let algorithm = try #require(objects.first).keyAlgorithm
                #expect(algorithm.name == type.algorithm)
                #expect(algorithm.bits == (expected.bits ?? Self.bitsWithoutPrintedSize[type.algorithm]))
                #expect(algorithm.curve == expected.curve)
                #expect(expected.hasExplicitParameters == type.label.hasSuffix("explicit parameters"))
            }
            if type.algorithm == "RSA" {
                // PKCS#1 RSA PUBLIC KEY gets the pin of the equivalent SPKI.
                try openSSL("rsa", "-in", "key.pem", "-RSAPublicKey_out", "-out", "rsa-pub.pem")
                try openSSL(
                    "rsa", "-in", "key.pem", "-RSAPublicKey_out", "-outform", "der", "-out", "rsa-pub.der")
                for file in ["rsa-pub.pem", "rsa-pub.der"] {
                    let objects = try PinReader().pins(inFileAt: directory.appendingPathComponent(file).path)
                    #expect(objects.map(\.pin.base64) == [expected.pin], "\(file)")
                    #expect(objects.map(\.kind) == [.publicKey], "\(file)")
                }
            }
        }
    }

    /// A key type for a self-signed certificate.
    static let certificateKeyTypes: [KeyType] = keyTypes.filter {
        ["EC P-256", "Ed25519", "RSA 2048"].contains($0.label)
    }

    @Test(
        "A self-signed certificate has the pin of openssl x509 -pubkey, and openssl's subject and dates",
        arguments: certificateKeyTypes)
    func selfSignedCertificateAgreesWithOpenSSL(type: KeyType) throws {
        try withTemporaryDirectory { directory in
            func openSSL(_ arguments: [String]) throws -> CommandResult {
                try Self.openSSL(arguments, in: directory)
            }
            try type.make(in: directory)
            // Both issued only themselves, and neither has keyCertSign: a server's own certificate, whatever
            // basicConstraints says (openssl's default configuration adds CA:TRUE).
            for (name, constraints, role) in [
                ("ca", "critical,CA:TRUE", CertificateRole.selfSigned),
                ("end", "critical,CA:FALSE", .selfSigned),
            ] {
                _ = try openSSL([
                    "req", "-x509", "-new", "-utf8", "-key", "key.pem", "-subj",
                    "/CN=live \(name), test/O=Pinhash+OU=Täst",
                    "-addext", "basicConstraints=\(constraints)", "-days", "30", "-out", "\(name).pem",
                ])
                _ = try openSSL(["x509", "-in", "\(name).pem", "-outform", "der", "-out", "\(name).der"])
                let expectedPin = try Self.pin(
                    printedBy:
                        "openssl x509 -in \(name).pem -pubkey -noout | openssl pkey -pubin -outform der"
                        + " | openssl dgst -sha256 -binary | openssl enc -base64",
                    in: directory)
                let fields = try openSSL([
                    "x509", "-in", "\(name).pem", "-noout", "-subject", "-issuer", "-enddate", "-nameopt",
                    "RFC2253,-esc_msb", "-dateopt", "iso_8601",
                ]).text.split(separator: "\n").map(String.init)
                try #require(fields.count == 3)
                for file in ["\(name).pem", "\(name).der"] {
                    let objects = try PinReader(inputType: .certificate)
                        .pins(inFileAt: directory.appendingPathComponent(file).path)
                    #expect(objects.map(\.pin.base64) == [expectedPin], "\(file)")
                    let object = try #require(objects.first)
                    #expect(object.role == role, "\(file)")
                    #expect("subject=" + (object.subject ?? "") == fields[0])
                    #expect("issuer=" + (object.issuer ?? "") == fields[1])
                    #expect(
                        "notAfter=" + (object.notAfter ?? "")
                            == fields[2].replacingOccurrences(of: " ", with: "T"))
                }
            }
        }
    }

    /// Every printable ASCII character, each in a value of its own between two letters: a value with one
    /// character RFC 2253 escapes (`,+"\<>;`) is escaped whole, one without is copied as it is (decided a
    /// byte at a time from a table), so each character is tested alone.
    @Test(
        "A subject of every printable ASCII character, one a value, is what openssl x509 -nameopt RFC2253 prints"
    )
    func everyPrintableCharacterAgreesWithOpenSSL() throws {
        try withTemporaryDirectory { directory in
            _ = try Self.openSSL(["genpkey", "-algorithm", "ed25519", "-out", "key.pem"], in: directory)
            // -subj's own escapes: a backslash before '/', '+' and '\'.
            let values = (UInt8(0x20)...0x7E).map { byte -> String in
                let character = Character(Unicode.Scalar(byte))
                return "/OU=a" + ("/+\\".contains(character) ? "\\\(character)" : String(character)) + "z"
            }
            _ = try Self.openSSL(
                [
                    "req", "-x509", "-new", "-key", "key.pem", "-days", "1", "-subj",
                    "/CN=x" + values.joined(), "-out", "c.pem",
                ],
                in: directory)
            let printed = try Self.openSSL(
                ["x509", "-in", "c.pem", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"], in: directory
            ).text.trimmingCharacters(in: .newlines)
            #expect(printed.contains("OU=a\\,z") && printed.contains("OU=a z"), "\(printed)")
            let object = try #require(
                try PinReader().pins(inFileAt: directory.appendingPathComponent("c.pem").path).first)
            #expect("subject=" + (object.subject ?? "") == printed)
        }
    }

    @Test(
        "A subject of every attribute pinhash names without OpenSSL's object table is what openssl x509 -nameopt RFC2253 prints"
    )
    func commonAttributeNamesAgreeWithOpenSSL() throws {
        try withTemporaryDirectory { directory in
            _ = try Self.openSSL(["genpkey", "-algorithm", "ed25519", "-out", "key.pem"], in: directory)
            // Each attribute by its dotted OID, which openssl names itself; the X.520 ones (2.5.4.n) of a
            // usual subject among them.
            let oids = AttributeNames.commonOIDs.map { $0.withUnsafeBufferPointer(dottedOID) }
            try #require(oids.count == 8)
            let attributes = (oids + ["2.5.4.6", "2.5.4.10", "2.5.4.11", "2.5.4.97", "2.5.4.5", "2.5.4.3"])
                .map { "/\($0)=\($0 == "2.5.4.6" || $0.hasSuffix(".1.3") ? "DE" : "v\($0)")" }
            _ = try Self.openSSL(
                [
                    "req", "-x509", "-new", "-key", "key.pem", "-days", "1", "-subj", attributes.joined(),
                    "-out", "c.pem",
                ],
                in: directory)
            let printed = try Self.openSSL(
                ["x509", "-in", "c.pem", "-noout", "-subject", "-nameopt", "RFC2253,-esc_msb"], in: directory
            ).text.trimmingCharacters(in: .newlines)
            // openssl named every one: no dotted OID is left in its line.
            #expect(!oids.contains { printed.contains("\($0)=") }, "\(printed)")
            let object = try #require(
                try PinReader().pins(inFileAt: directory.appendingPathComponent("c.pem").path).first)
            #expect("subject=" + (object.subject ?? "") == printed)
        }
    }

    /// Single-certificate fixture files, whose fields openssl x509 prints.
    static func certificateFixtures() throws -> [ManifestRow] {
        let rows = try Fixtures.manifest()
        return rows.filter { row in
            row.kind == "cert" && rows.filter { $0.file == row.file }.count == 1
                && !row.file.hasSuffix("trusted.pem")
        }
    }

    @Test(
        "A fixture certificate's subject, issuer and notAfter are what openssl x509 prints",
        arguments: try certificateFixtures())
    func fixtureCertificateFieldsAgreeWithOpenSSL(row: ManifestRow) throws {
        var arguments = ["x509", "-in", row.path, "-noout", "-subject", "-issuer", "-enddate"]
        arguments += ["-nameopt", "RFC2253,-esc_msb", "-dateopt", "iso_8601"]
        if row.format == "der" { arguments += ["-inform", "der"] }
        let printed = try ExternalCommand.run(ExternalCommand.openSSL, arguments)
        try #require(printed.succeeded, "\(printed.firstErrorLine)")
        let fields = printed.text.split(separator: "\n").map(String.init)
        try #require(fields.count == 3)
        let object = try #require(try PinReader().pins(inFileAt: row.path).first)
        #expect("subject=" + (object.subject ?? "") == fields[0])
        #expect("issuer=" + (object.issuer ?? "") == fields[1])
        #expect("notAfter=" + (object.notAfter ?? "") == fields[2].replacingOccurrences(of: " ", with: "T"))
    }

    @Test(
        "A UTCTime notAfter of any century rule, and a GeneralizedTime one, is what openssl x509 -enddate prints",
        arguments: [
            "500101000000Z", "991231235959Z", "000229120000Z", "491231235959Z", "260101093737Z",
            "19500101000000Z", "20500101000000Z", "99991231235959Z",
        ])
    func notAfterAgreesWithOpenSSL(time: String) throws {
        try withTemporaryDirectory { directory in
            // The expired fixture's notAfter (UTCTime 010101000000Z) replaced by `time`, its tag and length
            // with it; openssl reads the dates of a certificate whose signature no longer matches.
            try Self.openSSL(
                [
                    "x509", "-in", Fixtures.path("certs/leaf-expired.pem"), "-outform", "der", "-out",
                    "in.der",
                ],
                in: directory)
            var der = try [UInt8](Data(contentsOf: directory.appendingPathComponent("in.der")))
            let old: [UInt8] = [0x17, 13] + Array("010101000000Z".utf8)
            let start = try #require(
                (0...(der.count - old.count)).first { der[$0..<($0 + old.count)].elementsEqual(old) })
            let replacement = [time.count == 13 ? UInt8(0x17) : 0x18, UInt8(time.count)] + Array(time.utf8)
            der.replaceSubrange(start..<(start + old.count), with: replacement)
            // The lengths of the enclosing SEQUENCEs (validity, tbsCertificate, certificate) grow with a
            // GeneralizedTime: re-encoded by openssl would change more, so they are patched here.
            let growth = replacement.count - old.count
            if growth > 0 {
                let certificateLength = (Int(der[2]) << 8 | Int(der[3])) + growth
                let tbsLength = (Int(der[6]) << 8 | Int(der[7])) + growth
                der[2] = UInt8(certificateLength >> 8)
                der[3] = UInt8(certificateLength & 0xFF)
                der[6] = UInt8(tbsLength >> 8)
                der[7] = UInt8(tbsLength & 0xFF)
                // The validity SEQUENCE's one-byte length, just before its notBefore.
                let validity = start - 15 - 2
                try #require(der[validity] == 0x30)
                der[validity + 1] += UInt8(growth)
            }
            let path = directory.appendingPathComponent("cert.der")
            try Data(der).write(to: path)
            let printed = try Self.openSSL(
                ["x509", "-inform", "der", "-in", path.path, "-noout", "-enddate", "-dateopt", "iso_8601"],
                in: directory
            ).text.trimmingCharacters(in: .whitespacesAndNewlines)
            let object = try #require(try PinReader(inputType: .certificate).pins(inFileAt: path.path).first)
            #expect("notAfter=" + (object.notAfter ?? "") == printed.replacingOccurrences(of: " ", with: "T"))
        }
    }

    /// Unencrypted fixture rows: the object openssl can print the public key of from the file alone.
    static func plainFixtures() throws -> [ManifestRow] {
        try Fixtures.manifest().filter { $0.encrypted == "no" && $0.kind != "p12" && $0.position == 1 }
    }

    @Test(
        "Each fixture's key size and curve are what openssl pkey -text prints", arguments: try plainFixtures()
    )
    func fixtureKeySizeAndCurveAgreeWithOpenSSL(row: ManifestRow) throws {
        let file = ExternalCommand.quoted(row.path) + (row.format == "der" ? " -inform der" : "")
        let export: String
        switch row.kind {
        case "key": export = "openssl pkey -in \(file) -pubout"
        case "pubkey" where row.file.contains("pkcs1"):
            // openssl rsa says "writing RSA key" on stderr; a real failure empties the next stage's input.
            export = "openssl rsa -RSAPublicKey_in -in \(file) -pubout 2>/dev/null"
        case "pubkey": export = "openssl pkey -pubin -in \(file)"
        case "csr": export = "openssl req -in \(file) -pubkey -noout"
        default: export = "openssl x509 -in \(file) -pubkey -noout"
        }
        let expected = try Self.openSSLView(ofPublicKeyPrintedBy: export, pin: row.pin)
        let algorithm = try #require(try row.reader().pins(inFileAt: row.path).first).keyAlgorithm
        #expect(algorithm.bits == expected.bits ?? Self.bitsWithoutPrintedSize[row.algorithm])
        #expect(algorithm.curve == expected.curve)
        #expect(expected.hasExplicitParameters == row.file.contains("explicit"))
    }

    /// The DER file of each certificate of the chain, by its pin.
    static func chainDERByPin() throws -> [String: [UInt8]] { try derByPin.get() }

    /// The DER of every single-certificate fixture: DER files as they are, PEM files as `openssl x509
    /// -outform der` writes them.
    private static let derByPin = Result { () throws -> [String: [UInt8]] in
        var files: [String: [UInt8]] = [:]
        let rows = try Fixtures.manifest().filter { $0.kind == "cert" }
        for row in rows where row.format == "der" {
            files[row.pin] = try Fixtures.bytes(row.file)
        }
        for row in rows
        where row.format == "pem" && files[row.pin] == nil
            && rows.filter({ $0.file == row.file }).count == 1
        {
            let converted = try ExternalCommand.run(
                ExternalCommand.openSSL, ["x509", "-in", row.path, "-outform", "der"])
            if converted.succeeded { files[row.pin] = converted.output }
        }
        return files
    }

    @Test(
        "A certificate's derEncoded is its DER as openssl x509 -outform der writes it",
        arguments: try Fixtures.manifest().filter { $0.kind == "cert" || $0.kind == "p12" })
    func certificateDEREncodingIsOpenSSLs(row: ManifestRow) throws {
        let object = try #require(try row.reader().pins(inFileAt: row.path).dropFirst(row.position - 1).first)
        let expected: [UInt8]
        if row.position == 1 && row.kind == "cert" {
            let converted = try ExternalCommand.run(
                ExternalCommand.openSSL,
                ["x509", "-in", row.path, "-outform", "der"]
                    + (row.format == "der" ? ["-inform", "der"] : []))
            try #require(converted.succeeded, "openssl x509: \(converted.firstErrorLine)")
            expected = converted.output
        } else {
            // Later certificates of bundles and PKCS#12 files are the chain's, whose DER files are fixtures.
            expected = try #require(try Self.chainDERByPin()[row.pin], "no DER fixture with pin \(row.pin)")
        }
        #expect(object.derEncoded == expected)
    }
}
