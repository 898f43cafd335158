internal import CPinhashOpenSSL

/// A `PKCS12` (a `.p12` or `.pfx` file OpenSSL has decoded) and its one owner, which frees it.
final class PKCS12File {
    private let pointer: OpaquePointer

    private init?(takingOwnership pointer: OpaquePointer?) {
        guard let pointer else { return nil }
        self.pointer = pointer
    }

    deinit { PKCS12_free(pointer) }

    /// Decodes a PKCS#12 file, which must be all of `der`.
    static func decode(_ der: [UInt8]) throws(PinHashError) -> PKCS12File {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            let decoding = der.withUnsafeBufferPointer { buffer in
                OpenSSLDER.decodeWhole(buffer) { cursor, count in
                    PKCS12File(takingOwnership: d2i_PKCS12(nil, &cursor, count))
                }
            }
            guard case .decoded(let file) = decoding else {
                throw .malformed("is not a PKCS#12 file\(OpenSSLErrors.drainedSuffix())")
            }
            return file
        }
    }

    /// Whether the file has a MAC to check a password against.
    var hasMAC: Bool { PKCS12_mac_present(pointer) == 1 }

    /// The key derivation every check of the MAC runs, as OpenSSL decoded the file (`MacData`'s salt and
    /// iterations, DEFAULT 1).
    var macKeyDerivation: KeyDerivation {
        var salt: UnsafePointer<ASN1_OCTET_STRING>?
        var iterations: UnsafePointer<ASN1_INTEGER>?
        PKCS12_get0_mac(nil, nil, &salt, &iterations, pointer)
        return PasswordBasedEncryption.macKeyDerivation(iterations: iterations, salt: salt)
    }

    /// Whether the file's MAC verifies with `password`. Every check runs `derivation`, which is taken from
    /// `budget` first.
    func macVerifies(
        with password: PKCS12Password, derivation: KeyDerivation, budget: inout KeyDerivationBudget
    ) throws(PinHashError) -> Bool {
        try OpenSSLErrors.isolating { () throws(PinHashError) in
            try password.withPointer { pointer, length throws(PinHashError) in
                try budget.spend(derivation, for: "its MAC (integrity check)")
                if PKCS12_verify_mac(self.pointer, pointer, length) == 1 { return true }
                // The MAC may use a digest only the legacy provider has; load it and try once more.
                if LegacyProvider.loadIfUnsupported(OpenSSLErrors.drain()) {
                    try budget.spend(derivation, for: "its MAC (integrity check)")
                    return PKCS12_verify_mac(self.pointer, pointer, length) == 1
                }
                return false
            }
        }
    }

    /// Every certificate and private key in the file, in order, decrypting the parts and key bags that
    /// are encrypted with `password` once their key derivation is taken from `budget`.
    func contents(with password: PKCS12Password, budget: inout KeyDerivationBudget) throws(PinHashError)
        -> PKCS12Contents
    {
        try OpenSSLErrors.isolating { () throws(PinHashError) in
            try password.withPointer { pointer, length throws(PinHashError) in
                try readBags(pointer, length, budget: &budget)
            }
        }
    }

    private func readBags(
        _ password: UnsafePointer<CChar>?, _ length: Int32, budget: inout KeyDerivationBudget
    )
        throws(PinHashError) -> PKCS12Contents
    {
        guard let authenticatedSafes = PKCS12_unpack_authsafes(pointer) else {
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
                guard let algorithm = p7.pointee.d.encrypted?.pointee.enc_data?.pointee.algorithm else {
                    throw .malformed("part \(index + 1)'s encryption cannot be read")
                }
                do {
                    let derivation = try PasswordBasedEncryption.keyDerivation(of: UnsafePointer(algorithm))
                    try budget.spend(derivation)
                    bags = PKCS12_unpack_p7encdata(p7, password, length)
                    if bags == nil, LegacyProvider.loadIfUnsupported(OpenSSLErrors.drain()) {
                        try budget.spend(derivation)
                        bags = PKCS12_unpack_p7encdata(p7, password, length)
                    }
                } catch {
                    throw error.within("part \(index + 1)")
                }
            } else {
                continue
            }
            guard let bags else {
                throw .malformed(
                    "part \(index + 1) cannot be decrypted or read\(OpenSSLErrors.drainedSuffix())")
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
                guard let der = OpenSSLDER.encoded({ i2d_X509(certificate, $0) }) else {
                    throw .malformed("certificate bag \(index + 1) cannot be encoded")
                }
                contents.certificates.append(der)
            case NID_keyBag:
                if let info = PKCS12_SAFEBAG_get0_p8inf(bag) { try appendKey(info, into: &contents) }
            case NID_pkcs8ShroudedKeyBag:
                var algorithm: UnsafePointer<X509_ALGOR>?
                if let shrouded = PKCS12_SAFEBAG_get0_pkcs8(bag) { X509_SIG_get0(shrouded, &algorithm, nil) }
                guard let algorithm else {
                    throw .malformed("key bag \(index + 1)'s encryption cannot be read")
                }
                do {
                    try budget.spend(PasswordBasedEncryption.keyDerivation(of: algorithm))
                } catch {
                    throw error.within("key bag \(index + 1)")
                }
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
        guard let key = try PrivateKeyDecoder.key(ofDecodedPrivateKeyInfo: info) else {
            throw .malformed("its private key cannot be read\(OpenSSLErrors.drainedSuffix())")
        }
        contents.keySubjectPublicKeyInfos.append(try key.subjectPublicKeyInfo())
    }
}

private let pkcs7Free: OPENSSL_sk_freefunc = { PKCS7_free($0?.assumingMemoryBound(to: PKCS7.self)) }
private let safeBagFree: OPENSSL_sk_freefunc = { PKCS12_SAFEBAG_free(OpaquePointer($0)) }
