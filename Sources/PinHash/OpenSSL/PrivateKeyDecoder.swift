internal import CPinhashOpenSSL

/// Reads private keys with OpenSSL's decoders, in each of the formats they arrive in. Every key comes back
/// owned by an `EVPKey`, which frees (and so cleanses) it.
enum PrivateKeyDecoder {
    /// A PKCS#8 PrivateKeyInfo whose algorithm is `algorithmOID` (dotted), when the caller could read it.
    static func decodePKCS8(_ der: [UInt8], algorithmOID: String?) throws(PinHashError) -> EVPKey {
        try decodeWhole(der, "a PKCS#8 private key") { cursor, count in
            narrowDecode(&cursor, count, structure: "PrivateKeyInfo", keyType: algorithmOID)
                ?? EVPKey(takingOwnership: d2i_AutoPrivateKey(nil, &cursor, count))
        }
    }

    /// A type-specific structure: PKCS#1 `RSA PRIVATE KEY`, SEC1 `EC PRIVATE KEY`, `DSA PRIVATE KEY`.
    static func decodeTraditional(_ der: [UInt8], _ type: TraditionalKeyType) throws(PinHashError) -> EVPKey {
        try decodeWhole(der, "\(withArticle(type.name)) private key") { cursor, count in
            narrowDecode(&cursor, count, structure: "type-specific", keyType: type.name)
                ?? EVPKey(takingOwnership: d2i_PrivateKey(type.nid, nil, &cursor, count))
        }
    }

    /// The SubjectPublicKeyInfo of a PKCS#1 RSAPrivateKey through OpenSSL's RSA codecs
    /// (`d2i_RSAPrivateKey`, `i2d_RSA_PUBKEY`), which skip the provider layer's decoder and encoder
    /// look-ups: about 6 million instructions less, most of a single-key run. For rsaEncryption keys
    /// `i2d_RSA_PUBKEY` writes exactly what `i2d_PUBKEY` does (the algorithm with NULL parameters and the
    /// RSAPublicKey). Nil when the key does not decode whole, so that the general path reports the problem.
    static func rsaSubjectPublicKeyInfo(ofRSAPrivateKey der: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        readyOpenSSLForKeys()
        return OpenSSLErrors.isolating {
            let decoding = OpenSSLDER.decodeWhole(der) { cursor, count in
                RSAPrivateKey(takingOwnership: d2i_RSAPrivateKey(nil, &cursor, count))
            }
            guard case .decoded(let rsa) = decoding else { return nil }
            return OpenSSLDER.encoded { i2d_RSA_PUBKEY(rsa.pointer, $0) }
        }
    }

