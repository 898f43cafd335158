internal import CPinhashOpenSSL

/// The key algorithms OpenSSL can decode: those a provider has a key manager for, and the legacy ones.
enum OpenSSLKeyTypes {
    /// Whether OpenSSL has a decoder for keys of the algorithm with the dotted OID `oid`. Asked only about
    /// a key that did not decode, to tell a broken key from an algorithm OpenSSL does not know.
    static func knows(oid: String) -> Bool {
        readyOpenSSLForKeys()
        return OpenSSLErrors.isolating {
            // Providers name their key managers by OID too (`RSA:rsaEncryption:1.2.840.113549.1.1.1`).
            if let management = EVP_KEYMGMT_fetch(nil, oid, nil) {
                EVP_KEYMGMT_free(management)
                return true
            }
            guard let object = OBJ_txt2obj(oid, 1) else { return false }
            defer { ASN1_OBJECT_free(object) }
            let nid = OBJ_obj2nid(object)
            return nid != NID_undef && EVP_PKEY_asn1_find(nil, nid) != nil
        }
    }
}
