#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A certificate of the usual shape summarized in one pass over its elements, each header read once and
/// held to DER's rules as it is read; nil for any certificate it does not accept, which
/// ``fullCertificateSummary(_:allowTrailingAux:)`` then reads, with the error that names the fault.
///
/// Why a second reading: the full one checks DER's rules on each field with a walk of its own
/// (`checkDERRules`), then reads the field again through `DERCursor`'s throwing calls, whose every call
/// carries the words of its error: 10,200 instructions a certificate of Debian's CA bundle, 41% of a bulk
/// run's work outside SHA-256. This pass reads each element once, with the same rules for each
/// (`ruleKeepingElement`), and calls the full reading's own checks for a field's content.
///
/// The rule it keeps: it returns a summary only for DER the full reading accepts, and then the summary that
/// reading gives. It may refuse more than the full reading does (a name value that is a SEQUENCE, trailing
/// data, an algorithm's parameters other than NULL or an OID are left to it); `CertificateQuickSummaryTests`
/// and the DER fuzz target compare the two on every certificate they read.
func quickCertificateSummary(_ der: UnsafeBufferPointer<UInt8>) -> SignedObjectSummary? {
    guard
        let certificate = ruleKeepingElement(in: der, at: 0, end: der.count, tag: DERTag.sequence),
        certificate.end == der.count,
        let tbs = ruleKeepingElement(
            in: der, at: certificate.contentStart, end: certificate.end, tag: DERTag.sequence),
        let signatureAlgorithm = ruleKeepingElement(
            in: der, at: tbs.end, end: certificate.end, tag: DERTag.sequence),
        let signature = ruleKeepingElement(
            in: der, at: signatureAlgorithm.end, end: certificate.end, tag: DERTag.bitString),
        signature.end == certificate.end
    else { return nil }

    var fields = Fields(der: der, position: tbs.contentStart, end: tbs.end)
    var version = 1
    if fields.nextTag == DERTag.contextSpecific(0) {
        guard let explicitVersion = fields.next(DERTag.contextSpecific(0)),
            let number = ruleKeepingElement(
                in: der, at: explicitVersion.contentStart, end: explicitVersion.end, tag: DERTag.integer),
            number.end == explicitVersion.end,
            (try? X509Schema.checkInteger(number, in: der, "")) != nil
        else { return nil }
        if number.contentRange.count == 1 { version = Int(der[number.contentStart]) + 1 }
    }
    guard let serial = fields.next(DERTag.integer),
        (try? X509Schema.checkInteger(serial, in: der, "")) != nil,
        let algorithm = fields.next(DERTag.sequence), algorithmIdentifier(algorithm, in: der) != nil,
        // The same bytes read the same: the signature's algorithm is the signed part's, and a root's
        // subject its issuer (every certificate of a CA bundle but a few).
        sameBytes(signatureAlgorithm, algorithm, in: der)
            || algorithmIdentifier(signatureAlgorithm, in: der) != nil,
        let issuer = fields.next(DERTag.sequence), nameHolds(issuer, in: der),
        let validity = fields.next(DERTag.sequence),
        let notBefore = ruleKeepingElement(in: der, at: validity.contentStart, end: validity.end),
        isTime(notBefore),
        let notAfter = ruleKeepingElement(in: der, at: notBefore.end, end: validity.end), isTime(notAfter),
        notAfter.end == validity.end,
        let subject = fields.next(DERTag.sequence),
        sameBytes(subject, issuer, in: der) || nameHolds(subject, in: der),
        let spki = fields.next(DERTag.sequence),
        let keyAlgorithm = ruleKeepingElement(
            in: der, at: spki.contentStart, end: spki.end, tag: DERTag.sequence),
        let (identifier, parameters) = algorithmIdentifier(keyAlgorithm, in: der),
        let key = ruleKeepingElement(in: der, at: keyAlgorithm.end, end: spki.end, tag: DERTag.bitString),
        key.end == spki.end,
        let keyEncoding = try? keyEncoding(
            algorithm: identifier, parameters: parameters, key: key, in: der, "")
    else { return nil }

    var summary = SignedObjectSummary(spki: spki.range, subject: subject.range, issuer: issuer.range)
    summary.version = version
    summary.keyEncoding = keyEncoding
    summary.certificate = certificate.range
    summary.notAfter = notAfter.range

    // The unique identifiers, primitive [1] and [2] (the constructed form is left to the full reading).
    for number: UInt8 in 1...2 where fields.nextTag == DERTag.contextSpecific(number, constructed: false) {
        guard let identifier = fields.next(DERTag.contextSpecific(number, constructed: false)),
            (try? X509Schema.checkImplicitBitString(identifier, in: der, "")) != nil
        else { return nil }
    }
    if fields.nextTag == DERTag.contextSpecific(3) {
        guard let wrapper = fields.next(DERTag.contextSpecific(3)),
            readExtensionsQuickly(wrapper, in: der, into: &summary)
        else { return nil }
    }
    return fields.position == tbs.end ? summary : nil
}

