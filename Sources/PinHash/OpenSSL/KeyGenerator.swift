internal import CPinhashOpenSSL

/// Makes new key pairs with OpenSSL's key managers.
enum KeyGenerator {
    /// A new key of `algorithm`.
    static func generate(_ algorithm: BackupKeyAlgorithm) throws(PinHashError) -> EVPKey {
        readyOpenSSLForKeys()
        return try OpenSSLErrors.isolating { () throws(PinHashError) in
            guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm.keyType, nil) else {
                throw OpenSSLErrors.internalFailure("OpenSSL has no \(algorithm.keyType) key generator")
            }
            defer { EVP_PKEY_CTX_free(context) }
            guard EVP_PKEY_keygen_init(context) == 1 else {
                throw OpenSSLErrors.internalFailure("cannot start key generation")
            }
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
                throw OpenSSLErrors.internalFailure("cannot set up \(algorithm.rawValue) key generation")
            }
            var generated: OpaquePointer?
            guard EVP_PKEY_generate(context, &generated) == 1, let key = EVPKey(takingOwnership: generated)
            else {
                throw OpenSSLErrors.internalFailure("key generation failed")
            }
            return key
        }
    }
}
