#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One `-----BEGIN LABEL-----` … `-----END LABEL-----` block, decoded.
struct PEMBlock {
    /// 1-based position among the blocks of its input.
    var index: Int
    var label: String
    var der: [UInt8]
    /// The block's whole text, kept only for legacy encrypted keys (`Proc-Type: 4,ENCRYPTED`), which
    /// OpenSSL decrypts from the text with its headers.
    var encryptedText: [UInt8]?

    var name: String { Self.name(index: index, label: label) }

    /// `block 2 (CERTIFICATE)`: a block as messages name it.
    static func name(index: Int, label: String) -> String { "block \(index) (\(shownLabel(label)))" }
}

private let beginMarker = Array("-----BEGIN ".utf8)
private let endMarker = Array("-----END ".utf8)
private let dashes = Array("-----".utf8)
private let certificateLabel = Array("CERTIFICATE".utf8)
private let lineFeed: [UInt8] = [0x0A]
private let colon: [UInt8] = [UInt8(ascii: ":")]
/// The BEGIN lines of the blocks `Content` reads as certificates, requests and public keys. Filtered by
/// `Content` itself: a label listed here that it did not read as public would let the reader read on
/// while a key's block still held the window, which could then not be wiped.
private let publicBeginLines: [[UInt8]] = [
    "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE", "CERTIFICATE REQUEST",
    "NEW CERTIFICATE REQUEST", "PUBLIC KEY", "RSA PUBLIC KEY",
]
.filter { Content(pemLabel: $0, encryptedText: nil).isPublicObject }
.map { Array("-----BEGIN \($0)-----".utf8) }

/// Finds PEM blocks in a stream, one at a time, holding at most one block and the text before it.
struct PEMScanner {
    let source: ByteSource
    let limits: InputLimits
    private(set) var blockCount = 0
    /// Text skipped since the last block.
    private var skippedText = 0
    /// How far into the block being located (from its BEGIN line) the search for its end has looked, so
    /// that each read searches only what it added: searching the whole block again after every read of a
    /// pipe (64 KiB) was quadratic in the block's size.
    private var pending = PendingBlock()
    /// Bytes the searches for markers and line breaks examined, which stays proportional to the input.
    private(set) var bytesSearched = 0

    init(source: ByteSource, limits: InputLimits) {
        self.source = source
        self.limits = limits
    }

    /// Locates the next complete block. With `mayRead` false it returns nil rather than read more input,
    /// so that blocks located earlier stay where they are in the window; with `mayRead` true nil means the
    /// input has ended. Text outside blocks is skipped, within limits.
    mutating func nextLocation(mayRead: Bool) throws(PinHashError) -> PEMLocation? {
        while true {
            let window = source.start..<source.buffer.count
            if let begin = find(beginMarker, in: window) {
                if begin != source.start { pending = PendingBlock() }
                try skipText(source.start..<begin)
                source.start = begin
                if blockCount >= limits.maximumBlockCount {
                    throw PinHashError(.inputTooLarge, "more than \(limits.maximumBlockCount) PEM blocks")
                }
                if let (endLine, end) = try blockEnd(from: begin) {
                    // A block already in memory whole (bytes given to `pins(in:)`) is held to the limit too.
                    if end - begin > limits.maximumObjectSize { throw blockTooLarge() }
                    blockCount += 1
                    skippedText = 0
                    pending = PendingBlock()
                    source.start = end
                    return PEMLocation(index: blockCount, range: begin..<end, endLine: endLine)
                }
                if source.available > limits.maximumObjectSize { throw blockTooLarge() }
                guard mayRead else { return nil }
                // The read that finds the end of input must look once more: a last END line without a
                // line break ends its block only there. Reading may also move the block to the front.
                let wasAtEnd = source.isAtEnd
                guard try source.readMore() || !wasAtEnd else {
                    throw .malformed(
                        "block \(blockCount + 1) (\(label(at: source.start) ?? "?")) has no END line (the input is "
                            + "truncated)")
                }
                continue
            }
            // Keep a tail that could be the start of a marker split across two reads.
            let keep = min(window.count, beginMarker.count - 1)
            try skipText(source.start..<(source.buffer.count - keep))
            source.start = source.buffer.count - keep
            guard mayRead else { return nil }
            guard try source.readMore() else {
                try skipText(source.start..<source.buffer.count)
                source.start = source.buffer.count
                return nil
            }
        }
    }

