import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// `PinList` (the spellings of a pin) and `PinVerification` (matching and the failure report), with
/// expected pins, roles and subjects from manifest.tsv.
@Suite("Verify: pin lists and matching")
struct VerifyPinListTests {
    static let emptyInputPin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    static let emptyInputHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// The rows of certs/chain.pem: leaf, intermediate, root.
    static func chain() throws -> [ManifestRow] {
        try Fixtures.manifest().filter { $0.file == "certs/chain.pem" }.sorted { $0.position < $1.position }
    }

    static func hex(ofBase64 text: String) throws -> String {
        try #require(Data(base64Encoded: text)).map { String(format: "%02x", $0) }.joined()
    }

    /// Every spelling of `pin` the list takes.
    static func spellings(of pin: String) throws -> [String] {
        let hex = try hex(ofBase64: pin)
        return [
            pin, "sha256/\(pin)", "SHA256/\(pin)", "sha256//\(pin)", "pin-sha256=\"\(pin)\"",
            "Pin-SHA256=\"\(pin)\"", "pin-sha256=\(pin)", "  sha256/\(pin)\t", hex, hex.uppercased(),
        ]
    }

    @Test("Every spelling of a manifest pin parses to that pin")
    func everySpellingParses() throws {
        let expected = try #require(Pin(base64: try Self.chain()[0].pin))
        for spelling in try Self.spellings(of: expected.base64) {
            #expect(try PinList.pin(parsing: spelling) == expected, "\(spelling)")
        }
    }

    @Test("A pin that starts with / reads the same after OkHttp's sha256/ and curl's sha256//")
    func pinStartingWithSlash() throws {
        // SHA-256 of the bytes "pinhash" (printf pinhash | openssl dgst -sha256 -binary | openssl enc -base64).
        let text = "/Bbag26unUnSqEdbKU8GvXHDYUk4SSiAMKIZsEkaJUQ="
        let pin = try #require(Pin(base64: text))
        #expect(try PinList.pin(parsing: "sha256/\(text)") == pin)
        #expect(try PinList.pin(parsing: "sha256//\(text)") == pin)
        #expect(try PinList(parsing: ["sha256//\(text);sha256/\(text)"]).pins == [pin])
    }

    @Test("A curl list and HPKP header pins separated by ; add every pin once, in order")
    func semicolonLists() throws {
        let pins = try Self.chain().map(\.pin)
        var list = PinList()
        try list.add(parsing: "sha256//\(pins[0]);sha256//\(pins[1])")
        try list.add(parsing: "pin-sha256=\"\(pins[2])\"; pin-sha256=\"\(pins[0])\";")
        #expect(list.pins.map(\.base64) == pins)
        #expect(list.count == 3)
    }

    @Test("The SHA-256 of empty input is refused in every spelling, by name")
    func emptyInputPinIsRefused() throws {
        #expect(Pin.ofNothing.base64 == Self.emptyInputPin)
        for spelling in try Self.spellings(of: Self.emptyInputPin) + [
            "sha256//\(try Self.chain()[0].pin);sha256//\(Self.emptyInputPin)"
        ] {
            let error = try #require(throws: PinHashError.self) { try PinList().adding(spelling) }
            #expect(error.code == .malformedInput)
            #expect(error.reason.contains("empty input"), "\(error.reason)")
        }
        let error = try #require(throws: PinHashError.self) { try PinList.pin(parsing: Self.emptyInputHex) }
        #expect(error.reason.contains(Self.emptyInputHex))
    }

    @Test(
        "Malformed pins are refused with their text in the reason",
        arguments: [
            "AAAA", "sha256/AAAA", "sha256//not-base64-at-all-but-exactly-44-chars-xx",
            "sha256=Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=", "pin-sha256", "md5/abc",
            "zz" + emptyInputHex.dropFirst(2),
            String(repeating: "A", count: 43),
        ])
    func malformedPins(spelling: String) throws {
        let error = try #require(throws: PinHashError.self) { try PinList.pin(parsing: spelling) }
        #expect(error.code == .malformedInput)
        #expect(error.reason.contains(spelling), "\(error.reason)")
        #expect(error.isOneNonEmptyLine)
    }

    @Test("SHA-1 pins are refused as SHA-1")
    func sha1Pins() throws {
        for spelling in ["sha1/ZmFrZWZha2VmYWtlZmFrZWZha2U=", "pin-sha1=\"ZmFrZWZha2VmYWtlZmFrZWZha2U=\""] {
            let error = try #require(throws: PinHashError.self) { try PinList.pin(parsing: spelling) }
            #expect(error.reason.contains("SHA-1"))
        }
    }

    @Test("An empty pin is refused")
    func emptyPin() {
        for text in ["", "   ", ";", " ; "] {
            #expect(throws: PinHashError.self) { try PinList().adding(text) }
        }
    }

