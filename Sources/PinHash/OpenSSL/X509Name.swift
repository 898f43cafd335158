internal import CPinhashOpenSSL

/// An `X509_NAME` and its one owner, which frees it.
final class X509Name {
    let pointer: OpaquePointer

    /// The name `subject` gives, each attribute checked by OpenSSL: an unknown type, or a value the type
    /// does not allow, is an error naming it.
    init(_ subject: CertificateRequestSubject) throws(PinHashError) {
        readyOpenSSLForKeys()
        self.pointer = try OpenSSLErrors.isolating { () throws(PinHashError) in
            guard let name = X509_NAME_new() else {
                throw OpenSSLErrors.internalFailure("cannot allocate a name")
            }
            for attribute in subject.attributes {
                let added = X509_NAME_add_entry_by_txt(
                    name, attribute.type, MBSTRING_UTF8, attribute.value, -1, -1, 0)
                guard added == 1 else {
                    let reason = OpenSSLErrors.drainedSuffix()
                    X509_NAME_free(name)
                    if ObjectTable.knows(attribute.type) {
                        throw CertificateRequestSubject.invalid(
                            "attribute \(attribute.type) cannot hold \"\(attribute.value)\"\(reason)")
                    }
                    throw CertificateRequestSubject.invalid(
                        "attribute type \(attribute.type) is not one OpenSSL knows")
                }
            }
            return name
        }
    }

    deinit { X509_NAME_free(pointer) }

    /// The hash OpenSSL names the files of a hashed certificate directory by (`HHHHHHHH.N`, as
    /// `openssl rehash` writes them) for the DER Name `der`; nil when OpenSSL cannot read the name.
    static func subjectHash(ofNameDER der: ArraySlice<UInt8>) -> UInt32? {
        readyOpenSSLForKeys()
        return OpenSSLErrors.isolating { () -> UInt32? in
            der.withUnsafeBufferPointer { buffer -> UInt32? in
                guard let base = buffer.baseAddress else { return nil }
                var cursor: UnsafePointer<UInt8>? = base
                guard let name = d2i_X509_NAME(nil, &cursor, buffer.count) else { return nil }
                defer { X509_NAME_free(name) }
                var ok: Int32 = 0
                let hash = X509_NAME_hash_ex(name, nil, nil, &ok)
                return ok == 1 ? UInt32(truncatingIfNeeded: hash) : nil
            }
        }
    }
}
