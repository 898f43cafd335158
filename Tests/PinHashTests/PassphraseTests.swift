import Foundation
import PinHash
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `-passin` forms openssl takes, each opening the same encrypted fixtures.
@Suite("Passphrase sources")
struct PassphraseTests {
    /// An encrypted PKCS#8 key, a legacy encrypted PEM key and a PKCS#12 file, with their expected pins.
    static func encryptedRows() throws -> [ManifestRow] {
        let files = ["keys/rsa2048.pkcs8.enc.pem", "keys/ec-p256.sec1.enc.pem", "p12/leaf.p12"]
        let rows = try Fixtures.manifest().filter { files.contains($0.file) && $0.position == 1 }
        #expect(rows.count == files.count)
        return rows
    }

    /// Reads every encrypted row with `source` and checks the pins; a source is read once, so one source
    /// serves all three files.
    static func expectPins(with source: PassphraseSource, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        for row in try encryptedRows() {
            let objects = try PinReader(passphrase: source).pins(inFileAt: row.path)
            #expect(objects.first?.pin.base64 == row.pin, "\(row.file)", sourceLocation: sourceLocation)
        }
    }

    /// The error opening an encrypted key with `source`.
    static func error(with source: PassphraseSource, sourceLocation: SourceLocation = #_sourceLocation)
        -> PinHashError?
    {
        let path = Fixtures.path("keys/rsa2048.pkcs8.enc.pem")
        return #expect(throws: PinHashError.self, sourceLocation: sourceLocation) {
            try PinReader(passphrase: source).pins(inFileAt: path)
        }
    }

    @Test("The passphrase fixture has no trailing newline")
    func passphraseFixtureIsOneLine() {
        #expect(Fixtures.passphrase == "pinhash fixture passphrase")
    }

    @Test("A literal passphrase opens the encrypted fixtures")
    func literalOpens() throws {
        try Self.expectPins(with: .literal(Fixtures.passphrase))
    }

    @Test("pass:TEXT opens the encrypted fixtures")
    func passArgumentOpens() throws {
        try Self.expectPins(with: PassphraseSource(openSSLArgument: "pass:" + Fixtures.passphrase))
    }

    @Test("env:VAR opens the encrypted fixtures")
    func environmentArgumentOpens() throws {
        // A name no other test uses, since the environment is shared by every test in the process.
        let name = "PINHASH_TEST_PASSPHRASE_\(UUID().uuidString.prefix(8))"
        setenv(name, Fixtures.passphrase, 1)
        defer { unsetenv(name) }
        try Self.expectPins(with: PassphraseSource(openSSLArgument: "env:" + name))
    }

    @Test("file:PATH opens the encrypted fixtures")
    func fileArgumentOpens() throws {
        try Self.expectPins(
            with: PassphraseSource(openSSLArgument: "file:" + Fixtures.path("passphrase.txt")))
    }

    @Test("file:PATH uses only the file's first line, as openssl does")
    func fileArgumentReadsTheFirstLine() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("passphrase")
            try Data((Fixtures.passphrase + "\nsecond line\n").utf8).write(to: file)
            try Self.expectPins(with: PassphraseSource(openSSLArgument: "file:" + file.path))
        }
    }

    @Test(
        "file:PATH keeps a carriage return before the line feed in the passphrase, as openssl does",
        .enabled(if: ExternalCommand.hasOpenSSL, "needs /usr/bin/openssl"))
    func fileArgumentTreatsCarriageReturnAsOpenSSLDoes() throws {
        let key = Fixtures.path("keys/rsa2048.pkcs8.enc.pem")
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("passphrase")
            try Data((Fixtures.passphrase + "\r\n").utf8).write(to: file)
            let openSSL = try ExternalCommand.openSSL(
                "pkey", "-in", key, "-passin", "file:" + file.path, "-noout")
            let reader = PinReader(passphrase: try PassphraseSource(openSSLArgument: "file:" + file.path))
            let result = Result { () throws(PinHashError) in try reader.pins(inFileAt: key) }
            #expect(openSSL.succeeded == ((try? result.get()) != nil), "openssl: \(openSSL.firstErrorLine)")
            if case .failure(let error) = result {
                #expect(error.code == .wrongPassphrase)
            }
        }
    }

    @Test("fd:N opens the encrypted fixtures")
    func descriptorArgumentOpens() throws {
        let descriptor = open(Fixtures.path("passphrase.txt"), O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        try Self.expectPins(with: PassphraseSource(openSSLArgument: "fd:\(descriptor)"))
    }

    @Test(
        "Arguments in none of openssl's forms are rejected",
        arguments: ["foo", "fd:x", "fd:", "fd:-1", "env", "file", "pass", "PASS:x", "", " pass:x"])
    func malformedArgumentIsRejected(argument: String) {
        let error = #expect(throws: PinHashError.self) { try PassphraseSource(openSSLArgument: argument) }
        #expect(error?.code == .passphraseUnavailable)
        #expect(error?.isOneNonEmptyLine == true)
    }

    @Test("An unset environment variable is unavailable")
    func unsetEnvironmentVariableIsUnavailable() throws {
        let name = "PINHASH_TEST_UNSET_\(UUID().uuidString.prefix(8))"
        let error = Self.error(with: try PassphraseSource(openSSLArgument: "env:" + name))
        #expect(error?.code == .passphraseUnavailable)
        #expect(error?.reason.contains(name) == true)
    }

    @Test("A missing passphrase file is unavailable")
    func missingFileIsUnavailable() throws {
        let error = Self.error(
            with: try PassphraseSource(openSSLArgument: "file:/nonexistent/pinhash/passphrase"))
        #expect(error?.code == .passphraseUnavailable)
        #expect(error?.isOneNonEmptyLine == true)
    }

    @Test("A descriptor that is not open is unavailable")
    func closedDescriptorIsUnavailable() throws {
        // No descriptor can be open at or above the process's limit.
        var limit = rlimit()
        try #require(getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0)
        let descriptor = min(limit.rlim_cur, rlim_t(Int32.max))
        let error = Self.error(with: try PassphraseSource(openSSLArgument: "fd:\(descriptor)"))
        #expect(error?.code == .passphraseUnavailable)
        #expect(error?.isOneNonEmptyLine == true)
    }

    @Test("An unusable source is not read when nothing is encrypted")
    func sourceIsReadOnlyWhenNeeded() throws {
        let row = try #require(try Fixtures.manifest().first { $0.file == "keys/rsa2048.pkcs8.pem" })
        let source = try PassphraseSource(openSSLArgument: "file:/nonexistent/pinhash/passphrase")
        let objects = try PinReader(passphrase: source).pins(inFileAt: row.path)
        #expect(objects.map(\.pin.base64) == [row.pin])
    }

    @Test("A wrong passphrase from a file is a wrong passphrase")
    func wrongPassphraseFromFileIsWrong() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("passphrase")
            try Data("not the passphrase".utf8).write(to: file)
            let error = Self.error(with: try PassphraseSource(openSSLArgument: "file:" + file.path))
            #expect(error?.code == .wrongPassphrase)
        }
    }
}
