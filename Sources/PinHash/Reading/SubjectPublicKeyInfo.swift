/// Checks that `element` is shaped like a SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier, BIT STRING }.
func validateSubjectPublicKeyInfo(_ element: DERElement, in bytes: UnsafeBufferPointer<UInt8>)
    throws(PinHashError)
{
    guard element.tag == DERTag.sequence else {
        throw .malformed("the public key should be a SEQUENCE but is a \(DERTag.describe(element.tag))")
    }
    var fields = DERCursor(contentOf: element, in: bytes)
    let algorithm = try fields.next(DERTag.sequence, "the public key's algorithm")
    var algorithmFields = DERCursor(contentOf: algorithm, in: bytes)
    _ = try algorithmFields.next(DERTag.objectIdentifier, "the public key's algorithm identifier")
    let key = try fields.next(DERTag.bitString, "the public key's bits")
    guard key.contentRange.count >= 1 else { throw .malformed("the public key's BIT STRING is empty") }
    try fields.expectEnd("the public key")
}

/// RSAPublicKey (PKCS#1) wrapped as the SubjectPublicKeyInfo that `openssl rsa -pubout` writes.
func subjectPublicKeyInfo(wrappingPKCS1 der: UnsafeBufferPointer<UInt8>) throws(PinHashError) -> [UInt8] {
    var top = DERCursor(der)
    let key = try top.next(DERTag.sequence, "the RSA public key")
    try top.expectEnd("the RSA public key")
    var fields = DERCursor(contentOf: key, in: der)
    _ = try fields.next(DERTag.integer, "the RSA modulus")
    _ = try fields.next(DERTag.integer, "the RSA public exponent")
    try fields.expectEnd("the RSA public key")
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
