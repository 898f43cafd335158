internal import CPinhashOpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The key types `BackupKey` generates.
public enum BackupKeyAlgorithm: String, Sendable, Hashable, CaseIterable {
    case rsa2048, rsa3072, rsa4096, p256, p384, ed25519

    /// The name OpenSSL's key manager answers to.
    var keyType: String {
        switch self {
        case .rsa2048, .rsa3072, .rsa4096: "RSA"
        case .p256, .p384: "EC"
        case .ed25519: "ED25519"
        }
    }
}

/// A new key pair for the backup pin HPKP requires (RFC 7469 §4.3: a pin whose key is not in the served
/// chain, kept offline until the current key has to be replaced).
///
/// ```swift
/// let key = try BackupKey.generate(.p256, passphrase: PassphraseSource(openSSLArgument: "env:BACKUP_PASS"))
/// try key.write(to: "backup.key")
/// print(key.pin)
/// ```
///
/// The private key stays inside OpenSSL; it is freed (and so cleansed) when the last copy of the value
/// goes, and the passphrase with it.
public struct BackupKey: Sendable {
    public let algorithm: BackupKeyAlgorithm
    /// The DER SubjectPublicKeyInfo of the new key, as `openssl pkey -pubout -outform der` writes it.
    public let subjectPublicKeyInfo: [UInt8]
    /// The pin of the new key.
    public let pin: Pin
    let pair: KeyPair
    let passphrase: SecretBytes?

    /// The new key as `PinReader` reports the file `write` makes (a private key at position 1), for code
    /// that prints or formats pins.
    public var pinnedObject: PinnedObject {
        .privateKey(subjectPublicKeyInfo: subjectPublicKeyInfo, position: 1)
    }

    /// Whether `write` encrypts the key (PKCS#8 with AES-256-CBC).
    public var isEncrypted: Bool { passphrase != nil }

