/// The type of input a caller expects; anything else in the input is an error. `auto` takes what it finds.
public enum InputType: String, Sendable, Hashable, CaseIterable {
    case auto
    case privateKey = "key"
    case publicKey = "pubkey"
    case certificateRequest = "csr"
    case certificate = "cert"
    case pkcs12 = "p12"

    var noun: String {
        switch self {
        case .auto: "a key, certificate or request"
        case .privateKey: "a private key"
        case .publicKey: "a public key"
        case .certificateRequest: "a certificate request"
        case .certificate: "a certificate"
        case .pkcs12: "a PKCS#12 file"
        }
    }
}

/// What one PEM block or DER object holds, from its label or its shape.
enum Content {
    case certificate(trusted: Bool)
    case certificateRequest
    case subjectPublicKeyInfo
    case rsaPublicKey
    case privateKey(PrivateKeyFormat)
    case pkcs12
    case ecParameters
    case unsupported(String)

    var inputType: InputType? {
        switch self {
        case .certificate: .certificate
        case .certificateRequest: .certificateRequest
        case .subjectPublicKeyInfo, .rsaPublicKey: .publicKey
        case .privateKey: .privateKey
        case .pkcs12: .pkcs12
        case .ecParameters, .unsupported: nil
        }
    }

    var holdsSecrets: Bool {
        switch self {
        case .privateKey, .pkcs12: true
        default: false
        }
    }

    /// A certificate, request or public key: read without OpenSSL's key decoders or a passphrase, so on
    /// any thread, and holding no secret.
    var isPublicObject: Bool {
        switch self {
        case .certificate, .certificateRequest, .subjectPublicKeyInfo, .rsaPublicKey: true
        default: false
        }
    }

    init(pemLabel label: String, encryptedText: [UInt8]?) {
        switch label {
        case "CERTIFICATE", "X509 CERTIFICATE": self = .certificate(trusted: false)
        case "TRUSTED CERTIFICATE": self = .certificate(trusted: true)
        case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST": self = .certificateRequest
        case "PUBLIC KEY": self = .subjectPublicKeyInfo
        case "RSA PUBLIC KEY": self = .rsaPublicKey
        case "PRIVATE KEY": self = .privateKey(.pkcs8)
        case "ENCRYPTED PRIVATE KEY": self = .privateKey(.encryptedPKCS8)
        case "EC PARAMETERS": self = .ecParameters
        case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
            if let encryptedText {
                self = .privateKey(.legacyEncryptedPEM(text: encryptedText))
            } else {
                let type: [String: TraditionalKeyType] = [
                    "RSA PRIVATE KEY": .rsa, "EC PRIVATE KEY": .ec, "DSA PRIVATE KEY": .dsa,
                ]
                self = .privateKey(.traditional(type[label]!))
            }
        default: self = .unsupported(label)
        }
    }
}
