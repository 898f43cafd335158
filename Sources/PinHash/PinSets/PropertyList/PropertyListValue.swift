internal import CPinhashPlist

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A value of a property list (an `Info.plist`, XML or binary), read with libplist.
///
/// Only the kinds a pin configuration holds have their contents; numbers, dates, data and UIDs are named
/// by kind, for errors that say what was found instead.
enum PropertyListValue: Equatable {
    case dictionary([String: PropertyListValue])
    case array([PropertyListValue])
    case string(String)
    case boolean(Bool)
    case other(kind: String)

    /// Deeper than any pin configuration (which nests 6 deep), so this conversion's recursion stays
    /// shallow.
    static let maximumDepth = 64

    /// The most objects a binary plist may have: libplist 2.2 reads one nested in another by recursion
    /// whose every level also scans the levels above, so a plist of 400,000 nested arrays overflows the
    /// stack and one of 30,000 takes seconds. An app's Info.plist has hundreds.
    static let maximumBinaryObjects = 10_000

    /// The top value of the plist in `bytes`, XML or binary. An XML plist should have been checked as
    /// XML first (``XMLEventParser``): libplist does not say where XML is broken.
    static func read(_ bytes: [UInt8]) throws(PinHashError) -> PropertyListValue {
        if let objects = binaryObjectCount(bytes), objects > UInt64(maximumBinaryObjects) {
            throw PinHashError(
                .malformedInput,
                "is a binary property list of \(objects) objects; at most \(maximumBinaryObjects) are read")
        }
        var root: plist_t?
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                plist_from_memory($0.baseAddress, UInt32($0.count), &root)
            }
        }
        guard let root else {
            throw PinHashError(.malformedInput, "is not a property list: its structure is not a plist's")
        }
        defer { plist_free(root) }
        return try value(root, depth: 1)
    }

    /// The object count a binary plist's trailer declares (its last 32 bytes: 6 unused, the offset and
    /// reference sizes, then the count as a big-endian UInt64); nil for anything else.
    private static func binaryObjectCount(_ bytes: [UInt8]) -> UInt64? {
        guard bytes.starts(with: Array("bplist00".utf8)), bytes.count >= 8 + 32 else { return nil }
        return bytes[(bytes.count - 24)..<(bytes.count - 16)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func value(_ node: plist_t, depth: Int) throws(PinHashError) -> PropertyListValue {
        guard depth <= maximumDepth else {
            throw PinHashError(
                .malformedInput, "is a property list that nests more than \(maximumDepth) deep")
        }
        switch plist_get_node_type(node) {
        case PLIST_DICT:
            var values: [String: PropertyListValue] = [:]
            var iterator: plist_dict_iter?
            plist_dict_new_iter(node, &iterator)
            defer { free(iterator) }
            while true {
                var key: UnsafeMutablePointer<CChar>?
                var item: plist_t?
                plist_dict_next_item(node, iterator, &key, &item)
                guard let item else {
                    free(key)
                    break
                }
                defer { free(key) }
                values[key.map { String(cString: $0) } ?? ""] = try value(item, depth: depth + 1)
            }
            return .dictionary(values)
        case PLIST_ARRAY:
            var items: [PropertyListValue] = []
            for index in 0..<plist_array_get_size(node) {
                guard let item = plist_array_get_item(node, index) else { continue }
                items.append(try value(item, depth: depth + 1))
            }
            return .array(items)
        case PLIST_STRING:
            var length: UInt64 = 0
            guard let text = plist_get_string_ptr(node, &length) else { return .string("") }
            return .string(
                String(decoding: UnsafeRawBufferPointer(start: text, count: Int(length)), as: UTF8.self))
        case PLIST_BOOLEAN:
            return .boolean(plist_bool_val_is_true(node) != 0)
        case PLIST_UINT: return .other(kind: "an integer")
        case PLIST_REAL: return .other(kind: "a real number")
        case PLIST_DATE: return .other(kind: "a date")
        case PLIST_DATA: return .other(kind: "data")
        default: return .other(kind: "a value of another kind")
        }
    }
}
