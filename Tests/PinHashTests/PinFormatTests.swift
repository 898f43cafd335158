import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// Every `PinFormat` on fixture objects, checked against the pins in manifest.tsv (computed by openssl)
/// and read back by a parser for the XML, plist and JSON formats.
@Suite("Pin formats")
struct PinFormatTests {
    // MARK: Fixtures and expectations

    /// Every object of each file, as entries named by the file's fixture path.
    private func entries(_ files: String...) throws -> [PinnedEntry] { try entries(files) }

    private func entries(_ files: [String]) throws -> [PinnedEntry] {
        try files.flatMap { file in
            try PinReader().pins(inFileAt: Fixtures.path(file)).map { PinnedEntry($0, source: file) }
        }
    }

    /// The manifest rows of `file`, in position order; a failed requirement when there are none.
    private func rows(_ file: String) throws -> [ManifestRow] {
        let rows = try Fixtures.manifest().filter { $0.file == file }.sorted { $0.position < $1.position }
        try #require(!rows.isEmpty, "\(file) is not in manifest.tsv")
        return rows
    }

    private func pin(_ file: String, _ position: Int = 1) throws -> String {
        try #require(try rows(file).first { $0.position == position }).pin
    }

    /// Lower-case hex of a base64 pin, decoded by Foundation.
    private func hex(_ base64: String) throws -> String {
        try #require(Data(base64Encoded: base64)).map { String(format: "%02x", $0) }.joined()
    }

    private func render(
        _ format: PinFormat, host: String? = nil, port: Int = 443, _ entries: [PinnedEntry]
    ) throws -> String {
        try PinFormatter(format: format, host: host, port: port).render(entries)
    }

    private var chain: [String] {
        get throws { try rows("certs/chain.pem").map(\.pin) }
    }

    // MARK: Names

