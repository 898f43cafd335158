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
    let pair: EVPKey
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
        let pair = try KeyGenerator.generate(algorithm)
        let spki = try pair.subjectPublicKeyInfo()
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
    /// just written is removed again. While the files are written, SIGINT, SIGTERM or SIGHUP (left at
    /// their default action) removes what is not complete yet before the process ends: no temporary file,
    /// and no key without its request, is left behind.
    ///
    /// `whileNew` runs once both files are in place and, if it throws, both are removed again: so a
    /// caller that records the new key elsewhere (a pin set naming it) gets the files and the record
    /// together or neither.
    public func write(
        to path: String, certificateRequest: CertificateRequestOutput? = nil,
        whileNew: () throws(PinHashError) -> Void = {}
    ) throws(PinHashError) {
        try Self.checkDestinations(keyPath: path, certificateRequest: certificateRequest)
        let request = try certificateRequest.map { output throws(PinHashError) in
            try certificateRequestPEM(subject: output.subject)
        }
        try withPrivateKeyPEM { pem throws(PinHashError) in
            // The request is written while the new key is still removed by a failure or a signal.
            try OutputFile.create(at: path, contents: pem, mode: 0o600, exactMode: true, what: "a key") {
                () throws(PinHashError) in
                guard let certificateRequest, let request else { return try whileNew() }
                try Array(request.utf8).withUnsafeBufferPointer { bytes throws(PinHashError) in
                    try OutputFile.create(
                        at: certificateRequest.path, contents: UnsafeRawBufferPointer(bytes), mode: 0o644,
                        exactMode: false, what: "a file", whileNew: whileNew)
                }
            }
        }
    }

    /// Calls `body` with the PKCS#8 PEM text of the key, which is cleansed from memory afterwards.
    func withPrivateKeyPEM<Result>(_ body: (UnsafeRawBufferPointer) throws(PinHashError) -> Result)
        throws(PinHashError) -> Result
    {
        try pair.withPKCS8PEM(encryptedWith: passphrase, body)
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
            secret = try source.bytes(for: "the backup key")
        }
        guard secret.count > 0 else {
            throw PinHashError(.passphraseUnavailable, "the passphrase for the backup key is empty")
        }
        return secret
    }
}
