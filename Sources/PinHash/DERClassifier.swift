internal import CPinhashOpenSSL

/// pkcs7-data, 1.2.840.113549.1.7.1: the content type a PKCS#12 file's authenticated safe has.
private let pkcs7DataOID: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01]

/// Tells what a DER object is from its shape alone, as a file with no PEM label gives no other hint.
func classifyDER(_ der: UnsafeBufferPointer<UInt8>) -> Content? {
    var top = DERCursor(der)
    guard let outer = try? top.next(), outer.tag == DERTag.sequence else { return nil }
    var fields = DERCursor(contentOf: outer, in: der)
    var tags: [UInt8] = []
    var elements: [DERElement] = []
    while !fields.isAtEnd, elements.count < 12, let element = try? fields.next() {
        tags.append(element.tag)
        elements.append(element)
    }
    guard let first = elements.first else { return nil }
    let sequence = DERTag.sequence
    let integer = DERTag.integer

    if tags == [sequence, sequence, DERTag.bitString] {
        // Certificate and request differ in their signed part: a request has version, subject, key, [0].
        var signed = DERCursor(contentOf: first, in: der)
        var count = 0
        while !signed.isAtEnd, count < 8, (try? signed.next()) != nil { count += 1 }
        return count >= 6 ? .certificate(trusted: false) : .certificateRequest
    }
    if tags == [sequence, DERTag.bitString] { return .subjectPublicKeyInfo }
    if tags == [sequence, DERTag.octetString] { return .privateKey(.encryptedPKCS8) }
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
        return .privateKey(.traditional(type: NID_rsaEncryption, name: "RSA"))
    }
    if tags.count == 6, tags.allSatisfy({ $0 == integer }) {
        return .privateKey(.traditional(type: NID_dsa, name: "DSA"))
    }
    if version == 1, tags.count >= 2, tags[1] == DERTag.octetString {
        return .privateKey(.traditional(type: NID_X9_62_id_ecPublicKey, name: "EC"))
    }
    return nil
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
