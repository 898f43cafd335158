internal import CPinhashOpenSSL

/// OpenSSL's table of object identifiers and the names it gives them.
enum ObjectTable {
    /// OpenSSL's short name (else its long name) for the OID whose DER content is `oid`; nil for an OID
    /// it has no name for.
    static func name(ofOID oid: UnsafeBufferPointer<UInt8>) -> String? {
        readyOpenSSLForKeys()
        let der = [DERTag.objectIdentifier] + derLength(oid.count) + Array(oid)
        let object: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ASN1_OBJECT(nil, &cursor, buffer.count)
        }
        guard let object else {
            // Only a failure queues a reason, so only a failure empties the queue: a thread's first touch
            // of it makes OpenSSL load its error strings (about a million instructions), which a run that
            // reads only certificates otherwise never does.
            OpenSSLErrors.clear()
            return nil
        }
        defer { ASN1_OBJECT_free(object) }
        let nid = OBJ_obj2nid(object)
        guard nid != NID_undef, let text = OBJ_nid2sn(nid) ?? OBJ_nid2ln(nid) else { return nil }
        return String(cString: text)
    }

    /// Whether OpenSSL knows `name` as an object's short or long name or reads it as a dotted OID.
    static func knows(_ name: String) -> Bool {
        readyOpenSSLForKeys()
        return OpenSSLErrors.isolating {
            guard let object = OBJ_txt2obj(name, 0) else { return false }
            ASN1_OBJECT_free(object)
            return true
        }
    }
}
