/// Keys and certificates checked against a ``PinList``: which of them have an expected pin, and when
/// none does, a report in the style of OkHttp's pinning failure.
///
/// ```swift
/// var verification = PinVerification(expected: try PinList(parsing: ["sha256/Bay4mh…="]))
/// verification.check(try PinReader().pins(inFileAt: "chain.pem"), from: "chain.pem")
/// if let match = verification.firstMatch { print("pin OK:", match.object.pin, match.summary) }
/// else { print(verification.failureReport) }
/// ```
public struct PinVerification: Sendable, Hashable {
    /// One object that was checked, with the input it came from.
    public struct Candidate: Sendable, Hashable {
        public let object: PinnedObject
        /// The input's name as the caller gave it (`-` for standard input).
        public let source: String
        /// Whether the object's pin is one of the expected pins.
        public let matches: Bool

        /// What the object is, for a report line: `leaf CN=www.example.com,O=Example`, `csr CN=…`,
        /// `key RSA 2048`, `pubkey EC P-256`.
        public var summary: String {
            switch object.kind {
            case .certificate:
                return "\(object.role?.rawValue ?? "certificate") \(object.subject ?? "")"
            case .certificateRequest:
                return "csr \(object.subject ?? "")"
            case .privateKey:
                return "key \(object.keyAlgorithm)"
            case .publicKey:
                return "pubkey \(object.keyAlgorithm)"
            }
        }

        /// The input's name for messages: `standard input` for `-`.
        public var sourceName: String { source == "-" ? "standard input" : source }
    }

    /// The pins the objects were checked against.
    public let expected: PinList
    /// Every object checked, in order.
    public private(set) var candidates: [Candidate] = []

    public init(expected: PinList) {
        self.expected = expected
    }

    /// Checks one object from the input `source`; returns whether its pin is expected.
    @discardableResult
    public mutating func check(_ object: PinnedObject, from source: String) -> Bool {
        let matches = expected.contains(object.pin)
        candidates.append(Candidate(object: object, source: source, matches: matches))
        return matches
    }

    /// Checks every object of the input `source`.
    public mutating func check(_ objects: [PinnedObject], from source: String) {
        for object in objects { check(object, from: source) }
    }

    /// The objects whose pin is expected, in the order they were checked.
    public var matches: [Candidate] { candidates.filter(\.matches) }

    /// The first object whose pin is expected.
    public var firstMatch: Candidate? { candidates.first(where: \.matches) }

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
            var line = "    sha256/\(candidate.object.pin.base64): \(candidate.summary)"
            if severalSources { line += " (\(candidate.sourceName))" }
            lines.append(line)
        }
        lines.append("  Pinned certificates:")
        for pin in expected.pins { lines.append("    sha256/\(pin.base64)") }
        return lines.joined(separator: "\n")
    }
}