    private func blockTooLarge() -> PinHashError {
        PinHashError(
            .inputTooLarge,
            "block \(blockCount + 1) is larger than \(InputLimits.describe(bytes: limits.maximumObjectSize))")
    }

    private mutating func skipText(_ range: Range<Int>) throws(PinHashError) {
        guard !range.isEmpty else { return }
        let hasNUL = source.buffer.withUnsafeBufferPointer { buffer in
            memchr(buffer.baseAddress! + range.lowerBound, 0, range.count) != nil
        }
        if hasNUL {
            throw .malformed(
                blockCount == 0
                    ? "is neither PEM nor DER (binary data with no -----BEGIN line)"
                    : "binary data after block \(blockCount)")
        }
        skippedText += range.count
        if skippedText > limits.maximumTextBetweenBlocks {
            throw PinHashError(
                .inputTooLarge,
                blockCount == 0
                    ? "no -----BEGIN line in the first \(InputLimits.describe(bytes: limits.maximumTextBetweenBlocks)) (not PEM?)"
                    : "more than \(InputLimits.describe(bytes: limits.maximumTextBetweenBlocks)) of text after block \(blockCount)"
            )
        }
    }

    /// Where the END line of the block starting at `begin` starts, and where the block ends (past the END
    /// line's line break); nil if more input is needed.
    ///
    /// Resumes where the last search for this block stopped (offsets from `begin`, which stay valid when
    /// the window is compacted, as the block's start is then the window's).
    private mutating func blockEnd(from begin: Int) throws(PinHashError) -> (endLine: Int, end: Int)? {
        let count = source.buffer.count
        let endLine: Int
        if let found = pending.endLine {
            endLine = begin + found
        } else {
            // A marker split across two reads starts in the last bytes already searched.
            let from = begin + max(beginMarker.count, pending.searchedTo - (endMarker.count - 1))
            pending.searchedTo = count - begin
            guard let found = find(endMarker, in: from..<count) else { return nil }
            endLine = found
            pending.endLine = found - begin
            pending.searchedTo = found + endMarker.count - begin
        }
        let from = max(endLine + endMarker.count, begin + pending.searchedTo)
        pending.searchedTo = count - begin
        guard let lineBreak = find(lineFeed, in: from..<count) else {
            return source.isAtEnd ? (endLine, count) : nil
        }
        return (endLine, lineBreak + 1)
    }

    private func label(at begin: Int) -> String? {
        let buffer = source.buffer
        var index = begin + beginMarker.count
        var label: [UInt8] = []
        // Up to a dash, or anything not printable: the label goes into an error message.
        while index < buffer.count, buffer[index] != UInt8(ascii: "-"), isPrintableASCII(buffer[index]),
            label.count < 64
        {
            label.append(buffer[index])
            index += 1
        }
        return label.isEmpty ? nil : String(decoding: label, as: UTF8.self)
    }

    private mutating func find(_ needle: [UInt8], in range: Range<Int>) -> Int? {
        let found = firstOccurrence(of: needle, in: source.buffer, range: range)
        bytesSearched += (found.map { $0 + needle.count } ?? range.upperBound) - range.lowerBound
        return found
    }
}

/// How far the search for the end of a block not yet complete in the window has got, as offsets from the
/// block's BEGIN line.
private struct PendingBlock {
    /// Where its END line starts, once found.
    var endLine: Int?
    /// How much of the block has been searched (for the END line, then for the line break after it).
    var searchedTo = 0
}

/// Where a complete block is in a scanner's window; valid until the scanner reads more input.
struct PEMLocation {
    var index: Int
    var range: Range<Int>
    var endLine: Int

