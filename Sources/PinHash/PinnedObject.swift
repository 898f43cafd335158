/// What a pin was computed from.
public enum ObjectKind: String, Sendable, Hashable, CaseIterable {
    case certificate
    case certificateRequest = "certificate request"
    case privateKey = "private key"
    case publicKey = "public key"

    /// The kind's one-word label, as listings print it: `certificate`, `csr`, `key`, `pubkey`.
    public var label: String {
        switch self {
        case .certificate: "certificate"
        case .certificateRequest: "csr"
        case .privateKey: "key"
        case .publicKey: "pubkey"
        }
    }
}

/// A certificate's place in a chain.
///
/// Roles come from the whole input, not from one certificate's flags. A certificate whose issuer is
/// another (by name, and by key identifier where both carry one) is a `leaf` unless basicConstraints
/// makes it a CA (`intermediate`). A self-issued certificate (subject and issuer the same) is a `root`
/// when it is a CA that another certificate of the same input names as its issuer, when its key is one
/// of the system trust store's CAs, or when its profile is a CA's (basicConstraints CA:TRUE, keyUsage
/// with keyCertSign, and no DNS name or IP address in subjectAltName); any other self-issued certificate
/// is `selfSigned`: a server's own certificate, as `openssl req -x509` makes one (CA:TRUE, no keyUsage)
/// or `openssl x509 -req -signkey` (version 1, no extensions). The first certificate a server sends is
/// its own: `leaf`, or `selfSigned` when it issued itself.
///
/// A bundle is read as a stream: the certificates after a self-issued one that may be a root are held
/// (up to 4,096 objects) until one names it as issuer or the input ends;
/// past that bound it is `selfSigned` unless an earlier certificate named it.
public enum CertificateRole: String, Sendable, Hashable, CaseIterable {
    /// An end-entity (server) certificate issued by another certificate.
    case leaf
    /// A CA certificate issued by another CA.
    case intermediate
    /// A self-issued CA certificate that is a trust anchor: it issued another certificate of the input,
    /// it is in the system trust store, or its profile is a CA's.
    case root
    /// A self-issued certificate that is a server's own (an end entity): pinned as a leaf, never as a CA.
    case selfSigned = "self-signed"

    /// Whether the role is a certificate authority's (`intermediate` or `root`): pins of these are listed
    /// apart from leaf pins by iOS, and DANE names them with usage 2 (DANE-TA).
    public var isCertificateAuthority: Bool { self == .intermediate || self == .root }
}

/// A public key's algorithm and size, as OpenSSL reports them.
public struct KeyAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// `RSA`, `RSA-PSS`, `EC`, `Ed25519`, `Ed448`, `X25519`, `X448`, `DSA`, or the algorithm's OID.
    public let name: String
    /// The key size in bits as OpenSSL counts it (the modulus for RSA, the group order for EC).
    public let bits: Int?
    /// The named curve for EC keys (`P-256`, `secp256k1`, `brainpoolP256r1`). Explicit parameters that
    /// OpenSSL recognises as a named curve report that curve; others give nil.
    public let curve: String?

    public var description: String {
        var text = name
        if let curve { text += " \(curve)" } else if let bits { text += " \(bits)" }
        return text
    }
}

/// One pin and the object it came from.
public struct PinnedObject: Sendable, Hashable {
    public let pin: Pin
    public let kind: ObjectKind
    /// 1-based position in its input: the PEM block, or the certificate's place in a PKCS#12 file or in
    /// the chain a server sent (those of a client's chain it did not send come after).
    public internal(set) var position: Int
    /// The DER SubjectPublicKeyInfo that was hashed.
    public var subjectPublicKeyInfo: [UInt8] {
        guard let signedObject, let range = signedObject.spki else { return ownSubjectPublicKeyInfo }
        return signedObject.der.slice(range).array
    }
    /// The SubjectPublicKeyInfo of a key; empty for a certificate or request, whose DER holds it.
    let ownSubjectPublicKeyInfo: [UInt8]
    /// A certificate's role in its chain (see ``CertificateRole`` for the rule).
    public internal(set) var role: CertificateRole?
    /// Whether a private key for this certificate came with it (in the same PKCS#12 file).
    public let hasMatchingPrivateKey: Bool
    /// What the user of this pin should know about it: an algorithm OpenSSL does not know, an encoding
    /// OpenSSL writes back differently. Empty for nearly every object.
    public internal(set) var warnings: [PinWarning] = []

