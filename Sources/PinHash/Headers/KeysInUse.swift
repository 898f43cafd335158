/// The keys and certificates a site serves, as a header is checked against them: each distinct pin and
/// the first objects that had it.
///
/// Gathered one object at a time, so a chain read as a stream of any length is checked in memory that
/// grows with its distinct keys, not with its objects:
///
/// ```swift
/// var inUse = KeysInUse()
/// try PinReader().forEachPin(inFileAt: "chain.pem") { inUse.add(PinnedEntry($0, source: "chain.pem")) }
/// let findings = header.validate(keysInUse: inUse)
/// ```
public struct KeysInUse: Sendable, Hashable {
    /// How many distinct objects with one pin a finding names; the rest are counted.
    public static let originsNamedPerPin = 8

    /// The distinct pins, in the order first seen.
    public private(set) var pins: [Pin] = []
    /// How many objects were added in all.
    public private(set) var count = 0
    private var origins: [Pin: Origins] = [:]

    /// The objects that had one pin: how many, and the first few distinct descriptions.
    private struct Origins: Sendable, Hashable {
        var count = 0
        var described: [String] = []

        mutating func add(_ entry: PinnedEntry) {
            count += 1
            guard described.count < KeysInUse.originsNamedPerPin else { return }
            let description = entry.description
            if !described.contains(description) { described.append(description) }
        }
    }

    public init() {}

    public init(_ entries: some Sequence<PinnedEntry>) {
        for entry in entries { add(entry) }
    }

    /// Whether no object was added.
    public var isEmpty: Bool { count == 0 }

    /// Adds one object of the chain or keys in use; only its pin and description are kept.
    public mutating func add(_ entry: PinnedEntry) {
        count += 1
        if origins[entry.pin] == nil { pins.append(entry.pin) }
        origins[entry.pin, default: Origins()].add(entry)
    }

    /// Whether an object in use has `pin`.
    public func contains(_ pin: Pin) -> Bool { origins[pin] != nil }

    /// The objects with `pin`, as ``PinnedEntry/description`` words them (`certs/chain.pem: leaf CN=…`),
    /// each once, the first ``originsNamedPerPin`` of them; and how many objects had it.
    public func origins(of pin: Pin) -> (described: [String], count: Int) {
        guard let origins = origins[pin] else { return ([], 0) }
        return (origins.described, origins.count)
    }

    /// The objects with `pin` in one phrase: `a.pem: leaf CN=…; b.pem: key EC P-256`, then
    /// ` (5 objects in all)` when some are not named or are named once for several.
    func describeOrigins(of pin: Pin) -> String {
        let (described, count) = origins(of: pin)
        return described.joined(separator: "; ")
            + (count > described.count ? " (\(count) objects in all)" : "")
    }
}