/// The fields of a certificate's signed part, read in turn. A struct, not functions nested in
/// `quickCertificateSummary` around a variable: captured by them, the position was boxed, and each access
/// checked at run time for exclusivity.
private struct Fields {
    let der: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    var nextTag: UInt8? { position < end ? der[position] : nil }

    /// The next field, with `tag`.
    @inline(__always)
    mutating func next(_ tag: UInt8) -> DERElement? {
        guard let field = ruleKeepingElement(in: der, at: position, end: end, tag: tag) else { return nil }
        position = field.end
        return field
    }
}

/// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`, as
/// `checkDERRules` and `X509Schema.checkAlgorithmIdentifier` take it: the identifier and the parameters.
/// Parameters absent, NULL or an OID are read here; any other goes through those two.
private func algorithmIdentifier(_ algorithm: DERElement, in der: UnsafeBufferPointer<UInt8>)
    -> (identifier: DERElement, parameters: DERElement?)?
{
    guard
        let identifier = ruleKeepingElement(
            in: der, at: algorithm.contentStart, end: algorithm.end, tag: DERTag.objectIdentifier),
        X509Schema.isWellFormedObjectIdentifier(identifier, in: der)
    else { return nil }
    if identifier.end == algorithm.end { return (identifier, nil) }
    if let parameters = ruleKeepingElement(in: der, at: identifier.end, end: algorithm.end),
        parameters.end == algorithm.end
    {
        if parameters.tag == DERTag.null, parameters.contentRange.isEmpty { return (identifier, parameters) }
        if parameters.tag == DERTag.objectIdentifier {
            return X509Schema.isWellFormedObjectIdentifier(parameters, in: der)
                ? (identifier, parameters) : nil
        }
    }
    guard keepsDERRules(algorithm, in: der) else { return nil }
    return try? X509Schema.checkAlgorithmIdentifier(algorithm, in: der, "")
}

/// A Name as `checkDERRules` and `X509Schema.checkName` take it: a SEQUENCE of SETs of SEQUENCE { OBJECT
/// IDENTIFIER, value }. A value that is constructed (a SEQUENCE, which OpenSSL reads) is left to them.
private func nameHolds(_ name: DERElement, in der: UnsafeBufferPointer<UInt8>) -> Bool {
    var setStart = name.contentStart
    while setStart < name.end {
        guard let set = ruleKeepingElement(in: der, at: setStart, end: name.end, tag: DERTag.set) else {
            return false
        }
        var attributeStart = set.contentStart
        while attributeStart < set.end {
            guard
                let attribute = ruleKeepingElement(
                    in: der, at: attributeStart, end: set.end, tag: DERTag.sequence),
                let type = ruleKeepingElement(
                    in: der, at: attribute.contentStart, end: attribute.end, tag: DERTag.objectIdentifier),
                X509Schema.isWellFormedObjectIdentifier(type, in: der),
                let value = ruleKeepingElement(in: der, at: type.end, end: attribute.end),
                value.end == attribute.end, !value.isConstructed,
                X509Schema.nameValueProblem(value, in: der) == nil
            else { return false }
            attributeStart = attribute.end
        }
        setStart = set.end
    }
    return true
}

/// Whether two elements are the same bytes (a check of one holds for the other).
private func sameBytes(_ one: DERElement, _ other: DERElement, in der: UnsafeBufferPointer<UInt8>) -> Bool {
    one.range.count == other.range.count
        && der.baseAddress.map {
            memcmp($0 + one.start, $0 + other.start, one.range.count) == 0
        } ?? false
}

private func isTime(_ element: DERElement) -> Bool {
    element.tag == DERTag.utcTime || element.tag == DERTag.generalizedTime
}

/// `[3] EXPLICIT SEQUENCE OF Extension` as `checkDERRules` and the full reading's `readExtensions` take it,
/// with what the extensions that place a certificate in a chain say.
private func readExtensionsQuickly(
    _ wrapper: DERElement, in der: UnsafeBufferPointer<UInt8>, into summary: inout SignedObjectSummary
) -> Bool {
    guard
        let list = ruleKeepingElement(
            in: der, at: wrapper.contentStart, end: wrapper.end, tag: DERTag.sequence),
        list.end == wrapper.end
    else { return false }
    var itemStart = list.contentStart
    while itemStart < list.end {
        guard let item = ruleKeepingElement(in: der, at: itemStart, end: list.end, tag: DERTag.sequence),
            let oid = ruleKeepingElement(
                in: der, at: item.contentStart, end: item.end, tag: DERTag.objectIdentifier),
            X509Schema.isWellFormedObjectIdentifier(oid, in: der)
        else { return false }
        var valueStart = oid.end
        if valueStart < item.end, der[valueStart] == DERTag.boolean {
            guard let critical = ruleKeepingElement(in: der, at: valueStart, end: item.end),
                critical.contentRange.count == 1
            else { return false }
            valueStart = critical.end
        }
        guard
            let value = ruleKeepingElement(in: der, at: valueStart, end: item.end, tag: DERTag.octetString),
            value.end == item.end
        else { return false }
        noteRoleExtension(oid, value, in: der, into: &summary)
        itemStart = item.end
    }
    return true
}
