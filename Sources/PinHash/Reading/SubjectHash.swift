/// The hash OpenSSL names the files of a hashed certificate directory by (`openssl rehash`, and
/// `X509_NAME_hash_ex`): the first four bytes, little-endian, of the SHA-1 of the name's canonical
/// encoding, which is each relative distinguished name's SET with every string value as a UTF8String in
/// lower case, white space trimmed from both ends and each run of it inside made one space, one after
/// another without the Name's SEQUENCE.
///
/// Computed here for names whose every RDN is one attribute with an ASCII value of a string type
/// OpenSSL converts byte for byte (UTF8String, PrintableString, T61String, IA5String, VisibleString): the
/// names of CAs, whose lookup in the system store otherwise initialised OpenSSL and fetched its SHA-1 (9
/// M instructions) in the middle of a bundle's listing. Nil for any other name (several attributes in an
/// RDN, whose SET OpenSSL sorts; other value types; bytes above 0x7F, which it converts to UTF-8), which
/// OpenSSL then hashes. `der` is a Name the strict DER check has passed.
func canonicalSubjectHash(ofNameDER der: UnsafeBufferPointer<UInt8>) -> UInt32? {
    var top = DERCursor(der)
    guard let name = try? top.next(DERTag.sequence, "the name"), top.isAtEnd else { return nil }
    var encoding: [UInt8] = []
    var sets = DERCursor(contentOf: name, in: der)
    while !sets.isAtEnd {
        guard let rdn = try? sets.next(DERTag.set, "a relative distinguished name") else { return nil }
        var members = DERCursor(contentOf: rdn, in: der)
        guard let attribute = try? members.next(DERTag.sequence, "an attribute"), members.isAtEnd else {
            return nil
        }
        var fields = DERCursor(contentOf: attribute, in: der)
        guard let type = try? fields.next(DERTag.objectIdentifier, "an attribute type"),
            let value = try? fields.next(), fields.isAtEnd,
            [0x0C, 0x13, 0x14, 0x16, 0x1A].contains(value.tag)
        else { return nil }
        let content = der.slice(value.contentRange)
        guard content.allSatisfy({ $0 < 0x80 }) else { return nil }
        let text = canonicalText(content)
        let pair =
            Array(der.slice(type.range)) + [0x0C] + derLength(text.count) + text
        let sequence = [DERTag.sequence] + derLength(pair.count) + pair
        encoding += [DERTag.set] + derLength(sequence.count) + sequence
    }
    let digest = SHA1Digest.digest(of: encoding)
    return UInt32(digest[0]) | UInt32(digest[1]) << 8 | UInt32(digest[2]) << 16 | UInt32(digest[3]) << 24
}

/// An ASCII value as OpenSSL's `asn1_string_canon` leaves it: white space (space, tab, line feed,
/// vertical tab, form feed, carriage return) trimmed from both ends, each run of it inside one space, and
/// the letters in lower case.
private func canonicalText(_ value: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (byte >= 0x09 && byte <= 0x0D) }
    var start = 0
    var end = value.count
    while start < end, isSpace(value[start]) { start += 1 }
    while end > start, isSpace(value[end - 1]) { end -= 1 }
    var text: [UInt8] = []
    text.reserveCapacity(end - start)
    var index = start
    while index < end {
        let byte = value[index]
        if isSpace(byte) {
            text.append(0x20)
            while index < end, isSpace(value[index]) { index += 1 }
            continue
        }
        text.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        index += 1
    }
    return text
}
