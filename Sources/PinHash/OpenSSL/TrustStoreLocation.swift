internal import CPinhashOpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where OpenSSL looks for the system's trusted CA certificates: SSL_CERT_FILE and SSL_CERT_DIR when set
/// (and not empty), else the bundle file and hashed directory OpenSSL was built with (on Debian
/// `/usr/lib/ssl/cert.pem` and `/usr/lib/ssl/certs`, links to `/etc/ssl/certs`). The defaults are
/// libcrypto's built-in constants, which need no initialisation of OpenSSL, but loading libcrypto for
/// them costs a bundle's run about a millisecond of a core.
enum TrustStoreLocation {
    /// The variables OpenSSL reads (openssl-env(7)): the strings libcrypto's
    /// `X509_get_default_cert_file_env` and `X509_get_default_cert_dir_env` return (a live test compares),
    /// named here so that a run with the variables set never loads libcrypto for the store.
    static let fileVariable = "SSL_CERT_FILE"
    static let directoryVariable = "SSL_CERT_DIR"

    /// The file SSL_CERT_FILE names, if it is set.
    static var fileFromEnvironment: String? {
        environment(fileVariable)
    }

    /// The directory SSL_CERT_DIR names, if it is set.
    static var directoryFromEnvironment: String? {
        environment(directoryVariable)
    }

    /// libcrypto's own names of the two variables, for the test.
    static var openSSLVariables: [String] {
        [String(cString: X509_get_default_cert_file_env()), String(cString: X509_get_default_cert_dir_env())]
    }

    static var defaultFile: String {
        String(cString: X509_get_default_cert_file())
    }

    static var defaultDirectory: String {
        String(cString: X509_get_default_cert_dir())
    }

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}