    /// Generates a key. With `passphrase`, the key is written encrypted; the passphrase is read here,
    /// before the key is made (from the terminal, it is asked for twice).
    public static func generate(_ algorithm: BackupKeyAlgorithm, passphrase: PassphraseSource? = nil)
        throws(PinHashError) -> BackupKey
    {
        let secret = try passphrase.map { source throws(PinHashError) in try newPassphrase(from: source) }
        readyOpenSSLForKeys()
        OpenSSLErrors.clear()
        defer { OpenSSLErrors.clear() }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm.keyType, nil) else {
            throw openSSLFailure("OpenSSL has no \(algorithm.keyType) key generator")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw openSSLFailure("cannot start key generation") }
        let configured: Int32
        switch algorithm {
        case .rsa2048: configured = EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048)
        case .rsa3072: configured = EVP_PKEY_CTX_set_rsa_keygen_bits(context, 3072)
        case .rsa4096: configured = EVP_PKEY_CTX_set_rsa_keygen_bits(context, 4096)
        case .p256: configured = EVP_PKEY_CTX_set_group_name(context, "P-256")
        case .p384: configured = EVP_PKEY_CTX_set_group_name(context, "P-384")
        case .ed25519: configured = 1
        }
        guard configured > 0 else {
            throw openSSLFailure("cannot set up \(algorithm.rawValue) key generation")
        }
        var generated: OpaquePointer?
        guard EVP_PKEY_generate(context, &generated) == 1, let generated else {
            throw openSSLFailure("key generation failed")
        }
        let pair = KeyPair(takingOwnership: generated)
        let spki = try encodedSubjectPublicKeyInfo(pair.key)
        return BackupKey(
            algorithm: algorithm, subjectPublicKeyInfo: spki, pin: Pin(subjectPublicKeyInfo: spki),
            pair: pair, passphrase: secret)
    }

    /// Fails unless the key file (and the request, when there is one) can be created: nothing, not even a
    /// dangling link, is at either path, and their directories exist. `write` checks again as it creates
    /// the files; this lets a caller fail before spending seconds on an RSA key.
    public static func checkDestinations(keyPath: String, certificateRequest: CertificateRequestOutput? = nil)
        throws(PinHashError)
    {
        if let certificateRequest, certificateRequest.path == keyPath {
            throw PinHashError(
                .invalidArgument, "the key and the certificate request cannot both be written to \(keyPath)")
        }
        try OutputFile.checkNothingExists(at: keyPath, what: "a key")
        if let certificateRequest {
            try OutputFile.checkNothingExists(at: certificateRequest.path, what: "a file")
        }
    }

    /// Writes the key as PKCS#8 PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with AES-256-CBC when
    /// there is a passphrase) to a new file at `path` with mode 0600, and with `certificateRequest` a
    /// PKCS#10 request for it as well. Nothing is ever overwritten: when either file exists, neither is
    /// written. Each file appears whole or not at all; if the request cannot be written, the key file
    /// just written is removed again.
    public func write(to path: String, certificateRequest: CertificateRequestOutput? = nil)
        throws(PinHashError)
    {
        try Self.checkDestinations(keyPath: path, certificateRequest: certificateRequest)
        let request = try certificateRequest.map { output throws(PinHashError) in
            try certificateRequestPEM(subject: output.subject)
        }
        try withPrivateKeyPEM { pem throws(PinHashError) in
            try OutputFile.create(at: path, contents: pem, mode: 0o600, exactMode: true, what: "a key")
        }
        guard let certificateRequest, let request else { return }
        do {
            try Array(request.utf8).withUnsafeBufferPointer { bytes throws(PinHashError) in
                try OutputFile.create(
                    at: certificateRequest.path, contents: UnsafeRawBufferPointer(bytes), mode: 0o644,
                    exactMode: false, what: "a file")
            }
        } catch {
            _ = unlink(path)
            throw error
        }
    }

    /// Calls `body` with the PKCS#8 PEM text of the key, which is cleansed from memory afterwards.
    func withPrivateKeyPEM<Result>(_ body: (UnsafeRawBufferPointer) throws(PinHashError) -> Result)
        throws(PinHashError) -> Result
    {
        OpenSSLErrors.clear()
        defer { OpenSSLErrors.clear() }
        guard let bio = BIO_new(BIO_s_mem()) else { throw openSSLFailure("cannot allocate a memory BIO") }
        defer {
            var data: UnsafeMutablePointer<CChar>?
            let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data)
            if length > 0, let data { OPENSSL_cleanse(data, Int(length)) }
            BIO_free(bio)
        }
        let written: Int32
        if let passphrase {
            written = passphrase.withBytes { bytes in
                PEM_write_bio_PKCS8PrivateKey(
                    bio, pair.key, EVP_aes_256_cbc(),
                    UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                    Int32(bytes.count),
                    nil, nil)
            }
        } else {
            written = PEM_write_bio_PKCS8PrivateKey(bio, pair.key, nil, nil, 0, nil, nil)
        }
        guard written == 1 else { throw openSSLFailure("cannot encode the key as PKCS#8") }
        // BIO_get_mem_data, a macro Swift does not import.
        var data: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(bio, BIO_CTRL_INFO, 0, &data)
        guard length > 0, let data else { throw openSSLFailure("the encoded key is empty") }
        return try body(UnsafeRawBufferPointer(start: data, count: Int(length)))
    }

    /// Reads a passphrase for a new key: it must not be empty, and from the terminal it is asked twice.
    private static func newPassphrase(from source: PassphraseSource) throws(PinHashError) -> SecretBytes {
        let secret: SecretBytes
        if case .terminal = source.origin {
            let first = SecretBytes(try TerminalPrompt.read(prompt: "Enter pass phrase for the backup key: "))
            let second = SecretBytes(try TerminalPrompt.read(prompt: "Verifying - Enter pass phrase: "))
            let same = first.withBytes { a in second.withBytes { b in a.elementsEqual(b) } }
            guard same else { throw PinHashError(.passphraseUnavailable, "the two passphrases differ") }
            secret = first
        } else {
            // PassphraseSource's own message names --passin.
            if case .environment(let name) = source.origin, getenv(name) == nil {
                throw PinHashError(
                    .passphraseUnavailable, "environment variable \(name) (from --passout env:) is not set")
            }
            secret = try source.bytes(for: "the backup key")
        }
        guard secret.count > 0 else {
            throw PinHashError(.passphraseUnavailable, "the passphrase for the backup key is empty")
        }
        return secret
    }
}

/// An `EVP_PKEY` and its one owner, which frees it (OpenSSL cleanses private keys as it frees them).
final class KeyPair: @unchecked Sendable {  // OpenSSL keys may be used from several threads once made
    let key: OpaquePointer

    init(takingOwnership key: OpaquePointer) { self.key = key }

    deinit { EVP_PKEY_free(key) }
}

/// An OpenSSL failure that no input causes, with the queued reason.
func openSSLFailure(_ what: String) -> PinHashError {
    PinHashError(.internalFailure, "\(what)\(OpenSSLErrors.drainedSuffix())")
}