    /// Decodes the block; reads `buffer` only, so blocks can be decoded on several threads at once.
    func decode(in buffer: [UInt8]) throws(PinHashError) -> PEMBlock {
        let (label, der, encryptedText) = try decode(in: buffer) { text throws(Base64.DecodingError) in
            try Base64.decode(text)
        }
        return PEMBlock(index: index, label: label, der: der, encryptedText: encryptedText)
    }

    /// `decode(in:)`, the DER written by `writer` (in bytes shared with the blocks decoded beside it).
    func decode(in buffer: [UInt8], into writer: inout SharedBytesWriter) throws(PinHashError) -> (
        label: String, der: SharedBytes, encryptedText: [UInt8]?
    ) {
        try decode(in: buffer) { text throws(Base64.DecodingError) in try Base64.decode(text, into: &writer) }
    }

    private func decode<DER: Collection>(
        in buffer: [UInt8], _ decodeBase64: (UnsafeBufferPointer<UInt8>) throws(Base64.DecodingError) -> DER
    ) throws(PinHashError) -> (label: String, der: DER, encryptedText: [UInt8]?) {
        let range = self.range
        let beginLineBreak = firstOccurrence(of: lineFeed, in: buffer, range: range.lowerBound..<endLine)
        guard let beginLineBreak else {
            throw .malformed("block \(index) has no line break after its BEGIN line")
        }
        guard
            let labelRange = markerLabel(
                in: buffer, range.lowerBound..<trimmed(range.lowerBound..<beginLineBreak, in: buffer),
                marker: beginMarker)
        else { throw .malformed("block \(index) has a malformed BEGIN line") }
        let label = labelText(buffer, labelRange)
        // Made only for an error: a bundle's every block comes through here.
        let index = self.index
        func name() -> String { PEMBlock.name(index: index, label: label) }
        guard
            let endLabel = markerLabel(
                in: buffer, endLine..<trimmed(endLine..<range.upperBound, in: buffer), marker: endMarker)
        else {
            throw .malformed("\(name()) has a malformed END line")
        }
        guard buffer.withUnsafeBufferPointer({ $0.equal(endLabel, labelRange) }) else {
            throw .malformed("\(name()) ends with END \(shownLabel(labelText(buffer, endLabel)))")
        }

        var bodyStart = beginLineBreak + 1
        // Dashes in the body (another block's BEGIN line) fail the base64 below, or leave it empty; that
        // failure is then reported as this, the first check it would have failed, without searching every
        // good body for dashes.
        let bodyWithDashes = bodyStart..<endLine
        func failure(_ problem: String) -> PinHashError {
            if firstOccurrence(of: dashes, in: buffer, range: bodyWithDashes) != nil {
                return .malformed("\(name()) has no END line before the next BEGIN line")
            }
            return .malformed("\(name()) \(problem)")
        }
        var encrypted = false
        let firstLineEnd = firstOccurrence(of: lineFeed, in: buffer, range: bodyStart..<endLine) ?? endLine
        if firstOccurrence(of: colon, in: buffer, range: bodyStart..<firstLineEnd) != nil {
            // The headers could pass over a line of dashes: checked before them, as it always was.
            if firstOccurrence(of: dashes, in: buffer, range: bodyWithDashes) != nil { throw failure("") }
            // RFC 1421 headers (Proc-Type, DEK-Info) run to the first blank line.
            while bodyStart < endLine {
                let lineEnd = firstOccurrence(of: lineFeed, in: buffer, range: bodyStart..<endLine) ?? endLine
                let line = bodyStart..<trimmed(bodyStart..<lineEnd, in: buffer)
                bodyStart = lineEnd + 1
                if line.isEmpty { break }
                let text = String(decoding: buffer[line], as: UTF8.self)
                if text.hasPrefix("Proc-Type:"), text.contains("ENCRYPTED") { encrypted = true }
            }
        }
        guard bodyStart < endLine else { throw failure("is empty") }
        let bodyRange = bodyStart..<endLine
        let der: DER
        do {
            der = try buffer.withUnsafeBufferPointer { buffer throws(Base64.DecodingError) in
                try decodeBase64(buffer.slice(bodyRange))
            }
        } catch {
            switch error {
            case .invalidCharacter(let byte):
                let shown =
                    byte >= 0x21 && byte < 0x7F
                    ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
                throw failure("has an invalid base64 character \(shown)")
            case .badLength: throw failure("has truncated or badly padded base64")
            case .dataAfterPadding: throw failure("has base64 after its padding")
            }
        }
        guard !der.isEmpty else { throw failure("is empty") }
        return (label, der, encrypted ? Array(buffer[range]) : nil)
    }

