internal import CPinhashLibSSL
internal import CPinhashOpenSSL
import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A TLS client over a connected socket (libssl): the handshake, the certificates the server sent, the
/// verification result, and bytes in and out.
///
/// Verification runs in OpenSSL's SSL_VERIFY_NONE mode, so that an untrusted chain still completes the
/// handshake and its pins can be printed; the result is read afterwards with SSL_get_verify_result.
final class TLSClientSession: ByteStream {
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let connection: TCPConnection
    let serverName: String?
    let checkedName: String
    let caFile: String?

    /// - Parameters:
    ///   - serverName: the SNI name; nil sends none.
    ///   - checkedName: the host name or IP address the leaf must be valid for.
    ///   - caFile: PEM CA certificates to trust instead of the system's store.
    init(over connection: TCPConnection, serverName: String?, checkedName: String, caFile: String?)
        throws(PinHashError)
    {
        self.connection = connection
        self.serverName = serverName
        self.checkedName = checkedName
        self.caFile = caFile
        readyOpenSSLForKeys()
        OpenSSLErrors.clear()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw PinHashError(
                .internalFailure, "OpenSSL could not make a TLS context\(OpenSSLErrors.drainedSuffix())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                SSL_CTX_free(context)
                throw PinHashError(
                    .unreadableInput, "cannot read CA certificates from it\(OpenSSLErrors.drainedSuffix())",
                    source: caFile)
            }
        } else if !Self.loadSystemTrustStore(into: context) {
            SSL_CTX_free(context)
            throw PinHashError(
                .internalFailure,
                "OpenSSL could not find the system trust store\(OpenSSLErrors.drainedSuffix())")
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw PinHashError(
                .internalFailure, "OpenSSL could not make a TLS session\(OpenSSLErrors.drainedSuffix())")
        }
        self.context = context
        self.ssl = ssl
        // From here on deinit frees both.
        guard SSL_set_fd(ssl, connection.descriptor) == 1 else {
            throw PinHashError(
                .internalFailure, "OpenSSL could not use the socket\(OpenSSLErrors.drainedSuffix())")
        }
        if let serverName {
            // SSL_set_tlsext_host_name is a macro over SSL_ctrl.
            let sent = serverName.withCString {
                SSL_ctrl(
                    ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name),
                    UnsafeMutableRawPointer(mutating: $0))
            }
            guard sent == 1 else {
                throw PinHashError(
                    .invalidArgument,
                    "OpenSSL refused '\(serverName)' as a server name\(OpenSSLErrors.drainedSuffix())")
            }
        }
        let checked =
            isIPAddressLiteral(checkedName)
            ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), checkedName)
            : SSL_set1_host(ssl, checkedName)
        guard checked == 1 else {
            throw PinHashError(
                .invalidArgument,
                "OpenSSL refused '\(checkedName)' as a name to check\(OpenSSLErrors.drainedSuffix())")
        }
        SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
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

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// Runs the handshake to its end, or throws saying why it failed.
    func handshake(until deadline: Deadline) throws(PinHashError) {
        let step = "waiting for the TLS handshake"
        while true {
            OpenSSLErrors.clear()
            errno = 0
            let result = SSL_connect(ssl)
            if result == 1 { return }
            let failure = SSL_get_error(ssl, result)
            switch failure {
            case SSL_ERROR_WANT_READ: try connection.wait(for: Int16(POLLIN), until: deadline, step)
            case SSL_ERROR_WANT_WRITE: try connection.wait(for: Int16(POLLOUT), until: deadline, step)
            default: throw handshakeError(failure)
            }
        }
    }

    private func handshakeError(_ failure: Int32) -> PinHashError {
        let systemError = errno
        let reasons = OpenSSLErrors.drain()
        let closed = "the server closed the connection during the TLS handshake"
        if failure == SSL_ERROR_ZERO_RETURN || reasons.contains("unexpected eof while reading") {
            return PinHashError(.connectionFailed, closed)
        }
        if failure == SSL_ERROR_SYSCALL, reasons.isEmpty {
            if systemError == 0 { return PinHashError(.connectionFailed, closed) }
            return TCPConnection.transferError(systemError, "during the TLS handshake")
        }
        guard let reason = reasons.last else {
            return PinHashError(.handshakeFailed, "TLS handshake failed (OpenSSL error \(failure))")
        }
        var hint = ""
        var remedy: Remedy?
        if reason == "wrong version number" || reason == "packet length too long"
            || reason == "record layer failure"
        {
            hint = ": the server did not answer with TLS; is port \(connection.port) a TLS port?"
            remedy = .useStartTLS
        } else if reason.hasSuffix("unrecognized name") {
            if let serverName {
                hint = ": the server has no certificate for the name sent (\(serverName))"
                remedy = .checkServerName(serverName)
            } else {
                hint = ": the server wants a name"
                remedy = .giveServerName
            }
        } else if reason.hasSuffix("alert handshake failure"), serverName == nil {
            remedy = .tryServerName
        }
        return PinHashError(.handshakeFailed, "TLS handshake failed: \(reason)\(hint)", remedy: remedy)
    }

    /// The DER of each certificate the server sent, in order (the leaf first).
    func peerCertificates() -> [[UInt8]] {
        guard let stack = SSL_get_peer_cert_chain(ssl) else { return [] }
        return Self.encoded(stack)
    }

    /// The chain OpenSSL built and verified, leaf to trust anchor; empty unless verification succeeded.
    func verifiedChain() -> [[UInt8]] {
        guard isTrusted, let stack = SSL_get0_verified_chain(ssl) else { return [] }
        return Self.encoded(stack)
    }

    private static func encoded(_ stack: OpaquePointer) -> [[UInt8]] {
        (0..<max(0, OPENSSL_sk_num(stack))).compactMap { index in
            guard let certificate = OPENSSL_sk_value(stack, index) else { return nil }
            var output: UnsafeMutablePointer<UInt8>?
            // OpenSSL keeps a received certificate's encoding, so this gives the bytes as sent.
            let length = i2d_X509(OpaquePointer(certificate), &output)
            guard length > 0, let output else { return nil }
            defer { freeOpenSSLBuffer(output) }
            return Array(UnsafeBufferPointer(start: output, count: Int(length)))
        }
    }

    var isTrusted: Bool { SSL_get_verify_result(ssl) == X509_V_OK }

    var verification: ChainVerification {
        let result = SSL_get_verify_result(ssl)
        let failure = result == X509_V_OK ? nil : String(cString: X509_verify_cert_error_string(result))
        return ChainVerification(
            isTrusted: failure == nil, failure: failure, checkedName: checkedName, caFile: caFile)
    }

    /// `TLSv1.3`, `TLSv1.2`.
    var protocolVersion: String { String(cString: SSL_get_version(ssl)) }

    /// The cipher suite, in OpenSSL's naming: `TLS_AES_256_GCM_SHA384`.
    var cipher: String {
        SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) } ?? ""
    }

    func send(_ bytes: [UInt8], until deadline: Deadline, _ step: String) throws(PinHashError) {
        var offset = 0
        while offset < bytes.count {
            OpenSSLErrors.clear()
            errno = 0
            let written = bytes.withUnsafeBytes {
                SSL_write(ssl, $0.baseAddress! + offset, Int32(min($0.count - offset, Int(Int32.max))))
            }
            if written > 0 {
                offset += Int(written)
                continue
            }
            try waitOrThrow(SSL_get_error(ssl, written), until: deadline, step)
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, until deadline: Deadline, _ step: String)
        throws(PinHashError) -> Int
    {
        while true {
            OpenSSLErrors.clear()
            errno = 0
            let count = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
            if count > 0 { return Int(count) }
            let failure = SSL_get_error(ssl, count)
            // A server that closes without close_notify has still finished its response.
            if failure == SSL_ERROR_ZERO_RETURN || (failure == SSL_ERROR_SYSCALL && errno == 0) { return 0 }
            if failure == SSL_ERROR_SSL, OpenSSLErrors.drain().contains("unexpected eof while reading") {
                return 0
            }
            try waitOrThrow(failure, until: deadline, step)
        }
    }

    private func waitOrThrow(_ failure: Int32, until deadline: Deadline, _ step: String) throws(PinHashError)
    {
        switch failure {
        case SSL_ERROR_WANT_READ: try connection.wait(for: Int16(POLLIN), until: deadline, step)
        case SSL_ERROR_WANT_WRITE: try connection.wait(for: Int16(POLLOUT), until: deadline, step)
        case SSL_ERROR_SYSCALL where errno != 0: throw TCPConnection.transferError(errno, step)
        default:
            throw PinHashError(.connectionFailed, "TLS failed \(step)\(OpenSSLErrors.drainedSuffix())")
        }
    }

    /// Sends close_notify without waiting for the server's.
    func close() {
        OpenSSLErrors.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrors.clear()
    }
}