    @Test("A pin file skips comments, blank lines, CRLF and a byte-order mark; errors name the line")
    func pinFileText() throws {
        let pins = try Self.chain().map(\.pin)
        let text =
            "\u{FEFF}# pins for www.example.com\r\n\r\nsha256/\(pins[0])  # current\r\n   \n"
            + "pin-sha256=\"\(pins[1])\"\n# backup:\nsha256//\(pins[2]);sha256//\(pins[0])"
        var list = PinList()
        try list.add(fileText: text)
        #expect(list.pins.map(\.base64) == pins)

        var broken = PinList()
        let error = try #require(throws: PinHashError.self) {
            try broken.add(fileText: "# ok\nsha256/\(pins[0])\nsha256/oops\n")
        }
        #expect(error.reason.hasPrefix("line 3: "), "\(error.reason)")
        #expect(error.reason.contains("sha256/oops"))
    }

    @Test("A pin file is read from disk; a missing one is named")
    func pinFileOnDisk() throws {
        let pins = try Self.chain().map(\.pin)
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("pins.txt").path
            try Data("# test\n\(pins[1])\n".utf8).write(to: URL(fileURLWithPath: path))
            var list = PinList()
            try list.add(contentsOfFileAt: path)
            #expect(list.pins.map(\.base64) == [pins[1]])

            let missing = directory.appendingPathComponent("missing.txt").path
            let error = try #require(throws: PinHashError.self) { try PinList().addingFile(missing) }
            #expect(error.code == .unreadableInput)
            #expect(error.description.hasPrefix("\(missing): "))
        }
    }

    @Test("A matching intermediate is the first match; the other objects are candidates")
    func matchingIntermediate() throws {
        let rows = try Self.chain()
        let objects = try PinReader().pins(inFileAt: Fixtures.path("certs/chain.pem"))
        var verification = PinVerification(expected: try PinList(parsing: ["sha256/\(rows[1].pin)"]))
        verification.check(objects, from: "certs/chain.pem")
        #expect(verification.succeeded)
        let match = try #require(verification.firstMatch)
        #expect(match.object.pin.base64 == rows[1].pin)
        #expect(match.object.summary == "intermediate \(rows[1].subject)")
        #expect(match.source == "certs/chain.pem")
        #expect(verification.matches.count == 1)
        #expect(verification.candidates.map(\.object.pin.base64) == rows.map(\.pin))
    }

    @Test("No match: the report lists every certificate with role and subject, then the pinned pins")
    func failureReport() throws {
        let rows = try Self.chain()
        let objects = try PinReader().pins(inFileAt: Fixtures.path("certs/chain.pem"))
        let wanted = try #require(
            Pin(base64: try Fixtures.manifest().first { $0.file == "keys/ed25519.pkcs8.pem" }!.pin))
        var verification = PinVerification(expected: try PinList(parsing: [wanted.base64]))
        verification.check(objects, from: "certs/chain.pem")
        #expect(!verification.succeeded)
        #expect(verification.firstMatch == nil)
        let expected =
            ["certificate pinning failure!", "  Peer certificate chain:"]
            + rows.map { "    sha256/\($0.pin): \($0.role) \($0.subject)" }
            + ["  Pinned certificates:", "    sha256/\(wanted.base64)"]
        #expect(verification.failureReport == expected.joined(separator: "\n"))
    }

    @Test("Keys are reported by algorithm and size; several inputs add the input's name")
    func keysInReport() throws {
        let key = try #require(try Fixtures.manifest().first { $0.file == "keys/rsa2048.pkcs8.pem" })
        let leaf = try Self.chain()[0]
        var verification = PinVerification(expected: try PinList(parsing: ["sha256/\(Self.chain()[2].pin)"]))
        verification.check(try PinReader().pins(inFileAt: Fixtures.path(key.file)), from: key.file)
        verification.check(try PinReader().pins(inFileAt: Fixtures.path("certs/leaf.pem")), from: "-")
        #expect(!verification.succeeded)
        let lines = verification.failureReport.split(separator: "\n").map(String.init)
        #expect(lines[1] == "  Keys and certificates read:")
        #expect(lines[2] == "    sha256/\(key.pin): key \(key.algorithm) \(key.bits) (\(key.file))")
        #expect(lines[3] == "    sha256/\(leaf.pin): leaf \(leaf.subject) (standard input)")
    }

    @Test("Past 1,000 objects the report counts the rest in one line; every match is counted")
    func longStreamReport() throws {
        let rows = try Self.chain()
        let objects = try PinReader().pins(inFileAt: Fixtures.path("certs/chain.pem"))
        let stranger = "sha256//Bbag26unUnSqEdbKU8GvXHDYUk4SSiAMKIZsEkaJUQ="
        var failing = PinVerification(expected: try PinList(parsing: [stranger]))
        var passing = PinVerification(expected: try PinList(parsing: ["sha256/\(rows[2].pin)"]))
        for _ in 0..<400 {
            failing.check(objects, from: "-")
            passing.check(objects, from: "-")
        }
        #expect(failing.checkedCount == 1_200)
        #expect(failing.candidates.count == PinVerification.reportedObjectLimit)
        let lines = failing.failureReport.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 1_000 + 1 + 2)
        #expect(lines[2] == "    sha256/\(rows[0].pin): \(rows[0].role) \(rows[0].subject)")
        #expect(
            lines.suffix(3) == [
                "    … and 200 more (1200 in all)", "  Pinned certificates:", "    \(stranger)",
            ])
        #expect(passing.matchCount == 400)
        #expect(passing.firstMatch?.object.position == 3)
    }
}

extension PinList {
    /// The list with `text` added, for `#expect(throws:)` closures.
    fileprivate func adding(_ text: String) throws -> PinList {
        var copy = self
        try copy.add(parsing: text)
        return copy
    }

    fileprivate func addingFile(_ path: String) throws -> PinList {
        var copy = self
        try copy.add(contentsOfFileAt: path)
        return copy
    }
}