    @Test("The formats are named as --format takes them")
    func formatNames() {
        #expect(
            PinFormat.allCases.map(\.rawValue) == [
                "base64", "hex", "hpkp", "curl", "okhttp", "android", "ios", "tlsa", "chrome", "json",
            ])
        #expect(PinFormat.allCases.filter(\.requiresHost) == [.tlsa])
        #expect(PinFormat.allCases.filter(\.usesHost) == [.okhttp, .android, .ios, .tlsa])
        #expect(PinFormat.allCases.filter(\.usesPort) == [.tlsa])
    }

    // MARK: Line formats

    @Test("base64 and hex list every object, a pin per line, duplicates included")
    func listings() throws {
        let listed = try entries("certs/chain.pem", "certs/leaf.pem")
        let expected = try chain + [pin("certs/leaf.pem")]
        #expect(try render(.base64, listed) == expected.map { $0 + "\n" }.joined())
        #expect(try render(.hex, listed) == (try expected.map { try hex($0) + "\n" }.joined()))
    }

    @Test("hpkp, curl, chrome and okhttp write each pin once, in first-seen order")
    func pinSets() throws {
        // The leaf's key comes first from leaf.pem and again from chain.pem and the leaf's private key.
        let listed = try entries("certs/leaf.pem", "certs/chain.pem", "certs/leaf.key")
        let unique = try chain
        #expect(try render(.hpkp, listed) == unique.map { "pin-sha256=\"\($0)\"\n" }.joined())
        #expect(try render(.curl, listed) == unique.map { "sha256//\($0)" }.joined(separator: ";") + "\n")
        #expect(try render(.chrome, listed) == unique.joined(separator: ",") + "\n")
        #expect(try render(.okhttp, listed) == unique.map { "sha256/\($0)\n" }.joined())
    }

    @Test("okhttp with a host writes the CertificatePinner.Builder() calls, host in lower case")
    func okHttpWithHost() throws {
        let text = try render(.okhttp, host: "WWW.Example.com.", try entries("certs/chain.pem"))
        let adds = try chain.map { "    .add(\"www.example.com\", \"sha256/\($0)\")\n" }.joined()
        #expect(text == "CertificatePinner.Builder()\n" + adds + "    .build()\n")
    }

    // MARK: Android

    @Test("android writes a <pin-set> of SHA-256 pins that an XML parser reads back")
    func androidPinSet() throws {
        let root = try FormatDocumentParsing.xml(
            try render(.android, try entries("certs/chain.pem", "csr/ec-p256.csr.pem", "certs/leaf.pem")))
        #expect(root.name == "pin-set")
        #expect(root.attributes.isEmpty)
        #expect(root.children.allSatisfy { $0.name == "pin" && $0.attributes == ["digest": "SHA-256"] })
        #expect(root.children.map(\.text) == (try chain + [pin("csr/ec-p256.csr.pem")]))
        // A comment names each pin's object, the request's subject with its quote and comma intact.
        #expect(root.comments.count == 4)
        #expect(root.comments.last == #" csr/ec-p256.csr.pem #1: csr CN=a\"b.example,O=Acme\, Inc. "#)
    }

    @Test("android with a host writes a whole <domain-config>")
    func androidDomainConfig() throws {
        let root = try FormatDocumentParsing.xml(
            try render(.android, host: "www.example.com", try entries("certs/leaf.pem")))
        #expect(root.name == "domain-config")
        #expect(root.children.map(\.name) == ["domain", "pin-set"])
        let domain = try #require(root.children("domain").first)
        #expect(domain.attributes == ["includeSubdomains": "false"])
        #expect(domain.text == "www.example.com")
        let pins = try #require(root.children("pin-set").first).children("pin")
        #expect(pins.map(\.text) == [try pin("certs/leaf.pem")])
    }

    // MARK: iOS

    /// The dictionary for `domain` in the NSPinnedDomains fragment `text`, as Foundation reads it.
    private func pinnedDomain(_ text: String, _ domain: String) throws -> [String: Any] {
        let plist = try FormatDocumentParsing.plist(wrapping: text)
        #expect(Array(plist.keys) == ["NSPinnedDomains"])
        let domains = try #require(plist["NSPinnedDomains"] as? [String: Any])
        #expect(Array(domains.keys) == [domain])
        return try #require(domains[domain] as? [String: Any])
    }

    private func identities(_ list: Any?) throws -> [String] {
        let dictionaries = try #require(list as? [[String: String]], "not an array of string dictionaries")
        for dictionary in dictionaries { #expect(Array(dictionary.keys) == ["SPKI-SHA256-BASE64"]) }
        return dictionaries.compactMap { $0["SPKI-SHA256-BASE64"] }
    }

    @Test(
        "ios lists leaf, request and key pins as NSPinnedLeafIdentities, CA pins as NSPinnedCAIdentities"
    )
    func iOSIdentitiesByRole() throws {
        let listed = try entries("certs/chain.pem", "csr/ec-p256.csr.pem", "keys/ed25519.pkcs8.pem")
        let domain = try pinnedDomain(try render(.ios, host: "www.example.com", listed), "www.example.com")
        #expect(
            Set(domain.keys) == ["NSIncludesSubdomains", "NSPinnedLeafIdentities", "NSPinnedCAIdentities"])
        #expect(domain["NSIncludesSubdomains"] as? Bool == false)
        let chainRows = try rows("certs/chain.pem")
        let leaves = chainRows.filter { $0.role == "leaf" }.map(\.pin)
        let authorities = chainRows.filter { $0.role == "intermediate" || $0.role == "root" }.map(\.pin)
        #expect(authorities.count == 2)
        #expect(
            try identities(domain["NSPinnedLeafIdentities"])
                == leaves + [pin("csr/ec-p256.csr.pem"), pin("keys/ed25519.pkcs8.pem")])
        #expect(try identities(domain["NSPinnedCAIdentities"]) == authorities)
    }

    @Test(
        "ios without a host pins example.com, says in a comment to replace it, and lists only what there is")
    func iOSPlaceholder() throws {
        let text = try render(.ios, try entries("certs/leaf.pem", "certs/leaf.der"))
        let domain = try pinnedDomain(text, "example.com")
        #expect(Set(domain.keys) == ["NSIncludesSubdomains", "NSPinnedLeafIdentities"])
        #expect(try identities(domain["NSPinnedLeafIdentities"]) == [pin("certs/leaf.pem")])
        let root = try FormatDocumentParsing.xml(FormatDocumentParsing.plistDocument(wrapping: text))
        let domains = try #require(root.children("dict").first?.children("dict").first)
        #expect(domains.comments.contains { $0.contains("replace example.com") })
    }

    @Test("ios and tlsa keep a key that is both a leaf's and a CA's once in each list")
    func sameKeyInBothRoles() throws {
        // The root CA's private key pins as a key (a leaf-to-be) and its certificate as a CA.
        let listed = try entries("certs/root.key", "certs/root.pem", "certs/root.der")
        let root = try pin("certs/root.pem")
        let domain = try pinnedDomain(try render(.ios, listed), "example.com")
        #expect(try identities(domain["NSPinnedLeafIdentities"]) == [root])
        #expect(try identities(domain["NSPinnedCAIdentities"]) == [root])
        let records = try render(.tlsa, host: "example.com", listed).split(separator: "\n")
        #expect(records.map { $0.split(separator: " ")[3] } == ["3", "2"])
    }

    // MARK: TLSA

    /// A certificate's SubjectPublicKeyInfo in hex, as `openssl x509 -pubkey | openssl pkey -pubin -outform
    /// der` writes it.
    private func spkiHex(_ file: String) throws -> String {
        let pem = try ExternalCommand.run(
            ExternalCommand.openSSL, ["x509", "-in", Fixtures.path(file), "-pubkey", "-noout"])
        try #require(pem.succeeded, "openssl x509: \(pem.firstErrorLine)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-spki-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(pem.output).write(to: directory.appendingPathComponent("key.pem"))
        let der = try ExternalCommand.run(
            ExternalCommand.openSSL, ["pkey", "-pubin", "-in", "key.pem", "-outform", "der"], in: directory)
        try #require(der.succeeded, "openssl pkey: \(der.firstErrorLine)")
        return der.output.map { String(format: "%02x", $0) }.joined()
    }

    @Test(
        "tlsa: 3 1 1 for the leaf, 2 1 1 for the intermediate, 2 1 0 with the whole key for the root",
        .enabled(if: ExternalCommand.hasOpenSSL, "openssl is not installed"))
    func tlsaRecords() throws {
        let text = try render(.tlsa, host: "WWW.Example.com.", port: 8443, try entries("certs/chain.pem"))
        let rows = try rows("certs/chain.pem")
        #expect(rows.map(\.role) == ["leaf", "intermediate", "root"])
        let expected = [
            "3 1 1 \(try hex(rows[0].pin))", "2 1 1 \(try hex(rows[1].pin))",
            "2 1 0 \(try spkiHex("certs/root.pem"))",
        ].map { "_8443._tcp.www.example.com. IN TLSA \($0)\n" }
        #expect(text == expected.joined())
        #expect(
            try render(.tlsa, host: "example.com", try entries("keys/ec-p256.pkcs8.pem")).hasPrefix(
                "_443._tcp."))
    }

    @Test("tlsa: a self-signed server certificate is usage 3, and a file's intermediate comes with a note")
    func tlsaSelfSignedAndNote() throws {
        let selfSigned = try rows("roles/self-signed.pem")[0]
        #expect(selfSigned.role == "self-signed")
        var stream = try PinDocumentStream(PinFormatter(format: .tlsa, host: "example.com"))
        #expect(
            stream.add(try entries("roles/self-signed.pem")[0])
                == "_443._tcp.example.com. IN TLSA 3 1 1 \(try hex(selfSigned.pin))\n")
        #expect(stream.notes.isEmpty)
        let intermediate = try entries("roles/no-root.pem")[1]
        _ = stream.add(intermediate)
        #expect(stream.notes == [.authorityRecordsMatchOnlyIfSent([intermediate])])
        // What a server sent says itself whether it is there: no note.
        var sent = try PinDocumentStream(PinFormatter(format: .tlsa, host: "example.com"))
        _ = sent.add(PinnedEntry(intermediate.object, source: "example.com:443", sentByServer: true))
        #expect(sent.notes.isEmpty)
    }

    @Test("tlsa without a host fails with hostRequired")
    func tlsaNeedsAHost() throws {
        let leaf = try entries("certs/leaf.pem")
        let error = #expect(throws: PinHashError.self) { try PinFormatter(format: .tlsa).render(leaf) }
        #expect(error?.code == .hostRequired)
        #expect(error?.reason == "tlsa needs a host: its records are named _PORT._tcp.HOST")
        #expect(throws: PinHashError.self) { try PinFormatter(format: .tlsa).validate() }
    }

    @Test("tlsa and ios take names only; okhttp and android take IP addresses too")
    func addressesAsHosts() throws {
        let leaf = try entries("certs/leaf.pem")
        for format in [PinFormat.tlsa, .ios] {
            for address in ["192.0.2.1", "2001:db8::1"] {
                let error = #expect(throws: PinHashError.self, "\(format) \(address)") {
                    try PinFormatter(format: format, host: address).render(leaf)
                }
                #expect(error?.code == .invalidHost)
            }
        }
        #expect(try render(.okhttp, host: "[2001:DB8::1]", leaf).contains(".add(\"2001:db8::1\", "))
        let root = try FormatDocumentParsing.xml(try render(.android, host: "192.0.2.1", leaf))
        #expect(root.children("domain").first?.text == "192.0.2.1")
    }

    @Test(
        "tlsa takes ports 1 to 65535; formats without a port ignore it", arguments: [0, -1, 65536, 100_000])
    func portRange(port: Int) throws {
        let error = #expect(throws: PinHashError.self) {
            try PinFormatter(format: .tlsa, host: "example.com", port: port).validate()
        }
        #expect(error?.code == .invalidPort)
        #expect(throws: Never.self) { try PinFormatter(format: .curl, port: port).validate() }
    }

    // MARK: Hosts

    @Test(
        "Host names and addresses a consumer can take are accepted, in lower case without a trailing dot",
        arguments: [
            ("www.example.com", "www.example.com"), ("WWW.Example.COM.", "www.example.com"),
            ("localhost", "localhost"), ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("_25._tcp.mail.example", "_25._tcp.mail.example"), ("a-b.c-d.example", "a-b.c-d.example"),
            ("192.0.2.1", "192.0.2.1"), ("0.0.0.0", "0.0.0.0"), ("2001:db8::1", "2001:db8::1"),
            ("[2001:DB8::1]", "2001:db8::1"), ("::", "::"), ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            (String(repeating: "a", count: 63) + ".example", String(repeating: "a", count: 63) + ".example"),
        ])
    func acceptedHosts(given: String, written: String) throws {
        let text = try render(.okhttp, host: given, try entries("certs/leaf.pem"))
        #expect(text.contains(".add(\"\(written)\", "))
    }

    @Test(
        "Hosts that are neither a DNS name nor an IP address, or would break the output, are refused",
        arguments: [
            "", " ", "www example.com", "a\"b.example", "a<b.example", "a>b", "a&b", "a'b", "a\\b", "a$b",
            "exa\nmple.com", "example.com\r", "tab\t.example", "nul\u{0}.example", "bücher.example",
            "b\u{202E}moc.example", "*.example.com", "a..b", ".example.com", "-a.example", "a-.example",
            "a/b", "a:b", "256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "2001:db8:::1", "2001::db8::1",
            "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "12345::1", "[example.com]", "ex[am]ple.com",
            String(repeating: "a", count: 64) + ".example", String(repeating: "a.", count: 127) + "ab",
        ])
    func refusedHosts(host: String) throws {
        for format in [PinFormat.okhttp, .android, .ios, .tlsa] {
            let error = #expect(throws: PinHashError.self, "\(format)") {
                try PinFormatter(format: format, host: host).validate()
            }
            #expect(error?.code == .invalidHost, "\(format)")
            // The reason is one line that repeats nothing a host could not hold.
            #expect(error?.reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } == false)
        }
    }

    @Test("A format that names no host ignores one, valid or not")
    func hostIgnored() throws {
        let leaf = try entries("certs/leaf.pem")
        #expect(try PinFormatter(format: .curl, host: "not a host").render(leaf) == (try render(.curl, leaf)))
    }

    // MARK: JSON

    /// What openssl prints as a certificate's issuer and notAfter (ISO 8601, as pinhash writes it).
    private func opensslIssuerAndNotAfter(_ file: String) throws -> (issuer: String, notAfter: String) {
        let result = try ExternalCommand.openSSL(
            "x509", "-in", Fixtures.path(file), "-noout", "-issuer", "-enddate", "-nameopt",
            "RFC2253,-esc_msb",
            "-dateopt", "iso_8601")
        try #require(result.succeeded, "openssl x509: \(result.firstErrorLine)")
        var fields: [String: String] = [:]
        for line in result.text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            fields[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let notAfter = try #require(fields["notAfter"]).replacingOccurrences(of: " ", with: "T")
        return (try #require(fields["issuer"]), notAfter)
    }

    @Test(
        "json: one object per entry with every documented key, values as the manifest and openssl give them",
        .enabled(if: ExternalCommand.hasOpenSSL, "openssl is not installed"))
    func json() throws {
        let files = [
            "certs/leaf.pem", "certs/intermediate.pem", "certs/root.pem", "csr/ec-p256.csr.pem",
            "keys/rsa2048.pkcs8.pem", "public/ec-p256.spki.pem", "certs/leaf.der",
        ]
        let text = try render(.json, try entries(files))
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8))
        let objects = try #require(parsed as? [[String: Any]])
        try #require(objects.count == files.count)
        let keys: Set = [
            "file", "position", "kind", "role", "sent", "subject", "issuer", "notAfter", "keyAlgorithm",
            "keyBits", "curve", "pinSha256Base64", "pinSha256Hex", "reencodedPinSha256Base64", "warnings",
            "catalogue",
        ]
        let kinds = [
            "cert": "certificate", "csr": "certificateRequest", "key": "privateKey", "pubkey": "publicKey",
        ]
        for (file, object) in zip(files, objects) {
            let row = try rows(file)[0]
            #expect(Set(object.keys) == keys, "\(file)")
            #expect(object["file"] as? String == file)
            #expect(object["position"] as? Int == row.position)
            #expect(object["kind"] as? String == kinds[row.kind])
            #expect(object["keyAlgorithm"] as? String == row.algorithm)
            #expect(object["keyBits"] as? Int == row.bits)
            #expect(object["pinSha256Base64"] as? String == row.pin)
            #expect(object["pinSha256Hex"] as? String == (try hex(row.pin)))
            // The fixtures' keys are made by make-fixtures.sh: no public CA holds them.
            #expect(object["catalogue"] is NSNull, "\(file)")
            if row.kind == "cert" {
                let openssl = try opensslIssuerAndNotAfter(
                    file.replacingOccurrences(of: ".der", with: ".pem"))
                #expect(object["role"] as? String == row.role)
                #expect(object["subject"] as? String == row.subject)
                #expect(object["issuer"] as? String == openssl.issuer)
                #expect(object["notAfter"] as? String == openssl.notAfter)
            } else {
                #expect(object["role"] is NSNull, "\(file)")
                #expect(object["issuer"] is NSNull, "\(file)")
                #expect(object["notAfter"] is NSNull, "\(file)")
                if row.kind == "csr" {
                    #expect(object["subject"] as? String == row.subject)
                } else {
                    #expect(object["subject"] is NSNull, "\(file)")
                }
            }
            let curve = object["curve"]
            #expect(row.algorithm == "EC" ? curve is String : curve is NSNull, "\(file)")
        }
        #expect(objects[1]["curve"] as? String == "P-384")
    }

    // MARK: Escaping

    /// A file name no format may pass through raw: quotes, markup, an entity, a comment's `--`, a Kotlin
    /// template, controls (a newline, a tab, NUL, DEL), non-ASCII, U+2028 and a character beyond the BMP.
    static let hostileName = "a\"<b>&amp;--x-'$y\\z\n\t\u{0}\u{1}\u{1F}\u{7F}ü\u{2028}😀-"

    /// A certificate whose subject holds `<`, `&`, `"`, `'`, `--`, `$`, non-ASCII and a newline, made by
    /// openssl in `directory`.
    private func hostileCertificate(in directory: URL) throws -> String {
        let path = directory.appendingPathComponent("hostile.pem").path
        let result = try ExternalCommand.run(
            ExternalCommand.openSSL,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                directory.appendingPathComponent("hostile.key").path, "-out", path, "-days", "1", "-utf8",
                "-subj", "/CN=a<b&c>\"d'--e $x ü\nf/O=<!-- -->",
            ])
        try #require(result.succeeded, "openssl req: \(result.firstErrorLine)")
        return path
    }

    @Test(
        "A hostile subject and file name come back unchanged from JSON and leave XML and plist well-formed",
        .enabled(if: ExternalCommand.hasOpenSSL, "openssl is not installed"))
    func hostileText() throws {
        try withTemporaryDirectory { directory in
            let objects = try PinReader().pins(inFileAt: try hostileCertificate(in: directory))
            let object = try #require(objects.first)
            let subject = try #require(object.subject)
            #expect(subject.contains("<b&c\\>\\\"d'--e $x ü"))
            let listed = [PinnedEntry(object, source: Self.hostileName)]

            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try render(.json, listed).utf8))
                    as? [[String: Any]])
            #expect(json.first?["file"] as? String == Self.hostileName)
            #expect(json.first?["subject"] as? String == subject)

            let android = try FormatDocumentParsing.xml(try render(.android, host: "www.example.com", listed))
            let pinSet = try #require(android.children("pin-set").first)
            #expect(pinSet.children("pin").map(\.text) == [object.pin.base64])
            let comment = try #require(pinSet.comments.first)
            #expect(!comment.contains("--") && !comment.contains("\n") && comment.contains("ü"))

            let domain = try pinnedDomain(
                try render(.ios, host: "www.example.com", listed), "www.example.com")
            // openssl req -x509 adds CA:TRUE (its default config), but the certificate issued only itself
            // and has no keyCertSign: a server's own certificate, so a leaf identity.
            #expect(object.role == .selfSigned)
            #expect(try identities(domain["NSPinnedLeafIdentities"]) == [object.pin.base64])
            #expect(domain["NSPinnedCAIdentities"] == nil)
        }
    }

    @Test("XML text escapes markup and line ends and replaces what XML 1.0 cannot carry")
    func xmlEscaping() throws {
        #expect(
            PinFormatEscaping.xml("<a&b>\"c'\t\n\r\u{0}\u{1F}\u{FFFE}ü😀")
                == "&lt;a&amp;b&gt;&quot;c&apos;&#9;&#10;&#13;\u{FFFD}\u{FFFD}\u{FFFD}ü😀")
        let text = "x\"<y>&z\u{1}\n"
        let root = try FormatDocumentParsing.xml(
            "<r a=\"\(PinFormatEscaping.xml(text))\">\(PinFormatEscaping.xml(text))</r>")
        #expect(root.attributes["a"] == "x\"<y>&z\u{FFFD}\n")
        #expect(root.text == "x\"<y>&z\u{FFFD}\n")
    }

    @Test(
        "XML comments hold no `--`, no line end and no trailing `-`",
        arguments: ["--", "---", "a--b", "-", "x-", "--\n->", "<!-- -->"])
    func xmlCommentEscaping(text: String) throws {
        let comment = PinFormatEscaping.xmlComment(text)
        #expect(!comment.contains("--") && !comment.hasSuffix("-") && !comment.contains("\n"))
        let root = try FormatDocumentParsing.xml("<r><!--\(comment)--></r>")
        #expect(root.comments == [comment])
    }

    @Test("JSON strings escape quotes, backslashes and every control character, and keep UTF-8")
    func jsonEscaping() throws {
        var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
        text += "\"\\/\u{7F}ü\u{2028}\u{2029}😀"
        let literal = PinFormatEscaping.jsonString(text)
        #expect(!literal.unicodeScalars.contains { $0.value < 0x20 })
        #expect(literal.contains("ü\\u2028\\u2029😀"))
        #expect(literal.hasPrefix(#""\u0000\u0001"#))
        #expect(literal.contains(#"\b\t\n\u000b\f\r"#))
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(literal)]".utf8)) as? [String]
        #expect(parsed == [text])
    }

    @Test("Kotlin strings escape quotes, backslashes, templates and control characters")
    func kotlinEscaping() {
        #expect(
            PinFormatEscaping.kotlinString("a\"b\\c$d\n\r\t\u{8}\u{1}\u{7F}ü")
                == #""a\"b\\c\$d\n\r\t\b\u0001\u007fü""#)
    }

    // MARK: Nothing to list

    @Test("No entries: no text for the line formats, an empty document for the others")
    func noEntries() throws {
        for format in [PinFormat.base64, .hex, .hpkp, .curl, .chrome, .okhttp] {
            #expect(try render(format, []) == "", "\(format)")
        }
        #expect(try render(.json, []) == "[]\n")
        #expect(try render(.tlsa, host: "example.com", []) == "")
        #expect(try FormatDocumentParsing.xml(try render(.android, [])).children.isEmpty)
        #expect(
            try pinnedDomain(try render(.ios, []), "example.com").keys.sorted() == ["NSIncludesSubdomains"])
    }
}
