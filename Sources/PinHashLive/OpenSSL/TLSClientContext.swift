internal import CPinhashLibSSL
internal import CPinhashOpenSSL
import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An `SSL_CTX` for client connections and its one owner: TLS as a client, no verification during the
/// handshake (``TLSClientSession`` reads the result afterwards, so that an untrusted chain still gives
/// its pins), and the CAs to trust: those of a file, or the system's store.
final class TLSClientContext {
    let pointer: OpaquePointer

    /// - Parameter caFile: PEM CA certificates to trust instead of the system's store.
    init(trusting caFile: String?) throws(PinHashError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw OpenSSLErrors.internalFailure("OpenSSL could not make a TLS context")
        }
        pointer = context
        // From here on deinit frees it, whatever is thrown.
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        if let caFile {
            // Read here rather than by OpenSSL, whose fopen() waits for ever on a FIFO with no writer.
            let pem: [UInt8]
            do {
                pem = try InputFile.contents(
                    ofFileAt: caFile, limit: InputLimits.default.maximumObjectSize, what: "the CA file")
            } catch {
                throw PinHashError(error.code, error.reason, source: caFile)
            }
            guard Self.loadCertificates(pem, into: context) else {
                throw PinHashError(
                    .unreadableInput, "cannot read CA certificates from it\(OpenSSLErrors.drainedSuffix())",
                    source: caFile)
            }
        } else if !Self.loadSystemTrustStore(into: context) {
            throw OpenSSLErrors.internalFailure("OpenSSL could not find the system trust store")
        }
    }

    deinit { SSL_CTX_free(pointer) }

    /// Adds the certificates of a PEM file (`CERTIFICATE` and `TRUSTED CERTIFICATE` blocks) to the context's
    /// store, as SSL_CTX_load_verify_locations does with a file; false when there is none, or a block is
    /// broken.
    private static func loadCertificates(_ pem: [UInt8], into context: OpaquePointer) -> Bool {
        guard let store = SSL_CTX_get_cert_store(context) else { return false }
        return pem.withUnsafeBytes { bytes -> Bool in
            guard let bio = BIO_new_mem_buf(bytes.baseAddress, Int32(bytes.count)) else { return false }
            defer { BIO_free(bio) }
            var count = 0
            while let certificate = PEM_read_bio_X509_AUX(bio, nil, nil, nil) {
                defer { X509_free(certificate) }
                guard X509_STORE_add_cert(store, certificate) == 1 else { return false }
                count += 1
            }
            // The end of the input reads as "no start line"; any other error is a broken block.
            let last = ERR_peek_last_error()
            guard count > 0, ERR_GET_LIB(last) == ERR_LIB_PEM, ERR_GET_REASON(last) == PEM_R_NO_START_LINE
            else { return false }
            ERR_clear_error()
            return true
        }
    }

    /// The system's trust store, as SSL_CTX_set_default_verify_paths finds it (SSL_CERT_DIR and
    /// SSL_CERT_FILE first), but without the default bundle file when the directory has hash links
    /// (`c_rehash`, as update-ca-certificates makes them): OpenSSL then loads only the CA a chain needs,
    /// where the bundle is decoded whole on every run (Debian's 140 CAs, about 25 ms, most of a
    /// connection's time). A file SSL_CERT_FILE names is still loaded, as OpenSSL would; empty variables count as
    /// unset.
    private static func loadSystemTrustStore(into context: OpaquePointer) -> Bool {
        let directory =
            environment(X509_get_default_cert_dir_env()) ?? String(cString: X509_get_default_cert_dir())
        let hashed = hasHashLinks(directory)
        if hashed, SSL_CTX_load_verify_dir(context, directory) != 1 { return false }
        if let file = environment(X509_get_default_cert_file_env()) {
            return SSL_CTX_load_verify_file(context, file) == 1 || hashed
        }
        return hashed || SSL_CTX_load_verify_file(context, X509_get_default_cert_file()) == 1
    }

    /// An environment variable's value; nil when it is unset or empty.
    private static func environment(_ name: UnsafePointer<CChar>) -> String? {
        guard let value = getenv(name), value.pointee != 0 else { return nil }
        return String(cString: value)
    }

    /// Whether `directory` (or the first of a colon-separated list) holds `HHHHHHHH.N` names.
    private static func hasHashLinks(_ directory: String) -> Bool {
        let first = String(directory.split(separator: ":").first ?? "")
        guard let stream = opendir(first) else { return false }
        defer { closedir(stream) }
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
            guard name.count >= 10, name[8] == UInt8(ascii: "."),
                name[..<8].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
                name[9...].allSatisfy({ (0x30...0x39).contains($0) })
            else { continue }
            return true
        }
        return false
    }
}
