/// One issue as hstspreload (the checker behind hstspreload.org) reports it: a stable code such as
/// `domain.is_subdomain`, a level, a short summary and a message.
public struct PreloadIssue: Sendable, Hashable, CustomStringConvertible {
    /// hstspreload's issue code: `header.preloadable.max_age.below_1_year`.
    public let code: String
    /// Error or warning; hstspreload has no notes.
    public let level: HeaderFinding.Severity
    /// hstspreload's title for the issue: `Max-age too low`.
    public let summary: String
    /// What was found, in hstspreload's words with this site's values.
    public let message: String

    public init(code: String, level: HeaderFinding.Severity, summary: String, message: String) {
        self.code = code
        self.level = level
        self.summary = summary
        self.message = message
    }

    /// `error: domain.is_subdomain: message`.
    public var description: String { "\(level.rawValue): \(code): \(message)" }
}

/// hstspreload's issue lists: errors and warnings each in the order the checks found them; reported
/// errors first.
public struct PreloadIssues: Sendable, Hashable {
    public private(set) var errors: [PreloadIssue] = []
    public private(set) var warnings: [PreloadIssue] = []

    public init() {}

    /// The errors, then the warnings: the order hstspreload prints them in.
    public var all: [PreloadIssue] { errors + warnings }

    /// The codes of ``all``.
    public var codes: [String] { all.map(\.code) }

    package mutating func error(_ code: String, _ summary: String, _ message: String) {
        errors.append(PreloadIssue(code: code, level: .error, summary: summary, message: message))
    }

    package mutating func warning(_ code: String, _ summary: String, _ message: String) {
        warnings.append(PreloadIssue(code: code, level: .warning, summary: summary, message: message))
    }

    /// A warning unless one with the same code is there already.
    mutating func uniqueWarning(_ code: String, _ summary: String, _ message: String) {
        guard !warnings.contains(where: { $0.code == code }) else { return }
        warning(code, summary, message)
    }

    mutating func uniqueError(_ code: String, _ summary: String, _ message: String) {
        guard !errors.contains(where: { $0.code == code }) else { return }
        error(code, summary, message)
    }

    /// Appends `other`'s errors and warnings to these.
    public mutating func append(_ other: PreloadIssues) {
        errors += other.errors
        warnings += other.warnings
    }

    /// Only the errors: removal ignores the header's parse warnings.
    var errorsOnly: PreloadIssues {
        var copy = PreloadIssues()
        copy.errors = errors
        return copy
    }
}
