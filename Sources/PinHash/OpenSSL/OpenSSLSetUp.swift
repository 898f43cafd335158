internal import CPinhashOpenSSL

/// Initialises OpenSSL once without reading openssl.cnf (no setting there changes a public key's
/// encoding, and loading it costs about a million instructions a run) and without OpenSSL's exit-time
/// clean-up of its global tables (another 0.8 million; pinhash frees and cleanses every key it loads
/// as soon as it has the public key, and the process's memory goes with it).
enum OpenSSLSetUp {
    static let done: Bool =
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG) | UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1
}

/// OpenSSL, initialised: every entry into libcrypto calls this first (the default initialisation would
/// read openssl.cnf), and nothing else does, so that a run that never needs OpenSSL (a certificate's or a
/// plain key's pin) never initialises it.
package func readyOpenSSLForKeys() {
    _ = OpenSSLSetUp.done
}
