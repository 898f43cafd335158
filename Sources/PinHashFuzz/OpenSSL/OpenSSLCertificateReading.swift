import CPinhashOpenSSL

/// How OpenSSL reads a DER certificate, the reference of the `spki` target.
enum OpenSSLCertificateReading {
    /// The SubjectPublicKeyInfo OpenSSL holds for the certificate, as it writes it back.
    case read(subjectPublicKeyInfo: [UInt8])
    /// OpenSSL's first error, such as `asn1 encoding routines::wrong tag`.
    case refused(reason: String)

    /// OpenSSL's reading of the certificate in `der` (`d2i_X509`, `X509_get_X509_PUBKEY`,
    /// `i2d_X509_PUBKEY`): what an OpenSSL-based client pins. Bytes left unread count as a refusal. A
    /// certificate whose extensions OpenSSL finds invalid is read all the same: it fails verification, but
    /// its key is still the key.
    init(certificate der: [UInt8]) {
        defer { ERR_clear_error() }
        self = der.withUnsafeBufferPointer { buffer -> Self in
            guard let start = buffer.baseAddress else { return .refused(reason: "empty") }
            var cursor: UnsafePointer<UInt8>? = start
            guard let certificate = d2i_X509(nil, &cursor, buffer.count) else {
                return .refused(reason: Self.firstError())
            }
            defer { X509_free(certificate) }
            guard cursor == start + buffer.count else { return .refused(reason: "trailing data") }
            guard let key = X509_get_X509_PUBKEY(certificate) else { return .refused(reason: "no key") }
            var encoded: UnsafeMutablePointer<UInt8>?
            let length = i2d_X509_PUBKEY(key, &encoded)
            guard length > 0, let encoded else { return .refused(reason: Self.firstError()) }
            defer { CRYPTO_free(encoded, #fileID, #line) }
            return .read(subjectPublicKeyInfo: Array(UnsafeBufferPointer(start: encoded, count: Int(length))))
        }
    }

    private static func firstError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "no error queued" }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
