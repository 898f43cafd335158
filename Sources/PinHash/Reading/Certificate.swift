/// What pinhash reads from a certificate or CSR without decoding its key: where the stored
/// SubjectPublicKeyInfo is, and the names and flags that place it in a chain.
struct SignedObjectSummary {
    /// The certificate or request element itself, without anything that follows it.
    var certificate: Range<Int> = 0..<0
    var spki: Range<Int>
    var subject: Range<Int>
    var issuer: Range<Int>?
    var notAfter: Range<Int>?
    var isCA = false
    var hasBasicConstraints = false
    var version = 1
    /// The subjectKeyIdentifier's key identifier, and the authorityKeyIdentifier's: what links a
    /// certificate to the one that issued it when names alone do not.
    var subjectKeyIdentifier: Range<Int>?
    var authorityKeyIdentifier: Range<Int>?
    /// keyUsage, when present: whether it allows keyCertSign (signing certificates).
    var allowsCertificateSigning: Bool?
    /// A subjectAltName holds a dNSName or iPAddress: the certificate names a server.
    var namesAServer = false
    /// What the SubjectPublicKeyInfo's shape proves about the key.
    var keyEncoding = KeyEncoding.canonical
}

/// The extensions pinhash reads, by the last byte of their OID (2.5.29.n, `55 1D n`).
private enum ExtensionNumber {
    static let subjectKeyIdentifier: UInt8 = 14
    static let keyUsage: UInt8 = 15
    static let subjectAltName: UInt8 = 17
    static let basicConstraints: UInt8 = 19
    static let authorityKeyIdentifier: UInt8 = 35
}

/// Walks `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }` to the stored SPKI.
///
/// `allowTrailingAux` accepts the X509_CERT_AUX SEQUENCE that OpenSSL's `TRUSTED CERTIFICATE` appends.
func summarizeCertificate(_ der: UnsafeBufferPointer<UInt8>, allowTrailingAux: Bool = false)
    throws(PinHashError) -> SignedObjectSummary
{
    var top = DERCursor(der)
    let certificate = try top.next(DERTag.sequence, "the certificate")
    if allowTrailingAux, !top.isAtEnd {
        _ = try top.next(DERTag.sequence, "the trust settings after the certificate")
    }
    if !top.isAtEnd {
        throw .malformed("\(der.count - top.position) bytes of trailing data after the certificate")
    }

    var outer = DERCursor(contentOf: certificate, in: der)
    let tbs = try outer.next(DERTag.sequence, "the certificate's signed part (tbsCertificate)")
    try checkDERRules(
        outer.next(DERTag.sequence, "the certificate's signature algorithm"), in: der,
        "the certificate's signature algorithm")
    try checkDERRules(
        outer.next(DERTag.bitString, "the certificate's signature"), in: der, "the certificate's signature")
    try outer.expectEnd("the certificate")

    var fields = DERCursor(contentOf: tbs, in: der)
    /// The next field, which must have `tag`, checked against DER's rules all the way down.
    func field(_ tag: UInt8, _ what: String) throws(PinHashError) -> DERElement {
        let element = try fields.next(tag, what)
        try checkDERRules(element, in: der, what)
        return element
    }
    var version = 1
    if let explicitVersion = try fields.nextIf(DERTag.contextSpecific(0)) {
        try checkDERRules(explicitVersion, in: der, "the certificate's version")
        var inner = DERCursor(contentOf: explicitVersion, in: der)
        let number = try inner.next(DERTag.integer, "the certificate's version")
        if number.contentRange.count == 1 { version = Int(der[number.contentStart]) + 1 }
    }
    _ = try field(DERTag.integer, "the certificate's serial number")
    _ = try field(DERTag.sequence, "the certificate's signature algorithm")
    let issuer = try field(DERTag.sequence, "the certificate's issuer")
    let validity = try field(DERTag.sequence, "the certificate's validity")
    let subject = try field(DERTag.sequence, "the certificate's subject")
    guard fields.peekTag() == DERTag.sequence else {
        throw .malformed("the certificate's SubjectPublicKeyInfo is missing")
    }
    let spki = try fields.next(naming: "the certificate's SubjectPublicKeyInfo")
    let keyEncoding = try inspectSubjectPublicKeyInfo(spki, in: der, "the certificate's SubjectPublicKeyInfo")

    var summary = SignedObjectSummary(spki: spki.range, subject: subject.range, issuer: issuer.range)
    summary.version = version
    summary.keyEncoding = keyEncoding
    summary.certificate = certificate.range
    var times = DERCursor(contentOf: validity, in: der)
    _ = try times.next()
    let notAfter = try times.next()
    summary.notAfter = notAfter.range

    _ = try fields.nextIf(DERTag.contextSpecific(1, constructed: false))
    _ = try fields.nextIf(DERTag.contextSpecific(2, constructed: false))
    if let extensions = try fields.nextIf(DERTag.contextSpecific(3)) {
        try checkDERRules(extensions, in: der, "the certificate's extensions")
        try readExtensions(extensions, in: der, into: &summary)
    }
    try fields.expectEnd("the certificate's signed part")
    return summary
}

