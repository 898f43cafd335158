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

    var name: String { "block \(index) (\(label))" }
}

private let beginMarker = Array("-----BEGIN ".utf8)
private let endMarker = Array("-----END ".utf8)
private let dashes = Array("-----".utf8)

/// Finds PEM blocks in a stream, one at a time, holding at most one block and the text before it.
struct PEMScanner {
    let source: ByteSource
    let limits: InputLimits
    private(set) var blockCount = 0

    init(source: ByteSource, limits: InputLimits) {
        self.source = source
        self.limits = limits
    }

    /// The next block, or nil when the input ends; text outside blocks is skipped, within limits.
    mutating func next() throws(PinHashError) -> PEMBlock? {
        var skippedText = 0
        while true {
            let window = source.start..<source.buffer.count
            if let begin = find(beginMarker, in: window) {
                try skipText(source.start..<begin, total: &skippedText)
                source.start = begin
                if let end = try blockEnd(from: begin) {
                    blockCount += 1
                    let block = try parseBlock(begin..<end)
                    source.start = end
                    return block
                }
                if source.available > limits.maximumObjectSize {
                    throw PinHashError(
                        .inputTooLarge,
                        "block \(blockCount + 1) is larger than \(limits.maximumObjectSize >> 20) MiB")
                }
                guard try source.readMore() else {
                    throw .malformed(
                        "block \(blockCount + 1) (\(label(at: begin) ?? "?")) has no END line (the input is truncated)")
                }
                continue
            }
            // Keep a tail that could be the start of a marker split across two reads.
            let keep = min(window.count, beginMarker.count - 1)
            try skipText(source.start..<(source.buffer.count - keep), total: &skippedText)
            source.start = source.buffer.count - keep
            guard try source.readMore() else {
                try skipText(source.start..<source.buffer.count, total: &skippedText)
                source.start = source.buffer.count
                return nil
            }
        }
    }

    private func skipText(_ range: Range<Int>, total: inout Int) throws(PinHashError) {
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
        total += range.count
        if total > limits.maximumTextBetweenBlocks {
            throw PinHashError(
                .inputTooLarge,
                blockCount == 0
                    ? "no -----BEGIN line in the first \(limits.maximumTextBetweenBlocks >> 20) MiB (not PEM?)"
                    : "more than \(limits.maximumTextBetweenBlocks >> 20) MiB of text after block \(blockCount)")
        }
    }

    /// The end of the block starting at `begin` (past its END line), or nil if more input is needed.
    private func blockEnd(from begin: Int) throws(PinHashError) -> Int? {
        let count = source.buffer.count
        guard let end = find(endMarker, in: (begin + beginMarker.count)..<count) else { return nil }
        // The END line runs to the next line break.
        var lineEnd = end + endMarker.count
        while lineEnd < count, source.buffer[lineEnd] != 0x0A { lineEnd += 1 }
        if lineEnd == count { return source.isAtEnd ? count : nil }
        return lineEnd + 1
    }

    private func label(at begin: Int) -> String? {
        let buffer = source.buffer
        var index = begin + beginMarker.count
        var label: [UInt8] = []
        while index < buffer.count, buffer[index] != UInt8(ascii: "-"), buffer[index] != 0x0A, label.count < 64 {
            label.append(buffer[index])
            index += 1
        }
        return String(decoding: label, as: UTF8.self)
    }

    private func parseBlock(_ range: Range<Int>) throws(PinHashError) -> PEMBlock {
        let index = blockCount
        let lines = splitLines(range)
        guard let first = lines.first, let last = lines.last, lines.count >= 2 else {
            throw .malformed("block \(index) is cut short")
        }
        guard let label = markerLabel(first, marker: beginMarker) else {
            throw .malformed("block \(index) has a malformed BEGIN line")
        }
        let name = "block \(index) (\(label))"
        guard let endLabel = markerLabel(last, marker: endMarker) else {
            throw .malformed("\(name) has a malformed END line")
        }
        guard endLabel == label else { throw .malformed("\(name) ends with END \(endLabel)") }

        var bodyLines = lines[1..<(lines.count - 1)]
        if bodyLines.contains(where: { source.buffer[$0].starts(with: dashes) }) {
            throw .malformed("\(name) has no END line before the next BEGIN line")
        }
        var encrypted = false
        if let firstBody = bodyLines.first, source.buffer[firstBody].contains(UInt8(ascii: ":")) {
            // RFC 1421 headers (Proc-Type, DEK-Info) run to the first blank line.
            while let header = bodyLines.first, !header.isEmpty {
                let text = String(decoding: source.buffer[header], as: UTF8.self)
                if text.hasPrefix("Proc-Type:"), text.contains("ENCRYPTED") { encrypted = true }
                bodyLines = bodyLines.dropFirst()
            }
        }
        guard let bodyStart = bodyLines.first?.lowerBound else { throw .malformed("\(name) is empty") }
        let bodyRange = bodyStart..<last.lowerBound
        let der: [UInt8]
        do {
            der = try source.buffer.withUnsafeBufferPointer { buffer throws(Base64.DecodingError) in
                try Base64.decode(buffer.slice(bodyRange))
            }
        } catch {
            switch error {
            case .invalidCharacter(let byte):
                let shown = byte >= 0x21 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
                throw .malformed("\(name) has an invalid base64 character \(shown)")
            case .badLength: throw .malformed("\(name) has truncated or badly padded base64")
            case .dataAfterPadding: throw .malformed("\(name) has base64 after its padding")
            }
        }
        guard !der.isEmpty else { throw .malformed("\(name) is empty") }
        return PEMBlock(
            index: index, label: label, der: der,
            encryptedText: encrypted ? Array(source.buffer[range]) : nil)
    }

    /// Line ranges without their line breaks (LF or CRLF), blank lines kept as empty ranges.
    private func splitLines(_ range: Range<Int>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var lineStart = range.lowerBound
        source.buffer.withUnsafeBufferPointer { buffer in
            while lineStart < range.upperBound {
                let rest = range.upperBound - lineStart
                let found = memchr(buffer.baseAddress! + lineStart, 0x0A, rest)
                let lineEnd = found.map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - buffer.baseAddress! } ?? range.upperBound
                var trimmed = lineEnd
                while trimmed > lineStart, buffer[trimmed - 1] == 0x0D || buffer[trimmed - 1] == 0x20 || buffer[trimmed - 1] == 0x09 {
                    trimmed -= 1
                }
                lines.append(lineStart..<trimmed)
                lineStart = lineEnd + 1
            }
        }
        return lines
    }

    private func markerLabel(_ line: Range<Int>, marker: [UInt8]) -> String? {
        let bytes = source.buffer[line]
        guard bytes.starts(with: marker), bytes.count >= marker.count + dashes.count,
            bytes.suffix(dashes.count).elementsEqual(dashes)
        else { return nil }
        let label = bytes.dropFirst(marker.count).dropLast(dashes.count)
        guard !label.contains(UInt8(ascii: "-")) || label.allSatisfy({ $0 != 0x0A }) else { return nil }
        return String(decoding: label, as: UTF8.self)
    }

    private func find(_ needle: [UInt8], in range: Range<Int>) -> Int? {
        firstOccurrence(of: needle, in: source.buffer, range: range)
    }
}

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