    /// The pin of the SubjectPublicKeyInfo OpenSSL re-encodes the key to, when that differs from the
    /// stored one (``PinWarning/reencoded(stored:reencoded:)``); nil otherwise.
    public var reencodedPin: Pin? {
        for case .reencoded(_, let reencoded) in warnings { return reencoded }
        return nil
    }

    /// What the object is, in one word, as listings print it: a certificate's role (`leaf`,
    /// `intermediate`, `root`, `self-signed`), else the kind's label (`certificate`, `csr`, `key`, `pubkey`).
    public var label: String { role?.rawValue ?? kind.label }

    /// What the object is, in words, as sentences say it: a certificate's role, else the kind's name
    /// (`certificate request`, `private key`, `public key`).
    public var labelInWords: String { role?.rawValue ?? kind.rawValue }

    /// Which object of its kind this is: the subject of a certificate or request, a key's algorithm and
    /// size.
    public var detail: String { subject ?? keyAlgorithm.description }

    /// `leaf CN=www.example.com,O=Example`, `csr CN=…`, `key RSA 2048`, `pubkey EC P-256`: the label and
    /// the detail.
    public var summary: String { "\(label) \(detail)" }

    /// A private key, pinned by the SubjectPublicKeyInfo derived from it.
    static func privateKey(subjectPublicKeyInfo spki: [UInt8], position: Int) -> PinnedObject {
        PinnedObject(kind: .privateKey, position: position, ownSubjectPublicKeyInfo: spki)
    }

    /// A public key, pinned by its SubjectPublicKeyInfo.
    static func publicKey(subjectPublicKeyInfo spki: [UInt8], position: Int) -> PinnedObject {
        PinnedObject(kind: .publicKey, position: position, ownSubjectPublicKeyInfo: spki)
    }

    /// A certificate, pinned by the SubjectPublicKeyInfo in its DER.
    static func certificate(
        _ fields: SignedObjectFields, pin: Pin, position: Int, role: CertificateRole,
        hasMatchingPrivateKey: Bool
    ) -> PinnedObject {
        PinnedObject(
            pin: pin, kind: .certificate, position: position, role: role,
            hasMatchingPrivateKey: hasMatchingPrivateKey, signedObject: fields)
    }

    /// A certificate request, pinned by the SubjectPublicKeyInfo in its DER.
    static func certificateRequest(_ fields: SignedObjectFields, pin: Pin, position: Int) -> PinnedObject {
        PinnedObject(pin: pin, kind: .certificateRequest, position: position, signedObject: fields)
    }

    private init(kind: ObjectKind, position: Int, ownSubjectPublicKeyInfo: [UInt8]) {
        self.pin = Pin(subjectPublicKeyInfo: ownSubjectPublicKeyInfo)
        self.kind = kind
        self.position = position
        self.ownSubjectPublicKeyInfo = ownSubjectPublicKeyInfo
        self.role = nil
        self.hasMatchingPrivateKey = false
        self.signedObject = nil
    }

    private init(
        pin: Pin, kind: ObjectKind, position: Int, role: CertificateRole? = nil,
        hasMatchingPrivateKey: Bool = false,
        signedObject: SignedObjectFields
    ) {
        self.pin = pin
        self.kind = kind
        self.position = position
        self.ownSubjectPublicKeyInfo = []
        self.role = role
        self.hasMatchingPrivateKey = hasMatchingPrivateKey
        self.signedObject = signedObject
    }

    /// The DER of the certificate or request, and where its fields are in it.
    var signedObject: SignedObjectFields?

    /// Gives a certificate whose role waited for the rest of its input its final role.
    mutating func settleRole(_ role: CertificateRole) {
        self.role = role
        signedObject?.roleAwaitsLinks = false
    }

