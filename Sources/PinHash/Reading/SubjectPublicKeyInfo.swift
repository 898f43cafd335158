/// What the shape of a stored SubjectPublicKeyInfo proves about the key in it.
enum KeyEncoding: Equatable {
    /// An algorithm whose one encoding is known (RSA, EC on a named curve, Ed25519, Ed448, X25519, X448),
    /// in that encoding: OpenSSL would read the key and write back the same bytes, so the stored pin is the
    /// pin every client computes. (An EC point's form and length are checked, not that it lies on the
    /// curve.)
    case canonical
    /// Only OpenSSL can tell whether the key decodes and what it re-encodes it to. `algorithm` is where
    /// the algorithm's OID content is.
    case unproven(algorithm: Range<Int>)
}

/// Checks that `element` is a SubjectPublicKeyInfo in DER, SEQUENCE { AlgorithmIdentifier, BIT STRING },
/// and what its shape proves (``KeyEncoding``). `what` names it in errors:
/// `the certificate's SubjectPublicKeyInfo`.
///
/// Pure Swift and allocation-free, as every certificate of a bundle comes through here.
@discardableResult
func inspectSubjectPublicKeyInfo(
    _ element: DERElement, in bytes: UnsafeBufferPointer<UInt8>,
    _ what: @autoclosure () -> String = "the SubjectPublicKeyInfo"
) throws(PinHashError) -> KeyEncoding {
    guard element.tag == DERTag.sequence else {
        throw .malformed("\(what()) should be a SEQUENCE but is \(withArticle(DERTag.describe(element.tag)))")
    }
    try checkDERRules(element, in: bytes, what())
    var fields = DERCursor(contentOf: element, in: bytes)
    let algorithm = try fields.next(DERTag.sequence, "\(what())'s algorithm")
    let (oid, parameters) = try X509Schema.checkAlgorithmIdentifier(
        algorithm, in: bytes, "\(what())'s algorithm")
    let key = try fields.next(DERTag.bitString, "\(what())'s key")
    guard key.contentRange.count >= 1 else { throw .malformed("\(what())'s BIT STRING is empty") }
    try fields.expectEnd(what())
    return try keyEncoding(algorithm: oid, parameters: parameters, key: key, in: bytes, what())
}

/// What the shape of a SubjectPublicKeyInfo's key proves, its structure checked (``KeyEncoding``): the
/// algorithm's OID, its parameters and the key's BIT STRING, which is not empty. Throws when an RSA key is
/// not an RSAPublicKey in DER.
func keyEncoding(
    algorithm oid: DERElement, parameters: DERElement?, key: DERElement, in bytes: UnsafeBufferPointer<UInt8>,
    _ what: @autoclosure () -> String
) throws(PinHashError) -> KeyEncoding {
    let unproven = KeyEncoding.unproven(algorithm: oid.contentRange)
    // A key is whole bytes; OpenSSL keeps any unused-bits count it reads and writes it back.
    guard bytes[key.contentStart] == 0 else { return unproven }
    let identifier = bytes.slice(oid.contentRange)
    let keyBytes = bytes.slice(key.contentStart + 1..<key.end)
    if identifier.equals(KeyAlgorithmOID.rsaEncryption) {
        // OpenSSL writes NULL parameters; absent ones are DER but re-encode to another pin.
        guard let parameters, parameters.tag == DERTag.null, parameters.contentRange.isEmpty else {
            return unproven
        }
        try checkRSAPublicKey(keyBytes, "the RSAPublicKey inside \(what())")
        return .canonical
    }
    if identifier.equals(KeyAlgorithmOID.ecPublicKey) {
        guard let parameters, parameters.tag == DERTag.objectIdentifier,
            let fieldSize = namedCurveFieldSizes.first(where: {
                bytes.slice(parameters.contentRange).equals($0.oid)
            })?.bytes,
            let form = keyBytes.first
        else { return unproven }
        let isCanonical =
            (form == 0x04 && keyBytes.count == 1 + 2 * fieldSize)
            || ((form == 0x02 || form == 0x03) && keyBytes.count == 1 + fieldSize)
        return isCanonical ? .canonical : unproven
    }
    if let size = edwardsAndMontgomeryKeySizes.first(where: { identifier.equals($0.oid) })?.bytes {
        return parameters == nil && keyBytes.count == size ? .canonical : unproven
    }
    return unproven
}

/// An RSAPublicKey (PKCS#1) in DER: SEQUENCE { INTEGER modulus, INTEGER publicExponent }, both positive
/// and in their shortest form, nothing after it.
func checkRSAPublicKey(_ der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String)
    throws(PinHashError)
{
    if rsaPublicKeyHolds(der) { return }
    try checkRSAPublicKeyFully(der, what())
}

