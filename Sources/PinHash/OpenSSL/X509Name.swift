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
}
