internal import CPinhashOpenSSL

/// OpenSSL's DER conventions, written once: an `i2d_…` function allocates the encoding the caller frees,
/// and a `d2i_…` function stops where its object ends, so trailing bytes must be checked for.
package enum OpenSSLDER {
    /// What a `d2i_…` function made of a whole buffer.
    enum Decoding<Object> {
        case decoded(Object)
        /// OpenSSL could not decode it; the reason is in the error queue.
        case undecodable
        /// The object ended before the buffer did, with this many bytes left; the object is freed.
        case trailingData(byteCount: Int)
    }

    /// Runs `decode` (a `d2i_…` call whose result an owner takes) over all of `der`, insisting that it
    /// consumes every byte.
    static func decodeWhole<Object>(
        _ der: UnsafeBufferPointer<UInt8>, _ decode: (inout UnsafePointer<UInt8>?, Int) -> Object?
    ) -> Decoding<Object> {
        var cursor: UnsafePointer<UInt8>? = der.baseAddress
        guard let object = decode(&cursor, der.count) else { return .undecodable }
        let consumed = cursor.map { $0 - der.baseAddress! } ?? 0
        guard consumed == der.count else { return .trailingData(byteCount: der.count - consumed) }
        return .decoded(object)
    }

    /// The bytes an `i2d_…` call writes into the buffer it allocates (given as `$0`), which is freed
    /// here; nil when it writes nothing.
    package static func encoded(_ encode: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>) -> Int32)
        -> [UInt8]?
    {
        var output: UnsafeMutablePointer<UInt8>?
        let length = encode(&output)
        guard length > 0, let output else { return nil }
        defer { freeOpenSSLBuffer(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}

/// Frees memory OpenSSL allocated (`OPENSSL_free` is a macro Swift cannot call).
func freeOpenSSLBuffer(_ pointer: UnsafeMutableRawPointer?) {
    CRYPTO_free(pointer, #fileID, #line)
}
