internal import CPinhashOpenSSL

/// An `EVP_PKEY` and its one owner, which frees it (OpenSSL cleanses private keys as it frees them).
final class EVPKey: @unchecked Sendable {  // OpenSSL keys may be used from several threads once made
    let pointer: OpaquePointer

    init(takingOwnership pointer: OpaquePointer) { self.pointer = pointer }

    /// Takes the result of a call that makes a key; nil when it made none.
    convenience init?(takingOwnership pointer: OpaquePointer?) {
        guard let pointer else { return nil }
        self.init(takingOwnership: pointer)
    }

    deinit { EVP_PKEY_free(pointer) }

    /// The key of a DER SubjectPublicKeyInfo (`d2i_PUBKEY`); nil when OpenSSL cannot read it.
    convenience init?(subjectPublicKeyInfo der: [UInt8]) {
        readyOpenSSLForKeys()
        let pointer = OpenSSLErrors.isolating {
            der.withUnsafeBufferPointer { buffer in
                var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_PUBKEY(nil, &cursor, buffer.count)
            }
        }
        self.init(takingOwnership: pointer)
    }

    /// The key of a DER SubjectPublicKeyInfo (`d2i_PUBKEY`), or the reasons OpenSSL gave for not reading
    /// it.
    static func decoding(subjectPublicKeyInfo der: [UInt8]) -> Result<EVPKey, OpenSSLFailure> {
        readyOpenSSLForKeys()
        return OpenSSLErrors.isolating {
            let pointer = der.withUnsafeBufferPointer { buffer in
                var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
                return d2i_PUBKEY(nil, &cursor, buffer.count)
            }
            guard let pointer else { return .failure(OpenSSLFailure(reasons: OpenSSLErrors.drain())) }
            return .success(EVPKey(takingOwnership: pointer))
        }
    }

    /// The DER SubjectPublicKeyInfo OpenSSL encodes for the key (`i2d_PUBKEY`), which is what
    /// `openssl pkey -pubout` writes.
    func subjectPublicKeyInfo() throws(PinHashError) -> [UInt8] {
        try OpenSSLErrors.isolating { () throws(PinHashError) in
            guard let der = OpenSSLDER.encoded({ i2d_PUBKEY(pointer, $0) }) else {
                throw OpenSSLErrors.internalFailure("OpenSSL could not encode the public key")
            }
            return der
        }
    }

    /// OpenSSL's name for the key type: `RSA`, `RSA-PSS`, `EC`, `ED25519`, `X25519`, `DSA`.
    var typeName: String? {
        EVP_PKEY_get0_type_name(pointer).map { String(cString: $0) }
    }

    /// The key size in bits as OpenSSL counts it; nil when it gives none.
    var bits: Int? {
        let bits = Int(EVP_PKEY_get_bits(pointer))
        return bits > 0 ? bits : nil
    }

    /// The named group of an EC key by its NIST name where it has one (`P-256`), else OpenSSL's
    /// (`secp256k1`); nil for keys without a group.
    var curve: String? {
        OpenSSLErrors.isolating {
            var group = [CChar](repeating: 0, count: 80)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(pointer, "group", &group, group.count, &length) == 1 else {
                return nil
            }
            let groupName = String(
                decoding: group.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return EC_curve_nid2nist(OBJ_sn2nid(groupName)).map { String(cString: $0) } ?? groupName
        }
    }
}

extension EVPKey {
    /// Calls `body` with the private key as PKCS#8 PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with
    /// AES-256-CBC under `passphrase`); the text is cleansed from memory afterwards.
    func withPKCS8PEM<Result>(
        encryptedWith passphrase: SecretBytes?,
        _ body: (UnsafeRawBufferPointer) throws(PinHashError) -> Result
    ) throws(PinHashError) -> Result {
        try OpenSSLErrors.isolating { () throws(PinHashError) in
            try MemoryBIO.withNew(cleansing: true) { bio throws(PinHashError) in
                let written: Int32
                if let passphrase {
                    written = passphrase.withBytes { bytes in
                        PEM_write_bio_PKCS8PrivateKey(
                            bio.pointer, pointer, EVP_aes_256_cbc(),
                            UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self),
                            Int32(bytes.count), nil, nil)
                    }
                } else {
                    written = PEM_write_bio_PKCS8PrivateKey(bio.pointer, pointer, nil, nil, 0, nil, nil)
                }
                guard written == 1 else {
                    throw OpenSSLErrors.internalFailure("cannot encode the key as PKCS#8")
                }
                guard let pem = bio.contents else {
                    throw OpenSSLErrors.internalFailure("the encoded key is empty")
                }
                return try body(pem)
            }
        }
    }
}

/// Why OpenSSL refused an input: the reasons it queued, oldest first.
struct OpenSSLFailure: Error {
    let reasons: [String]
}
