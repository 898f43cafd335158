internal import CPinhashSHA256

/// SHA-1, for one thing: the subject hash a hashed certificate directory's file names carry
/// (``canonicalSubjectHash(ofNameDER:)``). Never for a pin or a signature.
enum SHA1Digest {
    /// The 20-byte digest of `bytes`.
    static func digest(of bytes: [UInt8]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 20) { out, count in
            bytes.withUnsafeBufferPointer { pinhash_sha1($0.baseAddress, $0.count, out.baseAddress!) }
            count = 20
        }
    }
}
