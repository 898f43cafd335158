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
/// Given TLSA records, the session verifies with OpenSSL's DANE code instead of the trust store
/// (SSL_dane_enable), and ``daneVerification`` says which record authenticated the chain.
final class TLSClientSession: ByteStream {
    private let context: TLSClientContext
    private let ssl: OpaquePointer
    private let connection: TCPConnection
    /// What libssl reads and writes through, bounded by the deadline of each call below.
    private let socket: DeadlineSocketBIO
    let serverName: String?
    let checkedName: String
    let caFile: String?
    /// The TLSA records the chain is verified against with DANE; nil verifies with the trust store.
    let tlsaRecords: [TLSARecordData]?

    /// - Parameters:
    ///   - serverName: the SNI name; nil sends none.
    ///   - checkedName: the host name or IP address the leaf must be valid for; with `tlsaRecords`, the
    ///     DANE base domain (the name the records are published under).
    ///   - caFile: PEM CA certificates to trust instead of the system's store.
    ///   - tlsaRecords: records to verify the chain with (DANE) instead of the trust store.
    init(
        over connection: TCPConnection, serverName: String?, checkedName: String, caFile: String?,
        tlsaRecords: [TLSARecordData]? = nil
    ) throws(PinHashError) {
        self.connection = connection
        socket = DeadlineSocketBIO(descriptor: connection.descriptor)
        self.serverName = serverName
        self.checkedName = checkedName
        self.caFile = caFile
        self.tlsaRecords = tlsaRecords
        readyOpenSSLForKeys()
        OpenSSLErrors.clear()
        let context = try TLSClientContext(trusting: caFile)
        guard let ssl = SSL_new(context.pointer) else {
            throw OpenSSLErrors.internalFailure("OpenSSL could not make a TLS session")
        }
        self.context = context
        self.ssl = ssl
        // From here on deinit frees the session, and the context its owner.
        // The same BIO for reading and writing: SSL_set_bio takes the one reference, and frees it with ssl.
        let bio = try socket.makeBIO()
        SSL_set_bio(ssl, bio, bio)
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
        if let tlsaRecords { try enableDANE(baseDomain: checkedName, records: tlsaRecords) }
    }

    deinit { SSL_free(ssl) }

    /// Has the handshake verify the chain against `records` (SSL_dane_enable, SSL_dane_tlsa_add), as
    /// `openssl s_client -dane_tlsa_domain -dane_tlsa_rrdata -dane_ee_no_namechecks` does.
    private func enableDANE(baseDomain: String, records: [TLSARecordData]) throws(PinHashError) {
        guard SSL_CTX_dane_enable(context.pointer) > 0 else {
            throw OpenSSLErrors.internalFailure("OpenSSL could not enable DANE")
        }
        guard SSL_dane_enable(ssl, baseDomain) > 0 else {
            throw PinHashError(
                .invalidArgument,
                "OpenSSL refused '\(baseDomain)' as a DANE base domain\(OpenSSLErrors.drainedSuffix())")
        }
        // RFC 7671 §5.1: a DANE-EE record binds the key to the name it is published under, so the
        // certificate's own names are not checked (as Postfix and Exim verify mail servers).
        _ = SSL_dane_set_flags(ssl, UInt(DANE_FLAG_NO_DANE_EE_NAMECHECKS))
        for record in records {
            guard let data = record.dataBytes else {
                throw PinHashError(.malformedInput, "the data of TLSA \(record) is not hex")
            }
            let added = SSL_dane_tlsa_add(
                ssl, record.usage, record.selector, record.matchingType, data, data.count)
            guard added > 0 else {
                throw PinHashError(
                    .malformedInput,
                    "OpenSSL cannot use TLSA \(record)\(OpenSSLErrors.drainedSuffix())")
            }
        }
    }

    /// After the handshake, with TLSA records: the record that authenticated the chain and the depth of
    /// the certificate it matched (SSL_get0_dane_tlsa), or OpenSSL's reason why none did; nil without
    /// records.
    var daneVerification: DANEVerification? {
        guard let tlsaRecords else { return nil }
        let result = SSL_get_verify_result(ssl)
        var usage: UInt8 = 0
        var selector: UInt8 = 0
        var matchingType: UInt8 = 0
        var data: UnsafePointer<UInt8>?
        var length = 0
        let depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &matchingType, &data, &length)
        guard result == X509_V_OK, depth >= 0, let data else {
            let failure =
                result == X509_V_OK
                ? "no TLSA record matched" : String(cString: X509_verify_cert_error_string(result))
            return DANEVerification(records: tlsaRecords, authority: nil, depth: nil, failure: failure)
        }
        let hex = UnsafeBufferPointer(start: data, count: length).map { byte in
            (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
        let matched = TLSARecordData(usage: usage, selector: selector, matchingType: matchingType, data: hex)
        let offered = tlsaRecords.first {
            $0.usage == usage && $0.selector == selector && $0.matchingType == matchingType
                && $0.data.lowercased() == hex
        }
        return DANEVerification(
            records: tlsaRecords, authority: offered ?? matched, depth: Int(depth), failure: nil)
    }

    /// Runs the handshake to its end, or throws saying why it failed.
    func handshake(until deadline: Deadline) throws(PinHashError) {
        let step = "waiting for the TLS handshake"
        socket.deadline = deadline
        defer { socket.deadline = nil }
        while true {
            if deadline.hasPassed { throw deadline.timedOut(step) }
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
            // OpenSSL keeps a received certificate's encoding, so this gives the bytes as sent.
            return OpenSSLDER.encoded { i2d_X509(OpaquePointer(certificate), $0) }
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
        socket.deadline = deadline
        defer { socket.deadline = nil }
        var offset = 0
        while offset < bytes.count {
            if deadline.hasPassed { throw deadline.timedOut(step) }
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
        socket.deadline = deadline
        defer { socket.deadline = nil }
        while true {
            if deadline.hasPassed { throw deadline.timedOut(step) }
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
