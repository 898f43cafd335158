/// What pinhash reads from a certificate or CSR without decoding its key: where the stored
/// SubjectPublicKeyInfo is, and the names and flags that place it in a chain.
struct SignedObjectSummary: Equatable {
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
    /// The extensions above whose value does not decode: read as absent. OpenSSL reads a certificate's
    /// extensions only when something asks for them, so such a certificate still has its key.
    var unreadableExtensions = CertificateExtensions()
}

/// A set of the extensions pinhash reads, one bit each, so that recording one allocates nothing.
struct CertificateExtensions: OptionSet, Equatable {
    let rawValue: UInt8
    static let subjectKeyIdentifier = Self(rawValue: 1)
    static let keyUsage = Self(rawValue: 2)
    static let subjectAltName = Self(rawValue: 4)
    static let basicConstraints = Self(rawValue: 8)
    static let authorityKeyIdentifier = Self(rawValue: 16)

    /// Their names, as RFC 5280 spells them.
    var names: [String] {
        [
            (Self.basicConstraints, "basicConstraints"), (.keyUsage, "keyUsage"),
            (.subjectAltName, "subjectAltName"), (.subjectKeyIdentifier, "subjectKeyIdentifier"),
            (.authorityKeyIdentifier, "authorityKeyIdentifier"),
        ].filter { contains($0.0) }.map(\.1)
    }
}

/// Walks `Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signature }` to the stored SPKI.
///
/// `allowTrailingAux` accepts the X509_CERT_AUX SEQUENCE that OpenSSL's `TRUSTED CERTIFICATE` appends.
///
/// A certificate of the usual shape is read in one pass (``quickCertificateSummary(_:)``); any other,
/// and any that breaks a rule, by ``fullCertificateSummary(_:allowTrailingAux:)``, whose checks name
/// the fault.
func summarizeCertificate(_ der: UnsafeBufferPointer<UInt8>, allowTrailingAux: Bool = false)
    throws(PinHashError) -> SignedObjectSummary
{
    if let summary = quickCertificateSummary(der) { return summary }
    return try fullCertificateSummary(der, allowTrailingAux: allowTrailingAux)
}

/// Every check on a certificate, one field at a time in the order of its fields: the first one that
/// fails throws, naming the field and the fault.
func fullCertificateSummary(_ der: UnsafeBufferPointer<UInt8>, allowTrailingAux: Bool = false)
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
    let signatureAlgorithm = try outer.next(DERTag.sequence, "the certificate's signature algorithm")
    try checkDERRules(signatureAlgorithm, in: der, "the certificate's signature algorithm")
    try X509Schema.checkAlgorithmIdentifier(
        signatureAlgorithm, in: der, "the certificate's signature algorithm")
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
        try X509Schema.checkInteger(number, in: der, "the certificate's version")
        if !inner.isAtEnd {
            throw X509Schema.flaw("the certificate's version", "more than one INTEGER", at: inner.position)
        }
        if number.contentRange.count == 1 { version = Int(der[number.contentStart]) + 1 }
    }
    try X509Schema.checkInteger(
        field(DERTag.integer, "the certificate's serial number"), in: der, "the certificate's serial number")
    try X509Schema.checkAlgorithmIdentifier(
        field(DERTag.sequence, "the certificate's signature algorithm"), in: der,
        "the certificate's signature algorithm")
    let issuer = try field(DERTag.sequence, "the certificate's issuer")
    try X509Schema.checkName(issuer, in: der, "the certificate's issuer")
    let validity = try field(DERTag.sequence, "the certificate's validity")
    let notAfter = try X509Schema.checkValidity(validity, in: der, "the certificate's validity")
    let subject = try field(DERTag.sequence, "the certificate's subject")
    try X509Schema.checkName(subject, in: der, "the certificate's subject")
    guard fields.peekTag() == DERTag.sequence else {
        throw .malformed("the certificate's SubjectPublicKeyInfo is missing")
    }
    let spki = try fields.next(naming: "the certificate's SubjectPublicKeyInfo")
    let keyEncoding = try inspectSubjectPublicKeyInfo(spki, in: der, "the certificate's SubjectPublicKeyInfo")

    var summary = SignedObjectSummary(spki: spki.range, subject: subject.range, issuer: issuer.range)
    summary.version = version
    summary.keyEncoding = keyEncoding
    summary.certificate = certificate.range
    summary.notAfter = notAfter.range

    // OpenSSL reads a constructed unique identifier (BER's form of a long BIT STRING); DER forbids it.
    if let tag = fields.peekTag(), tag == DERTag.contextSpecific(1) || tag == DERTag.contextSpecific(2) {
        throw .malformed(
            "the certificate's signed part has a constructed \(DERTag.describe(tag)) at byte \(fields.position): "
                + "a unique identifier is a BIT STRING, whose constructed form (BER) DER forbids")
    }
    if let issuerUniqueID = try fields.nextIf(DERTag.contextSpecific(1, constructed: false)) {
        try X509Schema.checkImplicitBitString(issuerUniqueID, in: der, "the certificate's issuerUniqueID")
    }
    if let subjectUniqueID = try fields.nextIf(DERTag.contextSpecific(2, constructed: false)) {
        try X509Schema.checkImplicitBitString(subjectUniqueID, in: der, "the certificate's subjectUniqueID")
    }
    if let extensions = try fields.nextIf(DERTag.contextSpecific(3)) {
        try checkDERRules(extensions, in: der, "the certificate's extensions")
        try readExtensions(extensions, in: der, into: &summary)
    }
    try fields.expectEnd("the certificate's signed part")
    return summary
}