    /// A PKCS#8 EncryptedPrivateKeyInfo (`ENCRYPTED PRIVATE KEY`) decrypted with `secret`; `beforeRetry`
    /// runs before a second try with the legacy provider, which derives the key again.
    static func decryptPKCS8(
        _ der: [UInt8], _ secret: SecretBytes, beforeRetry: () throws(PinHashError) -> Void = {}
    ) throws(PinHashError) -> EVPKey {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            let decoding = der.withUnsafeBufferPointer { buffer in
                OpenSSLDER.decodeWhole(buffer) { cursor, count in
                    EncryptedPrivateKeyInfo(takingOwnership: d2i_X509_SIG(nil, &cursor, count))
                }
            }
            guard case .decoded(let signature) = decoding else {
                throw .malformed("is not an encrypted PKCS#8 key\(OpenSSLErrors.drainedSuffix())")
            }
            func decrypt() -> OpaquePointer? {
                secret.withBytes { bytes in
                    PKCS8_decrypt(
                        signature.pointer,
                        UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                        Int32(bytes.count))
                }
            }
            var info = decrypt()
            var reasons = info == nil ? OpenSSLErrors.drain() : []
            if info == nil, LegacyProvider.loadIfUnsupported(reasons) {
                try beforeRetry()
                info = decrypt()
                if info == nil { reasons = OpenSSLErrors.drain() }
            }
            guard let info else {
                // A cipher, key derivation or PRF OpenSSL does not have fails the same call a wrong
                // passphrase does; its reason tells them apart.
                if let unsupported = reasons.last(where: {
                    $0.hasPrefix("unsupported") || $0.hasPrefix("unknown")
                }) {
                    throw PinHashError(
                        .unsupportedInput, "the key's encryption is not supported (\(unsupported))")
                }
                if reasons.contains("invalid iteration count") {
                    throw .malformed("the key's encryption names an invalid iteration count (0 or negative)")
                }
                throw PinHashError(
                    .wrongPassphrase,
                    "cannot decrypt the key: wrong passphrase\(reasons.last.map { " (\($0))" } ?? "")")
            }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            // The decrypted key goes to OpenSSL too: the same check of its parameters as an unencrypted one.
            guard let key = try key(ofDecodedPrivateKeyInfo: info) else {
                throw .malformed(
                    "the decrypted key is not a key OpenSSL can read\(OpenSSLErrors.drainedSuffix())")
            }
            return key
        }
    }

    /// A traditional PEM block with `Proc-Type: 4,ENCRYPTED` (its whole text), decrypted by OpenSSL
    /// with `secret`.
    static func decryptLegacyPEM(_ text: [UInt8], _ secret: SecretBytes) throws(PinHashError) -> EVPKey {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            let key = text.withUnsafeBufferPointer { buffer in
                MemoryBIO.withReadOnly(wrapping: buffer) { bio in
                    // The callback copies the passphrase that `userdata` points at into OpenSSL's buffer.
                    EVPKey(
                        takingOwnership: PEM_read_bio_PrivateKey(
                            bio.pointer, nil,
                            { buffer, size, _, userdata in
                                guard let buffer, let userdata else { return -1 }
                                let secret = Unmanaged<SecretBytes>.fromOpaque(userdata).takeUnretainedValue()
                                return secret.withBytes { bytes in
                                    let count = min(bytes.count, Int(size))
                                    if count > 0 {
                                        UnsafeMutableRawPointer(buffer).copyMemory(
                                            from: bytes.baseAddress!, byteCount: count)
                                    }
                                    return Int32(count)
                                }
                            }, Unmanaged.passUnretained(secret).toOpaque()))
                }
            }
            guard let key else {
                let reasons = OpenSSLErrors.drain()
                if reasons.contains(where: { $0.contains("unsupported") }) {
                    throw PinHashError(
                        .unsupportedInput, "the key's encryption is not supported (\(reasons.last ?? ""))")
                }
                // The encryption headers are read before any passphrase is tried.
                for reason in reasons {
                    if let problem = legacyPEMHeaderProblems[reason] {
                        throw .malformed("\(problem) (\(reason))")
                    }
                }
                throw PinHashError(
                    .wrongPassphrase,
                    "cannot decrypt the key: wrong passphrase\(reasons.last.map { " (\($0))" } ?? "")")
            }
            return key
        }
    }

    /// The key of a PrivateKeyInfo OpenSSL has decoded (a decrypted key, a PKCS#12 key bag), which stays
    /// the caller's; nil when OpenSSL cannot make a key of it. Its parameters are checked first, before
    /// `EVP_PKCS82PKEY` computes anything from them.
    static func key(ofDecodedPrivateKeyInfo info: OpaquePointer) throws(PinHashError) -> EVPKey? {
        var algorithm: UnsafePointer<X509_ALGOR>?
        if PKCS8_pkey_get0(nil, nil, nil, &algorithm, info) == 1, let algorithm,
            let identifier = OpenSSLDER.encoded({ i2d_X509_ALGOR(algorithm, $0) })
        {
            try checkKeyParameters(ofAlgorithmIdentifier: identifier)
        }
        return EVPKey(takingOwnership: EVP_PKCS82PKEY(info))
    }

    /// Runs `decode` over all of `der`; `what` names the key in errors.
    private static func decodeWhole(
        _ der: [UInt8], _ what: String, _ decode: (inout UnsafePointer<UInt8>?, Int) -> EVPKey?
    ) throws(PinHashError) -> EVPKey {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            switch der.withUnsafeBufferPointer({ OpenSSLDER.decodeWhole($0, decode) }) {
            case .decoded(let key):
                return key
            case .undecodable:
                throw .malformed("is not \(what)\(OpenSSLErrors.drainedSuffix())")
            case .trailingData(let count):
                throw .malformed("\(count) bytes of trailing data after \(what)")
            }
        }
    }

    /// Decodes with only the decoders for one structure and key type: OpenSSL 3 spends most of a key load
    /// gathering every decoder it has when the type is left open (about 3 million instructions).
    private static func narrowDecode(
        _ cursor: inout UnsafePointer<UInt8>?, _ count: Int, structure: String, keyType: String?
    ) -> EVPKey? {
        guard let keyType else { return nil }
        // EVP_PKEY_KEYPAIR, a macro Swift does not import.
        let keyPair =
            OSSL_KEYMGMT_SELECT_PRIVATE_KEY | OSSL_KEYMGMT_SELECT_PUBLIC_KEY
            | OSSL_KEYMGMT_SELECT_DOMAIN_PARAMETERS
            | OSSL_KEYMGMT_SELECT_OTHER_PARAMETERS
        // The context keeps the input type, structure and key type pointers it is given and reads them
        // again in OSSL_DECODER_from_data, so the C strings must outlive it: a String passed straight to
        // the call would be a temporary freed as the call returns.
        return "DER".withCString { inputType in
            structure.withCString { structure in
                keyType.withCString { keyType -> EVPKey? in
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
                    return EVPKey(takingOwnership: key)
                }
            }
        }
    }
}

extension TraditionalKeyType {
    /// The NID `d2i_PrivateKey` takes for this type.
    fileprivate var nid: Int32 {
        switch self {
        case .rsa: NID_rsaEncryption
        case .ec: NID_X9_62_id_ecPublicKey
        case .dsa: NID_dsa
        }
    }
}

/// An `RSA` and its one owner, which frees it.
private final class RSAPrivateKey {
    let pointer: OpaquePointer

    init?(takingOwnership pointer: OpaquePointer?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit { RSA_free(pointer) }
}

/// An `X509_SIG` (a PKCS#8 EncryptedPrivateKeyInfo) and its one owner, which frees it.
final class EncryptedPrivateKeyInfo {
    let pointer: OpaquePointer

    init?(takingOwnership pointer: OpaquePointer?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit { X509_SIG_free(pointer) }
}

/// What OpenSSL's reasons for refusing a legacy encrypted PEM block's headers mean, in words.
private let legacyPEMHeaderProblems = [
    "not dek info": "the key's DEK-Info header, which names its cipher and IV, is missing",
    "bad iv chars": "the IV in the key's DEK-Info header is not hexadecimal",
    "not proc type": "the key's Proc-Type header is malformed",
    "not encrypted": "the key's Proc-Type header does not say ENCRYPTED",
    "short header": "the key's encryption headers are cut short",
]
