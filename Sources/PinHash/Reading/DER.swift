#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One DER element's position in its buffer: `[start, contentStart)` is the header, `[contentStart, end)`
/// the content.
struct DERElement {
    var tag: UInt8
    var start: Int
    var contentStart: Int
    var end: Int

    var range: Range<Int> { start..<end }
    var contentRange: Range<Int> { contentStart..<end }
    var isConstructed: Bool { tag & 0x20 != 0 }
}

enum DERTag {
    static let boolean: UInt8 = 0x01
    static let integer: UInt8 = 0x02
    static let bitString: UInt8 = 0x03
    static let octetString: UInt8 = 0x04
    static let null: UInt8 = 0x05
    static let objectIdentifier: UInt8 = 0x06
    static let utcTime: UInt8 = 0x17
    static let generalizedTime: UInt8 = 0x18
    static let sequence: UInt8 = 0x30
    static let set: UInt8 = 0x31

    static func contextSpecific(_ number: UInt8, constructed: Bool = true) -> UInt8 {
        0x80 | (constructed ? 0x20 : 0) | number
    }

    /// A name for error messages: `SEQUENCE`, `INTEGER`, `[0]`.
    static func describe(_ tag: UInt8) -> String {
        switch tag {
        case boolean: "BOOLEAN"
        case integer: "INTEGER"
        case bitString: "BIT STRING"
        case octetString: "OCTET STRING"
        case null: "NULL"
        case objectIdentifier: "OBJECT IDENTIFIER"
        case sequence: "SEQUENCE"
        case set: "SET"
        case 0x0A: "ENUMERATED"
        case 0x0C: "UTF8String"
        case 0x12: "NumericString"
        case 0x13: "PrintableString"
        case 0x14: "T61String"
        case 0x16: "IA5String"
        case utcTime: "UTCTime"
        case generalizedTime: "GeneralizedTime"
        case 0x1A: "VisibleString"
        case 0x1C: "UniversalString"
        case 0x1E: "BMPString"
        default: tag & 0xC0 == 0x80 ? "[\(tag & 0x1F)]" : "tag 0x\(String(tag, radix: 16))"
        }
    }
}

