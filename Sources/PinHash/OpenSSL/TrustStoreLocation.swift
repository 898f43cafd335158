internal import CPinhashOpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where OpenSSL looks for the system's trusted CA certificates: SSL_CERT_FILE and SSL_CERT_DIR when set
/// (and not empty), else the bundle file and hashed directory OpenSSL was built with (on Debian
/// `/usr/lib/ssl/cert.pem` and `/usr/lib/ssl/certs`, links to `/etc/ssl/certs`). These four return
/// libcrypto's built-in constants, which need no initialisation of OpenSSL.
enum TrustStoreLocation {
    /// The file SSL_CERT_FILE names, if it is set.
    static var fileFromEnvironment: String? {
        environment(X509_get_default_cert_file_env())
    }

    /// The directory SSL_CERT_DIR names, if it is set.
    static var directoryFromEnvironment: String? {
        environment(X509_get_default_cert_dir_env())
    }

    static var defaultFile: String {
        String(cString: X509_get_default_cert_file())
    }

    static var defaultDirectory: String {
        String(cString: X509_get_default_cert_dir())
    }

    private static func environment(_ name: UnsafePointer<CChar>) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }
}
