import PinHash

/// What part of a site a `SiteAudit` finding is about.
public enum AuditArea: String, Sendable, Hashable, CaseIterable {
    /// The certificate chain the server sent and whether it verifies.
    case certificate
    /// The TLS connection itself: the protocol version.
    case tls
    /// Strict-Transport-Security, and the preload list's rules when the header asks for preload.
    case hsts
    /// Public-Key-Pins and Public-Key-Pins-Report-Only.
    case hpkp
    /// What plain HTTP (`http://HOST/`) answers, and where the site's redirects lead.
    case httpRedirect = "http-redirect"
    /// hstspreload's checks of the domain, each finding with its issue code.
    case preload
}

/// One thing `pinhash audit` found about a site: where, how much it matters, what, and what to do.
///
/// `description` reads `error: hsts: the HTTPS response has no Strict-Transport-Security header; add …`,
/// the form `pinhash lint` prints with the area after the severity.
public struct AuditFinding: Sendable, Hashable, CustomStringConvertible {
    public let area: AuditArea
    /// Errors make `pinhash audit` exit 1; warnings and notes do not.
    public let severity: HeaderFinding.Severity
    /// What was found, on one line, without a trailing period.
    public let message: String
    /// One imperative line saying what to do about it; every error and warning has one.
    public let fix: String?
    /// The fix as a value, when a program may word it in its own terms (pinhash names its options).
    public let remedy: Remedy?
    /// hstspreload's issue code (`domain.is_subdomain`) of a preload finding; nil for the others.
    public private(set) var code: String?

    /// An hstspreload issue as a finding of the preload area.
    public init(_ issue: PreloadIssue) {
        self.init(.preload, issue.level, issue.message, fix: nil, remedy: nil)
        code = issue.code
    }

    /// Text the server sent (header values, a Location) may hold control characters; they are written
    /// as `\u{1B}`-style escapes so that a finding stays one line and cannot drive a terminal.
    public init(_ area: AuditArea, _ severity: HeaderFinding.Severity, _ message: String, fix: String? = nil)
    {
        self.init(area, severity, message, fix: fix, remedy: nil)
    }

    /// A finding whose fix is `remedy`, in the library's words.
    public init(_ area: AuditArea, _ severity: HeaderFinding.Severity, _ message: String, remedy: Remedy) {
        self.init(area, severity, message, fix: remedy.description, remedy: remedy)
    }

    /// A header check's finding, filed under `area`, its message after `prefix` when one is given.
    public init(_ area: AuditArea, _ finding: HeaderFinding, prefix: String = "") {
        self.init(area, finding.severity, prefix + finding.message, fix: finding.fix, remedy: finding.remedy)
    }

    private init(
        _ area: AuditArea, _ severity: HeaderFinding.Severity, _ message: String, fix: String?,
        remedy: Remedy?
    ) {
        self.area = area
        self.severity = severity
        self.message = AuditText.oneLine(message)
        self.fix = fix.map(AuditText.oneLine)
        self.remedy = remedy
    }

    public var description: String {
        let head = "\(severity.rawValue): \(area.rawValue): " + (code.map { "\($0): " } ?? "") + message
        guard let fix else { return head }
        return "\(head); \(fix)"
    }
}

extension Sequence<AuditFinding> {
    /// Whether any finding is an error: `pinhash audit` exits 1.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// How many findings have each severity.
    public func count(of severity: HeaderFinding.Severity) -> Int {
        reduce(0) { $0 + ($1.severity == severity ? 1 : 0) }
    }
}

/// Server-supplied text made safe to print on one line.
enum AuditText {
    /// `text` with C0 and C1 control characters and DEL (line ends, escape sequences) written as
    /// `\u{XX}`; everything else is kept.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(
                    contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
