internal import CPinhashOpenSSL

/// OpenSSL's error queue, cleared before each call into OpenSSL and drained after it.
package enum OpenSSLErrors {
    package static func clear() { ERR_clear_error() }

    /// The reason strings queued since the last `clear()`, oldest first, and empties the queue.
    package static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let text = ERR_reason_error_string(code) { reasons.append(String(cString: text)) }
        }
        return reasons
    }

    /// The most specific reason queued, for the end of an error message: ` (bad decrypt)`.
    package static func drainedSuffix() -> String {
        guard let reason = drain().last else { return "" }
        return " (\(reason))"
    }
}

/// Frees memory OpenSSL allocated (`OPENSSL_free` is a macro Swift cannot call).
package func freeOpenSSLBuffer(_ pointer: UnsafeMutableRawPointer?) {
    CRYPTO_free(pointer, #fileID, #line)
}

/// The DER SubjectPublicKeyInfo OpenSSL encodes for `key` (`i2d_PUBKEY`).
func encodedSubjectPublicKeyInfo(_ key: OpaquePointer) throws(PinHashError) -> [UInt8] {
    var output: UnsafeMutablePointer<UInt8>?
    let length = i2d_PUBKEY(key, &output)
    guard length > 0, let output else {
        throw PinHashError(
            .internalFailure, "OpenSSL could not encode the public key\(OpenSSLErrors.drainedSuffix())")
    }
    defer { freeOpenSSLBuffer(output) }
    return Array(UnsafeBufferPointer(start: output, count: Int(length)))
}

/// Initialises OpenSSL once without reading openssl.cnf (no setting there changes a public key's
/// encoding, and loading it costs about a million instructions a run) and without OpenSSL's exit-time
/// clean-up of its global tables (another 0.8 million; pinhash frees and cleanses every key it loads
/// as soon as it has the public key, and the process's memory goes with it).
enum OpenSSLSetUp {
    static let done: Bool =
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG) | UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
}

/// OpenSSL, initialised: call before using its key decoders, encoders or generators.
package func readyOpenSSLForKeys() {
    _ = OpenSSLSetUp.done
}
