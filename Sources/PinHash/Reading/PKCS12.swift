internal import CPinhashOpenSSL

/// What a PKCS#12 file holds, in file order: every certificate's DER, and the public key of its private
/// key (which tells which certificate is the leaf).
struct PKCS12Contents {
    var certificates: [[UInt8]] = []
    var keySubjectPublicKeyInfos: [[UInt8]] = []
}

/// Opens a PKCS#12 (`.p12`, `.pfx`) file with OpenSSL, walking its safe bags in order.
///
/// With no passphrase given it tries the empty and absent passwords first, as Windows exports without
/// one use them, and asks `passphrase` only when those fail.
func readPKCS12(
    _ der: [UInt8], passphrase: (() throws(PinHashError) -> SecretBytes)?, budget: inout KeyDerivationBudget
) throws(PinHashError) -> PKCS12Contents {
    readyOpenSSLForKeys()
    OpenSSLErrors.clear()
    defer { OpenSSLErrors.clear() }
    let p12: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
        var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
        let object = d2i_PKCS12(nil, &cursor, buffer.count)
        if let object, cursor != buffer.baseAddress! + buffer.count {
            PKCS12_free(object)
            return nil
        }
        return object
    }
    guard let p12 else { throw .malformed("is not a PKCS#12 file\(OpenSSLErrors.drainedSuffix())") }
    defer { PKCS12_free(p12) }

    let password = try choosePassword(
        p12, passphrase, macCost: keyDerivationCost(ofPKCS12MAC: der), budget: &budget)
    do {
        return try password.withPointer { pointer, length throws(PinHashError) in
            try readBags(p12, pointer, length, budget: &budget)
        }
    } catch let error where error.code == .wrongPassphrase && passphrase == nil {
        // A file without a MAC was opened with the empty password, which its key did not take.
        throw PinHashError(.passphraseRequired, "is encrypted; give the passphrase with --passin")
    }
}

/// The password that opens the file: absent, empty, or the caller's.
private enum PKCS12Password {
    case absent
    case empty
    case given(SecretBytes)

    func withPointer<T>(_ body: (UnsafePointer<CChar>?, Int32) throws(PinHashError) -> T) throws(PinHashError)
        -> T
    {
        switch self {
        case .absent: return try body(nil, 0)
        case .empty: return try body("", 0)
        case .given(let secret):
            // OpenSSL reads the password as a C string, so copy it with a terminator and wipe the copy.
            var copy = secret.withBytes { Array($0) } + [0]
            defer { OPENSSL_cleanse(&copy, copy.count) }
            let result: Result<T, PinHashError> = copy.withUnsafeBufferPointer { buffer in
                let pointer = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                do throws(PinHashError) { return .success(try body(pointer, Int32(buffer.count - 1))) } catch
                {
                    return .failure(error)
                }
            }
            return try result.get()
        }
    }
}

private func choosePassword(
    _ p12: OpaquePointer, _ passphrase: (() throws(PinHashError) -> SecretBytes)?, macCost: Int?,
    budget: inout KeyDerivationBudget
)
    throws(PinHashError) -> PKCS12Password
{
    func macVerifies(_ password: PKCS12Password) throws(PinHashError) -> Bool {
        try password.withPointer { pointer, length throws(PinHashError) in
            // Every check of the MAC derives a key with the file's iteration count.
            try budget.spend(macCost)
            if PKCS12_verify_mac(p12, pointer, length) == 1 { return true }
            // The MAC may use a digest only the legacy provider has; load it and try once more.
            if LegacyProvider.loadIfUnsupported(OpenSSLErrors.drain()) {
                try budget.spend(macCost)
                return PKCS12_verify_mac(p12, pointer, length) == 1
            }
            return false
        }
    }
    guard PKCS12_mac_present(p12) == 1 else {
        // No MAC to check the password against: use the caller's, else the empty one.
        if let passphrase { return .given(try passphrase()) }
        return .empty
    }
    for candidate in [PKCS12Password.empty, .absent] where try macVerifies(candidate) {
        return candidate
    }
    guard let passphrase else {
        throw PinHashError(.passphraseRequired, "is encrypted; give the passphrase with --passin")
    }
    let given = PKCS12Password.given(try passphrase())
    guard try macVerifies(given) else {
        throw PinHashError(.wrongPassphrase, "wrong passphrase (the PKCS#12 integrity check failed)")
    }
    return given
}

