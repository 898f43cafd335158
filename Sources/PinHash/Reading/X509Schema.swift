/// The rules of X.509's ASN.1 types that OpenSSL's `d2i_X509` and `d2i_X509_REQ` hold a certificate or
/// request to beyond DER's own: which element goes where, how many a SEQUENCE holds, and what an INTEGER,
/// OBJECT IDENTIFIER, BOOLEAN, NULL or name string may contain. pinhash refuses what OpenSSL refuses, so
/// it never pins a certificate no OpenSSL-based client can read. (OpenSSL 3.0's `crypto/asn1/tasn_dec.c`,
/// `a_int.c`, `a_object.c`, `x_name.c` and `a_mbstr.c`; each rule was checked against its `d2i_X509`.)
///
/// Callers have passed the elements through `checkDERRules` first, so lengths, forms and BIT STRINGs are
/// DER already. Every certificate of a bundle comes through here: headers are read in place, and a
/// string is built only to throw.
enum X509Schema {
    /// `Name ::= SEQUENCE OF SET OF SEQUENCE { type OBJECT IDENTIFIER, value }`, each value of a universal
    /// type OpenSSL reads in a name, and the strings it turns into UTF-8 to compare names (UTF8String,
    /// BMPString, UniversalString) valid Unicode. `name` is known to be a SEQUENCE.
    static func checkName(
        _ name: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        var relativeNames = DERCursor(contentOf: name, in: der)
        while !relativeNames.isAtEnd {
            let relativeName = relativeNames.nextChecked()
            guard relativeName.tag == DERTag.set else {
                throw misplaced(relativeName, "an RDN's SET", what())
            }
            var attributes = DERCursor(contentOf: relativeName, in: der)
            while !attributes.isAtEnd {
                let attribute = attributes.nextChecked()
                guard attribute.tag == DERTag.sequence else {
                    throw misplaced(attribute, "an attribute's SEQUENCE", what())
                }
                var parts = DERCursor(contentOf: attribute, in: der)
                guard !parts.isAtEnd else { throw flaw(what(), "an empty attribute", at: attribute.start) }
                let type = parts.nextChecked()
                guard type.tag == DERTag.objectIdentifier else {
                    throw misplaced(type, "an attribute's type (OBJECT IDENTIFIER)", what())
                }
                try checkObjectIdentifier(type, in: der, what())
                guard !parts.isAtEnd else {
                    throw flaw(what(), "an attribute without its value", at: attribute.start)
                }
                try checkNameValue(parts.nextChecked(), in: der, what())
                guard parts.isAtEnd else {
                    throw flaw(what(), "an attribute with more than a type and a value", at: attribute.start)
                }
            }
        }
    }

    /// `AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }`, known
    /// to be a SEQUENCE; gives the identifier and the parameters.
    @discardableResult
    static func checkAlgorithmIdentifier(
        _ algorithm: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) -> (identifier: DERElement, parameters: DERElement?) {
        var fields = DERCursor(contentOf: algorithm, in: der)
        guard !fields.isAtEnd else { throw flaw(what(), "no algorithm identifier", at: algorithm.start) }
        let identifier = fields.nextChecked()
        guard identifier.tag == DERTag.objectIdentifier else {
            throw misplaced(identifier, "the algorithm's OBJECT IDENTIFIER", what())
        }
        try checkObjectIdentifier(identifier, in: der, what())
        guard !fields.isAtEnd else { return (identifier, nil) }
        let parameters = fields.nextChecked()
        try checkAnyValue(parameters, in: der, what())
        guard fields.isAtEnd else {
            throw flaw(what(), "more than an algorithm and its parameters", at: fields.position)
        }
        return (identifier, parameters)
    }

    /// `Validity ::= SEQUENCE { notBefore Time, notAfter Time }`, known to be a SEQUENCE; gives notAfter.
    /// OpenSSL 3.0 reads a time's tag, not its digits.
    static func checkValidity(
        _ validity: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) -> DERElement {
        var times = DERCursor(contentOf: validity, in: der)
        guard !times.isAtEnd else { throw flaw(what(), "no notBefore", at: validity.start) }
        let notBefore = times.nextChecked()
        guard !times.isAtEnd else { throw flaw(what(), "no notAfter", at: validity.start) }
        let notAfter = times.nextChecked()
        if !isTime(notBefore) { throw misplaced(notBefore, "a UTCTime or GeneralizedTime", what()) }
        if !isTime(notAfter) { throw misplaced(notAfter, "a UTCTime or GeneralizedTime", what()) }
        guard times.isAtEnd else {
            throw flaw(what(), "more than notBefore and notAfter", at: times.position)
        }
        return notAfter
    }

