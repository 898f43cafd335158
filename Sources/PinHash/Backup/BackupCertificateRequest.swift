/// A certificate request's subject in the form `openssl req -subj` takes: `/CN=www.example.com/O=Example`,
/// each attribute `/TYPE=value`, a backslash making the next character plain (`\/` is a slash in a value).
/// TYPE is any attribute name or dotted OID OpenSSL knows (`CN`, `O`, `OU`, `C`, `ST`, `L`,
/// `emailAddress`, `serialNumber`, …); values are UTF-8.
public struct CertificateRequestSubject: Sendable, Hashable, CustomStringConvertible {
    /// One `TYPE=value` attribute.
    public struct Attribute: Sendable, Hashable {
        public let type: String
        public let value: String
    }

    /// The attributes in the order given, which is the order they have in the request's DER (RFC 4514
    /// text, as `openssl -nameopt RFC2253` prints, lists them the other way round).
    public let attributes: [Attribute]

    /// Parses openssl's `-subj` form, and checks every attribute with OpenSSL: an unknown type, an empty
    /// value, or a value the type does not allow (a `C` that is not two letters) is an error naming it.
    public init(openSSLForm text: String) throws(PinHashError) {
        guard text.first == "/" else {
            throw Self.invalid("must start with / (as in /CN=www.example.com/O=Example)")
        }
        var attributes: [Attribute] = []
        var field = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                field.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "/" {
                attributes.append(try Self.attribute(field))
                field = ""
            } else {
                field.append(character)
            }
        }
        if escaped { throw Self.invalid("ends with a lone backslash") }
        attributes.append(try Self.attribute(field))
        self.attributes = attributes
        // Building the name once is what checks each type and value against OpenSSL's rules.
        _ = try X509Name(self)
    }

    /// Splits `TYPE=value` at its first unescaped `=` (escapes were already removed, so a value may hold
    /// `=`, but a type never does).
    private static func attribute(_ field: String) throws(PinHashError) -> Attribute {
        guard !field.isEmpty else { throw invalid("has an empty attribute (// or a trailing /)") }
        guard let equals = field.firstIndex(of: "=") else {
            throw invalid("attribute \"\(field)\" has no = (expected TYPE=value)")
        }
        let type = String(field[..<equals])
        let value = String(field[field.index(after: equals)...])
        guard !type.isEmpty else { throw invalid("attribute \"\(field)\" has no type before =") }
        guard !value.isEmpty else { throw invalid("attribute \(type) has an empty value") }
        return Attribute(type: type, value: value)
    }

    static func invalid(_ reason: String) -> PinHashError {
        PinHashError(.invalidArgument, "the subject \(reason)")
    }

    /// The subject back in openssl's `-subj` form, escaped.
    public var description: String {
        attributes.map { attribute in
            let value = attribute.value.map { $0 == "/" || $0 == "\\" ? "\\\($0)" : "\($0)" }.joined()
            return "/\(attribute.type)=\(value)"
        }.joined()
    }
}

/// Where ``BackupKey/write(to:certificateRequest:)`` writes a certificate request for the key, and the
/// subject it names.
public struct CertificateRequestOutput: Sendable, Hashable {
    public var path: String
    public var subject: CertificateRequestSubject

    public init(path: String, subject: CertificateRequestSubject) {
        self.path = path
        self.subject = subject
    }
}

extension BackupKey {
    /// A PKCS#10 request (version 1, no attributes) for this key with `subject`, signed with it (SHA-256;
    /// Ed25519 signs without a separate digest), as PEM text.
    public func certificateRequestPEM(subject: CertificateRequestSubject) throws(PinHashError) -> String {
        try CertificateRequestSigner.pem(
            subject: X509Name(subject), key: pair, hashingWithSHA256: algorithm != .ed25519)
    }
}
