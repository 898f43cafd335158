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

    /// Reads the next element's header and skips over its content.
    mutating func next() throws(PinHashError) -> DERElement {
        let element = try Self.header(in: bytes, at: position, limit: end)
        position = element.end
        return element
    }

    /// Reads the next element, which must have `tag`; `what` names it in the error.
    mutating func next(_ tag: UInt8, _ what: String) throws(PinHashError) -> DERElement {
        guard let found = peekTag() else { throw .malformed("\(what) is missing (the structure ends early)") }
        guard found == tag else {
            throw .malformed("\(what) should be a \(DERTag.describe(tag)) but is a \(DERTag.describe(found))")
        }
        return try next()
    }

    /// Reads the next element when it has `tag`, otherwise leaves the cursor where it is.
    mutating func nextIf(_ tag: UInt8) throws(PinHashError) -> DERElement? {
        peekTag() == tag ? try next() : nil
    }

    func expectEnd(_ what: String) throws(PinHashError) {
        if position < end { throw .malformed("\(what) has \(end - position) unexpected bytes at its end") }
    }

    /// Parses the header at `start`; the element must end at or before `limit`. A `limit` past the end of
    /// `bytes` (a caller that wants a short input reported as truncated) checks the header against `bytes`.
    static func header(in bytes: UnsafeBufferPointer<UInt8>, at start: Int, limit: Int) throws(PinHashError)
        -> DERElement
    {
        // The header's own bytes must be there: a limit past the buffer once let `30 82` read 2 bytes past it.
        let headerLimit = min(limit, bytes.count)
        guard start + 2 <= headerLimit else {
            throw .malformed("the DER ends in the middle of an element header")
        }
        let tag = bytes[start]
        if tag & 0x1F == 0x1F { throw .malformed("the DER uses a high tag number, which no key format has") }
        let first = bytes[start + 1]
        var contentStart = start + 2
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else if first == 0x80 {
            throw .malformed("the DER uses an indefinite length, which DER forbids")
        } else {
            let count = Int(first & 0x7F)
            guard count <= 4 else {
                throw .malformed("a DER length takes \(count) bytes; no key needs that many")
            }
            guard contentStart + count <= headerLimit else {
                throw .malformed("the DER ends in the middle of an element header")
            }
            for index in 0..<count { length = length << 8 | Int(bytes[contentStart + index]) }
            contentStart += count
        }
        guard length <= limit - contentStart else {
            throw .malformed(
                "a DER element claims \(length) bytes but only \(limit - contentStart) follow (truncated?)")
        }
        return DERElement(tag: tag, start: start, contentStart: contentStart, end: contentStart + length)
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
}