private func readExtensions(
    _ wrapper: DERElement, in der: UnsafeBufferPointer<UInt8>, into summary: inout SignedObjectSummary
) throws(PinHashError) {
    var outer = DERCursor(contentOf: wrapper, in: der)
    let list = try outer.next(DERTag.sequence, "the certificate's extensions")
    var extensions = DERCursor(contentOf: list, in: der)
    while !extensions.isAtEnd {
        let item = try extensions.next(DERTag.sequence, "a certificate extension")
        var parts = DERCursor(contentOf: item, in: der)
        let oid = try parts.next(DERTag.objectIdentifier, "a certificate extension's identifier")
        // Every extension read here is 2.5.29.n; others are skipped after one comparison.
        guard oid.contentRange.count == 3, der[oid.contentStart] == 0x55, der[oid.contentStart + 1] == 0x1D
        else { continue }
        let number = der[oid.contentStart + 2]
        switch number {
        case ExtensionNumber.basicConstraints:
            _ = try parts.nextIf(DERTag.boolean)
            let value = try parts.next(DERTag.octetString, "the basicConstraints value")
            var inner = DERCursor(contentOf: value, in: der)
            let constraints = try inner.next(DERTag.sequence, "the basicConstraints value")
            var flags = DERCursor(contentOf: constraints, in: der)
            summary.hasBasicConstraints = true
            if let flag = try flags.nextIf(DERTag.boolean), flag.contentRange.count == 1 {
                summary.isCA = der[flag.contentStart] != 0
            }
        case ExtensionNumber.subjectKeyIdentifier, ExtensionNumber.keyUsage, ExtensionNumber.subjectAltName,
            ExtensionNumber.authorityKeyIdentifier:
            // Read for the certificate's role only: a value that does not parse counts as absent, as
            // checking these encodings is not what a pin depends on.
            _ = try? parts.nextIf(DERTag.boolean)
            guard let value = try? parts.next(DERTag.octetString, "an extension value") else { continue }
            readRoleExtension(number, value, in: der, into: &summary)
        default:
            continue
        }
    }
}

/// Reads subjectKeyIdentifier, authorityKeyIdentifier's keyIdentifier, keyUsage's keyCertSign bit and
/// whether subjectAltName names a host, from an extension's OCTET STRING.
private func readRoleExtension(
    _ number: UInt8, _ value: DERElement, in der: UnsafeBufferPointer<UInt8>,
    into summary: inout SignedObjectSummary
) {
    var inner = DERCursor(contentOf: value, in: der)
    guard let content = try? inner.next(), inner.isAtEnd else { return }
    switch number {
    case ExtensionNumber.subjectKeyIdentifier where content.tag == DERTag.octetString:
        summary.subjectKeyIdentifier = content.contentRange
    case ExtensionNumber.authorityKeyIdentifier where content.tag == DERTag.sequence:
        var fields = DERCursor(contentOf: content, in: der)
        // keyIdentifier [0] IMPLICIT OCTET STRING, the first field when present.
        if let keyIdentifier = try? fields.nextIf(DERTag.contextSpecific(0, constructed: false)) {
            summary.authorityKeyIdentifier = keyIdentifier.contentRange
        }
    case ExtensionNumber.keyUsage where content.tag == DERTag.bitString:
        // The first content byte counts the unused bits; keyCertSign is bit 5 of the next.
        let bits = content.contentRange
        summary.allowsCertificateSigning = bits.count >= 2 && der[bits.lowerBound + 1] & 0x04 != 0
    case ExtensionNumber.subjectAltName where content.tag == DERTag.sequence:
        var names = DERCursor(contentOf: content, in: der)
        while !names.isAtEnd, let name = try? names.next() {
            // dNSName [2] and iPAddress [7], both IMPLICIT primitives.
            if name.tag == 0x82 || name.tag == 0x87 { summary.namesAServer = true }
        }
    default:
        return
    }
}

/// Walks `CertificationRequest ::= SEQUENCE { certificationRequestInfo, signatureAlgorithm, signature }`.
func summarizeCertificationRequest(_ der: UnsafeBufferPointer<UInt8>) throws(PinHashError)
    -> SignedObjectSummary
{
    var top = DERCursor(der)
    let request = try top.next(DERTag.sequence, "the certificate request")
    if !top.isAtEnd {
        throw .malformed("\(der.count - top.position) bytes of trailing data after the certificate request")
    }
    var outer = DERCursor(contentOf: request, in: der)
    let info = try outer.next(DERTag.sequence, "the request's signed part")
    let signatureAlgorithm = try outer.next(DERTag.sequence, "the request's signature algorithm")
    try checkDERRules(signatureAlgorithm, in: der, "the request's signature algorithm")
    let signature = try outer.next(DERTag.bitString, "the request's signature")
    try checkDERRules(signature, in: der, "the request's signature")
    try outer.expectEnd("the certificate request")

    var fields = DERCursor(contentOf: info, in: der)
    try checkDERRules(fields.next(DERTag.integer, "the request's version"), in: der, "the request's version")
    let subject = try fields.next(DERTag.sequence, "the request's subject")
    try checkDERRules(subject, in: der, "the request's subject")
    let spki = try fields.next(DERTag.sequence, "the request's SubjectPublicKeyInfo")
    let keyEncoding = try inspectSubjectPublicKeyInfo(spki, in: der, "the request's SubjectPublicKeyInfo")
    // DER requires the attributes, but some tools leave out an empty set.
    if let attributes = try fields.nextIf(DERTag.contextSpecific(0)) {
        try checkDERRules(attributes, in: der, "the request's attributes")
    }
    try fields.expectEnd("the request's signed part")
    var summary = SignedObjectSummary(spki: spki.range, subject: subject.range, issuer: nil)
    summary.keyEncoding = keyEncoding
    return summary
}