    /// The subject of a certificate or request, RFC 4514 text as `openssl -nameopt RFC2253,-esc_msb`
    /// prints it: `CN=www.example.com,O=Example,C=DE`.
    public var subject: String? {
        signedObject?.formattedSubject.map {
            $0.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Calls `body` with ``detail``'s UTF-8 bytes: a certificate's subject from where it was formatted,
    /// without a String made for it (a listing of a bundle prints one a line).
    public func withDetail(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        // Read through the optional, not bound by `if let`: a binding is a copy (a retain and a release).
        if signedObject?.formattedSubject?.withUnsafeBufferPointer(body) == nil {
            var detail = detail
            detail.withUTF8(body)
        }
    }

    /// The issuer of a certificate, formatted as `subject` is.
    public var issuer: String? { signedObject?.text(of: \.issuer) { NameFormatter().format($0) } }

    /// A certificate's notAfter, as `YYYY-MM-DDTHH:MM:SSZ`.
    public var notAfter: String? { signedObject?.text(of: \.notAfter) { formatTime($0) } }

    /// Calls `body` with ``notAfter``'s bytes, written on the stack (nil when there is none): a listing
    /// of a bundle prints one a line.
    /// (Not generic, as ``Pin/withBase64(_:)`` is not.)
    public func withNotAfter(_ body: (UnsafeBufferPointer<UInt8>?) -> Void) {
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &text) { text in
            let out = text.bindMemory(to: UInt8.self)
            // Read through the optional, not bound by `if let`: a binding is a copy (a retain and a release).
            guard let range = signedObject?.notAfter,
                signedObject?.der.withUnsafeBufferPointer({ writeTime($0.slice(range), into: out) }) == true
            else { return body(nil) }
            body(UnsafeBufferPointer(rebasing: out[..<timeLength]))
        }
    }

    /// The DER of the certificate or certificate request the pin came from.
    public var derEncoded: [UInt8]? { signedObject?.der.array }

    /// The key's algorithm and size, decoded by OpenSSL on demand.
    public var keyAlgorithm: KeyAlgorithm { KeyAlgorithm(subjectPublicKeyInfo: subjectPublicKeyInfo) }
}

extension KeyAlgorithm {
    init(subjectPublicKeyInfo der: [UInt8]) {
        guard let key = EVPKey(subjectPublicKeyInfo: der) else {
            self.init(name: Self.algorithmOID(der) ?? "unknown", bits: nil, curve: nil)
            return
        }
        let typeName = key.typeName ?? "unknown"
        let names = ["ED25519": "Ed25519", "ED448": "Ed448"]
        self.init(name: names[typeName] ?? typeName, bits: key.bits, curve: key.curve)
    }

    private static func algorithmOID(_ der: [UInt8]) -> String? {
        der.withUnsafeBufferPointer { buffer -> String? in
            var top = DERCursor(buffer)
            guard let spki = try? top.next(DERTag.sequence, "key"),
                case var fields = DERCursor(contentOf: spki, in: buffer),
                let algorithm = try? fields.next(DERTag.sequence, "algorithm"),
                case var inner = DERCursor(contentOf: algorithm, in: buffer),
                let oid = try? inner.next(DERTag.objectIdentifier, "oid")
            else { return nil }
            return dottedOID(buffer.slice(oid.contentRange))
        }
    }
}

/// A certificate's or request's DER with the places of the fields pinhash reports.
struct SignedObjectFields: Sendable, Hashable {
    let der: SharedBytes
    var subject: Range<Int>?
    var issuer: Range<Int>?
    var notAfter: Range<Int>?
    var spki: Range<Int>?
    var subjectKeyIdentifier: Range<Int>?
    var authorityKeyIdentifier: Range<Int>?
    /// The role given is `selfSigned` for now: a certificate of the same input naming this one as its
    /// issuer, or the system trust store, makes it a `root` (see ``RoleResolver``).
    var roleAwaitsLinks: Bool
    /// The subject as UTF-8 text, formatted where the object is decoded (on the decoding threads, for a
    /// bundle) because nearly every use of a certificate prints it; written beside the DER.
    let formattedSubject: SharedBytes?

    /// `writer` writes the formatted subject (`der` was written by it, or by one of its own).
    init(
        der: SharedBytes, spki: Range<Int>, subject: Range<Int>?, issuer: Range<Int>? = nil,
        notAfter: Range<Int>? = nil, subjectKeyIdentifier: Range<Int>? = nil,
        authorityKeyIdentifier: Range<Int>? = nil, roleAwaitsLinks: Bool = false,
        writer: inout SharedBytesWriter
    ) {
        self.der = der
        self.spki = spki
        self.subject = subject
        self.issuer = issuer
        self.notAfter = notAfter
        self.subjectKeyIdentifier = subjectKeyIdentifier
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.roleAwaitsLinks = roleAwaitsLinks
        self.formattedSubject = subject.map { range in
            der.withUnsafeBufferPointer { writer.formatName($0.slice(range)) }
        }
    }

    func text(
        of field: KeyPath<SignedObjectFields, Range<Int>?>, _ format: (UnsafeBufferPointer<UInt8>) -> String?
    )
        -> String?
    {
        guard let range = self[keyPath: field] else { return nil }
        return der.withUnsafeBufferPointer { format($0.slice(range)) }
    }
}
