internal import CPinhashOpenSSL

/// A SHA-256 digest as four inline words: hashing makes no allocation.
struct SHA256Digest {
    let words: (UInt64, UInt64, UInt64, UInt64)

    init(hashing bytes: UnsafeBufferPointer<UInt8>) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in
            // SHA256() would fetch a provider on every call in OpenSSL 3; the context functions do not.
            var context = SHA256_CTX()
            _ = SHA256_Init(&context)
            _ = SHA256_Update(&context, bytes.baseAddress, bytes.count)
            _ = SHA256_Final(out.baseAddress!.assumingMemoryBound(to: UInt8.self), &context)
        }
        self.words = words
    }
}