/// Walks the elements of one level of DER, checking every length against the bytes that are there.
///
/// Nothing here recurses: callers descend by making a cursor over an element's content, so hostile
/// nesting cannot exhaust the stack.
struct DERCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var position: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.position = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    init(contentOf element: DERElement, in bytes: UnsafeBufferPointer<UInt8>) {
        self.init(bytes, range: element.contentRange)
    }

    var isAtEnd: Bool { position >= end }

    func peekTag() -> UInt8? { position < end ? bytes[position] : nil }

    /// Reads the next element's header and skips over its content; `what` names it in the error.
    mutating func next(naming what: @autoclosure () -> String? = nil) throws(PinHashError) -> DERElement {
        let element = try Self.header(in: bytes, at: position, limit: end, naming: what())
        position = element.end
        return element
    }

    /// Reads the next element, which must have `tag`; `what` names it in the error.
    mutating func next(_ tag: UInt8, _ what: @autoclosure () -> String) throws(PinHashError) -> DERElement {
        guard let found = peekTag() else {
            throw .malformed("\(what()) is missing (the structure ends early)")
        }
        guard found == tag else {
            throw .malformed(
                "\(what()) should be \(withArticle(DERTag.describe(tag))) but is "
                    + withArticle(DERTag.describe(found)))
        }
        return try next(naming: what())
    }

    /// Reads the next element of DER that `checkDERRules` has passed, without checking its header again
    /// (the checks that find a bundle's certificates sound cost as much as the walk itself otherwise).
    /// Traps rather than read past the end, should a caller break that promise.
    mutating func nextChecked() -> DERElement {
        precondition(position + 2 <= end, "nextChecked() outside DER that checkDERRules passed")
        let first = bytes[position + 1]
        var contentStart = position + 2
        var length = Int(first)
        if first >= 0x80 {
            let count = Int(first & 0x7F)
            precondition(count <= 4 && contentStart + count <= end, "nextChecked() on an unchecked header")
            length = 0
            for index in 0..<count { length = length << 8 | Int(bytes[contentStart + index]) }
            contentStart += count
        }
        precondition(length <= end - contentStart, "nextChecked() on an unchecked length")
        let element = DERElement(
            tag: bytes[position], start: position, contentStart: contentStart, end: contentStart + length)
        position = element.end
        return element
    }

    /// Reads the next element when it has `tag`, otherwise leaves the cursor where it is.
    mutating func nextIf(_ tag: UInt8) throws(PinHashError) -> DERElement? {
        peekTag() == tag ? try next() : nil
    }

    func expectEnd(_ what: @autoclosure () -> String) throws(PinHashError) {
        if position < end { throw .malformed("\(what()) has \(end - position) unexpected bytes at its end") }
    }

    /// Parses the header at `start`; the element must end at or before `limit`. A `limit` past the end of
    /// `bytes` (a caller that wants a short input reported as truncated) checks the header against `bytes`.
    ///
    /// The length must be DER's: definite and as short as it can be. `what` names the element in that error.
    static func header(
        in bytes: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int,
        naming what: @autoclosure () -> String? = nil
    ) throws(PinHashError) -> DERElement {
        switch parseHeader(in: bytes, at: start, limit: limit) {
        case .success(let element): return element
        case .failure(.cut): throw .malformed("the DER ends in the middle of an element header")
        case .failure(.highTag):
            throw .malformed("the DER uses a high tag number, which no key format has")
        case .failure(.indefiniteLength):
            throw .malformed("\(what() ?? "the DER") uses an indefinite length, which DER forbids")
        case .failure(.longLength(let count)):
            throw .malformed("a DER length takes \(count) bytes; no key needs that many")
        case .failure(.nonMinimalLength(let lengthBytes)):
            throw .malformed(
                "\(what() ?? "a DER element") has a length that is not minimal DER "
                    + "(\(hexBytes(bytes, lengthBytes))) at byte \(start)")
        case .failure(.truncated(let claimed, let available)):
            throw .malformed(
                "a DER element claims \(claimed) bytes but only \(available) follow (truncated?)")
        }
    }

    /// Why a header does not parse; `header` words it.
    enum HeaderFault: Error {
        case cut, highTag, indefiniteLength
        case longLength(Int)
        /// Where the length's bytes are.
        case nonMinimalLength(Range<Int>)
        case truncated(claimed: Int, available: Int)
    }

    /// `header` without its words, for a caller that shows none (a name formatted for display, which
    /// falls back to hex): the cursor's throwing calls cost 300 instructions an attribute there.
    @inline(__always)
    static func parseHeader(in bytes: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int)
        -> Result<DERElement, HeaderFault>
    {
        // The header's own bytes must be there: a limit past the buffer once let `30 82` read 2 bytes past it.
        let headerLimit = min(limit, bytes.count)
        guard start + 2 <= headerLimit else { return .failure(.cut) }
        let tag = bytes[start]
        if tag & 0x1F == 0x1F { return .failure(.highTag) }
        let first = bytes[start + 1]
        var contentStart = start + 2
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else if first == 0x80 {
            return .failure(.indefiniteLength)
        } else {
            let count = Int(first & 0x7F)
            guard count <= 4 else { return .failure(.longLength(count)) }
            guard contentStart + count <= headerLimit else { return .failure(.cut) }
            for index in 0..<count { length = length << 8 | Int(bytes[contentStart + index]) }
            // DER takes the shortest form: no leading zero byte, and the long form only from 128 up. One
            // comparison, as every element of a bundle's certificates comes through here.
            if length < 0x80 || bytes[contentStart] == 0 {
                return .failure(.nonMinimalLength(start + 1..<contentStart + count))
            }
            contentStart += count
        }
        guard length <= limit - contentStart else {
            return .failure(.truncated(claimed: length, available: limit - contentStart))
        }
        return .success(
            DERElement(tag: tag, start: start, contentStart: contentStart, end: contentStart + length))
    }
}