/// Every check `checkRSAPublicKey` makes, one element at a time, the first that fails throwing.
func checkRSAPublicKeyFully(_ der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String)
    throws(PinHashError)
{
    var top = DERCursor(der)
    let key = try top.next(DERTag.sequence, what())
    try top.expectEnd(what())
    try checkDERRules(key, in: der, what())
    var fields = DERCursor(contentOf: key, in: der)
    let modulus = try fields.next(DERTag.integer, "the RSA modulus")
    try checkPositiveInteger(modulus, in: der, "the RSA modulus")
    let exponent = try fields.next(DERTag.integer, "the RSA public exponent")
    try checkPositiveInteger(exponent, in: der, "the RSA public exponent")
    try fields.expectEnd(what())
}

/// `checkRSAPublicKey` without its errors, each element's header read once, in place: the key of nearly
/// every certificate of a bundle, which the cursor's throwing calls and a walk of its own checked in 500
/// instructions. True only where `checkRSAPublicKeyFully` accepts (`CertificateQuickSummaryTests`).
func rsaPublicKeyHolds(_ der: UnsafeBufferPointer<UInt8>) -> Bool {
    guard let key = ruleKeepingElement(in: der, at: 0, end: der.count, tag: DERTag.sequence),
        key.end == der.count,
        let modulus = ruleKeepingElement(in: der, at: key.contentStart, end: key.end, tag: DERTag.integer),
        let exponent = ruleKeepingElement(in: der, at: modulus.end, end: key.end, tag: DERTag.integer),
        exponent.end == key.end
    else { return false }
    return (try? checkPositiveInteger(modulus, in: der, "")) != nil
        && (try? checkPositiveInteger(exponent, in: der, "")) != nil
}

/// A DER INTEGER greater than zero, in its shortest form.
private func checkPositiveInteger(_ element: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: String)
    throws(PinHashError)
{
    let content = der.slice(element.contentRange)
    guard let first = content.first else { throw .malformed("\(what) is an INTEGER with no bytes") }
    if content.count > 1, first == 0, content[1] & 0x80 == 0 {
        throw .malformed("\(what) is not minimal DER (it starts with 00 \(hexBytes(content, 1..<2)))")
    }
    if first & 0x80 != 0 { throw .malformed("\(what) is negative") }
    // Minimal and not negative: only 00 alone is zero (a leading 00 is followed by a byte >= 80).
    if content.count == 1, first == 0 { throw .malformed("\(what) is zero") }
}

/// The DER content of the key algorithms whose canonical encoding pinhash checks itself.
enum KeyAlgorithmOID {
    /// rsaEncryption, 1.2.840.113549.1.1.1.
    static let rsaEncryption: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]
    /// id-RSASSA-PSS, 1.2.840.113549.1.1.10.
    static let rsassaPSS: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A]
    /// id-ecPublicKey, 1.2.840.10045.2.1.
    static let ecPublicKey: [UInt8] = [0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]
}

/// Named curves and the size of their field elements in bytes.
private let namedCurveFieldSizes: [(oid: [UInt8], bytes: Int)] = [
    ([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07], 32),  // P-256, 1.2.840.10045.3.1.7
    ([0x2B, 0x81, 0x04, 0x00, 0x22], 48),  // P-384, 1.3.132.0.34
    ([0x2B, 0x81, 0x04, 0x00, 0x23], 66),  // P-521, 1.3.132.0.35
    ([0x2B, 0x81, 0x04, 0x00, 0x0A], 32),  // secp256k1, 1.3.132.0.10
    ([0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07], 32),  // brainpoolP256r1
    ([0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B], 48),  // brainpoolP384r1
    ([0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D], 64),  // brainpoolP512r1
]

/// RFC 8410's algorithms (no parameters) and the length of their public keys in bytes.
private let edwardsAndMontgomeryKeySizes: [(oid: [UInt8], bytes: Int)] = [
    ([0x2B, 0x65, 0x70], 32),  // Ed25519, 1.3.101.112
    ([0x2B, 0x65, 0x71], 57),  // Ed448, 1.3.101.113
    ([0x2B, 0x65, 0x6E], 32),  // X25519, 1.3.101.110
    ([0x2B, 0x65, 0x6F], 56),  // X448, 1.3.101.111
]

