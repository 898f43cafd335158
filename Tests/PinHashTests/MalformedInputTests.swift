import Dispatch
import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// Inputs that must be rejected with an error a person can act on, never a crash, a hang or a pin.
@Suite("Malformed input")
struct MalformedInputTests {
    /// Small limits, so endless inputs are rejected after little reading.
    static let smallLimits = InputLimits(maximumObjectSize: 1 << 20, maximumTextBetweenBlocks: 1 << 16)

    /// The error reading `bytes` (or the file at `path`) throws; records an issue when nothing is thrown.
    static func error(
        reading bytes: [UInt8], as inputType: InputType = .auto, passphrase: PassphraseSource? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> PinHashError? {
        let reader = PinReader(inputType: inputType, passphrase: passphrase)
        return #expect(throws: PinHashError.self, sourceLocation: sourceLocation) {
            try reader.pins(in: bytes, source: "bytes")
        }
    }

    static func error(
        readingFileAt path: String, as inputType: InputType = .auto, passphrase: PassphraseSource? = nil,
        limits: InputLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
    ) -> PinHashError? {
        let reader = PinReader(inputType: inputType, passphrase: passphrase, limits: limits)
        return #expect(throws: PinHashError.self, sourceLocation: sourceLocation) {
            try reader.pins(inFileAt: path)
        }
    }

    /// Checks what every rejection must be: a named code other than an internal failure, a one-line reason.
    static func expectUsable(_ error: PinHashError?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else { return }
        #expect(error.code != .internalFailure, "\(error)", sourceLocation: sourceLocation)
        #expect(
            error.isOneNonEmptyLine, "reason is not one non-empty line: \(error.reason)",
            sourceLocation: sourceLocation)
    }

    @Test("malformed.tsv lists the malformed inputs")
    func tableIsComplete() throws {
        let rows = try Fixtures.malformed()
        #expect(rows.count >= 30)
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: Fixtures.path(row.file)), "\(row.file) is missing")
        }
    }

    @Test("Every malformed fixture is rejected with a usable error", arguments: try Fixtures.malformed())
    func malformedFixtureIsRejected(row: MalformedRow) throws {
        let inputType = try #require(row.inputType)
        let passphrase = PassphraseSource.literal(Fixtures.passphrase)
        let error = Self.error(readingFileAt: Fixtures.path(row.file), as: inputType, passphrase: passphrase)
        Self.expectUsable(error)
        #expect(error?.source == Fixtures.path(row.file))
        let fromBytes = Self.error(
            reading: try Fixtures.bytes(row.file), as: inputType, passphrase: passphrase)
        Self.expectUsable(fromBytes)
        #expect(fromBytes?.code == error?.code)
    }

    @Test(
        "testLoadingGibberishFromMemoryFails: empty and one-byte inputs are rejected",
        arguments: [[], [0x30], [0x00], [0x2D], [0x0A], [0xFF]] as [[UInt8]])
    func tinyInputsAreRejected(bytes: [UInt8]) {
        for inputType in InputType.allCases {
            Self.expectUsable(Self.error(reading: bytes, as: inputType))
        }
    }

    @Test("Empty input is malformed and says so")
    func emptyInputIsMalformed() {
        let error = Self.error(reading: [])
        #expect(error?.code == .malformedInput)
        #expect(error?.source == "bytes")
        #expect(error?.description.hasPrefix("bytes: ") == true)
    }

    @Test(
        "Endless devices are rejected within bounded time and memory",
        arguments: ["/dev/zero", "/dev/urandom"])
    func endlessDeviceIsRejected(path: String) throws {
        try #require(FileManager.default.fileExists(atPath: path))
        for inputType in [InputType.auto, .certificate, .privateKey, .pkcs12] {
            let reader = PinReader(inputType: inputType, limits: Self.smallLimits)
            let outcome = runWithDeadline(seconds: 30) { () -> Result<[PinnedObject], PinHashError> in
                do throws(PinHashError) { return .success(try reader.pins(inFileAt: path)) } catch {
                    return .failure(error)
                }
            }
            let result = try #require(outcome, "reading \(path) as \(inputType) did not end within 30 s")
            switch result {
            case .success(let objects):
                Issue.record("\(path) as \(inputType) gave \(objects.count) pins")
            case .failure(let error):
                Self.expectUsable(error)
                #expect(error.source == path)
            }
        }
    }

    @Test("A certificate request in a certificate bundle is named by its block")
    func requestInCertificateBundleIsNamed() throws {
        let certificate = try String(contentsOfFile: Fixtures.path("certs/leaf.pem"), encoding: .utf8)
        let request = try String(contentsOfFile: Fixtures.path("csr/rsa2048.csr.pem"), encoding: .utf8)
        let root = try String(contentsOfFile: Fixtures.path("certs/root.pem"), encoding: .utf8)
        let bundle = Array((certificate + request + root).utf8)
        let error = Self.error(reading: bundle, as: .certificate)
        #expect(error?.code == .wrongType)
        #expect(error?.reason == "block 2 is a CERTIFICATE REQUEST, not a certificate")
        // Auto-detection takes all three.
        let objects = try PinReader().pins(in: bundle)
        #expect(objects.map(\.kind) == [.certificate, .certificateRequest, .certificate])
        #expect(objects.map(\.position) == [1, 2, 3])
    }

    @Test("The bundle fixture with a request fails on block 2")
    func bundleFixtureWithRequestFailsOnBlockTwo() {
        let error = Self.error(
            readingFileAt: Fixtures.path("malformed/bundle-with-csr.pem"), as: .certificate)
        #expect(error?.code == .wrongType)
        #expect(error?.reason == "block 2 is a CERTIFICATE REQUEST, not a certificate")
    }

    /// Every encrypted fixture file once, with the manifest row that describes it.
    static func encryptedFiles() throws -> [ManifestRow] {
        var seen: Set<String> = []
        return try Fixtures.manifest().filter { $0.encrypted == "yes" && seen.insert($0.file).inserted }
    }

    @Test("There are encrypted PKCS#8, legacy PEM and PKCS#12 fixtures")
    func encryptedFixturesCoverEveryFormat() throws {
        let files = try Self.encryptedFiles().map(\.file)
        #expect(files.contains { $0.hasSuffix(".pkcs8.enc.pem") })
        #expect(files.contains { $0.hasSuffix(".pkcs8.enc.der") })
        #expect(files.contains { $0.hasSuffix(".pkcs1.enc.pem") || $0.hasSuffix(".sec1.enc.pem") })
        #expect(files.contains { $0.hasSuffix(".p12") })
    }

    @Test("A wrong passphrase is reported as one", arguments: try encryptedFiles())
    func wrongPassphraseIsReported(row: ManifestRow) {
        for inputType in [InputType.auto, row.inputType] {
            let error = Self.error(
                readingFileAt: row.path, as: inputType, passphrase: .literal("not the passphrase"))
            #expect(error?.code == .wrongPassphrase, "\(error.map(String.init(describing:)) ?? "no error")")
            Self.expectUsable(error)
        }
    }

    @Test("No passphrase for an encrypted input asks for one", arguments: try encryptedFiles())
    func missingPassphraseIsRequired(row: ManifestRow) {
        for inputType in [InputType.auto, row.inputType] {
            let error = Self.error(readingFileAt: row.path, as: inputType, passphrase: nil)
            #expect(
                error?.code == .passphraseRequired, "\(error.map(String.init(describing:)) ?? "no error")")
            Self.expectUsable(error)
        }
    }

    @Test("An empty passphrase for an encrypted key is a wrong one", arguments: try encryptedFiles())
    func emptyPassphraseIsWrong(row: ManifestRow) {
        let error = Self.error(readingFileAt: row.path, passphrase: .literal(""))
        #expect(error?.code == .wrongPassphrase || error?.code == .passphraseRequired)
        Self.expectUsable(error)
    }

    @Test(
        "A missing file and a directory are unreadable", arguments: ["/nonexistent/pinhash/file.pem", "/tmp"])
    func unreadablePathIsReported(path: String) {
        let error = Self.error(readingFileAt: path)
        #expect(error?.code == .unreadableInput)
        #expect(error?.source == path)
        Self.expectUsable(error)
    }

    @Test("A DER object larger than the object limit is too large")
    func derObjectOverTheLimitIsTooLarge() throws {
        let reader = PinReader(limits: InputLimits(maximumObjectSize: 512, maximumTextBetweenBlocks: 1 << 16))
        let fromBytes = #expect(throws: PinHashError.self) {
            try reader.pins(in: try Fixtures.bytes("certs/root.der"))
        }
        #expect(fromBytes?.code == .inputTooLarge)
        Self.expectUsable(fromBytes)
        let fromFile = #expect(throws: PinHashError.self) {
            try reader.pins(inFileAt: Fixtures.path("certs/root.der"))
        }
        #expect(fromFile?.code == .inputTooLarge)
    }

    /// A CERTIFICATE block of `size` bytes of base64 text (zeros, so not a certificate).
    static func oversizedBlock(size: Int) -> [UInt8] {
        let line = [UInt8](repeating: UInt8(ascii: "A"), count: 64) + [0x0A]
        var text = Array("-----BEGIN CERTIFICATE-----\n".utf8)
        for _ in 0..<(size / line.count) { text += line }
        return text + Array("-----END CERTIFICATE-----\n".utf8)
    }

    @Test("A PEM block larger than the object limit is too large, read from a file")
    func pemBlockOverTheLimitInAFileIsTooLarge() throws {
        let reader = PinReader(
            limits: InputLimits(maximumObjectSize: 1 << 20, maximumTextBetweenBlocks: 1 << 16))
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("big.pem")
            try Data(Self.oversizedBlock(size: 3 << 20)).write(to: file)
            let error = #expect(throws: PinHashError.self) { try reader.pins(inFileAt: file.path) }
            #expect(error?.code == .inputTooLarge, "\(error.map(String.init(describing:)) ?? "")")
            Self.expectUsable(error)
        }
        // root.pem's block is ~1.9 KB; the whole of it arrives in the first read.
        let small = PinReader(limits: InputLimits(maximumObjectSize: 512, maximumTextBetweenBlocks: 1 << 16))
        let error = #expect(throws: PinHashError.self) {
            try small.pins(inFileAt: Fixtures.path("certs/root.pem"))
        }
        #expect(error?.code == .inputTooLarge)
    }

    @Test("A PEM block larger than the object limit is too large, read from memory")
    func pemBlockOverTheLimitInMemoryIsTooLarge() throws {
        // InputLimits documents maximumObjectSize as the largest PEM block's text.
        let limits = InputLimits(maximumObjectSize: 1 << 20, maximumTextBetweenBlocks: 1 << 16)
        let error = #expect(throws: PinHashError.self) {
            try PinReader(limits: limits).pins(in: Self.oversizedBlock(size: 3 << 20))
        }
        #expect(error?.code == .inputTooLarge, "\(error.map(String.init(describing:)) ?? "")")
    }

    @Test("Text longer than the limit before the first block is too large, and the error states the limit")
    func textBeforeTheFirstBlockOverTheLimitIsTooLarge() throws {
        let bytes =
            Array(repeating: UInt8(ascii: "x"), count: 1 << 17) + (try Fixtures.bytes("certs/leaf.pem"))
        let reader = PinReader(limits: Self.smallLimits)
        let error = #expect(throws: PinHashError.self) { try reader.pins(in: bytes) }
        #expect(error?.code == .inputTooLarge)
        Self.expectUsable(error)
        // The limit is 64 KiB, and the reason says so.
        #expect(error?.reason.contains("64 KiB") == true, "\(error?.reason ?? "")")
    }

    @Test("Garbage after the last PEM block is ignored, as openssl ignores it")
    func textAfterTheLastBlockIsIgnored() throws {
        let row = try #require(try Fixtures.manifest().first { $0.file == "certs/leaf.pem" })
        let bytes = (try Fixtures.bytes(row.file)) + Array("trailing words\n".utf8)
        #expect(try PinReader().pins(in: bytes).map(\.pin.base64) == [row.pin])
    }
}

/// Runs `body` on its own thread and waits at most `seconds` for it; nil when it has not finished (the
/// thread is then left running, so a hang fails the test instead of stalling the whole run).
func runWithDeadline<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () -> T) -> T? {
    let result = LockedBox<T?>(nil)
    let finished = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
        let value = body()
        result.value = value
        finished.signal()
    }
    guard finished.wait(timeout: .now() + seconds) == .success else { return nil }
    return result.value
}
