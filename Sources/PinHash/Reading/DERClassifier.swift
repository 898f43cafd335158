/// pkcs7-data, 1.2.840.113549.1.7.1: the content type a PKCS#12 file's authenticated safe has.
private let pkcs7DataOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]

/// Tells what a DER object is from its shape alone, as a file with no PEM label gives no other hint.
///
/// Throws, naming the place, when the outer structure does not parse as DER (rather than guessing from
/// the part that does); nil when it parses but has the shape of nothing pinhash reads.
func classifyDER(_ der: UnsafeBufferPointer<UInt8>) throws(PinHashError) -> Content? {
    var top = DERCursor(der)
    let outer = try top.next(naming: "the DER object")
    guard outer.tag == DERTag.sequence else { return nil }
    var fields = DERCursor(contentOf: outer, in: der)
    var tags: [UInt8] = []
    var elements: [DERElement] = []
    while !fields.isAtEnd, elements.count < 12 {
        let element = try fields.next(naming: "element \(elements.count + 1) of the outer SEQUENCE")
        tags.append(element.tag)
        elements.append(element)
    }
    guard let first = elements.first else { return nil }
    let sequence = DERTag.sequence
    let integer = DERTag.integer

    if tags == [sequence, sequence, DERTag.bitString] {
        // Certificate and request differ in their signed part: a version 3 certificate starts with [0];
        // otherwise the second field is the certificate's signature algorithm (its OID first) or the
        // request's subject (a SET first). The rest is for their own readers to judge.
        var signed = DERCursor(contentOf: first, in: der)
        let opening = try signed.next(naming: "the signed part's first element")
        if opening.tag == DERTag.contextSpecific(0) { return .certificate(trusted: false) }
        let second = try signed.next(naming: "the signed part's second element")
        let inner = DERCursor(contentOf: second, in: der)
        return inner.peekTag() == DERTag.set ? .certificateRequest : .certificate(trusted: false)
    }
    if tags == [sequence, DERTag.bitString] { return .subjectPublicKeyInfo }
    if tags == [sequence, DERTag.octetString] {
        // An EncryptedPrivateKeyInfo's algorithm is a password-based scheme; anything else with this
        // shape (a public key whose BIT STRING tag was damaged, say) is not an encrypted key.
        var algorithm = DERCursor(contentOf: first, in: der)
        guard let oid = try? algorithm.next(DERTag.objectIdentifier, "algorithm") else { return nil }
        let identifier = der.slice(oid.contentRange)
        let isPasswordBased =
            identifier.elementsEqual(pbes2OID) || identifier.starts(with: pkcs5PBEPrefix)
            || identifier.starts(with: pkcs12PBEPrefix)
        return isPasswordBased ? .privateKey(.encryptedPKCS8) : nil
    }
    guard first.tag == integer else { return nil }
    let version = first.contentRange.count == 1 ? Int(der[first.contentStart]) : -1

    if tags.count >= 2, tags[1] == sequence, version == 3 {
        var contentInfo = DERCursor(contentOf: elements[1], in: der)
        if let oid = try? contentInfo.next(DERTag.objectIdentifier, "content type"),
            der.slice(oid.contentRange).elementsEqual(pkcs7DataOID)
        {
            return .pkcs12
        }
    }
    if tags.count >= 3, tags[1] == sequence, tags[2] == DERTag.octetString { return .privateKey(.pkcs8) }
    if tags == [integer, integer] { return .rsaPublicKey }
    if tags.count == 9, tags.allSatisfy({ $0 == integer }) {
        return .privateKey(.traditional(.rsa))
    }
    // A multi-prime RSAPrivateKey (version 1) ends with its otherPrimeInfos.
    if version == 1, tags.count == 10, tags.prefix(9).allSatisfy({ $0 == integer }), tags[9] == sequence {
        return .privateKey(.traditional(.rsa))
    }
    if tags.count == 6, tags.allSatisfy({ $0 == integer }) {
        return .privateKey(.traditional(.dsa))
    }
    if version == 1, tags.count >= 2, tags[1] == DERTag.octetString {
        return .privateKey(.traditional(.ec))
    }
    return nil
}

