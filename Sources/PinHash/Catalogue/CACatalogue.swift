#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Names for the pins of CA keys: a pin is an opaque hash, and people cannot tell which CA
/// `C5+lpZ7tcVwmwQIMcRtPbsQtWLABXhQzejna0wHFr8M=` is. Built by a committed script from sources anyone can
/// re-check (the system trust store for roots, the intermediates the big public CAs publish); the data
/// is generated Swift (`CACatalogueData.swift`) with the date it was made.
public struct CACatalogue: Sendable {
    /// The entries, one per CA key (a key certified by several certificates, as a cross-signed root is,
    /// is one entry).
    public let entries: [CatalogueEntry]
    /// When the generating script ran, and from what.
    public let generated: String
    private let byPin: [Pin: Int]
    /// Each entry's ``label(for:)``, made once: listing a bundle of CAs names nearly every certificate,
    /// and building the text each time cost more than the rest of its line.
    private let labels: [String]
    /// Each entry's ``note(for:)``, made once for the same reason.
    private let notes: [String]

    public init(entries: [CatalogueEntry], generated: String) {
        self.entries = entries
        self.generated = generated
        var byPin: [Pin: Int] = [:]
        for (index, entry) in entries.enumerated() where byPin[entry.pin] == nil { byPin[entry.pin] = index }
        self.byPin = byPin
        self.labels = entries.map { Self.label(name: $0.name, pool: $0.pool) }
        self.notes = labels.map(Self.note(label:))
    }

    /// `catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024`.
    fileprivate static func label(name: String, pool: String?) -> String {
        var name = name
        var pool = pool ?? ""
        return name.withUTF8 { name in pool.withUTF8 { pool in label(name: name, pool: pool) } }
    }

    /// `label(name:pool:)` over UTF-8 bytes (an empty pool for none), made in one allocation: the
    /// built-in catalogue's names are read from its rows' bytes.
    fileprivate static func label(name: UnsafeBufferPointer<UInt8>, pool: UnsafeBufferPointer<UInt8>)
        -> String
    {
        let prefix: StaticString = "catalogue: "
        let poolPrefix: StaticString = ", pool "
        let length =
            prefix.utf8CodeUnitCount + name.count
            + (pool.isEmpty ? 0 : poolPrefix.utf8CodeUnitCount + pool.count)
        return String(unsafeUninitializedCapacity: length) { buffer in
            var at = 0
            func put(_ bytes: UnsafeBufferPointer<UInt8>) {
                _ = UnsafeMutableBufferPointer(rebasing: buffer[at...]).initialize(from: bytes)
                at += bytes.count
            }
            func put(_ text: StaticString) {
                put(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
            }
            put(prefix)
            put(name)
            if !pool.isEmpty {
                put(poolPrefix)
                put(pool)
            }
            return at
        }
    }

    /// The label in parentheses (made in one allocation: interpolated, it was a quarter of the built-in
    /// names' cost).
    fileprivate static func note(label: String) -> String {
        var label = label
        return label.withUTF8 { text in
            String(unsafeUninitializedCapacity: text.count + 2) { buffer in
                buffer[0] = UInt8(ascii: "(")
                _ = UnsafeMutableBufferPointer(rebasing: buffer[1...]).initialize(from: text)
                buffer[text.count + 1] = UInt8(ascii: ")")
                return text.count + 2
            }
        }
    }

    /// What the catalogue knows of the key with `pin`; nil for a key it does not know (any leaf).
    public func entry(for pin: Pin) -> CatalogueEntry? {
        byPin[pin].map { entries[$0] }
    }

    /// The keys of a pool: the intermediates a CA issues from interchangeably (Let's Encrypt's R10–R14).
    public func pool(_ name: String) -> [CatalogueEntry] {
        entries.filter { $0.pool == name }
    }

    /// What the catalogue calls a CA key, as a pin-set label: `catalogue: Let's Encrypt R11, pool Let's
    /// Encrypt RSA 2024`, `catalogue: ISRG Root X1`; nil for a key the catalogue does not know.
    public func label(for pin: Pin) -> String? {
        byPin[pin].map { labels[$0] }
    }

    /// How a listing names a CA key after its subject: the ``label(for:)`` in parentheses.
    public func note(for pin: Pin) -> String? {
        byPin[pin].map { notes[$0] }
    }

    /// The entry for `pin` as one JSON object on one line (`name`, `organization`, `kind`, `pool`, `roots`
    /// [{`pin`, `name`}], `notAfter`, `source`), or `null` for a key the catalogue does not know.
    public func json(for pin: Pin) -> String {
        guard let entry = entry(for: pin) else { return "null" }
        let string = PinFormatEscaping.jsonString
        func optional(_ text: String?) -> String { text.map(string) ?? "null" }
        let roots = entry.roots.map { root in
            "{\"pin\": \(string(root.base64)), \"name\": \(optional(self.entry(for: root)?.name))}"
        }
        return "{\"name\": \(string(entry.name)), \"organization\": \(optional(entry.organization)), "
            + "\"kind\": \(string(entry.kind.rawValue)), \"pool\": \(optional(entry.pool)), "
            + "\"roots\": [\(roots.joined(separator: ", "))], "
            + "\"notAfter\": \(optional(entry.notAfter?.description)), \"source\": \(string(entry.source))}"
    }
}

extension CACatalogue {
    /// Whether the built-in catalogue holds `pin`, without building it: listing keys it does not hold
    /// (every leaf, every test CA) costs a hash of the pin.
    static func builtInMayHold(_ pin: Pin) -> Bool {
        builtInNames.slot(of: pin) != nil
    }

