/// Keys and certificates checked against a ``PinList``: which of them have an expected pin, and when
/// none does, a report in the style of OkHttp's pinning failure.
///
/// Objects are checked one at a time and only what the result and the report need is kept (the first
/// ``reportedObjectLimit`` objects, the first matches, counts), so a stream of any length is checked in
/// bounded memory.
///
/// ```swift
/// var verification = PinVerification(expected: try PinList(parsing: ["sha256/Bay4mh…="]))
/// try PinReader().forEachPin(inFileAt: "chain.pem") { verification.check($0, from: "chain.pem") }
/// if let match = verification.firstMatch { print("pin OK:", match.pin, match.object.summary) }
/// else { print(verification.failureReport) }
/// ```
public struct PinVerification: Sendable, Hashable {
    /// How many objects the failure report lists, and how many matches are kept; the rest are counted.
    /// A chain has a handful of certificates and a system CA bundle a few hundred.
    public static let reportedObjectLimit = 1_000

    /// The pins the objects were checked against.
    public let expected: PinList
    /// The first objects checked (at most ``reportedObjectLimit``), with their input, in order.
    public private(set) var candidates: [PinnedEntry] = []
    /// How many objects were checked in all.
    public private(set) var checkedCount = 0
    /// The first objects whose pin is expected (at most ``reportedObjectLimit``), in the order checked.
    public private(set) var matches: [PinnedEntry] = []
    /// How many objects checked have an expected pin.
    public private(set) var matchCount = 0
    private var allCertificates = true
    private var firstSource: String?
    private var severalSources = false

    public init(expected: PinList) {
        self.expected = expected
    }

    /// Checks one object from the input `source`; returns whether its pin is expected.
    @discardableResult
    public mutating func check(_ object: PinnedObject, from source: String) -> Bool {
        checkedCount += 1
        if object.kind != .certificate { allCertificates = false }
        if firstSource == nil { firstSource = source } else if firstSource != source { severalSources = true }
        if candidates.count < Self.reportedObjectLimit {
            candidates.append(PinnedEntry(object, source: source))
        }
        guard expected.contains(object.pin) else { return false }
        matchCount += 1
        if matches.count < Self.reportedObjectLimit { matches.append(PinnedEntry(object, source: source)) }
        return true
    }

    /// Checks every object of the input `source`.
    public mutating func check(_ objects: [PinnedObject], from source: String) {
        for object in objects { check(object, from: source) }
    }

    /// The first object whose pin is expected.
    public var firstMatch: PinnedEntry? { matches.first }

    /// Whether any object checked has an expected pin.
    public var succeeded: Bool { matchCount > 0 }

    /// The report for a run where no pin matched, as OkHttp words it: every object's pin (`sha256/…`) with
    /// its role and subject (for keys, the algorithm and size), then the expected pins. Lines after the
    /// first are indented; there is no final newline. Objects are followed by their input's name when they
    /// came from more than one input. Past ``reportedObjectLimit`` objects, one line counts the rest.
    public var failureReport: String {
        var lines = [
            "certificate pinning failure!",
            allCertificates ? "  Peer certificate chain:" : "  Keys and certificates read:",
        ]
        for candidate in candidates {
            var line = "    sha256/\(candidate.pin.base64): \(candidate.object.summary)"
            if severalSources { line += " (\(candidate.sourceName))" }
            lines.append(line)
        }
        if checkedCount > candidates.count {
            lines.append("    … and \(checkedCount - candidates.count) more (\(checkedCount) in all)")
        }
        lines.append("  Pinned certificates:")
        for pin in expected.pins { lines.append("    sha256/\(pin.base64)") }
        return lines.joined(separator: "\n")
    }
}
