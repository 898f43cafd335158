import Foundation
import PinHash
import PinHashLive
import PinHashTestSupport
import Testing

/// The Public Suffix List, IDNA and hstspreload's header rules, against programs no one here wrote:
/// libpsl's `psl` (over the same Debian list file), Python's punycode codec, and the openssl command line.
@Suite("Public Suffix List, IDNA and the preload rules")
struct PreloadLibraryTests {
    static let listPath = PublicSuffixList.debianPath
    static let psl = InstalledProgram.path(of: "psl", alsoSearching: ["/usr/bin"])
    static let python = InstalledProgram.path(of: "python3", alsoSearching: ["/usr/bin"])

    /// Names covering plain rules, wildcards (`*.ck`), exceptions (`!www.ck`, `!city.kawasaki.jp`),
    /// private-section rules, names no rule covers, and rules written in Unicode.
    static let names = [
        "example.com", "www.example.com", "a.b.example.co.uk", "co.uk", "uk", "ck", "foo.ck", "a.foo.ck",
        "www.ck", "a.www.ck", "x.kawasaki.jp", "city.kawasaki.jp", "a.city.kawasaki.jp",
        "appspot.com", "foo.appspot.com", "a.foo.appspot.com", "example.test", "www.example.test", "test",
        "xn--55qx5d.cn", "example.xn--55qx5d.cn", "a.example.xn--55qx5d.cn", "github.io", "user.github.io",
        "blogspot.co.uk", "x.blogspot.co.uk", "s3.amazonaws.com", "bucket.s3.amazonaws.com",
        "xn--bcher-kva.example",
    ]

