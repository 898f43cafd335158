/// A `Strict-Transport-Security` header, RFC 6797, with the preload list's rules (hstspreload.org).
public struct HSTSHeader: Sendable, Hashable {
    /// One year, what `pinhash hsts` uses when no max-age is given.
    public static let defaultMaxAge: UInt64 = 31_536_000
    /// The least max-age the preload list accepts: one year.
    public static let preloadMinimumMaxAge: UInt64 = 31_536_000
    /// How every finding about a preload-list requirement begins, so that a caller with the list's own
    /// check can leave these out.
    public static let preloadRuleMessagePrefix = "the preload list requires"
    /// Up to this many seconds a max-age reads as a test value (one day).
    public static let testValueLimit: UInt64 = 86_400

    public let maxAge: UInt64
    public let includeSubDomains: Bool
    /// The `preload` directive: consent to the browsers' built-in HSTS list (not part of RFC 6797).
    public let preload: Bool

    public init(
        maxAge: UInt64 = HSTSHeader.defaultMaxAge, includeSubDomains: Bool = false, preload: Bool = false
    ) {
        self.maxAge = maxAge
        self.includeSubDomains = includeSubDomains
        self.preload = preload
    }

    public var name: String { "Strict-Transport-Security" }

    /// `max-age=N[; includeSubDomains][; preload]`.
    public var value: String {
        var directives = ["max-age=\(maxAge)"]
        if includeSubDomains { directives.append("includeSubDomains") }
        if preload { directives.append("preload") }
        return directives.joined(separator: "; ")
    }

    public func line(for syntax: ServerSyntax) throws(PinHashError) -> String {
        try syntax.line(name: name, value: value)
    }

    /// Errors when `preload` is asked for and the list would reject the header under `policy` (the
    /// rules of ``PreloadHeader``, which the preload check of a live site applies too); notes explaining
    /// short and zero max-age values.
    public func validate(policy: PreloadPolicy = .bulk1Year) -> [HeaderFinding] {
        var findings: [HeaderFinding] = []
        if preload {
            findings += Self.preloadFindings(
                maxAge: maxAge, includeSubDomains: includeSubDomains, preload: preload, severity: .error,
                building: true, policy: policy)
            if findings.isEmpty {
                findings.append(
                    .note(
                        "the preload list also checks the site: a valid certificate, HTTP redirecting to "
                            + "HTTPS on the same host, every subdomain on HTTPS, and this header on the bare "
                            + "domain",
                        fix: "submit the domain at https://hstspreload.org once all of that holds"))
            }
        }
        findings += Self.maxAgeFindings(maxAge, includeSubDomains: includeSubDomains)
        return findings
    }

    /// One finding per preload-list requirement the header misses; `building` gives the fixes as the
    /// settings of a header being built (a ``Remedy``) rather than as directives to edit.
    static func preloadFindings(
        maxAge: UInt64?, includeSubDomains: Bool, preload: Bool, severity: HeaderFinding.Severity,
        building: Bool, policy: PreloadPolicy = .bulk1Year
    ) -> [HeaderFinding] {
        var findings: [HeaderFinding] = []
        let minimum = policy.minimumMaxAge
        if let maxAge, maxAge < minimum {
            let message =
                "the preload list requires max-age of at least \(minimum) (\(policy.ageName), policy "
                + "\(policy.rawValue)); this header has \(maxAge) (\(HeaderDuration.describe(seconds: maxAge)))"
            findings.append(
                building
                    ? HeaderFinding(severity, message, remedy: .raiseMaxAge(atLeast: minimum))
                    : HeaderFinding(severity, message, fix: "raise max-age"))
        }
        if !includeSubDomains {
            let message = "the preload list requires includeSubDomains"
            findings.append(
                building
                    ? HeaderFinding(severity, message, remedy: .includeSubdomains)
                    : HeaderFinding(severity, message, fix: "add includeSubDomains"))
        }
        if !preload {
            findings.append(HeaderFinding(severity, "the preload list requires the preload directive"))
        }
        return findings
    }

    static func maxAgeFindings(_ maxAge: UInt64, includeSubDomains: Bool) -> [HeaderFinding] {
        if maxAge == 0 {
            return [
                .note(
                    "max-age=0 tells browsers to forget this host's HSTS policy"
                        + (includeSubDomains ? ", includeSubDomains included" : "") + " (RFC 6797 §6.1.1)")
            ]
        }
        if maxAge <= testValueLimit {
            return [
                .note(
                    "max-age=\(maxAge) is a test value: browsers forget the policy "
                        + "\(HeaderDuration.describe(seconds: maxAge)) after they last saw it",
                    fix: "raise it (31536000 is one year) once HTTPS works for every page"
                        + (includeSubDomains ? " and subdomain" : ""))
            ]
        }
        return []
    }
}
