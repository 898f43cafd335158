internal import CPinhashOpenSSL

/// Builds and signs PKCS#10 certificate requests with OpenSSL.
enum CertificateRequestSigner {
    /// A request (version 1, no attributes) for `key` naming `subject`, signed with the key, as PEM
    /// text: with SHA-256, or with no separate digest for keys that sign without one (Ed25519).
    static func pem(subject: X509Name, key: EVPKey, hashingWithSHA256: Bool) throws(PinHashError) -> String {
        try OpenSSLErrors.isolating { () throws(PinHashError) in
            guard let request = X509_REQ_new() else {
                throw OpenSSLErrors.internalFailure("cannot allocate a request")
            }
            defer { X509_REQ_free(request) }
            guard X509_REQ_set_version(request, 0) == 1,
                X509_REQ_set_subject_name(request, subject.pointer) == 1,
                X509_REQ_set_pubkey(request, key.pointer) == 1
            else { throw OpenSSLErrors.internalFailure("cannot fill in the certificate request") }
            guard X509_REQ_sign(request, key.pointer, hashingWithSHA256 ? EVP_sha256() : nil) > 0 else {
                throw OpenSSLErrors.internalFailure("cannot sign the certificate request")
            }
            return try MemoryBIO.withNew { bio throws(PinHashError) in
                guard PEM_write_bio_X509_REQ(bio.pointer, request) == 1 else {
                    throw OpenSSLErrors.internalFailure("cannot encode the certificate request")
                }
                guard let pem = bio.contents else {
                    throw OpenSSLErrors.internalFailure("the encoded request is empty")
                }
                return String(decoding: pem, as: UTF8.self)
            }
        }
    }
}
