internal import CPinhashOpenSSL
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// OpenSSL's error queue, cleared before each call into OpenSSL and drained after it.
enum OpenSSLErrors {
    static func clear() { ERR_clear_error() }

    /// The reason strings queued since the last `clear()`, oldest first, and empties the queue.
    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let text = ERR_reason_error_string(code) { reasons.append(String(cString: text)) }
        }
        return reasons
    }

    /// The most specific reason queued, for the end of an error message: ` (bad decrypt)`.
    static func drainedSuffix() -> String {
        guard let reason = drain().last else { return "" }
        return " (\(reason))"
    }
}

/// Frees memory OpenSSL allocated (`OPENSSL_free` is a macro Swift cannot call).
func freeOpenSSLBuffer(_ pointer: UnsafeMutableRawPointer?) {
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

extension PinReader {
    /// Starts building OpenSSL's tables of key decoders and encoders on another thread and returns at
    /// once, so that the first private key read afterwards skips that work (about 7 million
    /// instructions, most of a key's cost). For short-lived processes: call it first thing, then parse
    /// arguments while it runs. Nothing else uses OpenSSL's decoders until it has finished: OpenSSL 3.0's
    /// first fetches are not safe to race.
    public static func prepareKeyDecodersInBackground() {
        KeyDecoderPreparation.start()
    }
}

/// The background thread `prepareKeyDecodersInBackground` starts, joined before decoders are used.
enum KeyDecoderPreparation {
    private static let thread = Mutex<pthread_t?>(nil)

    static func start() {
        thread.withLock { running in
            guard running == nil else { return }
            var handle = pthread_t()
            let started = pthread_create(
                &handle, nil,
                { _ in
                    _ = OpenSSLSetUp.done
                    OSSL_DECODER_do_all_provided(nil, { _, _ in }, nil)
                    OSSL_ENCODER_do_all_provided(nil, { _, _ in }, nil)
                    EVP_KEYMGMT_do_all_provided(nil, { _, _ in }, nil)
                    return nil
                }, nil)
            if started == 0 { running = handle }
        }
    }

    /// Waits for the preparation, if one was started and is not joined yet.
    static func finish() {
        let running = thread.withLock { running -> pthread_t? in
            defer { running = nil }
            return running
        }
        if let running { pthread_join(running, nil) }
    }
}

/// OpenSSL, initialised and with any background preparation finished: call before using its key
/// decoders, encoders or generators.
func readyOpenSSLForKeys() {
    _ = OpenSSLSetUp.done
    KeyDecoderPreparation.finish()
}