    @Test(
        "Public suffix and registrable domain of each name equal libpsl's over the same list file",
        .enabled(if: psl != nil, "psl is not installed: apt-get install psl"),
        .enabled(
            if: FileManager.default.fileExists(atPath: listPath),
            "the Public Suffix List is not installed: apt-get install publicsuffix"))
    func publicSuffixes() throws {
        let list = try PublicSuffixList(contentsOfFileAt: Self.listPath)
        #expect(list.ruleCount > 5000)
        func ask(_ option: String) throws -> [String: String] {
            let result = try ExternalCommand.run(
                try #require(Self.psl), ["--load-psl-file", Self.listPath, option] + Self.names)
            try #require(result.status == 0, "\(result.errorOutput)")
            var answers: [String: String] = [:]
            for line in String(decoding: result.output, as: UTF8.self).split(separator: "\n") {
                let parts = line.split(separator: ": ", maxSplits: 1).map(String.init)
                answers[parts[0]] = parts[1]
            }
            return answers
        }
        let suffixes = try ask("--print-unreg-domain")
        let registrable = try ask("--print-reg-domain")
        for name in Self.names {
            #expect(list.publicSuffix(of: name) == suffixes[name], "\(name)")
            let ours = try? list.registrableDomain(of: name)
            #expect((ours ?? "(null)") == registrable[name], "\(name)")
        }
    }

    /// golang.org/x/net/publicsuffix's own test table (list_test.go), for the one kind of name where
    /// libpsl differs: the parent of a wildcard rule (`*.kobe.jp`) is no public suffix of its own for Go,
    /// and so for hstspreload.
    @Test(
        "A wildcard rule's parent is not a public suffix, as x/net/publicsuffix's tests have it",
        .enabled(
            if: FileManager.default.fileExists(atPath: listPath),
            "the Public Suffix List is not installed: apt-get install publicsuffix"))
    func goWildcardParent() throws {
        let list = try PublicSuffixList(contentsOfFileAt: Self.listPath)
        for (domain, suffix) in [
            ("jp", "jp"), ("kobe.jp", "jp"), ("c.kobe.jp", "c.kobe.jp"), ("b.c.kobe.jp", "c.kobe.jp"),
            ("city.kobe.jp", "kobe.jp"), ("www.city.kobe.jp", "kobe.jp"), ("nosuchtld", "nosuchtld"),
            ("foo.nosuchtld", "nosuchtld"), ("bar.foo.nosuchtld", "nosuchtld"),
        ] {
            #expect(list.publicSuffix(of: domain) == suffix, "\(domain)")
        }
        for (domain, registrable) in [
            ("www.ck", "www.ck"), ("www.www.ck", "www.ck"), ("b.test.ck", "b.test.ck"),
        ] {
            #expect(try list.registrableDomain(of: domain) == registrable, "\(domain)")
        }
        #expect(throws: PinHashError.self) { try list.registrableDomain(of: "test.ck") }
    }

    @Test(
        "Punycode and IDNA ToASCII equal Python's punycode codec, label by label",
        .enabled(if: python != nil, "python3 is not installed"))
    func punycode() throws {
        let hosts = [
            "bücher.example", "例え.テスト", "münchen.straße.de", "ascii.example", "δοκιμή", "a-ü-b.test",
        ]
        let script = """
            import sys
            for host in sys.argv[1:]:
                labels = [l if l.isascii() else "xn--" + l.encode("punycode").decode() for l in host.split(".")]
                print(".".join(labels))
            """
        let result = try ExternalCommand.run(try #require(Self.python), ["-c", script] + hosts)
        let expected = String(decoding: result.output, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(try hosts.map { try IDNA.toASCII($0) } == expected)
        for (host, ascii) in zip(hosts, expected) {
            // An xn-- name comes back as it is (decoded and encoded again), and decoding inverts encoding.
            #expect(try IDNA.toASCII(ascii) == ascii)
            for (label, encoded) in zip(host.split(separator: "."), ascii.split(separator: "."))
            where encoded.hasPrefix("xn--") {
                #expect(Punycode.decode(String(encoded.dropFirst(4))) == String(label))
            }
        }
        #expect(throws: PinHashError.self) { try IDNA.toASCII("xn--ab!c.example") }
    }

    @Test("A label that is not Punycode is named with its control characters escaped (the fuzzer's find)")
    func controlCharactersInRefusedLabels() {
        for host in ["xn--\u{1B}[2J.example", "xn--\u{01A6}:\nkey.example"] {
            let error = #expect(throws: PinHashError.self) { try IDNA.toASCII(host) }
            let reason = error?.reason ?? ""
            #expect(!reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }, "\(reason)")
            #expect(reason.hasPrefix("the label 'xn--"), "\(reason)")
        }
    }

    @Test("A list with a line that is no rule is refused with its line number")
    func malformedList() {
        #expect(throws: PinHashError.self) { try PublicSuffixList(text: "com\n*.!x.y\n") }
        do {
            _ = try PublicSuffixList(text: "// only comments\n")
            Issue.record("an empty list was accepted")
        } catch {
            #expect(error.reason.contains("no public suffix rule"))
        }
    }

    /// hstspreload's header.go rules: value → codes (errors, then warnings).
    static let headers: [(String, PreloadPolicy, [String])] = [
        ("max-age=31536000; includeSubDomains; preload", .bulk1Year, []),
        ("max-age=63072000; includeSubDomains; preload", .bulk18Weeks, []),
        (
            "max-age=10886400; includeSubDomains; preload", .bulk1Year,
            ["header.preloadable.max_age.below_1_year"]
        ),
        ("max-age=10886400; includeSubDomains; preload", .bulk18Weeks, []),
        ("max-age=0; includeSubDomains; preload", .bulk1Year, ["header.preloadable.max_age.zero"]),
        (
            "max-age=400000000; includeSubDomains; preload", .bulk1Year,
            ["header.preloadable.max_age.over_10_years"]
        ),
        (
            "", .bulk1Year,
            [
                "header.preloadable.include_sub_domains.missing", "header.preloadable.preload.missing",
                "header.preloadable.max_age.missing", "header.parse.empty",
            ]
        ),
        (
            "max-age=\"31536000\"; includeSubDomains; preload", .bulk1Year,
            ["header.parse.max_age.non_digit_characters", "header.preloadable.max_age.missing"]
        ),
        ("max-age=031536000; includeSubDomains; preload", .bulk1Year, ["header.parse.max_age.leading_zero"]),
        (
            "max-age = 31536000; includeSubDomains; preload", .bulk1Year,
            ["header.parse.invalid.max_age.no_value", "header.preloadable.max_age.missing"]
        ),
        (
            "max-age=31536000; max-age=2; INCLUDESUBDOMAINS; includeSubDomains; preload; preload; foo",
            .bulk1Year,
            [
                "header.parse.repeated.max_age", "header.parse.repeated.include_sub_domains",
                "header.parse.repeated.preload", "header.parse.unknown_directive",
            ]
        ),
        (
            "max-age=31536000; includeSubDomains=1; preloaded", .bulk1Year,
            [
                "header.preloadable.include_sub_domains.missing", "header.preloadable.preload.missing",
                "header.parse.invalid.include_sub_domains", "header.parse.invalid.preload",
            ]
        ),
        (
            "max-age=99999999999999999999; includeSubDomains; preload", .bulk1Year,
            ["header.parse.max_age.parse_int_error", "header.preloadable.max_age.missing"]
        ),
    ]

    @Test(
        "hstspreload's header rules give its codes, and pinhash hsts's preload check agrees under each policy"
    )
    func headerCodes() {
        for (value, policy, codes) in Self.headers {
            let header = PreloadHeader(parsing: value)
            #expect(header.preloadableIssues(policy: policy).codes == codes, "\(value) under \(policy)")
        }
        // A header pinhash hsts would build: refused exactly when the preload check has an error.
        for maxAge: UInt64 in [0, 86_400, 10_886_399, 10_886_400, 31_535_999, 31_536_000, 63_072_000] {
            for includeSubDomains in [false, true] {
                for policy in PreloadPolicy.allCases {
                    let built = HSTSHeader(
                        maxAge: maxAge, includeSubDomains: includeSubDomains, preload: true)
                    let checked = PreloadHeader(parsing: built.value).preloadableIssues(policy: policy)
                    #expect(
                        built.validate(policy: policy).containsErrors == !checked.errors.isEmpty,
                        "\(built.value) under \(policy)")
                }
            }
        }
        #expect(PreloadHeader(parsing: "max-age=0; includeSubDomains").removableIssues.codes == [])
        #expect(
            PreloadHeader(parsing: "includeSubDomains; preload").removableIssues.codes == [
                "header.removable.contains.preload", "header.removable.missing.max_age",
            ])
    }

    @Test(
        "SHA-1 signatures and the common name are read from certificates the openssl command line made",
        .enabled(if: ExternalCommand.hasOpenSSL, "openssl is not installed"))
    func sha1Signature() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-sha1-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = PackagePaths.root.appendingPathComponent("Tests/Support/preload-certs.sh").path
        let made = try ExternalCommand.run(ExternalCommand.shell, [script, directory.path, "sha1.test"])
        try #require(made.status == 0, "\(made.errorOutput)")
        func certificate(_ name: String) throws -> PinnedObject {
            try #require(
                try PinReader(inputType: .certificate).pins(
                    inFileAt: directory.appendingPathComponent(name).path
                )
                .first)
        }
        let sha1 = try certificate("int-sha1.pem")
        let sha256 = try certificate("int-sha256.pem")
        #expect(sha1.isSignedWithSHA1 && !sha256.isSignedWithSHA1)
        #expect(sha1.signatureAlgorithmOID == "1.2.840.113549.1.1.5")
        #expect(sha256.signatureAlgorithmOID == "1.2.840.113549.1.1.11")
        #expect(sha1.subjectCommonName == "Preload Test Intermediate sha1")
        // A verified chain leaf, SHA-1 intermediate, root: hstspreload's domain.tls.sha1, naming the
        // intermediate; the root's own signature does not count.
        let chain = ServerChain(
            server: ServerAddress(host: "sha1.test", port: 443), connectedAddress: "192.0.2.1",
            serverName: "sha1.test", protocolVersion: "TLSv1.3", cipher: "TLS_AES_128_GCM_SHA256",
            certificates: [try certificate("leaf-sha1.pem"), sha1],
            verifiedChain: [try certificate("leaf-sha1.pem"), sha1, try certificate("root.pem")],
            verification: ChainVerification(
                isTrusted: true, failure: nil, checkedName: "sha1.test", caFile: nil))
        let issues = PreloadCheck.sha1Issues(chain)
        #expect(issues.codes == ["domain.tls.sha1"])
        #expect(
            issues.errors.first?.message.hasSuffix(
                "has a common-name of \"Preload Test Intermediate sha1\".)") == true)
    }
}