/// Fails when constructed elements in `der` nest more than `limit` deep, before the DER goes to a decoder
/// that recurses over it (OpenSSL's). Walks every element with an explicit stack of the open elements'
/// ends, so the check itself cannot exhaust the call stack. It only measures: at the first malformed header
/// it stops without an error and leaves the reason to the decoder that reads the DER.
func checkNestingDepth(_ der: UnsafeBufferPointer<UInt8>, limit: Int) throws(PinHashError) {
    var openEnds: [Int] = []
    var position = 0
    while position < der.count {
        while let innermost = openEnds.last, position >= innermost { openEnds.removeLast() }
        guard let element = try? DERCursor.header(in: der, at: position, limit: openEnds.last ?? der.count)
        else { return }
        guard element.isConstructed else {
            position = element.end
            continue
        }
        if openEnds.count >= limit {
            throw PinHashError(.inputTooLarge, "DER nested deeper than \(limit) levels")
        }
        openEnds.append(element.end)
        position = element.contentStart
    }
}

/// `checkNestingDepth` over an array.
func checkNestingDepth(_ der: [UInt8], limit: Int) throws(PinHashError) {
    try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
        try checkNestingDepth(buffer, limit: limit)
    }
}

/// The deepest nesting `checkDERRules` follows inside one field of a certificate, request or key: a
/// certificate's names and key parameters nest 4 or 5 levels deep.
private let maximumCheckedDepth = 32

/// Checks `element` and everything inside it against the rules of DER that reading one level at a time
/// does not see: every length definite and minimal, the string types in their primitive form, a BIT
/// STRING's unused-bits byte within 0...7 (0 for an empty string) with those bits zero. `what` names the
/// element in the error, which also gives the byte offset.
///
/// Every element of every certificate of a bundle comes through here, so the walk is a tight loop that
/// neither allocates nor builds a string unless it fails: a fixed-size stack of the open elements' ends,
/// headers read in place.
func checkDERRules(
    _ element: DERElement, in bytes: UnsafeBufferPointer<UInt8>, _ what: @autoclosure () -> String
) throws(PinHashError) {
    if let violation = firstDERViolation(in: element, of: bytes) { throw violation.error(what(), in: bytes) }
}

/// `checkDERRules` without its error: whether `element` and everything inside it keep DER's rules.
func keepsDERRules(_ element: DERElement, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    firstDERViolation(in: element, of: bytes) == nil
}

/// Whether an element's own tag and content keep the rules `checkDERRules` holds every element to (its
/// header aside, and what is inside it).
@inline(__always)
func keepsOwnDERRules(_ element: DERElement, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    violation(ofOne: element, in: bytes) == nil
}

/// The element whose header starts at `start` (with tag `tag`, when one is given), ending by `end`, when
/// its header and its own tag and content keep the rules `checkDERRules` holds every element to; nil
/// otherwise. What is inside a constructed element is not looked at: the caller reads it the same way.
///
/// `end` must not be past `bytes`' end. Lengths of one or two bytes besides the short form, every element
/// of a usual certificate, are read here, inlined: a call per element, with its optional result, cost 59
/// instructions in a name, and the long forms through `parseHeader` 55 each.
@inline(__always)
func ruleKeepingElement(
    in bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int, tag wanted: UInt8? = nil
) -> DERElement? {
    guard start &+ 2 <= end else { return nil }
    let tag = bytes[start]
    if let wanted {
        guard tag == wanted else { return nil }
    } else if tag & 0x1F == 0x1F {
        return nil
    }
    let first = bytes[start &+ 1]
    var contentStart = start &+ 2
    var length = Int(first)
    if first >= 0x80 {
        // One or two length bytes (up to 64 KiB), the rest of a usual certificate's long forms, also here:
        // the first at least 80, or not 00, as DER's shortest form has it.
        if first == 0x81, contentStart < end, bytes[contentStart] >= 0x80 {
            length = Int(bytes[contentStart])
            contentStart &+= 1
        } else if first == 0x82, contentStart &+ 1 < end, bytes[contentStart] != 0 {
            length = Int(bytes[contentStart]) << 8 | Int(bytes[contentStart &+ 1])
            contentStart &+= 2
        } else {
            return longFormRuleKeepingElement(in: bytes, at: start, end: end)
        }
    }
    guard length <= end &- contentStart else { return nil }
    let element = DERElement(tag: tag, start: start, contentStart: contentStart, end: contentStart &+ length)
    return keepsOwnDERRules(element, in: bytes) ? element : nil
}