/// Decodes a SubjectPublicKeyInfo whose shape proved nothing (or, with `always`, any) with OpenSSL, as
/// clients built on it do: a key OpenSSL cannot decode is an error when OpenSSL knows its algorithm, and
/// pinned as stored with a warning when it does not; a key OpenSSL writes back differently is pinned as
/// stored with a warning giving the other pin.
///
/// `spki` is where the SubjectPublicKeyInfo is in `bytes`, as ``inspectSubjectPublicKeyInfo(_:in:_:)``
/// found it.
func keyWarnings(
    subjectPublicKeyInfo spki: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, _ encoding: KeyEncoding,
    always: Bool = false
) throws(PinHashError) -> [PinWarning] {
    let algorithm: Range<Int>
    switch encoding {
    case .canonical where !always: return []
    case .canonical: algorithm = algorithmOIDRange(bytes, spki) ?? spki.lowerBound..<spki.lowerBound
    case .unproven(let range): algorithm = range
    }
    let der = bytes.bytes(spki)
    let oid = bytes.slice(algorithm)
    switch EVPKey.decoding(subjectPublicKeyInfo: der) {
    case .failure(let failure):
        let dotted = dottedOID(oid)
        guard OpenSSLKeyTypes.knows(oid: dotted) else {
            return [.unknownAlgorithm(oid: dotted, name: wellKnownAlgorithmNames[dotted])]
        }
        let name = ObjectTable.name(ofOID: oid) ?? dotted
        throw .malformed(
            "OpenSSL cannot decode the \(name) key in the SubjectPublicKeyInfo"
                + (failure.reasons.last.map { " (\($0))" } ?? ""))
    case .success(let key):
        let encoded: [UInt8]
        do {
            encoded = try key.subjectPublicKeyInfo()
        } catch {
            // An RSA-PSS key whose MGF1 hash differs from its message hash, for one: read, but not written.
            let name = ObjectTable.name(ofOID: oid) ?? dottedOID(oid)
            throw PinHashError(
                .unsupportedInput,
                "OpenSSL reads the \(name) key in the SubjectPublicKeyInfo but cannot encode it again, so "
                    + "clients that re-encode the key have no pin for it")
        }
        guard encoded != der else { return [] }
        return [
            .reencoded(
                stored: Pin(subjectPublicKeyInfo: der), reencoded: Pin(subjectPublicKeyInfo: encoded))
        ]
    }
}

/// Where the algorithm OID's content is in a SubjectPublicKeyInfo that has been inspected.
private func algorithmOIDRange(_ bytes: UnsafeBufferPointer<UInt8>, _ spki: Range<Int>) -> Range<Int>? {
    var top = DERCursor(bytes, range: spki)
    guard let info = try? top.next(DERTag.sequence, "key") else { return nil }
    var fields = DERCursor(contentOf: info, in: bytes)
    guard let algorithm = try? fields.next(DERTag.sequence, "algorithm") else { return nil }
    var inner = DERCursor(contentOf: algorithm, in: bytes)
    return (try? inner.next(DERTag.objectIdentifier, "oid"))?.contentRange
}

/// Names of key algorithms OpenSSL 3.0 does not know, for the warning about them.
private let wellKnownAlgorithmNames: [String: String] = {
    var names = [
        "2.16.840.1.101.3.4.3.17": "ML-DSA-44", "2.16.840.1.101.3.4.3.18": "ML-DSA-65",
        "2.16.840.1.101.3.4.3.19": "ML-DSA-87", "2.16.840.1.101.3.4.4.1": "ML-KEM-512",
        "2.16.840.1.101.3.4.4.2": "ML-KEM-768", "2.16.840.1.101.3.4.4.3": "ML-KEM-1024",
    ]
    let slhDSA = [
        "SHA2-128s", "SHA2-128f", "SHA2-192s", "SHA2-192f", "SHA2-256s", "SHA2-256f", "SHAKE-128s",
        "SHAKE-128f", "SHAKE-192s", "SHAKE-192f", "SHAKE-256s", "SHAKE-256f",
    ]
    for (index, variant) in slhDSA.enumerated() {
        names["2.16.840.1.101.3.4.3.\(20 + index)"] = "SLH-DSA-\(variant)"
    }
    return names
}()

/// RSAPublicKey (PKCS#1) wrapped as the SubjectPublicKeyInfo that `openssl rsa -pubout` writes.
func subjectPublicKeyInfo(wrappingPKCS1 der: UnsafeBufferPointer<UInt8>) throws(PinHashError) -> [UInt8] {
    try checkRSAPublicKey(der, "the RSA public key")
    // AlgorithmIdentifier { rsaEncryption, NULL }
    let algorithm: [UInt8] = [
        0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01, 0x05, 0x00,
    ]
    let bitString = [DERTag.bitString] + derLength(der.count + 1) + [0] + Array(der)
    let content = algorithm + bitString
    return [DERTag.sequence] + derLength(content.count) + content
}

func derLength(_ length: Int) -> [UInt8] {
    if length < 0x80 { return [UInt8(length)] }
    var bytes = [UInt8]()
    var rest = length
    while rest > 0 {
        bytes.insert(UInt8(rest & 0xFF), at: 0)
        rest >>= 8
    }
    return [0x80 | UInt8(bytes.count)] + bytes
}
