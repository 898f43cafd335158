internal import CPinhashOpenSSL

/// Reads the key derivation of a password-based encryption scheme the way OpenSSL's `EVP_PBE_CipherInit`
/// will run it: with OpenSSL's own decoders (`d2i_X509_SIG`, `ASN1_TYPE_unpack_sequence` over `PBEPARAM`,
/// `PBE2PARAM`, `PBKDF2PARAM` and `SCRYPT_PARAMS`), which accept BER (indefinite lengths, constructed
/// strings) exactly where decryption will. A scheme whose work cannot be read is refused, never free.
enum PasswordBasedEncryption {
    /// The derivation of a PKCS#8 EncryptedPrivateKeyInfo (`ENCRYPTED PRIVATE KEY`), which must be all of
    /// `der`.
    static func keyDerivation(ofEncryptedPrivateKeyInfo der: [UInt8]) throws(PinHashError) -> KeyDerivation {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            let decoding = der.withUnsafeBufferPointer { buffer in
                OpenSSLDER.decodeWhole(buffer) { cursor, count in
                    EncryptedPrivateKeyInfo(takingOwnership: d2i_X509_SIG(nil, &cursor, count))
                }
            }
            guard case .decoded(let info) = decoding else {
                throw .malformed("is not an encrypted PKCS#8 key\(OpenSSLErrors.drainedSuffix())")
            }
            var algorithm: UnsafePointer<X509_ALGOR>?
            X509_SIG_get0(info.pointer, &algorithm, nil)
            guard let algorithm else { throw .malformed("is not an encrypted PKCS#8 key") }
            return try keyDerivation(of: algorithm)
        }
    }

    /// The derivation of a DER (or BER) AlgorithmIdentifier on its own.
    static func keyDerivation(ofAlgorithmIdentifier der: [UInt8]) throws(PinHashError) -> KeyDerivation {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            let decoding = der.withUnsafeBufferPointer { buffer in
                OpenSSLDER.decodeWhole(buffer) { cursor, count in
                    AlgorithmIdentifier(takingOwnership: d2i_X509_ALGOR(nil, &cursor, count))
                }
            }
            guard case .decoded(let identifier) = decoding else {
                throw .malformed("its encryption algorithm cannot be read\(OpenSSLErrors.drainedSuffix())")
            }
            return try keyDerivation(of: UnsafePointer(identifier.pointer))
        }
    }

    /// The derivation of an encryption AlgorithmIdentifier OpenSSL has decoded (a key's, a PKCS#12 part's
    /// or bag's).
    static func keyDerivation(of algorithm: UnsafePointer<X509_ALGOR>) throws(PinHashError) -> KeyDerivation {
        let nid = OBJ_obj2nid(algorithm.pointee.algorithm)
        if nid == NID_pbes2 { return try pbes2(algorithm.pointee.parameter) }
        var cipherNID: Int32 = 0
        var digestNID: Int32 = 0
        // The table EVP_PBE_CipherInit looks the scheme up in; what is not in it, OpenSSL cannot derive.
        guard EVP_PBE_find(EVP_PBE_TYPE_OUTER, nid, &cipherNID, &digestNID, nil) == 1 else {
            throw PinHashError(
                .unsupportedInput,
                "its encryption is not supported (unknown password-based scheme "
                    + "\(objectName(algorithm.pointee.algorithm)))"
            )
        }
        guard
            let parameters = unpack(PBEPARAM.self, PBEPARAM_it(), algorithm.pointee.parameter)
        else {
            throw .malformed(
                "its encryption parameters (\(objectName(algorithm.pointee.algorithm))) cannot be read")
        }
        defer { PBEPARAM_free(parameters) }
        let iterations = parameters.pointee.iter.map(integerValue) ?? 1
        let saltLength = Int(ASN1_STRING_length(parameters.pointee.salt))
        guard pkcs12PBEs.contains(nid) else {
            return .pbkdf1(iterations: iterations, saltLength: saltLength)
        }
        // PKCS#12 derives the key and then the IV, a digest's output at a time.
        let cipher = cipherOf(cipherNID)
        let keyLength = cipher.map { Int(EVP_CIPHER_get_key_length($0)) } ?? Int(EVP_MAX_KEY_LENGTH)
        let ivLength = cipher.map { Int(EVP_CIPHER_get_iv_length($0)) } ?? Int(EVP_MAX_IV_LENGTH)
        let digestLength = digestSize(digestNID)
        let blocks =
            (keyLength + digestLength - 1) / digestLength + (ivLength + digestLength - 1) / digestLength
        return .pkcs12(iterations: iterations, saltLength: saltLength, blocks: blocks)
    }

    /// The derivation of a PKCS#12 file's MAC: one digest's worth of key, `iterations` (DEFAULT 1) over
    /// the salt.
    static func macKeyDerivation(
        iterations: UnsafePointer<ASN1_INTEGER>?, salt: UnsafePointer<ASN1_OCTET_STRING>?
    ) -> KeyDerivation {
        .pkcs12(
            iterations: iterations.map(integerValue) ?? 1,
            saltLength: salt.map { Int(ASN1_STRING_length($0)) } ?? 0,
            blocks: 1)
    }

    private static func pbes2(_ parameter: UnsafeMutablePointer<ASN1_TYPE>?) throws(PinHashError)
        -> KeyDerivation
    {
        guard let pbes2 = unpack(PBE2PARAM.self, PBE2PARAM_it(), parameter) else {
            throw .malformed("its encryption parameters (PBES2) cannot be read")
        }
        defer { PBE2PARAM_free(pbes2) }
        guard let keyFunction = pbes2.pointee.keyfunc, let encryption = pbes2.pointee.encryption else {
            throw .malformed("its encryption parameters (PBES2) cannot be read")
        }
        // The key is as long as the cipher's; OpenSSL refuses a cipher it does not know before deriving,
        // and one it fetches from a provider alone is counted at the longest key there is.
        let keyLength =
            cipherOf(OBJ_obj2nid(encryption.pointee.algorithm)).map {
                Int(EVP_CIPHER_get_key_length($0))
            } ?? Int(EVP_MAX_KEY_LENGTH)
        switch OBJ_obj2nid(keyFunction.pointee.algorithm) {
        case NID_id_pbkdf2:
            guard let pbkdf2 = unpack(PBKDF2PARAM.self, PBKDF2PARAM_it(), keyFunction.pointee.parameter)
            else {
                throw .malformed("its encryption parameters (PBKDF2) cannot be read")
            }
            defer { PBKDF2PARAM_free(pbkdf2) }
            let iterations = pbkdf2.pointee.iter.map(integerValue) ?? Int.max
            // OpenSSL takes the salt only as an OCTET STRING (any other type fails before deriving).
            var saltLength = 0
            if let salt = pbkdf2.pointee.salt, salt.pointee.type == V_ASN1_OCTET_STRING {
                saltLength = Int(ASN1_STRING_length(salt.pointee.value.octet_string))
            }
            let prf = pbkdf2.pointee.prf.map { OBJ_obj2nid($0.pointee.algorithm) } ?? NID_hmacWithSHA1
            var digestNID: Int32 = 0
            let outputLength =
                EVP_PBE_find(EVP_PBE_TYPE_PRF, prf, nil, &digestNID, nil) == 1 ? digestSize(digestNID) : 16
            return .pbkdf2(
                iterations: iterations, saltLength: saltLength,
                blocks: (keyLength + outputLength - 1) / outputLength)
        case NID_id_scrypt:
            guard let scrypt = unpack(SCRYPT_PARAMS.self, SCRYPT_PARAMS_it(), keyFunction.pointee.parameter)
            else {
                throw .malformed("its encryption parameters (scrypt) cannot be read")
            }
            defer { SCRYPT_PARAMS_free(scrypt) }
            var n: UInt64 = 0
            var r: UInt64 = 0
            var p: UInt64 = 0
            guard ASN1_INTEGER_get_uint64(&n, scrypt.pointee.costParameter) == 1,
                ASN1_INTEGER_get_uint64(&r, scrypt.pointee.blockSize) == 1,
                ASN1_INTEGER_get_uint64(&p, scrypt.pointee.parallelizationParameter) == 1
            else {
                throw .malformed("its scrypt parameters are not integers OpenSSL takes (N, r and p)")
            }
            let derivation = KeyDerivation.scrypt(
                n: n, r: r, p: p, saltLength: Int(ASN1_STRING_length(scrypt.pointee.salt)),
                keyLength: keyLength)
            try checkScryptParameters(derivation)
            return derivation
        default:
            throw PinHashError(
                .unsupportedInput,
                "its encryption is not supported (unsupported key derivation function "
                    + "\(objectName(keyFunction.pointee.algorithm)))")
        }
    }

    /// OpenSSL's check of scrypt parameters, which decryption makes before deriving (`EVP_PBE_scrypt`
    /// without a key): N a power of two above 1, r·p below 2³⁰, and the memory within its limit, 32 MiB
    /// by default (`maxmem_bytes`), which decrypting a key gives no way to raise.
    private static func checkScryptParameters(_ derivation: KeyDerivation) throws(PinHashError) {
        guard case .scrypt(let n, let r, let p, _, _) = derivation else { return }
        guard EVP_PBE_scrypt(nil, 0, nil, 0, n, r, p, 0, nil, 0) != 1 else { return }
        let reasons = OpenSSLErrors.drain()
        if reasons.contains("memory limit exceeded"), let memory = derivation.memory {
            throw PinHashError(
                .unsupportedInput,
                "its scrypt parameters (N=\(n), r=\(r), p=\(p)) need \(describeMemory(memory)) of memory, "
                    + "more than the \(describeMemory(openSSLScryptMemoryLimit)) OpenSSL allows scrypt")
        }
        throw .malformed(
            "its scrypt parameters (N=\(n), r=\(r), p=\(p)) are not ones OpenSSL accepts"
                + (reasons.last.map { " (\($0))" } ?? ""))
    }

    /// `SCRYPT_MAX_MEM`, OpenSSL's default `maxmem_bytes`, for messages.
    static let openSSLScryptMemoryLimit = 32 << 20

    /// `32 MiB`, `64.01 MiB`: rounded up, so that a need just over a limit never reads as equal to it.
    static func describeMemory(_ bytes: Int) -> String {
        let mebibyte = 1 << 20
        if bytes % mebibyte == 0 { return "\(bytes / mebibyte) MiB" }
        let hundredths = bytes / (mebibyte / 100) + (bytes % (mebibyte / 100) == 0 ? 0 : 1)
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) MiB"
    }

    /// `ASN1_TYPE_unpack_sequence`: the SEQUENCE in `parameter` decoded with `item`, as OpenSSL's
    /// key-generation functions decode it; nil when it is absent or does not decode.
    private static func unpack<T>(
        _: T.Type, _ item: OpaquePointer?, _ parameter: UnsafeMutablePointer<ASN1_TYPE>?
    )
        -> UnsafeMutablePointer<T>?
    {
        guard let parameter, let item else { return nil }
        return ASN1_TYPE_unpack_sequence(item, parameter)?.assumingMemoryBound(to: T.self)
    }

    /// An INTEGER's value; one too large for 64 bits (or not an INTEGER) counts as `Int.max`.
    private static func integerValue(_ integer: UnsafePointer<ASN1_INTEGER>) -> Int {
        var value: Int64 = 0
        guard ASN1_INTEGER_get_int64(&value, integer) == 1 else { return Int.max }
        return Int(value)
    }

    private static func integerValue(_ integer: UnsafeMutablePointer<ASN1_INTEGER>) -> Int {
        integerValue(UnsafePointer(integer))
    }

    /// A digest's output length; 16, the shortest of any OpenSSL derives with, when it is unknown.
    private static func digestSize(_ nid: Int32) -> Int {
        // EVP_get_digestbynid is a macro over these two.
        guard let name = OBJ_nid2sn(nid), let digest = EVP_get_digestbyname(name) else { return 16 }
        return max(Int(EVP_MD_get_size(digest)), 1)
    }

    /// The cipher of `nid` in OpenSSL's table (`EVP_get_cipherbynid`, a macro over these two).
    private static func cipherOf(_ nid: Int32) -> OpaquePointer? {
        guard let name = OBJ_nid2sn(nid) else { return nil }
        return EVP_get_cipherbyname(name)
    }

    private static func objectName(_ object: OpaquePointer?) -> String {
        var buffer = [CChar](repeating: 0, count: 80)
        let length = OBJ_obj2txt(&buffer, Int32(buffer.count), object, 0)
        guard length > 0 else { return "an unreadable algorithm" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The PKCS#12 PBEs (1.2.840.113549.1.12.1.1 to 6), which derive with PKCS#12's own function; the other
/// schemes in OpenSSL's table besides PBES2 are PKCS#5 v1's.
private let pkcs12PBEs: Set<Int32> = [
    NID_pbe_WithSHA1And128BitRC4, NID_pbe_WithSHA1And40BitRC4, NID_pbe_WithSHA1And3_Key_TripleDES_CBC,
    NID_pbe_WithSHA1And2_Key_TripleDES_CBC, NID_pbe_WithSHA1And128BitRC2_CBC, NID_pbe_WithSHA1And40BitRC2_CBC,
]

/// An `X509_ALGOR` and its one owner, which frees it.
private final class AlgorithmIdentifier {
    let pointer: UnsafeMutablePointer<X509_ALGOR>

    init?(takingOwnership pointer: UnsafeMutablePointer<X509_ALGOR>?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit { X509_ALGOR_free(pointer) }
}
