internal import CPinhashOpenSSL
import Synchronization

/// The formats a private key arrives in.
enum PrivateKeyFormat {
    /// PKCS#8 PrivateKeyInfo (`PRIVATE KEY`).
    case pkcs8
    /// PKCS#8 EncryptedPrivateKeyInfo (`ENCRYPTED PRIVATE KEY`).
    case encryptedPKCS8
    /// A type-specific structure: PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, `DSA PRIVATE KEY`.
    case traditional(type: Int32, name: String)
    /// A traditional PEM block with `Proc-Type: 4,ENCRYPTED`, decrypted by OpenSSL from its text.
    case legacyEncryptedPEM(text: [UInt8])
}

/// Loads a private key with OpenSSL and returns the SubjectPublicKeyInfo it derives (`i2d_PUBKEY`), which
/// is what `openssl pkey -pubout` writes. The key is freed (and so cleansed) before this returns.
func subjectPublicKeyInfo(
    ofPrivateKey der: [UInt8], format: PrivateKeyFormat, passphrase: () throws(PinHashError) -> SecretBytes
) throws(PinHashError) -> [UInt8] {
    readyOpenSSLForKeys()
    OpenSSLErrors.clear()
    defer { OpenSSLErrors.clear() }
    if let spki = rsaSubjectPublicKeyInfo(der, format) { return spki }
    let key: OpaquePointer
    switch format {
    case .pkcs8:
        key = try decodeKeyDER(der, "a PKCS#8 private key") { cursor, count in
            narrowDecode(&cursor, count, structure: "PrivateKeyInfo", keyType: pkcs8AlgorithmOID(der))
                ?? d2i_AutoPrivateKey(nil, &cursor, count)
        }
    case .traditional(let type, let name):
        key = try decodeKeyDER(der, "\(withArticle(name)) private key") { cursor, count in
            narrowDecode(&cursor, count, structure: "type-specific", keyType: name)
                ?? d2i_PrivateKey(type, nil, &cursor, count)
        }
    case .encryptedPKCS8:
        let secret = try passphrase()
        key = try decryptPKCS8(der, secret)
    case .legacyEncryptedPEM(let text):
        let secret = try passphrase()
        key = try decryptLegacyPEM(text, secret)
    }
    defer { EVP_PKEY_free(key) }
    return try encodedSubjectPublicKeyInfo(key)
}

/// rsaEncryption, 1.2.840.113549.1.1.1.
private let rsaEncryptionOID = "1.2.840.113549.1.1.1"

