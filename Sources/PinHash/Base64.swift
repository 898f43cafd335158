/// Base64 as PEM uses it (RFC 7468): the standard alphabet, `=` padding, line breaks and spaces ignored.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

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

    static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
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

    /// Decodes `text`, skipping white space; padding may only end the text.
    static func decode(_ text: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> [UInt8] {
        let capacity = text.count / 4 * 3 + 3
        var failure: DecodingError?
        let decoded = decodeTable.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: capacity) { out, count in
                var written = 0
                var group: UInt32 = 0
                var digits = 0
                var paddingSeen = 0
                var index = 0
                let end = text.count
                while index < end {
                    let character = text[index]
                    let value = table[Int(character)]
                    index += 1
                    if value < 64 {
                        if paddingSeen > 0 {
                            failure = .dataAfterPadding
                            break
                        }
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
                        if digits + paddingSeen > 4 || digits < 2 {
                            failure = .badLength
                            break
                        }
                    } else {
                        failure = .invalidCharacter(character)
                        break
                    }
                }
                if failure == nil {
                    if paddingSeen > 0 {
                        if digits + paddingSeen != 4 {
                            failure = .badLength
                        } else if digits == 2 {
                            out[written] = UInt8(truncatingIfNeeded: group >> 4)
                            written += 1
                        } else {
                            out[written] = UInt8(truncatingIfNeeded: group >> 10)
                            out[written + 1] = UInt8(truncatingIfNeeded: group >> 2)
                            written += 2
                        }
                    } else if digits != 0 {
                        failure = .badLength
                    }
                }
                count = written
            }
        }
        if let failure { throw failure }
        return decoded
    }
}
