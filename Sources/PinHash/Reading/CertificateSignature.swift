/// The signature algorithm a certificate is signed with, and its subject's common name: what the preload
/// list's SHA-1 check reads.
extension PinnedObject {
    /// The dotted OID of the certificate's outer signatureAlgorithm (`1.2.840.113549.1.1.11`); nil for
    /// keys and requests.
    public var signatureAlgorithmOID: String? {
        guard kind == .certificate, let der = derEncoded else { return nil }
        return der.withUnsafeBufferPointer { buffer -> String? in
            var top = DERCursor(buffer)
            guard let certificate = try? top.next(DERTag.sequence, "certificate"),
                case var fields = DERCursor(contentOf: certificate, in: buffer),
                (try? fields.next(DERTag.sequence, "tbsCertificate")) != nil,
                let algorithm = try? fields.next(DERTag.sequence, "signatureAlgorithm"),
                case var inner = DERCursor(contentOf: algorithm, in: buffer),
                let oid = try? inner.next(DERTag.objectIdentifier, "algorithm")
            else { return nil }
            return dottedOID(buffer.slice(oid.contentRange))
        }
    }

    /// Whether the certificate is signed with SHA-1 under RSA or ECDSA (sha1WithRSAEncryption,
    /// ecdsa-with-SHA1), the two algorithms hstspreload's SHA-1 check looks for.
    public var isSignedWithSHA1: Bool {
        ["1.2.840.113549.1.1.5", "1.2.840.10045.4.1"].contains(signatureAlgorithmOID ?? "")
    }

    /// The value of the subject's last commonName attribute (as Go's `Subject.CommonName` keeps it); nil
    /// when there is none.
    public var subjectCommonName: String? {
        guard let signedObject, let range = signedObject.subject else { return nil }
        return signedObject.der.withUnsafeBufferPointer { buffer -> String? in
            var name = DERCursor(buffer, range: range)
            guard let sequence = try? name.next(DERTag.sequence, "subject") else { return nil }
            var sets = DERCursor(contentOf: sequence, in: buffer)
            var found: String?
            while !sets.isAtEnd {
                guard let set = try? sets.next(DERTag.set, "RDN") else { return found }
                var attributes = DERCursor(contentOf: set, in: buffer)
                while !attributes.isAtEnd {
                    guard let attribute = try? attributes.next(DERTag.sequence, "attribute") else { break }
                    var parts = DERCursor(contentOf: attribute, in: buffer)
                    guard let oid = try? parts.next(DERTag.objectIdentifier, "type"),
                        let value = try? parts.next(naming: "value")
                    else { continue }
                    let type = buffer.slice(oid.contentRange)
                    if type.count == 3, type[0] == 0x55, type[1] == 0x04, type[2] == 0x03 {
                        found = String(decoding: buffer.slice(value.contentRange), as: UTF8.self)
                    }
                }
            }
            return found
        }
    }
}
