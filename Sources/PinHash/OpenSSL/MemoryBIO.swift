internal import CPinhashOpenSSL

/// An OpenSSL memory BIO, lent to a closure and freed when it returns.
struct MemoryBIO {
    let pointer: OpaquePointer

    /// Runs `body` with a new, empty memory BIO to write into. With `cleansing`, what was written is
    /// wiped before the BIO is freed (it held a private key).
    static func withNew<Result>(
        cleansing: Bool = false, _ body: (MemoryBIO) throws(PinHashError) -> Result
    ) throws(PinHashError) -> Result {
        guard let pointer = BIO_new(BIO_s_mem()) else {
            throw OpenSSLErrors.internalFailure("cannot allocate a memory BIO")
        }
        let bio = MemoryBIO(pointer: pointer)
        defer {
            if cleansing, let written = bio.contents {
                SecretMemory.cleanse(
                    UnsafeMutableRawPointer(mutating: written.baseAddress), count: written.count)
            }
            BIO_free(pointer)
        }
        return try body(bio)
    }

    /// Runs `body` with a read-only memory BIO over `bytes` (nil when OpenSSL cannot make one); the BIO
    /// must not outlive the call, as it reads `bytes` in place.
    static func withReadOnly<Result>(
        wrapping bytes: UnsafeBufferPointer<UInt8>, _ body: (MemoryBIO) -> Result?
    )
        -> Result?
    {
        guard let pointer = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return nil }
        defer { BIO_free(pointer) }
        return body(MemoryBIO(pointer: pointer))
    }

    /// What has been written and not read; nil when that is nothing (`BIO_get_mem_data`, a macro Swift
    /// does not import).
    var contents: UnsafeRawBufferPointer? {
        var data: UnsafeMutablePointer<CChar>?
        let length = BIO_ctrl(pointer, BIO_CTRL_INFO, 0, &data)
        guard length > 0, let data else { return nil }
        return UnsafeRawBufferPointer(start: data, count: Int(length))
    }
}