    /// Whether the BEGIN line names a certificate, a request or a public key, the blocks that hold no
    /// secret and decode on any thread; read before the block is decoded, from the bytes alone.
    func hasPublicLabel(in buffer: [UInt8]) -> Bool {
        buffer.withUnsafeBufferPointer { all in
            let start = all.baseAddress! + range.lowerBound
            return publicBeginLines.contains { line in
                line.count <= range.count && memcmp(start, line, line.count) == 0
            }
        }
    }

    /// `line` without trailing white space or a carriage return.
    private func trimmed(_ line: Range<Int>, in buffer: [UInt8]) -> Int {
        var end = line.upperBound
        while end > line.lowerBound {
            switch buffer[end - 1] {
            case 0x0D, 0x20, 0x09, 0x0A: end -= 1
            default: return end
            }
        }
        return end
    }

    /// Where the label of a BEGIN or END line is in `buffer`; nil when the line is not one.
    private func markerLabel(in buffer: [UInt8], _ line: Range<Int>, marker: [UInt8]) -> Range<Int>? {
        // Over the raw bytes: every block of a bundle comes through here twice, and the generic slice
        // operations cost about 900 instructions a line.
        buffer.withUnsafeBufferPointer { all -> Range<Int>? in
            let bytes = all.slice(line)
            let dashCount = dashes.count
            guard bytes.count > marker.count + dashCount, let start = bytes.baseAddress,
                memcmp(start, marker, marker.count) == 0,
                memcmp(start + bytes.count - dashCount, dashes, dashCount) == 0
            else { return nil }
            let label = (line.lowerBound + marker.count)..<(line.upperBound - dashCount)
            // Printable ASCII but the dash (RFC 7468): a label is echoed in messages, where a control
            // character could rewrite the terminal.
            for byte in all.slice(label) where !isPrintableASCII(byte) || byte == UInt8(ascii: "-") {
                return nil
            }
            return label
        }
    }

    /// A label's text; `CERTIFICATE`, the label of nearly every block of a bundle, without decoding it
    /// (made from the bytes, twice a block, the labels cost 500 instructions a certificate).
    private func labelText(_ buffer: [UInt8], _ label: Range<Int>) -> String {
        buffer.withUnsafeBufferPointer { all in
            let bytes = all.slice(label)
            return bytes.equals(certificateLabel) ? "CERTIFICATE" : String(decoding: bytes, as: UTF8.self)
        }
    }

}

private func isPrintableASCII(_ byte: UInt8) -> Bool { byte >= 0x20 && byte < 0x7F }

/// The first occurrence of `needle` in `range` of `bytes`, jumping between its first byte with memchr.
func firstOccurrence(of needle: [UInt8], in bytes: [UInt8], range: Range<Int>) -> Int? {
    guard range.count >= needle.count else { return nil }
    return bytes.withUnsafeBufferPointer { buffer -> Int? in
        let base = buffer.baseAddress!
        var position = range.lowerBound
        let last = range.upperBound - needle.count
        while position <= last {
            guard let hit = memchr(base + position, Int32(needle[0]), last - position + 1) else { return nil }
            let offset = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            if memcmp(base + offset, needle, needle.count) == 0 { return offset }
            position = offset + 1
        }
        return nil
    }
}