private func readBags(
    _ p12: OpaquePointer, _ password: UnsafePointer<CChar>?, _ length: Int32,
    budget: inout KeyDerivationBudget
)
    throws(PinHashError) -> PKCS12Contents
{
    guard let authenticatedSafes = PKCS12_unpack_authsafes(p12) else {
        throw .malformed("its contents cannot be read\(OpenSSLErrors.drainedSuffix())")
    }
    defer { OPENSSL_sk_pop_free(authenticatedSafes, pkcs7Free) }
    var contents = PKCS12Contents()
    for index in 0..<OPENSSL_sk_num(authenticatedSafes) {
        let p7 = OPENSSL_sk_value(authenticatedSafes, index)!.assumingMemoryBound(to: PKCS7.self)
        let nid = OBJ_obj2nid(p7.pointee.type)
        var bags: OpaquePointer?
        if nid == NID_pkcs7_data {
            bags = PKCS12_unpack_p7data(p7)
        } else if nid == NID_pkcs7_encrypted {
            let cost = p7.pointee.d.encrypted?.pointee.enc_data?.pointee.algorithm.flatMap {
                keyDerivationCost(of: UnsafePointer($0))
            }
            try budget.spend(cost)
            bags = PKCS12_unpack_p7encdata(p7, password, length)
            if bags == nil, LegacyProvider.loadIfUnsupported(OpenSSLErrors.drain()) {
                try budget.spend(cost)
                bags = PKCS12_unpack_p7encdata(p7, password, length)
            }
        } else {
            continue
        }
        guard let bags else {
            throw .malformed("part \(index + 1) cannot be decrypted or read\(OpenSSLErrors.drainedSuffix())")
        }
        defer { OPENSSL_sk_pop_free(bags, safeBagFree) }
        try readSafeBags(bags, password, length, into: &contents, budget: &budget)
    }
    return contents
}

private func readSafeBags(
    _ bags: OpaquePointer, _ password: UnsafePointer<CChar>?, _ length: Int32,
    into contents: inout PKCS12Contents, budget: inout KeyDerivationBudget
) throws(PinHashError) {
    for index in 0..<OPENSSL_sk_num(bags) {
        let bag = OpaquePointer(OPENSSL_sk_value(bags, index))!
        switch PKCS12_SAFEBAG_get_nid(bag) {
        case NID_certBag where PKCS12_SAFEBAG_get_bag_nid(bag) == NID_x509Certificate:
            guard let certificate = PKCS12_SAFEBAG_get1_cert(bag) else {
                throw .malformed(
                    "certificate bag \(index + 1) cannot be read\(OpenSSLErrors.drainedSuffix())")
            }
            defer { X509_free(certificate) }
            var output: UnsafeMutablePointer<UInt8>?
            let count = i2d_X509(certificate, &output)
            guard count > 0, let output else {
                throw .malformed("certificate bag \(index + 1) cannot be encoded")
            }
            defer { freeOpenSSLBuffer(output) }
            contents.certificates.append(Array(UnsafeBufferPointer(start: output, count: Int(count))))
        case NID_keyBag:
            if let info = PKCS12_SAFEBAG_get0_p8inf(bag) { try appendKey(info, into: &contents) }
        case NID_pkcs8ShroudedKeyBag:
            var algorithm: UnsafePointer<X509_ALGOR>?
            if let shrouded = PKCS12_SAFEBAG_get0_pkcs8(bag) { X509_SIG_get0(shrouded, &algorithm, nil) }
            try budget.spend(algorithm.flatMap(keyDerivationCost(of:)))
            guard let info = PKCS12_decrypt_skey(bag, password, length) else {
                throw PinHashError(
                    .wrongPassphrase, "wrong passphrase (its private key cannot be decrypted with it)")
            }
            defer { PKCS8_PRIV_KEY_INFO_free(info) }
            try appendKey(info, into: &contents)
        default:
            continue
        }
    }
}

private func appendKey(_ info: OpaquePointer, into contents: inout PKCS12Contents) throws(PinHashError) {
    try checkKeyParameters(ofDecodedPrivateKeyInfo: info)
    guard let key = EVP_PKCS82PKEY(info) else {
        throw .malformed("its private key cannot be read\(OpenSSLErrors.drainedSuffix())")
    }
    defer { EVP_PKEY_free(key) }
    contents.keySubjectPublicKeyInfos.append(try encodedSubjectPublicKeyInfo(key))
}

private let pkcs7Free: OPENSSL_sk_freefunc = { PKCS7_free($0?.assumingMemoryBound(to: PKCS7.self)) }
private let safeBagFree: OPENSSL_sk_freefunc = { PKCS12_SAFEBAG_free(OpaquePointer($0)) }

/// The key-derivation work of an encryption AlgorithmIdentifier OpenSSL holds (a PKCS#12 bag's).
private func keyDerivationCost(of algorithm: UnsafePointer<X509_ALGOR>) -> Int? {
    var output: UnsafeMutablePointer<UInt8>?
    let length = i2d_X509_ALGOR(algorithm, &output)
    guard length > 0, let output else { return nil }
    defer { freeOpenSSLBuffer(output) }
    return keyDerivationCost(
        ofAlgorithmIdentifier: Array(UnsafeBufferPointer(start: output, count: Int(length))))
}