    private static func isTime(_ element: DERElement) -> Bool {
        element.tag == DERTag.utcTime || element.tag == DERTag.generalizedTime
    }

    /// An INTEGER's content as OpenSSL's `c2i_ibuf` takes it: at least one byte, and no padding byte
    /// (`00` before a byte below `80`, `FF` before one from `80` up), which is DER's shortest form.
    static func checkInteger(
        _ element: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        let content = element.contentRange
        guard !content.isEmpty else { throw flaw(what(), "an INTEGER with no bytes", at: element.start) }
        guard content.count > 1 else { return }
        let first = der[content.lowerBound]
        let second = der[content.lowerBound + 1]
        if (first == 0 && second < 0x80) || (first == 0xFF && second >= 0x80) {
            throw flaw(
                what(),
                "an INTEGER that is not minimal DER (it starts with \(hexBytes(der, content.prefix(2))))",
                at: element.start)
        }
    }

    /// An OBJECT IDENTIFIER's content: one or more base-128 numbers, none starting with an `80` byte, the
    /// last one complete.
    static func checkObjectIdentifier(
        _ element: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        guard !isWellFormedObjectIdentifier(element, in: der) else { return }
        let content = element.contentRange
        let shown = content.isEmpty ? "empty" : hexBytes(der, content.prefix(16))
        throw flaw(what(), "an OBJECT IDENTIFIER that is not well-formed (\(shown))", at: element.start)
    }

    /// ``checkObjectIdentifier`` without its error. Read through a pointer: the range's checked loop cost
    /// 17 instructions a byte, some 30 OIDs a certificate.
    static func isWellFormedObjectIdentifier(_ element: DERElement, in der: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        guard element.contentStart < element.end, element.end <= der.count, let base = der.baseAddress else {
            return false
        }
        var byte = base + element.contentStart
        let end = base + element.end
        // Below 80: the byte before ended a number (as if one did before the first).
        var previous: UInt8 = 0
        while byte < end {
            if byte.pointee == 0x80, previous < 0x80 { return false }
            previous = byte.pointee
            byte += 1
        }
        return previous < 0x80
    }

    /// A BOOLEAN's content is one byte.
    static func checkBoolean(
        _ element: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        let count = element.contentRange.count
        if count != 1 { throw flaw(what(), "a BOOLEAN of \(count) bytes (it takes 1)", at: element.start) }
    }

    /// A value of any type (algorithm parameters, a request's attribute values): OpenSSL checks the
    /// content of the universal types it decodes and keeps the rest as it is.
    static func checkAnyValue(
        _ value: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        guard value.tag & 0xC0 == 0 else { return }
        let count = value.contentRange.count
        switch value.tag & 0x1F {
        case UniversalType.boolean: try checkBoolean(value, in: der, what())
        case UniversalType.integer, UniversalType.enumerated: try checkInteger(value, in: der, what())
        case UniversalType.null where count != 0:
            throw flaw(what(), "a NULL that is not empty", at: value.start)
        case UniversalType.objectIdentifier: try checkObjectIdentifier(value, in: der, what())
        case UniversalType.universalString where count % 4 != 0:
            throw flaw(what(), "a UniversalString whose length is not a multiple of 4", at: value.start)
        case UniversalType.bmpString where count % 2 != 0:
            throw flaw(what(), "a BMPString of odd length", at: value.start)
        default: return
        }
    }

    /// `[1]`/`[2] IMPLICIT BIT STRING` (a certificate's unique identifiers): OpenSSL wants the unused-bits
    /// byte and at most 7 unused bits.
    static func checkImplicitBitString(
        _ element: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        guard !element.contentRange.isEmpty else {
            throw flaw(what(), "a BIT STRING without its unused-bits byte", at: element.start)
        }
        let unused = der[element.contentStart]
        if unused > 7 {
            throw flaw(
                what(), "a BIT STRING that claims \(unused) unused bits (0 to 7 are allowed)",
                at: element.start)
        }
    }

    /// `what has a SET where an RDN's SET belongs at byte 62`.
    static func misplaced(_ element: DERElement, _ place: String, _ what: String) -> PinHashError {
        flaw(what, "\(withArticle(DERTag.describe(element.tag))) where \(place) belongs", at: element.start)
    }

    /// `what has PROBLEM at byte N`.
    static func flaw(_ what: String, _ problem: String, at offset: Int) -> PinHashError {
        .malformed("\(what) has \(problem) at byte \(offset)")
    }