/// `ruleKeepingElement` for the other forms of length (its tag checked): three or four bytes, and the
/// faults.
private func longFormRuleKeepingElement(in bytes: UnsafeBufferPointer<UInt8>, at start: Int, end: Int)
    -> DERElement?
{
    guard case .success(let element) = DERCursor.parseHeader(in: bytes, at: start, limit: end),
        keepsOwnDERRules(element, in: bytes)
    else { return nil }
    return element
}

/// What breaks DER's rules, and where.
private struct DERViolation {
    enum Kind {
        case headerCut, highTag, indefiniteLength, longLength, nonMinimalLength(Range<Int>)
        case truncated(claimed: Int, available: Int)
        case endOfContents, wrongForm(tag: UInt8, constructed: Bool)
        case bitStringWithoutUnusedBits, unusedBits(Int), unusedBitsWithoutBits, unusedBitsNotZero
        case tooDeep
    }
    var kind: Kind
    var offset: Int

    func error(_ what: String, in bytes: UnsafeBufferPointer<UInt8>) -> PinHashError {
        let at = "at byte \(offset)"
        switch kind {
        case .headerCut: return .malformed("\(what) ends in the middle of an element header \(at)")
        case .highTag: return .malformed("\(what) uses a high tag number \(at), which no key format has")
        case .indefiniteLength:
            return .malformed("\(what) uses an indefinite length \(at), which DER forbids")
        case .longLength: return .malformed("\(what) has a length of more than 4 bytes \(at)")
        case .nonMinimalLength(let range):
            return .malformed(
                "\(what) has a length that is not minimal DER (\(hexBytes(bytes, range))) \(at)")
        case .truncated(let claimed, let available):
            return .malformed(
                "\(what) has an element \(at) that claims \(claimed) bytes but only \(available) follow")
        case .endOfContents:
            return .malformed("\(what) has an end-of-contents marker \(at), which DER forbids")
        case .wrongForm(let tag, let constructed):
            let form = constructed ? "a constructed" : "a primitive"
            return .malformed("\(what) has \(form) \(DERTag.describe(tag)) \(at), which DER forbids")
        case .bitStringWithoutUnusedBits:
            return .malformed("\(what) has a BIT STRING without its unused-bits byte \(at)")
        case .unusedBits(let count):
            return .malformed(
                "\(what) has a BIT STRING that claims \(count) unused bits \(at) (0 to 7 are allowed)")
        case .unusedBitsWithoutBits:
            return .malformed("\(what) has an empty BIT STRING \(at) that claims unused bits")
        case .unusedBitsNotZero:
            return .malformed("\(what) has a BIT STRING whose unused bits are not zero \(at)")
        case .tooDeep: return .malformed("\(what) nests more than \(maximumCheckedDepth) levels deep \(at)")
        }
    }
}