/// Reads `[3] EXPLICIT SEQUENCE OF Extension`, each `SEQUENCE { extnID OBJECT IDENTIFIER, critical
/// BOOLEAN OPTIONAL, extnValue OCTET STRING }` as OpenSSL's `d2i_X509` takes it, and from the values of the
/// extensions that place a certificate in a chain what they say. A value that does not decode is not an
/// error: OpenSSL decodes values only when asked, and reads such a certificate and its key.
private func readExtensions(
    _ wrapper: DERElement, in der: UnsafeBufferPointer<UInt8>, into summary: inout SignedObjectSummary
) throws(PinHashError) {
    let what = "the certificate's extension list"
    var outer = DERCursor(contentOf: wrapper, in: der)
    let list = try outer.next(DERTag.sequence, what)
    if !outer.isAtEnd {
        throw X509Schema.flaw(what, "more than one SEQUENCE of extensions", at: outer.position)
    }
    var extensions = DERCursor(contentOf: list, in: der)
    while !extensions.isAtEnd {
        let item = extensions.nextChecked()
        guard item.tag == DERTag.sequence else {
            throw X509Schema.misplaced(item, "an extension's SEQUENCE", what)
        }
        var parts = DERCursor(contentOf: item, in: der)
        guard !parts.isAtEnd else { throw X509Schema.flaw(what, "an empty extension", at: item.start) }
        let oid = parts.nextChecked()
        guard oid.tag == DERTag.objectIdentifier else {
            throw X509Schema.misplaced(oid, "an extension's OBJECT IDENTIFIER", what)
        }
        try X509Schema.checkObjectIdentifier(oid, in: der, what)
        if let critical = try parts.nextIf(DERTag.boolean) {
            try X509Schema.checkBoolean(critical, in: der, what)
        }
        guard !parts.isAtEnd else {
            throw X509Schema.flaw(what, "an extension without its value", at: item.start)
        }
        let value = parts.nextChecked()
        guard value.tag == DERTag.octetString else {
            throw X509Schema.misplaced(value, "an extension's value (OCTET STRING)", what)
        }
        guard parts.isAtEnd else {
            throw X509Schema.flaw(
                what, "an extension with more than an identifier, a critical flag and a value", at: item.start
            )
        }
        noteRoleExtension(oid, value, in: der, into: &summary)
    }
}

/// Reads what the extension `oid` says of the certificate's place in a chain into `summary`, when it is
/// one of those pinhash reads (``CertificateExtensions``); records it as unreadable when its value does not
/// decode.
func noteRoleExtension(
    _ oid: DERElement, _ value: DERElement, in der: UnsafeBufferPointer<UInt8>,
    into summary: inout SignedObjectSummary
) {
    // Every extension read here is 2.5.29.n; others are skipped after one comparison.
    guard oid.contentRange.count == 3, der[oid.contentStart] == 0x55, der[oid.contentStart + 1] == 0x1D
    else { return }
    guard let kind = CertificateExtensions(number: der[oid.contentStart + 2]) else { return }
    if !readRoleExtension(kind, value, in: der, into: &summary) {
        summary.unreadableExtensions.insert(kind)
    }
}

extension CertificateExtensions {
    /// The extension 2.5.29.`number`, when it is one pinhash reads.
    init?(number: UInt8) {
        switch number {
        case 14: self = .subjectKeyIdentifier
        case 15: self = .keyUsage
        case 17: self = .subjectAltName
        case 19: self = .basicConstraints
        case 35: self = .authorityKeyIdentifier
        default: return nil
        }
    }
}

