/// The formats a private key arrives in.
enum PrivateKeyFormat {
    /// PKCS#8 PrivateKeyInfo (`PRIVATE KEY`).
    case pkcs8
    /// PKCS#8 EncryptedPrivateKeyInfo (`ENCRYPTED PRIVATE KEY`).
    case encryptedPKCS8
    /// A type-specific structure: PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, `DSA PRIVATE KEY`.
    case traditional(TraditionalKeyType)
    /// A traditional PEM block with `Proc-Type: 4,ENCRYPTED`, decrypted by OpenSSL from its text.
    case legacyEncryptedPEM(text: [UInt8])
}

/// The key types that have a type-specific ("traditional") private key structure.
enum TraditionalKeyType {
    case rsa, ec, dsa

    /// The name of the type in PEM labels and to OpenSSL's key managers.
    var name: String {
        switch self {
        case .rsa: "RSA"
        case .ec: "EC"
        case .dsa: "DSA"
        }
    }
}

/// Loads a private key with OpenSSL and returns the SubjectPublicKeyInfo it derives (`i2d_PUBKEY`), which
/// is what `openssl pkey -pubout` writes. The key is freed (and so cleansed) before this returns.
/// `beforeRetry` runs before an encrypted PKCS#8 key is decrypted a second time (with the legacy provider),
/// which derives its key again.
func subjectPublicKeyInfo(
    ofPrivateKey der: [UInt8], format: PrivateKeyFormat, passphrase: () throws(PinHashError) -> SecretBytes,
    beforeRetry: () throws(PinHashError) -> Void = {}
) throws(PinHashError) -> [UInt8] {
    if let spki = rsaSubjectPublicKeyInfo(der, format) { return spki }
    let key: EVPKey
    switch format {
    case .pkcs8: key = try PrivateKeyDecoder.decodePKCS8(der, algorithmOID: pkcs8AlgorithmOID(der))
    case .traditional(let type): key = try PrivateKeyDecoder.decodeTraditional(der, type)
    case .encryptedPKCS8:
        key = try PrivateKeyDecoder.decryptPKCS8(der, try passphrase(), beforeRetry: beforeRetry)
    case .legacyEncryptedPEM(let text): key = try PrivateKeyDecoder.decryptLegacyPEM(text, try passphrase())
    }
    return try key.subjectPublicKeyInfo()
}

/// rsaEncryption, 1.2.840.113549.1.1.1.
private let rsaEncryptionOID = "1.2.840.113549.1.1.1"

/// The SubjectPublicKeyInfo of an unencrypted rsaEncryption key: read here when its RSAPrivateKey is in
/// the one shape OpenSSL reads and writes back unchanged (`publicKeyInfo(ofPlainRSAPrivateKey:)`), else
/// through OpenSSL's RSA codecs, which skip the provider layer
/// (`PrivateKeyDecoder.rsaSubjectPublicKeyInfo(ofRSAPrivateKey:)`). RSA-PSS and every other type take the
/// general path. Nil when the key is not such a key or does not decode whole, so that the general path
/// reports the problem.
private func rsaSubjectPublicKeyInfo(_ der: [UInt8], _ format: PrivateKeyFormat) -> [UInt8]? {
    let rsaKey: Range<Int>?
    switch format {
    case .traditional(.rsa):
        rsaKey = 0..<der.count
    case .pkcs8 where pkcs8AlgorithmOID(der) == rsaEncryptionOID:
        rsaKey = der.withUnsafeBufferPointer { buffer -> Range<Int>? in
            var top = DERCursor(buffer)
            guard let info = try? top.next(DERTag.sequence, "key"), top.isAtEnd else { return nil }
            var fields = DERCursor(contentOf: info, in: buffer)
            guard (try? fields.next(DERTag.integer, "version")) != nil,
                (try? fields.next(DERTag.sequence, "algorithm")) != nil,
                let key = try? fields.next(DERTag.octetString, "key")
            else { return nil }
            return key.contentRange
        }
    default:
        rsaKey = nil
    }
    guard let rsaKey else { return nil }
    return der.withUnsafeBufferPointer { buffer in
        let key = buffer.slice(rsaKey)
        return publicKeyInfo(ofPlainRSAPrivateKey: key)
            ?? PrivateKeyDecoder.rsaSubjectPublicKeyInfo(ofRSAPrivateKey: key)
    }
}

/// The SubjectPublicKeyInfo of a two-prime RSAPrivateKey (PKCS#1) in plain DER: version 0 and eight
/// INTEGERs in their shortest form, nothing after them, a positive modulus and public exponent. Those two
/// are wrapped as they are, which is what OpenSSL's `i2d_RSA_PUBKEY` writes for such a key; reading them
/// here spares the run OpenSSL's error tables and RSA codec (about a million instructions, a tenth of
/// `pinhash key.pem`). Nil for any other shape (multi-prime, a padded or negative INTEGER, a BER length),
/// which OpenSSL decides.
func publicKeyInfo(ofPlainRSAPrivateKey key: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
    var top = DERCursor(key)
    guard let sequence = try? top.next(DERTag.sequence, "the key"), top.isAtEnd else { return nil }
    var fields = DERCursor(contentOf: sequence, in: key)
    var integers: [DERElement] = []
    while !fields.isAtEnd {
        guard integers.count < 9, let integer = try? fields.next(DERTag.integer, "the key"),
            (try? X509Schema.checkInteger(integer, in: key, "the key")) != nil
        else { return nil }
        integers.append(integer)
    }
    guard integers.count == 9, key.slice(integers[0].contentRange).elementsEqual([0]) else { return nil }
    let modulusAndExponent = Array(key[integers[1].start..<integers[2].end])
    let publicKey = [DERTag.sequence] + derLength(modulusAndExponent.count) + modulusAndExponent
    return publicKey.withUnsafeBufferPointer { try? subjectPublicKeyInfo(wrappingPKCS1: $0) }
}

/// The algorithm OID of a PKCS#8 PrivateKeyInfo, dotted (OpenSSL's key managers answer to it).
private func pkcs8AlgorithmOID(_ der: [UInt8]) -> String? {
    der.withUnsafeBufferPointer { buffer -> String? in
        var top = DERCursor(buffer)
        guard let info = try? top.next(DERTag.sequence, "key") else { return nil }
        var fields = DERCursor(contentOf: info, in: buffer)
        guard (try? fields.next(DERTag.integer, "version")) != nil,
            let algorithm = try? fields.next(DERTag.sequence, "algorithm")
        else { return nil }
        var inner = DERCursor(contentOf: algorithm, in: buffer)
        guard let oid = try? inner.next(DERTag.objectIdentifier, "oid") else { return nil }
        return dottedOID(buffer.slice(oid.contentRange))
    }
}