    /// The universal tag numbers (ITU-T X.680) the rules name.
    private enum UniversalType {
        static let boolean: UInt8 = 1
        static let integer: UInt8 = 2
        static let null: UInt8 = 5
        static let objectIdentifier: UInt8 = 6
        static let enumerated: UInt8 = 10
        static let utf8String: UInt8 = 12
        static let universalString: UInt8 = 28
        static let bmpString: UInt8 = 30
    }

    /// The universal types OpenSSL reads as a name's value (`B_ASN1_PRINTABLE`, whose "unknown" covers
    /// tags 7 to 9, 11, 13 to 15 and 29), one bit a tag number: BIT STRING, UTF8String, SEQUENCE,
    /// NumericString, PrintableString, T61String, IA5String, UniversalString, BMPString.
    private static let nameValueTypes: UInt32 =
        1 << 3 | 1 << 7 | 1 << 8 | 1 << 9 | 1 << 11 | 1 << 12 | 1 << 13 | 1 << 14 | 1 << 15 | 1 << 16
        | 1 << 18 | 1 << 19 | 1 << 20 | 1 << 22 | 1 << 28 | 1 << 29 | 1 << 30

    private static func checkNameValue(
        _ value: DERElement, in der: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
    ) throws(PinHashError) {
        if let problem = nameValueProblem(value, in: der) { throw flaw(what(), problem, at: value.start) }
    }

    /// What is wrong with an attribute value of a name, as `checkName`'s error words it; nil when nothing is.
    static func nameValueProblem(_ value: DERElement, in der: UnsafeBufferPointer<UInt8>) -> String? {
        guard value.tag & 0xC0 == 0 else {
            return "an attribute value with the non-universal tag \(DERTag.describe(value.tag))"
        }
        let number = value.tag & 0x1F
        guard nameValueTypes & (1 << UInt32(number)) != 0 else {
            return "an attribute value of type \(DERTag.describe(value.tag)), which OpenSSL refuses in a name"
        }
        let content = value.contentRange
        switch number {
        case UniversalType.utf8String where !isUTF8(der, content):
            return "a UTF8String that is not valid UTF-8"
        case UniversalType.bmpString where !isUTF16BigEndianWithoutSurrogates(der, content):
            return "a BMPString of odd length or with a surrogate (not a character)"
        case UniversalType.universalString where !isUTF32BigEndian(der, content):
            return "a UniversalString whose length is not a multiple of 4 or that holds a non-character"
        default:
            return nil
        }
    }

    /// A Unicode scalar value: at most U+10FFFF and not a surrogate.
    @inline(__always)
    private static func isScalar(_ value: UInt32) -> Bool {
        value <= 0x10FFFF && value & 0xFFFF_F800 != 0xD800
    }

    /// UTF-8 as OpenSSL's `UTF8_getc` and `is_unicode_valid` take it: each character in its shortest form,
    /// no surrogates, nothing above U+10FFFF.
    static func isUTF8(_ der: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            let lead = der[index]
            guard lead >= 0x80 else {
                index += 1
                continue
            }
            let count: Int
            var value: UInt32
            switch lead {
            case 0xC0...0xDF: (count, value) = (2, UInt32(lead & 0x1F))
            case 0xE0...0xEF: (count, value) = (3, UInt32(lead & 0x0F))
            case 0xF0...0xF7: (count, value) = (4, UInt32(lead & 0x07))
            default: return false
            }
            guard range.upperBound - index >= count else { return false }
            for offset in 1..<count {
                let next = der[index + offset]
                guard next & 0xC0 == 0x80 else { return false }
                value = value << 6 | UInt32(next & 0x3F)
            }
            let shortest: UInt32 = count == 2 ? 0x80 : count == 3 ? 0x800 : 0x1_0000
            guard value >= shortest, isScalar(value) else { return false }
            index += count
        }
        return true
    }

    private static func isUTF16BigEndianWithoutSurrogates(
        _ der: UnsafeBufferPointer<UInt8>, _ range: Range<Int>
    )
        -> Bool
    {
        guard range.count % 2 == 0 else { return false }
        for index in stride(from: range.lowerBound, to: range.upperBound, by: 2)
        where der[index] & 0xF8 == 0xD8 {
            return false
        }
        return true
    }

    private static func isUTF32BigEndian(_ der: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard range.count % 4 == 0 else { return false }
        for index in stride(from: range.lowerBound, to: range.upperBound, by: 4) {
            let value =
                UInt32(der[index]) << 24 | UInt32(der[index + 1]) << 16 | UInt32(der[index + 2]) << 8
                | UInt32(der[index + 3])
            if !isScalar(value) { return false }
        }
        return true
    }
}