/// Reads basicConstraints' cA flag, subjectKeyIdentifier, authorityKeyIdentifier's keyIdentifier,
/// keyUsage's keyCertSign bit and whether subjectAltName names a host, from an extension's OCTET STRING.
/// False when the value does not decode; `summary` is then left as if the extension were absent.
private func readRoleExtension(
    _ kind: CertificateExtensions, _ value: DERElement, in der: UnsafeBufferPointer<UInt8>,
    into summary: inout SignedObjectSummary
) -> Bool {
    var inner = DERCursor(contentOf: value, in: der)
    guard let content = try? inner.next(), inner.isAtEnd else { return false }
    switch kind {
    case .basicConstraints where content.tag == DERTag.sequence:
        // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint INTEGER OPTIONAL }
        var fields = DERCursor(contentOf: content, in: der)
        let flag = fields.peekTag() == DERTag.boolean ? try? fields.next() : nil
        if fields.peekTag() == DERTag.integer, (try? fields.next()) == nil { return false }
        guard fields.isAtEnd, flag.map({ $0.contentRange.count == 1 }) ?? true else { return false }
        summary.hasBasicConstraints = true
        summary.isCA = flag.map { der[$0.contentStart] != 0 } ?? false
    case .subjectKeyIdentifier where content.tag == DERTag.octetString:
        summary.subjectKeyIdentifier = content.contentRange
    case .authorityKeyIdentifier where content.tag == DERTag.sequence:
        var fields = DERCursor(contentOf: content, in: der)
        // keyIdentifier [0] IMPLICIT OCTET STRING, the first field when present.
        if let keyIdentifier = fields.peekTag() == DERTag.contextSpecific(0, constructed: false)
            ? try? fields.next() : nil
        {
            summary.authorityKeyIdentifier = keyIdentifier.contentRange
        }
    case .keyUsage where content.tag == DERTag.bitString:
        // The first content byte counts the unused bits; keyCertSign is bit 5 of the next.
        let bits = content.contentRange
        summary.allowsCertificateSigning = bits.count >= 2 && der[bits.lowerBound + 1] & 0x04 != 0
    case .subjectAltName where content.tag == DERTag.sequence:
        var names = DERCursor(contentOf: content, in: der)
        var namesAServer = false
        while !names.isAtEnd {
            // dNSName [2] and iPAddress [7], both IMPLICIT primitives.
            guard let name = try? names.next() else { return false }
            if name.tag == 0x82 || name.tag == 0x87 { namesAServer = true }
        }
        summary.namesAServer = namesAServer
    default:
        return false
    }
    return true
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
    try X509Schema.checkAlgorithmIdentifier(signatureAlgorithm, in: der, "the request's signature algorithm")
    let signature = try outer.next(DERTag.bitString, "the request's signature")
    try checkDERRules(signature, in: der, "the request's signature")
    try outer.expectEnd("the certificate request")

    var fields = DERCursor(contentOf: info, in: der)
    let version = try fields.next(DERTag.integer, "the request's version")
    try checkDERRules(version, in: der, "the request's version")
    try X509Schema.checkInteger(version, in: der, "the request's version")
    let subject = try fields.next(DERTag.sequence, "the request's subject")
    try checkDERRules(subject, in: der, "the request's subject")
    try X509Schema.checkName(subject, in: der, "the request's subject")
    let spki = try fields.next(DERTag.sequence, "the request's SubjectPublicKeyInfo")
    let keyEncoding = try inspectSubjectPublicKeyInfo(spki, in: der, "the request's SubjectPublicKeyInfo")
    // DER requires the attributes, but some tools leave out an empty set.
    if let attributes = try fields.nextIf(DERTag.contextSpecific(0)) {
        try checkDERRules(attributes, in: der, "the request's attributes")
        try checkAttributes(attributes, in: der)
    }
    try fields.expectEnd("the request's signed part")
    var summary = SignedObjectSummary(spki: spki.range, subject: subject.range, issuer: nil)
    summary.keyEncoding = keyEncoding
    return summary
}

/// A request's `[0] IMPLICIT SET OF Attribute`, each `SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY }`
/// as OpenSSL's `d2i_X509_REQ` takes it.
private func checkAttributes(_ attributes: DERElement, in der: UnsafeBufferPointer<UInt8>)
    throws(PinHashError)
{
    let what = "the request's attribute list"
    var list = DERCursor(contentOf: attributes, in: der)
    while !list.isAtEnd {
        let attribute = list.nextChecked()
        guard attribute.tag == DERTag.sequence else {
            throw X509Schema.misplaced(attribute, "an attribute's SEQUENCE", what)
        }
        var parts = DERCursor(contentOf: attribute, in: der)
        guard !parts.isAtEnd else { throw X509Schema.flaw(what, "an empty attribute", at: attribute.start) }
        let type = parts.nextChecked()
        guard type.tag == DERTag.objectIdentifier else {
            throw X509Schema.misplaced(type, "an attribute's type (OBJECT IDENTIFIER)", what)
        }
        try X509Schema.checkObjectIdentifier(type, in: der, what)
        guard !parts.isAtEnd else {
            throw X509Schema.flaw(what, "an attribute without its values", at: attribute.start)
        }
        let values = parts.nextChecked()
        guard values.tag == DERTag.set else {
            throw X509Schema.misplaced(values, "an attribute's SET of values", what)
        }
        var each = DERCursor(contentOf: values, in: der)
        while !each.isAtEnd { try X509Schema.checkAnyValue(each.nextChecked(), in: der, what) }
        guard parts.isAtEnd else {
            throw X509Schema.flaw(
                what, "an attribute with more than a type and its values", at: attribute.start)
        }
    }
}
