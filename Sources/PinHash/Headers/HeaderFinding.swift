/// One thing a header check found: what is wrong or worth knowing, and how to fix it. Findings are
/// returned, never thrown.
///
/// `description` reads `error: only one distinct pin; add a backup pin …`: the severity, the message and,
/// after a semicolon, the fix.
public struct HeaderFinding: Sendable, Hashable, CustomStringConvertible {
    /// How much a finding matters. Errors make a header refused (`pinhash header`, `pinhash hsts`) or
    /// a lint fail; warnings make a lint fail; notes never do.
    public enum Severity: String, Sendable, Hashable, CaseIterable, Comparable {
        case note, warning, error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    public let severity: Severity
    /// What was found, without a trailing period.
    public private(set) var message: String
    /// One imperative line saying what to do about it, when there is something to do.
    public let fix: String?
    /// The fix as a value, when a program may word it in its own terms (pinhash names its options).
    public let remedy: Remedy?

    public init(_ severity: Severity, _ message: String, fix: String? = nil) {
        self.severity = severity
        self.message = message
        self.fix = fix
        self.remedy = nil
    }

    /// A finding whose fix is `remedy`, in the library's words.
    public init(_ severity: Severity, _ message: String, remedy: Remedy) {
        self.severity = severity
        self.message = message
        self.fix = remedy.description
        self.remedy = remedy
    }

    /// The same finding with `prefix` (`pin-sha256 at column 9: `) before its message.
    func prefixed(_ prefix: String) -> HeaderFinding {
        var copy = self
        copy.message = prefix + message
        return copy
    }

    public var description: String {
        guard let fix else { return "\(severity.rawValue): \(message)" }
        return "\(severity.rawValue): \(message); \(fix)"
    }

    static func error(_ message: String, fix: String? = nil) -> HeaderFinding {
        HeaderFinding(.error, message, fix: fix)
    }

    static func error(_ message: String, remedy: Remedy) -> HeaderFinding {
        HeaderFinding(.error, message, remedy: remedy)
    }

    static func warning(_ message: String, fix: String? = nil) -> HeaderFinding {
        HeaderFinding(.warning, message, fix: fix)
    }

    static func note(_ message: String, fix: String? = nil) -> HeaderFinding {
        HeaderFinding(.note, message, fix: fix)
    }

    static func note(_ message: String, remedy: Remedy) -> HeaderFinding {
        HeaderFinding(.note, message, remedy: remedy)
    }
}

extension Sequence<HeaderFinding> {
    /// Whether any finding is an error: the header must not be served as it is.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// The most severe finding's severity, or nil when there are none.
    public var highestSeverity: HeaderFinding.Severity? { map(\.severity).max() }
}
