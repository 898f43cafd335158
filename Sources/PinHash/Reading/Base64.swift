internal import CPinhashBase64
import Synchronization

/// Base64 as PEM uses it (RFC 7468): the standard alphabet, `=` padding, line breaks and spaces ignored.
enum Base64 {
    private static let alphabet = Array(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    private static let invalid: UInt8 = 0xFF
    private static let space: UInt8 = 0xFE
    private static let padding: UInt8 = 0xFD

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: invalid, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        for character in " \t\r\n".utf8 { table[Int(character)] = space }
        table[Int(UInt8(ascii: "="))] = padding
        return table
    }()

    enum DecodingError: Error, Equatable {
        case invalidCharacter(UInt8)
        case badLength
        case dataAfterPadding
    }

    /// Encodes contiguous bytes directly, the common case (every pin printed goes through here).
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: encodedCount(bytes.count)) { encode(bytes, into: $0) }
    }

    static func encodedCount(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Writes the encoding of `bytes` to `out`, which has room for it; returns the count written.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>)
        -> Int
    {
        alphabet.withUnsafeBufferPointer { alphabet in
            var written = 0
            var index = 0
            while index + 3 <= bytes.count {
                let group =
                    UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
                out[written] = alphabet[Int(group >> 18 & 63)]
                out[written + 1] = alphabet[Int(group >> 12 & 63)]
                out[written + 2] = alphabet[Int(group >> 6 & 63)]
                out[written + 3] = alphabet[Int(group & 63)]
                written += 4
                index += 3
            }
            if index < bytes.count {
                let second = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
                let group = UInt32(bytes[index]) << 16 | second << 8
                out[written] = alphabet[Int(group >> 18 & 63)]
                out[written + 1] = alphabet[Int(group >> 12 & 63)]
                out[written + 2] =
                    index + 1 < bytes.count ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "=")
                out[written + 3] = UInt8(ascii: "=")
                written += 4
            }
            return written
        }
    }

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(encodedCount(bytes.count))
        appendEncoded(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendEncoded(_ bytes: some Collection<UInt8>, to out: inout [UInt8]) {
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            out.append(second == nil ? UInt8(ascii: "=") : alphabet[Int(group >> 6 & 63)])
            out.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 63)])
        }
    }

    /// Four tables that place a character's six bits at its position in a group of four, with an
    /// invalid character setting a bit above the 24 data bits: one OR of four loads decodes a group.
    private static let groupTables: [UInt32] = {
        var tables = [UInt32](repeating: 1 << 24, count: 4 * 256)
        for (value, character) in alphabet.enumerated() {
            for position in 0..<4 {
                tables[position * 256 + Int(character)] = UInt32(value) << (18 - 6 * position)
            }
        }
        return tables
    }()

    /// One table for two characters at once, indexed by the pair as a little-endian 16-bit load: their
    /// twelve bits, or bit 15 set when either is not in the alphabet. Half the lookups of `groupTables`
    /// in the eight-character loop, for 128 KiB built once.
    private static let pairTable: [UInt16] = {
        var table = [UInt16](repeating: 0x8000, count: 65536)
        for (secondValue, second) in alphabet.enumerated() {
            for (firstValue, first) in alphabet.enumerated() {
                table[Int(first) | Int(second) << 8] = UInt16(firstValue << 6 | secondValue)
            }
        }
        return table
    }()

    /// Until this many characters were decoded in this process (a key, a certificate or a few), texts
    /// decode without the pair table; after, with it.
    static let pairTableThreshold = 64 * 1024
    private static let decodedCharacters = Atomic<Int>(0)

    /// The characters decoded in this process so far.
    static var charactersDecoded: Int { decodedCharacters.load(ordering: .relaxed) }

    /// Decodes `text`, skipping white space; padding may only end the text.
    static func decode(_ text: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> [UInt8] {
        let many = decodesMany(text.count)
        return try decode(text, pairTable: many, vectors: many)
    }

    /// Counts `length` characters decoded; whether those before them passed the threshold: the pair table
    /// pays for its building (128 KiB) only over many certificates.
    private static func decodesMany(_ length: Int) -> Bool {
        decodedCharacters.add(length, ordering: .relaxed).oldValue >= pairTableThreshold
    }

    /// Whether the processor decodes whole lines 32 characters at a time (AVX2).
    static var hasVectors: Bool { pinhash_base64_uses_avx2() != 0 }

    /// `decode(_:)`, with or without the pair table, and with or without whole lines decoded by the
    /// processor's vector instructions where it has them (the tests take every combination).
    static func decode(_ text: UnsafeBufferPointer<UInt8>, pairTable usePairs: Bool, vectors: Bool = false)
        throws(DecodingError) -> [UInt8]
    {
        guard text.count > 0 else { return [] }
        var failure: DecodingError?
        let capacity = decodedCapacity(text.count)
        let decoded = [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
            switch decode(
                text, into: out.baseAddress!, capacity: capacity, pairTable: usePairs, vectors: vectors)
            {
            case .success(let written): count = written
            case .failure(let error):
                failure = error
                count = 0
            }
        }
        if let failure { throw failure }
        return decoded
    }

    /// `decode(_:)`, into bytes `writer` shares with the objects decoded beside them.
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into writer: inout SharedBytesWriter)
        throws(DecodingError) -> SharedBytes
    {
        let many = decodesMany(text.count)
        var failure: DecodingError?
        let capacity = decodedCapacity(text.count)
        let decoded = writer.write(maximum: capacity) { out -> Int? in
            guard text.count > 0 else { return 0 }
            switch decode(text, into: out, capacity: capacity, pairTable: many, vectors: many) {
            case .success(let written): return written
            case .failure(let error):
                failure = error
                return nil
            }
        }
        guard let decoded else { throw failure! }
        return decoded
    }

    /// The room decoding `length` characters needs: the fast paths store eight bytes for six.
    private static func decodedCapacity(_ length: Int) -> Int { length / 4 * 3 + 3 }

    private static func decode(
        _ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>, capacity: Int,
        pairTable usePairs: Bool, vectors: Bool
    ) -> Result<Int, DecodingError> {
        groupTables.withUnsafeBufferPointer { groups in
            decodeTable.withUnsafeBufferPointer { table in
                guard usePairs else {
                    return decode(
                        text.baseAddress!, text.count, into: out, capacity: capacity, groups.baseAddress!,
                        nil, table.baseAddress!, vectors: false)
                }
                return pairTable.withUnsafeBufferPointer { pairs in
                    decode(
                        text.baseAddress!, text.count, into: out, capacity: capacity, groups.baseAddress!,
                        pairs.baseAddress!, table.baseAddress!, vectors: vectors)
                }
            }
        }
    }

    private static func decode(
        _ text: UnsafePointer<UInt8>, _ length: Int, into out: UnsafeMutablePointer<UInt8>, capacity: Int,
        _ groups: UnsafePointer<UInt32>, _ pairs: UnsafePointer<UInt16>?, _ table: UnsafePointer<UInt8>,
        vectors: Bool
    ) -> Result<Int, DecodingError> {
        var written = 0
        var group: UInt32 = 0
        var digits = 0
        var paddingSeen = 0
        var index = 0
        var linesMayFit = true
        while index < length {
            if digits == 0, paddingSeen == 0 {
                // Fast path: two groups (eight characters, one load) at a time, their six bytes written
                // with one store of eight; the two bytes past them are overwritten next (the output has
                // room: it holds three bytes more than a quarter of the text's length times three).
                if vectors, linesMayFit {
                    // Whole lines, 32 characters at a time, up to the first line that is not one (the
                    // loops below then read it, and that failure ends the whole-line tries).
                    var vectorWritten = 0
                    index += pinhash_base64_decode_lines(
                        text + index, length - index, out + written, capacity - written, &vectorWritten)
                    written += vectorWritten
                }
                while let pairs, index + 8 <= length {
                    // A whole PEM line (64 characters and a line feed) at a time, its validity tested once;
                    // a line that fails is decoded again below (the loads and stores stay inside `text` and
                    // the output's room), and no other line is tried this way.
                    while linesMayFit, index + 72 <= length, text[index + 64] == 0x0A {
                        var invalid: UInt16 = 0
                        for part in 0..<8 {
                            let word = UInt64(
                                littleEndian: UnsafeRawPointer(text + index + part * 8).loadUnaligned(
                                    as: UInt64.self))
                            let first = pairs[Int(word & 0xFFFF)]
                            let second = pairs[Int(word >> 16 & 0xFFFF)]
                            let third = pairs[Int(word >> 32 & 0xFFFF)]
                            let fourth = pairs[Int(word >> 48)]
                            invalid |= first | second | third | fourth
                            let bytes =
                                (UInt64(first) << 52 | UInt64(second) << 40 | UInt64(third) << 28
                                | UInt64(fourth) << 16).bigEndian
                            UnsafeMutableRawPointer(out + written + part * 6).storeBytes(
                                of: bytes, as: UInt64.self)
                        }
                        if invalid & 0x8000 != 0 {
                            linesMayFit = false
                            break
                        }
                        written += 48
                        index += 65
                    }
                    if index + 8 > length { break }
                    let word = UInt64(
                        littleEndian: UnsafeRawPointer(text + index).loadUnaligned(as: UInt64.self))
                    let first = pairs[Int(word & 0xFFFF)]
                    let second = pairs[Int(word >> 16 & 0xFFFF)]
                    let third = pairs[Int(word >> 32 & 0xFFFF)]
                    let fourth = pairs[Int(word >> 48)]
                    if (first | second | third | fourth) & 0x8000 != 0 {
                        // A line feed between groups (every 64 characters in PEM) is skipped here.
                        guard word & 0xFF == 0x0A else { break }
                        index += 1
                        continue
                    }
                    let bytes =
                        (UInt64(first) << 52 | UInt64(second) << 40 | UInt64(third) << 28
                        | UInt64(fourth) << 16).bigEndian
                    UnsafeMutableRawPointer(out + written).storeBytes(of: bytes, as: UInt64.self)
                    written += 6
                    index += 8
                }
                // Whole groups of four alphabet characters, three bytes each.
                while index + 4 <= length {
                    let value =
                        groups[Int(text[index])] | groups[256 + Int(text[index + 1])]
                        | groups[512 + Int(text[index + 2])] | groups[768 + Int(text[index + 3])]
                    if value >> 24 != 0 { break }
                    out[written] = UInt8(truncatingIfNeeded: value >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: value >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: value)
                    written += 3
                    index += 4
                }
                if index >= length { break }
            }
            let character = text[index]
            let value = table[Int(character)]
            index += 1
            if value < 64 {
                if paddingSeen > 0 { return .failure(.dataAfterPadding) }
                group = group << 6 | UInt32(value)
                digits += 1
                if digits == 4 {
                    out[written] = UInt8(truncatingIfNeeded: group >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: group >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: group)
                    written += 3
                    digits = 0
                    group = 0
                }
            } else if value == space {
                continue
            } else if value == padding {
                paddingSeen += 1
                // "xx==" or "xxx=": padding completes the group that is open.
                if digits + paddingSeen > 4 || digits < 2 { return .failure(.badLength) }
            } else {
                return .failure(.invalidCharacter(character))
            }
        }
        if paddingSeen > 0 {
            guard digits + paddingSeen == 4 else { return .failure(.badLength) }
            if digits == 2 {
                out[written] = UInt8(truncatingIfNeeded: group >> 4)
                written += 1
            } else {
                out[written] = UInt8(truncatingIfNeeded: group >> 10)
                out[written + 1] = UInt8(truncatingIfNeeded: group >> 2)
                written += 2
            }
        } else if digits != 0 {
            return .failure(.badLength)
        }
        return .success(written)
    }
}