/// The first place in `element` (its own header has been read) that breaks DER's rules; nil when none does.
private func firstDERViolation(in element: DERElement, of bytes: UnsafeBufferPointer<UInt8>) -> DERViolation?
{
    if let violation = violation(ofOne: element, in: bytes) { return violation }
    guard element.isConstructed, element.contentStart < element.end, let base = bytes.baseAddress else {
        return nil
    }
    return withUnsafeTemporaryAllocation(of: Int.self, capacity: maximumCheckedDepth) { openEnds in
        var depth = 1
        openEnds[0] = element.end
        var position = element.contentStart
        while depth > 0 {
            let end = openEnds[depth - 1]
            if position >= end {
                depth -= 1
                continue
            }
            guard position + 2 <= end else { return DERViolation(kind: .headerCut, offset: position) }
            let tag = base[position]
            if tag & 0x1F == 0x1F { return DERViolation(kind: .highTag, offset: position) }
            let first = base[position + 1]
            var length = Int(first)
            var contentStart = position + 2
            if first >= 0x80 {
                let count = Int(first & 0x7F)
                if count == 0 { return DERViolation(kind: .indefiniteLength, offset: position) }
                if count > 4 { return DERViolation(kind: .longLength, offset: position) }
                guard contentStart + count <= end else {
                    return DERViolation(kind: .headerCut, offset: position)
                }
                length = 0
                for index in 0..<count { length = length << 8 | Int(base[contentStart + index]) }
                if length < 0x80 || base[contentStart] == 0 {
                    return DERViolation(
                        kind: .nonMinimalLength(position + 1..<contentStart + count), offset: position)
                }
                contentStart += count
            }
            guard length <= end - contentStart else {
                return DERViolation(
                    kind: .truncated(claimed: length, available: end - contentStart), offset: position)
            }
            let inner = DERElement(
                tag: tag, start: position, contentStart: contentStart, end: contentStart + length)
            if tag & 0xC0 == 0, let violation = violation(ofOne: inner, in: bytes) { return violation }
            if inner.isConstructed, length > 0 {
                guard depth < maximumCheckedDepth else {
                    return DERViolation(kind: .tooDeep, offset: position)
                }
                openEnds[depth] = inner.end
                depth += 1
                position = contentStart
            } else {
                position = inner.end
            }
        }
        return nil
    }
}

/// The rules one element's own tag and content are held to; only universal types have any here.
@inline(__always)
private func violation(ofOne element: DERElement, in bytes: UnsafeBufferPointer<UInt8>) -> DERViolation? {
    let tag = element.tag
    guard tag & 0xC0 == 0 else { return nil }
    let number = tag & 0x1F
    if number == 0 { return DERViolation(kind: .endOfContents, offset: element.start) }
    let mustBeConstructed = number == 0x10 || number == 0x11
    if element.isConstructed != mustBeConstructed {
        return DERViolation(
            kind: .wrongForm(
                tag: number | (mustBeConstructed ? 0x20 : 0), constructed: element.isConstructed),
            offset: element.start)
    }
    guard tag == DERTag.bitString else { return nil }
    guard element.contentStart < element.end else {
        return DERViolation(kind: .bitStringWithoutUnusedBits, offset: element.start)
    }
    let unused = Int(bytes[element.contentStart])
    if unused > 7 { return DERViolation(kind: .unusedBits(unused), offset: element.start) }
    if unused > 0, element.contentRange.count == 1 {
        return DERViolation(kind: .unusedBitsWithoutBits, offset: element.start)
    }
    if unused > 0, bytes[element.end - 1] & UInt8((1 << unused) - 1) != 0 {
        return DERViolation(kind: .unusedBitsNotZero, offset: element.start)
    }
    return nil
}

/// `82 00 59`: bytes for an error message.
func hexBytes(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
    bytes[range].map { $0 < 0x10 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined(
        separator: " ")
}

extension UnsafeBufferPointer where Element == UInt8 {
    func slice(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(rebasing: self[range])
    }

    func bytes(_ range: Range<Int>) -> [UInt8] { Array(self[range]) }

    func equal(_ lhs: Range<Int>, _ rhs: Range<Int>) -> Bool {
        lhs.count == rhs.count
            && (lhs.count == 0
                || memcmp(baseAddress! + lhs.lowerBound, baseAddress! + rhs.lowerBound, lhs.count) == 0)
    }

    /// Whether these bytes are `expected`, compared with memcmp: `elementsEqual`'s generic walk cost 160
    /// instructions a key algorithm, for every certificate of a bundle.
    func equals(_ expected: [UInt8]) -> Bool {
        count == expected.count && (count == 0 || memcmp(baseAddress!, expected, count) == 0)
    }
}