/// The SubjectPublicKeyInfo of an unencrypted rsaEncryption key through OpenSSL's RSA codecs
/// (`d2i_RSAPrivateKey`, `i2d_RSA_PUBKEY`), which skip the provider layer's decoder and encoder look-ups:
/// about 6 million instructions less, most of a single-key run. For rsaEncryption keys `i2d_RSA_PUBKEY`
/// writes exactly what `i2d_PUBKEY` does (the algorithm with NULL parameters and the RSAPublicKey); RSA-PSS
/// and every other type take the general path. Nil when the key is not such a key or does not decode
/// whole, so that the general path reports the problem.
private func rsaSubjectPublicKeyInfo(_ der: [UInt8], _ format: PrivateKeyFormat) -> [UInt8]? {
    let rsaKey: Range<Int>?
    switch format {
    case .traditional(let type, _) where type == NID_rsaEncryption:
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
    return der.withUnsafeBufferPointer { buffer -> [UInt8]? in
        var cursor: UnsafePointer<UInt8>? = buffer.baseAddress! + rsaKey.lowerBound
        guard let rsa = d2i_RSAPrivateKey(nil, &cursor, rsaKey.count) else {
            OpenSSLErrors.clear()
            return nil
        }
        defer { RSA_free(rsa) }
        guard cursor == buffer.baseAddress! + rsaKey.upperBound else { return nil }
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_RSA_PUBKEY(rsa, &output)
        guard length > 0, let output else { return nil }
        defer { freeOpenSSLBuffer(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}

/// Decodes with only the decoders for one structure and key type: OpenSSL 3 spends most of a key load
/// gathering every decoder it has when the type is left open (about 3 million instructions).
private func narrowDecode(
    _ cursor: inout UnsafePointer<UInt8>?, _ count: Int, structure: String, keyType: String?
) -> OpaquePointer? {
    guard let keyType else { return nil }
    // EVP_PKEY_KEYPAIR, a macro Swift does not import.
    let keyPair =
        OSSL_KEYMGMT_SELECT_PRIVATE_KEY | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
        | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS
        | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
    // The context keeps the input type, structure and key type pointers it is given and reads them again
    // in OSSL_DECODER_from_data, so the C strings must outlive it: a String passed straight to the call
    // would be a temporary freed as the call returns.
    return "DER".withCString { inputType in
        structure.withCString { structure in
            keyType.withCString { keyType -> OpaquePointer? in
                var key: OpaquePointer?
                guard
                    let context = OSSL_DECODER_CTX_new_for_pkey(
                        &key, inputType, structure, keyType, Int32(keyPair), nil, nil)
                else { return nil }
                defer { OSSL_DECODER_CTX_free(context) }
                let start = cursor
                var remaining = count
                guard OSSL_DECODER_from_data(context, &cursor, &remaining) == 1, let key else {
                    cursor = start
                    OpenSSLErrors.clear()
                    return nil
                }
                return key
            }
        }
    }
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

/// Runs a `d2i_…` function over all of `der`, insisting that it consumes every byte.
func decodeKeyDER(
    _ der: [UInt8], _ what: String,
    _ decode: (inout UnsafePointer<UInt8>?, Int) -> OpaquePointer?
) throws(PinHashError) -> OpaquePointer {
    let result: (OpaquePointer?, Int) = der.withUnsafeBufferPointer { buffer in
        var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
        let object = decode(&cursor, buffer.count)
        return (object, cursor.map { $0 - buffer.baseAddress! } ?? 0)
    }
    guard let object = result.0 else {
        throw .malformed("is not \(what)\(OpenSSLErrors.drainedSuffix())")
    }
    guard result.1 == der.count else {
        // The caller frees objects it gets; this one is discarded, so free it by its kind.
        EVP_PKEY_free(object)
        throw .malformed("\(der.count - result.1) bytes of trailing data after \(what)")
    }
    return object
}

private func decryptPKCS8(_ der: [UInt8], _ secret: SecretBytes) throws(PinHashError) -> OpaquePointer {
    let signature: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
        var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
        let object = d2i_X509_SIG(nil, &cursor, buffer.count)
        if let object, cursor != buffer.baseAddress! + buffer.count {
            X509_SIG_free(object)
            return nil
        }
        return object
    }
    guard let signature else {
        throw .malformed("is not an encrypted PKCS#8 key\(OpenSSLErrors.drainedSuffix())")
    }
    defer { X509_SIG_free(signature) }
    func decrypt() -> OpaquePointer? {
        secret.withBytes { bytes in
            PKCS8_decrypt(
                signature, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                Int32(bytes.count))
        }
    }
    var info = decrypt()
    if info == nil, LegacyProvider.loadIfUnsupported(OpenSSLErrors.drain()) { info = decrypt() }
    guard let info else {
        throw PinHashError(
            .wrongPassphrase, "cannot decrypt the key: wrong passphrase\(OpenSSLErrors.drainedSuffix())")
    }
    defer { PKCS8_PRIV_KEY_INFO_free(info) }
    // The decrypted key goes to OpenSSL too: the same check of its parameters as an unencrypted one.
    try checkKeyParameters(ofDecodedPrivateKeyInfo: info)
    guard let key = EVP_PKCS82PKEY(info) else {
        throw .malformed("the decrypted key is not a key OpenSSL can read\(OpenSSLErrors.drainedSuffix())")
    }
    return key
}

private func decryptLegacyPEM(_ text: [UInt8], _ secret: SecretBytes) throws(PinHashError) -> OpaquePointer {
    let key: OpaquePointer? = text.withUnsafeBufferPointer { buffer in
        guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
        defer { BIO_free(bio) }
        // The callback copies the passphrase that `userdata` points at into OpenSSL's buffer.
        return PEM_read_bio_PrivateKey(
            bio, nil,
            { buffer, size, _, userdata in
                guard let buffer, let userdata else { return -1 }
                let secret = Unmanaged<SecretBytes>.fromOpaque(userdata).takeUnretainedValue()
                return secret.withBytes { bytes in
                    let count = min(bytes.count, Int(size))
                    if count > 0 {
                        UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: count)
                    }
                    return Int32(count)
                }
            }, Unmanaged.passUnretained(secret).toOpaque())
    }
    guard let key else {
        let reasons = OpenSSLErrors.drain()
        if reasons.contains(where: { $0.contains("unsupported") }) {
            throw PinHashError(
                .unsupportedInput, "the key's encryption is not supported (\(reasons.last ?? ""))")
        }
        throw PinHashError(
            .wrongPassphrase,
            "cannot decrypt the key: wrong passphrase\(reasons.last.map { " (\($0))" } ?? "")")
    }
    return key
}

/// OpenSSL 3 keeps RC2, RC4 and single DES (old PKCS#12 and PKCS#8 exports) in the legacy provider.
enum LegacyProvider {
    private static let loaded = Mutex(false)

    /// Loads the legacy provider (beside the default one) when `reasons` say an algorithm was missing;
    /// returns whether a retry can help.
    static func loadIfUnsupported(_ reasons: [String]) -> Bool {
        guard reasons.contains(where: { $0.contains("unsupported") || $0.contains("fetch failed") }) else {
            return false
        }
        return loaded.withLock { done in
            if done { return false }
            done = true
            _ = OSSL_PROVIDER_load(nil, "default")
            return OSSL_PROVIDER_load(nil, "legacy") != nil
        }
    }
}

/// `checkKeyParameters(ofPrivateKeyInfo:)` for a PrivateKeyInfo OpenSSL has decoded (a decrypted key, a
/// PKCS#12 key bag), before `EVP_PKCS82PKEY` computes anything from it.
func checkKeyParameters(ofDecodedPrivateKeyInfo info: OpaquePointer) throws(PinHashError) {
    var algorithm: UnsafePointer<X509_ALGOR>?
    guard PKCS8_pkey_get0(nil, nil, nil, &algorithm, info) == 1, let algorithm else { return }
    var output: UnsafeMutablePointer<UInt8>?
    let length = i2d_X509_ALGOR(algorithm, &output)
    guard length > 0, let output else { return }
    defer { freeOpenSSLBuffer(output) }
    try checkKeyParameters(
        ofAlgorithmIdentifier: Array(UnsafeBufferPointer(start: output, count: Int(length))))
}
