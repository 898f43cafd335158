import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// pinhash's own subject hash (the file names of a hashed certificate directory) against `openssl x509
/// -subject_hash`, on every certificate of the system's CA bundle and on names made by `openssl req` to
/// test the canonical form (case, white space, string types, several attributes in one RDN); and its
/// SHA-1 against `openssl dgst -sha1`.
@Suite(
    "The subject hash of a hashed certificate directory, against openssl",
    .enabled(if: ExternalCommand.hasOpenSSL, "/usr/bin/openssl is missing"))
struct SubjectHashTests {
    @Test("SHA-1 of every length from 0 to 200 bytes is openssl dgst -sha1's")
    func sha1AgainstOpenSSL() throws {
        try withTemporaryDirectory { directory in
            for count in 0...200 {
                let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ count) }
                let file = directory.appendingPathComponent("bytes")
                try Data(bytes).write(to: file)
                let result = try ExternalCommand.openSSL("dgst", "-sha1", "-r", file.path)
                try #require(result.succeeded, "openssl dgst: \(result.firstErrorLine)")
                let expected = String(result.text.prefix(40))
                let digest = SHA1Digest.digest(of: bytes).map { String(format: "%02x", $0) }.joined()
                #expect(digest == expected, "\(count) bytes")
            }
        }
    }

    /// The subject hash pinhash gives a certificate (its own, or nil when it leaves the name to
    /// OpenSSL) and the one openssl x509 prints.
    static func hashes(ofCertificate pem: String, in directory: URL) throws -> (
        ours: UInt32?, openSSL: String
    ) {
        let file = directory.appendingPathComponent("certificate.pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        let result = try ExternalCommand.openSSL("x509", "-in", file.path, "-noout", "-subject_hash")
        try #require(result.succeeded, "openssl x509: \(result.firstErrorLine)")
        let object = try #require(PinReader(inputType: .certificate).pins(in: Array(pem.utf8)).first)
        let fields = try #require(object.signedObject)
        let subject = try #require(fields.subject)
        let ours = fields.der.withUnsafeBufferPointer { canonicalSubjectHash(ofNameDER: $0.slice(subject)) }
        return (ours, result.text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func hex(_ hash: UInt32) -> String {
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    @Test("Every certificate of the system CA bundle: pinhash's hash, where it gives one, is openssl's")
    func systemBundle() throws {
        let text = try String(contentsOfFile: "/etc/ssl/certs/ca-certificates.crt", encoding: .utf8)
        let certificates = CACatalogueTests.certificates(in: text)
        try #require(certificates.count > 100)
        var computed = 0
        try withTemporaryDirectory { directory in
            for pem in certificates {
                let (ours, openSSL) = try Self.hashes(ofCertificate: pem, in: directory)
                guard let ours else { continue }
                computed += 1
                #expect(Self.hex(ours) == openSSL, "\(pem.prefix(120))")
            }
        }
        // The point of it: nearly every CA name is hashed without OpenSSL.
        #expect(computed * 10 >= certificates.count * 9, "\(computed) of \(certificates.count)")
    }

    @Test(
        "Names made to test the canonical form hash as openssl's, or are left to it",
        arguments: [
            ("/CN=Plain Name/O=Example/C=DE", true),
            ("/CN=  Leading and   inner   spaces  /O=MiXeD CaSe Org", true),
            ("/CN=UPPER/OU=Unit One/OU=Unit Two/L=Berlin", true),
            ("/CN=email@example.com/emailAddress=ca@example.com", true),
            ("/CN=a+OU=b/O=several in one RDN", false),
            ("/CN=Caf\u{E9} Stra\u{DF}e/O=UTF-8", false),
            ("/DC=com/DC=example/CN=Domain Components", true),
        ])
    func craftedNames(subject: String, computedHere: Bool) throws {
        try withTemporaryDirectory { directory in
            let key = directory.appendingPathComponent("key.pem")
            let certificate = directory.appendingPathComponent("made.pem")
            let made = try ExternalCommand.openSSL(
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                key.path, "-subj", subject, "-multivalue-rdn", "-utf8", "-days", "1", "-out", certificate.path
            )
            try #require(made.succeeded, "openssl req: \(made.firstErrorLine)")
            let pem = try String(contentsOf: certificate, encoding: .utf8)
            let (ours, openSSL) = try Self.hashes(ofCertificate: pem, in: directory)
            #expect((ours != nil) == computedHere)
            if let ours { #expect(Self.hex(ours) == openSSL) }
            // The fallback, OpenSSL's own hash, agrees with openssl x509 too.
            let object = try #require(PinReader(inputType: .certificate).pins(in: Array(pem.utf8)).first)
            let fields = try #require(object.signedObject)
            let subject = try #require(fields.subject)
            let fallback = try #require(X509Name.subjectHash(ofNameDER: fields.der.slice(subject).array[...]))
            #expect(Self.hex(fallback) == openSSL)
        }
    }

    @Test(
        "The trust store's environment variables are the ones libcrypto names (SSL_CERT_FILE, SSL_CERT_DIR)")
    func trustStoreVariablesAreOpenSSLs() {
        // Named without loading libcrypto; a run with them set then reads the store without it.
        #expect(
            TrustStoreLocation.openSSLVariables
                == [TrustStoreLocation.fileVariable, TrustStoreLocation.directoryVariable])
    }
}
