internal import CPinhashOpenSSL

/// Wipes memory that held a secret (a private key, a passphrase) with `OPENSSL_cleanse`, which the
/// compiler cannot drop as a dead store.
enum SecretMemory {
    static func cleanse(_ start: UnsafeMutableRawPointer?, count: Int) {
        OPENSSL_cleanse(start, count)
    }

    static func cleanse(_ buffer: UnsafeMutableRawBufferPointer) {
        OPENSSL_cleanse(buffer.baseAddress, buffer.count)
    }

    static func cleanse(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { OPENSSL_cleanse($0.baseAddress, $0.count) }
    }
}