/// `a SEQUENCE of INTEGER, SEQUENCE`: the outer shape of DER that is nothing pinhash reads, for the error.
func describeDERShape(_ der: UnsafeBufferPointer<UInt8>) -> String {
    var top = DERCursor(der)
    guard let outer = try? top.next() else { return "DER" }
    guard outer.tag == DERTag.sequence else { return withArticle(DERTag.describe(outer.tag)) }
    var fields = DERCursor(contentOf: outer, in: der)
    var names: [String] = []
    while !fields.isAtEnd, names.count < 6, let element = try? fields.next() {
        names.append(DERTag.describe(element.tag))
    }
    if !fields.isAtEnd { names.append("…") }
    return names.isEmpty ? "an empty SEQUENCE" : "a SEQUENCE of \(names.joined(separator: ", "))"
}

extension Content {
    /// How an error message names this content: the PEM label, or a description for DER.
    var derDescription: String {
        switch self {
        case .certificate: "a certificate"
        case .certificateRequest: "a certificate request"
        case .subjectPublicKeyInfo, .rsaPublicKey: "a public key"
        case .privateKey: "a private key"
        case .pkcs12: "a PKCS#12 file"
        case .ecParameters: "EC parameters"
        case .unsupported(let label): withArticle(label)
        }
    }
}

/// The password-based encryption schemes an EncryptedPrivateKeyInfo in DER is recognised by: PBES2, and
/// the pbeWith… of PKCS#5 v1 (1.2.840.113549.1.5.n) and PKCS#12 (1.2.840.113549.1.12.1.n).
private let pbes2OID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D]
private let pkcs5PBEPrefix: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05]
private let pkcs12PBEPrefix: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x0C, 0x01]

// MARK: - Key parameters OpenSSL would spend unbounded time on

/// id-dsa, 1.2.840.10040.4.1.
private let dsaOID: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x38, 0x04, 0x01]

/// The largest DSA prime OpenSSL signs or verifies with (`OPENSSL_DSA_MAX_MODULUS_BITS`).
let maximumDSAPrimeBits = 10_000

/// Fails when a PKCS#8 PrivateKeyInfo is a DSA key whose prime is larger than OpenSSL works with.
///
/// Decoding a PKCS#8 DSA key makes OpenSSL compute its public key, g^x mod p, whatever the size of p: an
/// 11 KB key with a 30,000-bit p takes 20 seconds, and the time grows with the cube of the size, so a key
/// of a few hundred kilobytes would run for days. OpenSSL bounds p for signing and verifying, not here.
/// Anything else, or anything malformed, passes, for the decoder to judge.
func checkKeyParameters(ofPrivateKeyInfo der: [UInt8]) throws(PinHashError) {
    try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
        var top = DERCursor(buffer)
        guard let info = try? top.next(DERTag.sequence, "key") else { return }
        var fields = DERCursor(contentOf: info, in: buffer)
        guard (try? fields.next(DERTag.integer, "version")) != nil,
            let algorithm = try? fields.next(DERTag.sequence, "algorithm")
        else { return }
        try checkKeyParameters(ofAlgorithm: algorithm, in: buffer)
    }
}

/// `checkKeyParameters(ofPrivateKeyInfo:)` for the AlgorithmIdentifier alone (as `i2d_X509_ALGOR` writes
/// that of a decrypted key), so the key itself need not be copied.
func checkKeyParameters(ofAlgorithmIdentifier der: [UInt8]) throws(PinHashError) {
    try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
        var top = DERCursor(buffer)
        guard let algorithm = try? top.next(DERTag.sequence, "algorithm") else { return }
        try checkKeyParameters(ofAlgorithm: algorithm, in: buffer)
    }
}

private func checkKeyParameters(ofAlgorithm algorithm: DERElement, in der: UnsafeBufferPointer<UInt8>)
    throws(PinHashError)
{
    var parts = DERCursor(contentOf: algorithm, in: der)
    guard let oid = try? parts.next(DERTag.objectIdentifier, "algorithm"),
        der.slice(oid.contentRange).elementsEqual(dsaOID),
        let parameters = try? parts.next(DERTag.sequence, "parameters")
    else { return }
    var values = DERCursor(contentOf: parameters, in: der)
    guard let prime = try? values.next(DERTag.integer, "p") else { return }
    let magnitude = der.slice(prime.contentRange).drop { $0 == 0 }
    guard let first = magnitude.first else { return }
    let primeBits = (magnitude.count - 1) * 8 + (8 - first.leadingZeroBitCount)
    guard primeBits > maximumDSAPrimeBits else { return }
    throw PinHashError(
        .inputTooLarge,
        "is a DSA key with a \(primeBits)-bit prime, more than the \(maximumDSAPrimeBits) bits OpenSSL "
            + "works with")
}
