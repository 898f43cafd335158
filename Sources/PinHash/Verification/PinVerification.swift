/// Keys and certificates checked against a ``PinList``: which of them have an expected pin, and when
/// none does, a report in the style of OkHttp's pinning failure.
///
/// ```swift
/// var verification = PinVerification(expected: try PinList(parsing: ["sha256/Bay4mh…="]))
/// verification.check(try PinReader().pins(inFileAt: "chain.pem"), from: "chain.pem")
/// if let match = verification.firstMatch { print("pin OK:", match.pin, match.object.summary) }
/// else { print(verification.failureReport) }
/// ```
public struct PinVerification: Sendable, Hashable {
    /// The pins the objects were checked against.
    public let expected: PinList
    /// Every object checked, with its input, in order.
    public private(set) var candidates: [PinnedEntry] = []

    public init(expected: PinList) {
        self.expected = expected
    }

    /// Checks one object from the input `source`; returns whether its pin is expected.
    @discardableResult
    public mutating func check(_ object: PinnedObject, from source: String) -> Bool {
        candidates.append(PinnedEntry(object, source: source))
        return expected.contains(object.pin)
    }

    /// Checks every object of the input `source`.
    public mutating func check(_ objects: [PinnedObject], from source: String) {
        for object in objects { check(object, from: source) }
    }

    /// The objects whose pin is expected, in the order they were checked.
    public var matches: [PinnedEntry] { candidates.filter { expected.contains($0.pin) } }

    /// The first object whose pin is expected.
    public var firstMatch: PinnedEntry? { candidates.first { expected.contains($0.pin) } }

    /// Whether any object checked has an expected pin.
    public var succeeded: Bool { firstMatch != nil }

    /// The report for a run where no pin matched, as OkHttp words it: every object's pin (`sha256/…`) with
    /// its role and subject (for keys, the algorithm and size), then the expected pins. Lines after the
    /// first are indented; there is no final newline. Objects are followed by their input's name when they
    /// came from more than one input.
    public var failureReport: String {
        let allCertificates = candidates.allSatisfy { $0.object.kind == .certificate }
        let severalSources = Set(candidates.map(\.source)).count > 1
        var lines = [
            "certificate pinning failure!",
            allCertificates ? "  Peer certificate chain:" : "  Keys and certificates read:",
        ]
        for candidate in candidates {
            var line = "    sha256/\(candidate.pin.base64): \(candidate.object.summary)"
            if severalSources { line += " (\(candidate.sourceName))" }
            lines.append(line)
        }
        lines.append("  Pinned certificates:")
        for pin in expected.pins { lines.append("    sha256/\(pin.base64)") }
        return lines.joined(separator: "\n")
    }
}
