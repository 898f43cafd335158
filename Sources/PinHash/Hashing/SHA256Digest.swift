internal import CPinhashSHA256

/// A SHA-256 digest as four inline words: hashing makes no allocation.
struct SHA256Digest {
    let words: (UInt64, UInt64, UInt64, UInt64)

    init(hashing bytes: UnsafeBufferPointer<UInt8>) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { out in
            pinhash_sha256(
                bytes.baseAddress, bytes.count, out.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        self.words = words
    }
}