    /// The label and note of each key of the built-in catalogue, read from the first fields of its rows
    /// alone: a listing of a CA bundle names a CA on nearly every line, and building the whole catalogue
    /// for that (the dates, roots and sources of every row: 6 M instructions) held up the thread that
    /// prints while the other cores waited. The first row of a key names it, as in ``builtIn``.
    private static let builtInNames = BuiltInNames()

    /// An open-addressed table of the built-in keys, at the slot their pin's first word names (a digest's
    /// bits are uniform already), with the labels and notes in arrays beside it: a lookup for every line of
    /// a listing took a Dictionary's hashing of the pin and a copy of two Strings, 535 instructions.
    private struct BuiltInNames {
        /// A power of two at least four times the keys, so that a lookup probes one or two slots.
        private let pins: [Pin?]
        private let labels: [String]
        private let notes: [String]
        private let mask: Int

        init() {
            var size = 1
            while size < CACatalogueData.rows.count * 4 { size <<= 1 }
            var pins = [Pin?](repeating: nil, count: size)
            var labels = [String](repeating: "", count: size)
            var notes = [String](repeating: "", count: size)
            let mask = size - 1
            for row in CACatalogueData.rows {
                var row = row
                guard let (pin, label) = row.withUTF8(labelOfRow) else { continue }
                var slot = Int(truncatingIfNeeded: pin.firstWord) & mask
                while let taken = pins[slot], taken != pin { slot = (slot + 1) & mask }
                // The first row of a key names it.
                guard pins[slot] == nil else { continue }
                pins[slot] = pin
                labels[slot] = label
                notes[slot] = CACatalogue.note(label: label)
            }
            (self.pins, self.labels, self.notes, self.mask) = (pins, labels, notes, mask)
        }

        func slot(of pin: Pin) -> Int? {
            pins.withUnsafeBufferPointer { pins in
                var slot = Int(truncatingIfNeeded: pin.firstWord) & mask
                while let taken = pins[slot] {
                    if taken == pin { return slot }
                    slot = (slot + 1) & mask
                }
                return nil
            }
        }

        func label(for pin: Pin) -> String? { slot(of: pin).map { labels[$0] } }
        func note(for pin: Pin) -> String? { slot(of: pin).map { notes[$0] } }
    }

    /// The pin and label of a row (pin, name, organization, kind, pool, … separated by tabs), read over
    /// the row's bytes: split into Strings and interpolated, a row cost 10,000 instructions, and every
    /// listing with `all` looks its pins up here (for a three-certificate chain that was 45% of the run).
    private static func labelOfRow(_ row: UnsafeBufferPointer<UInt8>) -> (Pin, String)? {
        let fields = CatalogueEntry.fields(ofRow: row, atMost: 5)
        guard fields.count == 5, let pin = Pin(base64Bytes: row.slice(fields[0])),
            CatalogueEntry.Kind.allCases.contains(where: {
                row.slice(fields[3]).elementsEqual($0.rawValue.utf8)
            })
        else { return nil }
        return (pin, label(name: row.slice(fields[1]), pool: row.slice(fields[4])))
    }

