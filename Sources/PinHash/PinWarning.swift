/// Something true of a pin that its user should know: the pin is that of the SubjectPublicKeyInfo as
/// stored, yet some clients compute another, or nothing could check the key.
public enum PinWarning: Sendable, Hashable, CustomStringConvertible {
    /// OpenSSL does not know the key's algorithm (`oid`, dotted; `name` where pinhash knows one, such as
    /// `ML-DSA-44`), so the key was pinned as stored and not checked.
    case unknownAlgorithm(oid: String, name: String?)
    /// OpenSSL reads the key but writes it back as a different SubjectPublicKeyInfo: clients that re-encode
    /// the key they read (those built on OpenSSL) compute `reencoded`, not `stored`.
    case reencoded(stored: Pin, reencoded: Pin)
    /// A certificate's extension that places it in a chain (`basicConstraints`, `keyUsage`,
    /// `subjectAltName`, `subjectKeyIdentifier` or `authorityKeyIdentifier`) holds a value that does not
    /// decode. OpenSSL reads such a certificate and its key (it decodes extensions only when asked), so the
    /// key is pinned; the certificate's role is judged as if the extension were absent.
    case unreadableExtension(name: String)

    public var description: String {
        switch self {
        case .unknownAlgorithm(let oid, let name):
            "the key's algorithm \(oid)\(name.map { " (\($0))" } ?? "") is unknown to OpenSSL: pinned as "
                + "stored, the key itself unchecked"
        case .reencoded(let stored, let reencoded):
            "OpenSSL re-encodes this SubjectPublicKeyInfo: the stored key's pin is \(stored.base64), but "
                + "clients that re-encode the key compute \(reencoded.base64)"
        case .unreadableExtension(let name):
            "the certificate's \(name) extension does not decode: pinned, with the certificate's role judged "
                + "as if the extension were absent"
        }
    }
}
