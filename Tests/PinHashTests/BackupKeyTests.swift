import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// `BackupKey` and `CertificateRequestSubject` in process; pins and subjects checked with live openssl.
@Suite("Backup: key generation, writing and request subjects in the library")
struct BackupKeyTests {
    /// The pin openssl computes from the key file at `path`.
    static func opensslPin(ofKeyAt path: String, passphraseFile: String? = nil) throws -> String {
        let passin = passphraseFile.map { " -passin file:\(ExternalCommand.quoted($0))" } ?? ""
        let result = try ExternalCommand.pipeline(
            "openssl pkey -in \(ExternalCommand.quoted(path))\(passin) -pubout -outform der "
                + "| openssl dgst -sha256 -binary | openssl enc -base64")
        guard result.succeeded, result.errorOutput.isEmpty else {
            throw FixtureError("openssl could not read \(path): \(result.firstErrorLine)")
        }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func mode(of path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test(
        "A generated key is written with mode 0600 and openssl derives the same pin",
        .enabled(if: ExternalCommand.hasOpenSSL), arguments: [BackupKeyAlgorithm.p256, .ed25519, .rsa2048])
    func generatedKeyMatchesOpenSSL(algorithm: BackupKeyAlgorithm) throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("backup.key").path
            let key = try BackupKey.generate(algorithm)
            #expect(!key.isEncrypted)
            #expect(Pin(subjectPublicKeyInfo: key.subjectPublicKeyInfo) == key.pin)
            #expect(key.pinnedObject.pin == key.pin && key.pinnedObject.kind == .privateKey)
            try key.write(to: path)
            #expect(try Self.mode(of: path) == 0o600)
            #expect(try Self.opensslPin(ofKeyAt: path) == key.pin.base64)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
            // Nothing but the key is left in the directory (no temporary file).
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["backup.key"])
        }
    }

    @Test("Two generated keys differ")
    func keysAreFresh() throws {
        #expect(try BackupKey.generate(.p256).pin != BackupKey.generate(.p256).pin)
    }

    @Test(
        "An existing file, or a dangling link, is never overwritten", .enabled(if: ExternalCommand.hasOpenSSL)
    )
    func neverOverwrites() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("backup.key").path
            try Data("precious\n".utf8).write(to: URL(fileURLWithPath: path))
            let key = try BackupKey.generate(.ed25519)
            let error = try #require(throws: PinHashError.self) { try key.write(to: path) }
            #expect(error.description == "\(path) exists; pinhash never overwrites a key")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "precious\n")
            #expect(throws: PinHashError.self) { try BackupKey.checkDestinations(keyPath: path) }

            let link = directory.appendingPathComponent("dangling.key").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "nowhere")
            #expect(throws: PinHashError.self) { try key.write(to: link) }
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("nowhere").path))
            #expect(
                Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
                    == ["backup.key", "dangling.key"])
        }
    }

    @Test("A key is not written when its request's file exists", .enabled(if: ExternalCommand.hasOpenSSL))
    func requestExistsWritesNothing() throws {
        try withTemporaryDirectory { directory in
            let keyPath = directory.appendingPathComponent("backup.key").path
            let requestPath = directory.appendingPathComponent("backup.csr").path
            try Data().write(to: URL(fileURLWithPath: requestPath))
            let key = try BackupKey.generate(.p256)
            let output = CertificateRequestOutput(
                path: requestPath, subject: try CertificateRequestSubject(openSSLForm: "/CN=backup.example"))
            let error = try #require(throws: PinHashError.self) {
                try key.write(to: keyPath, certificateRequest: output)
            }
            #expect(error.description == "\(requestPath) exists; pinhash never overwrites a file")
            #expect(!FileManager.default.fileExists(atPath: keyPath))
        }
    }

    @Test("A missing directory is named")
    func missingDirectory() throws {
        let error = try #require(throws: PinHashError.self) {
            try BackupKey.checkDestinations(keyPath: "/nonexistent-pinhash-directory/backup.key")
        }
        #expect(error.description.contains("/nonexistent-pinhash-directory"))
    }

    @Test(
        "An encrypted key is ENCRYPTED PRIVATE KEY that openssl opens with the passphrase only",
        .enabled(if: ExternalCommand.hasOpenSSL))
    func encryptedKey() throws {
        try withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("backup.key").path
            let passphraseFile = directory.appendingPathComponent("pass").path
            let wrongFile = directory.appendingPathComponent("wrong").path
            try Data("correct horse".utf8).write(to: URL(fileURLWithPath: passphraseFile))
            try Data("wrong horse".utf8).write(to: URL(fileURLWithPath: wrongFile))
            let key = try BackupKey.generate(.p256, passphrase: .literal("correct horse"))
            #expect(key.isEncrypted)
            try key.write(to: path)
            #expect(
                try String(contentsOfFile: path, encoding: .utf8).hasPrefix(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"))
            #expect(try Self.opensslPin(ofKeyAt: path, passphraseFile: passphraseFile) == key.pin.base64)
            #expect(throws: FixtureError.self) {
                try Self.opensslPin(ofKeyAt: path, passphraseFile: wrongFile)
            }
            // The library reads its own output back with the same passphrase.
            let objects = try PinReader(passphrase: .literal("correct horse")).pins(inFileAt: path)
            #expect(objects.map(\.pin) == [key.pin])
        }
    }

    @Test("An empty passphrase is refused")
    func emptyPassphrase() throws {
        let error = try #require(throws: PinHashError.self) {
            try BackupKey.generate(.p256, passphrase: .literal(""))
        }
        #expect(error.reason.contains("empty"))
    }

    @Test(
        "A certificate request verifies, names the subject and has the key's pin",
        .enabled(if: ExternalCommand.hasOpenSSL), arguments: [BackupKeyAlgorithm.p256, .ed25519])
    func certificateRequest(algorithm: BackupKeyAlgorithm) throws {
        try withTemporaryDirectory { directory in
            let keyPath = directory.appendingPathComponent("backup.key").path
            let requestPath = directory.appendingPathComponent("backup.csr").path
            let subject = try CertificateRequestSubject(
                openSSLForm: "/C=DE/O=Example\\/Test/CN=backup.example")
            let key = try BackupKey.generate(algorithm)
            try key.write(
                to: keyPath, certificateRequest: CertificateRequestOutput(path: requestPath, subject: subject)
            )
            let verified = try ExternalCommand.openSSL(
                "req", "-in", requestPath, "-verify", "-noout", "-subject", "-nameopt", "RFC2253")
            #expect(verified.succeeded, "\(verified.errorOutput)")
            #expect(verified.text == "subject=CN=backup.example,O=Example/Test,C=DE\n")
            let pin = try ExternalCommand.pipeline(
                "openssl req -in \(ExternalCommand.quoted(requestPath)) -pubkey -noout | openssl pkey -pubin "
                    + "-outform der | openssl dgst -sha256 -binary | openssl enc -base64")
            #expect(pin.text == "\(key.pin.base64)\n")
            #expect(try PinReader().pins(inFileAt: requestPath).map(\.pin) == [key.pin])
        }
    }

    @Test("The openssl -subj form: attributes in order, backslash escapes, and back")
    func subjectParses() throws {
        let subject = try CertificateRequestSubject(
            openSSLForm: "/C=DE/O=A\\/B \\\\ C/CN=x=y/emailAddress=a@b.example")
        #expect(subject.attributes.map(\.type) == ["C", "O", "CN", "emailAddress"])
        #expect(subject.attributes.map(\.value) == ["DE", "A/B \\ C", "x=y", "a@b.example"])
        #expect(subject.description == "/C=DE/O=A\\/B \\\\ C/CN=x=y/emailAddress=a@b.example")
        #expect(try CertificateRequestSubject(openSSLForm: subject.description) == subject)
        #expect(try CertificateRequestSubject(openSSLForm: "/2.5.4.3=oid.example").attributes.count == 1)
    }

    @Test(
        "A subject OpenSSL would not take is refused with the reason",
        arguments: [
            ("CN=x", "must start with /"), ("/", "empty attribute"), ("/CN=x/", "empty attribute"),
            ("/CN=x//O=y", "empty attribute"), ("/CN", "has no ="), ("/=x", "no type"),
            ("/CN=", "empty value"),
            ("/NOPE=x", "NOPE is not one OpenSSL knows"), ("/C=DEU", "C cannot hold"),
            ("/CN=x\\", "backslash"),
        ])
    func subjectRefused(text: String, reason: String) throws {
        let error = try #require(throws: PinHashError.self) {
            try CertificateRequestSubject(openSSLForm: text)
        }
        #expect(error.reason.contains(reason), "\(error.reason)")
        #expect(error.isOneNonEmptyLine)
    }
}