    /// ``builtIn``'s ``note(for:)``, without building the catalogue.
    public static func builtInNote(for pin: Pin) -> String? {
        builtInNames.note(for: pin)
    }

    /// ``builtIn``'s ``label(for:)``, without building the catalogue.
    public static func builtInLabel(for pin: Pin) -> String? {
        builtInNames.label(for: pin)
    }

    /// ``builtIn``'s ``json(for:)``, building the catalogue only for a key it holds.
    public static func builtInJSON(for pin: Pin) -> String {
        builtInMayHold(pin) ? builtIn.json(for: pin) : "null"
    }
}

/// One CA key the catalogue names.
public struct CatalogueEntry: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case root, intermediate
    }

    public var pin: Pin
    /// The CA's name as people use it: `Let's Encrypt R11`, `ISRG Root X1`.
    public var name: String
    /// The subject's organization, when it has one.
    public var organization: String?
    public var kind: Kind
    /// The pool of sibling intermediates this one is issued from interchangeably (`Let's Encrypt RSA
    /// 2024`); nil for a root or an intermediate with no siblings.
    public var pool: String?
    /// The pins of the roots this key chains to, cross-signs included; for a root, the roots that
    /// cross-sign it (ISRG Root YE's is ISRG Root X2), else empty.
    public var roots: [Pin]
    /// The first and last day of the certificate's validity (the latest certificate of the key).
    public var notBefore: CalendarDate?
    public var notAfter: CalendarDate?
    /// Where the certificate was read: `ca-certificates 20230311 (Debian 12)`, a CA's published URL.
    public var source: String

    public init(
        pin: Pin, name: String, organization: String? = nil, kind: Kind, pool: String? = nil,
        roots: [Pin] = [],
        notBefore: CalendarDate? = nil, notAfter: CalendarDate? = nil, source: String
    ) {
        self.pin = pin
        self.name = name
        self.organization = organization
        self.kind = kind
        self.pool = pool
        self.roots = roots
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.source = source
    }
}

extension CatalogueEntry {
    /// Where the first `limit` tab-separated fields of a row are, found with memchr over the row's own
    /// storage: the generic split of its UTF-8 view cost 18,000 instructions a row, a loop over its bytes
    /// 1,800 for the five fields of the names.
    static func fields(ofRow bytes: UnsafeBufferPointer<UInt8>, atMost limit: Int = .max) -> [Range<Int>] {
        var fields: [Range<Int>] = []
        fields.reserveCapacity(min(limit, 9))
        var start = 0
        while fields.count < limit, start <= bytes.count, let base = bytes.baseAddress {
            let end =
                memchr(base + start, Int32(UInt8(ascii: "\t")), bytes.count - start).map {
                    base.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                } ?? bytes.count
            fields.append(start..<end)
            start = end + 1
        }
        return fields
    }

    /// Reads one row of the generated data: pin, name, organization, kind, pool, root pins (separated by
    /// spaces), notBefore, notAfter and source, separated by tabs, an empty field for none. Nil for a row
    /// that does not read (the catalogue tests count them, so a bad row cannot pass unseen).
    init?(catalogueRow row: String) {
        var row = row
        let fields = row.withUTF8 { bytes in
            Self.fields(ofRow: bytes).map { String(decoding: bytes.slice($0), as: UTF8.self) }
        }
        guard fields.count == 9, let pin = Pin(base64: fields[0]), let kind = Kind(rawValue: fields[3]) else {
            return nil
        }
        var roots: [Pin] = []
        for text in fields[5].utf8.split(separator: UInt8(ascii: " ")) {
            guard let root = Pin(base64: String(Substring(text))) else { return nil }
            roots.append(root)
        }
        func optional(_ text: String) -> String? { text.isEmpty ? nil : text }
        self.init(
            pin: pin, name: fields[1], organization: optional(fields[2]), kind: kind,
            pool: optional(fields[4]),
            roots: roots, notBefore: CalendarDate(iso8601: fields[6]),
            notAfter: CalendarDate(iso8601: fields[7]),
            source: fields[8])
    }
}
