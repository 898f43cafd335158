#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Wipes memory that held a secret (a private key, a passphrase) with the C library's explicit_bzero
/// (memset_s on Apple's), which the compiler cannot drop as a dead store.
enum SecretMemory {
    static func cleanse(_ start: UnsafeMutableRawPointer?, count: Int) {
        guard let start, count > 0 else { return }
        #if canImport(Darwin)
            _ = memset_s(start, count, 0, count)
        #else
            explicit_bzero(start, count)
        #endif
    }

    static func cleanse(_ buffer: UnsafeMutableRawBufferPointer) {
        cleanse(buffer.baseAddress, count: buffer.count)
    }

    static func cleanse(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { cleanse($0.baseAddress, count: $0.count) }
    }
}
