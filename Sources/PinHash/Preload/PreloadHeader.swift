/// A Strict-Transport-Security value read as hstspreload reads it: directives split at `;`, each
/// matched by name ignoring case, with hstspreload's parse issues, then its preload or removal
/// requirements.
///
/// This is stricter and looser than RFC 6797 where hstspreload is (a quoted max-age is refused, an
/// empty directive is a warning); ``HeaderLint`` checks the RFC grammar.
public struct PreloadHeader: Sendable, Hashable {
    /// The max-age, nil when no valid one was given.
    public private(set) var maxAge: UInt64?
    public private(set) var includeSubDomains = false
    public private(set) var preload = false
    /// What parsing found: `header.parse.*`.
    public private(set) var parseIssues = PreloadIssues()

    public init(parsing value: String) {
        let directives = value.split(separator: ";", omittingEmptySubsequences: false).map {
            $0.trimmingPrefix(while: \.isWhitespace).reversed().trimmingPrefix(while: \.isWhitespace)
                .reversed()
        }.map { String($0) }
        if directives.count == 1, directives[0].isEmpty {
            parseIssues.warning("header.parse.empty", "Empty Header", "The HSTS header is empty.")
            return
        }
        for directive in directives {
            let lower = directive.lowercased()
            if lower == "preload" {
                if preload {
                    parseIssues.uniqueWarning(
                        "header.parse.repeated.preload", "Repeated preload directive",
                        "Header contains a repeated directive: `preload`")
                }
                preload = true
            } else if lower.hasPrefix("preload") {
                parseIssues.uniqueWarning(
                    "header.parse.invalid.preload", "Invalid preload directive",
                    "Header contains a `preload` directive with extra parts.")
            } else if lower == "includesubdomains" {
                if includeSubDomains {
                    parseIssues.uniqueWarning(
                        "header.parse.repeated.include_sub_domains", "Repeated includeSubDomains directive",
                        "Header contains a repeated directive: `includeSubDomains`")
                }
                includeSubDomains = true
            } else if lower.hasPrefix("includesubdomains") {
                parseIssues.uniqueWarning(
                    "header.parse.invalid.include_sub_domains", "Invalid includeSubDomains directive",
                    "The header contains an `includeSubDomains` directive with extra directives.")
            } else if lower.hasPrefix("max-age=") {
                guard let seconds = parseMaxAge(directive) else { continue }
                if maxAge == nil {
                    maxAge = seconds
                } else {
                    parseIssues.uniqueWarning(
                        "header.parse.repeated.max_age", "Repeated max-age directive",
                        "The header contains a repeated directive: `max-age`")
                }
            } else if lower.hasPrefix("max-age") {
                parseIssues.uniqueError(
                    "header.parse.invalid.max_age.no_value", "Max-age drective without a value",
                    "The header contains a max-age directive name without an associated value. Please "
                        + "specify the max-age in seconds.")
            } else if directive.isEmpty {
                parseIssues.uniqueWarning(
                    "header.parse.empty_directive", "Empty directive or extra semicolon",
                    "The header includes an empty directive or extra semicolon.")
            } else {
                parseIssues.warning(
                    "header.parse.unknown_directive", "Unknown directive",
                    "The header contains an unknown directive: `\(directive)`")
            }
        }
    }

    /// The digits after `max-age=`; nil after an error (a leading zero is only a warning).
    private mutating func parseMaxAge(_ directive: String) -> UInt64? {
        let digits = Array(directive.utf8.dropFirst(8))
        if digits.count > 1, digits[0] == UInt8(ascii: "0") {
            parseIssues.warning(
                "header.parse.max_age.leading_zero", "Unexpected max-age syntax",
                "The header's max-age value contains a leading 0: `\(directive)`")
        }
        guard digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            parseIssues.error(
                "header.parse.max_age.non_digit_characters", "Invalid max-age syntax",
                "The header's max-age value contains characters that are not digits: `\(directive)`")
            return nil
        }
        let text = String(decoding: digits, as: UTF8.self)
        guard let seconds = UInt64(text) else {
            parseIssues.error(
                "header.parse.max_age.parse_int_error", "Invalid max-age syntax",
                "We could not parse the header's max-age value `\(text)`.")
            return nil
        }
        return seconds
    }

    /// The parse issues, then the preload requirements of `policy` in hstspreload's order:
    /// includeSubDomains, preload, max-age.
    public func preloadableIssues(policy: PreloadPolicy) -> PreloadIssues {
        var issues = parseIssues
        if !includeSubDomains {
            issues.error(
                "header.preloadable.include_sub_domains.missing", "No includeSubDomains directive",
                "The header must contain the `includeSubDomains` directive.")
        }
        if !preload {
            issues.error(
                "header.preloadable.preload.missing", "No preload directive",
                "The header must contain the `preload` directive.")
        }
        guard let maxAge else {
            issues.error(
                "header.preloadable.max_age.missing", "No max-age directice",
                "Header requirement error: Header must contain a valid `max-age` directive.")
            return issues
        }
        if maxAge < policy.minimumMaxAge {
            var message =
                "The max-age must be at least \(policy.minimumMaxAge) seconds (≈ \(policy.ageName)), but the "
                + "header currently only has max-age=\(maxAge)."
            if maxAge == 0 {
                message +=
                    " If you are trying to remove this domain from the preload list, please visit "
                    + "https://hstspreload.org/removal/"
                issues.error("header.preloadable.max_age.zero", "Max-age is 0", message)
            } else {
                issues.error("header.preloadable.max_age.below_1_year", "Max-age too low", message)
            }
        } else if maxAge > PreloadPolicy.unusualMaxAge {
            issues.warning(
                "header.preloadable.max_age.over_10_years", "Max-age > 10 years",
                "FYI: The max-age (\(maxAge) seconds) is longer than 10 years, which is an unusually long "
                    + "value.")
        }
        return issues
    }

    /// The parse errors (not its warnings, as hstspreload ignores them for removal), then the removal
    /// requirements: no preload, a max-age.
    public var removableIssues: PreloadIssues {
        var issues = parseIssues.errorsOnly
        if preload {
            issues.error(
                "header.removable.contains.preload", "Contains preload directive",
                "Header requirement error: For preload list removal, the header must not contain the "
                    + "`preload` directive.")
        }
        if maxAge == nil {
            issues.error(
                "header.removable.missing.max_age", "No max-age directive",
                "Header requirement error: Header must contain a valid `max-age` directive.")
        }
        return issues
    }

    /// hstspreload's check of a response's Strict-Transport-Security fields: exactly one, whose value is
    /// then checked by `condition`.
    public static func responseIssues(values: [String], condition: (PreloadHeader) -> PreloadIssues)
        -> PreloadIssues
    {
        var issues = PreloadIssues()
        if values.isEmpty {
            issues.error(
                "response.no_header", "No HSTS header",
                "Response error: No HSTS header is present on the response.")
            return issues
        }
        if values.count > 1 {
            issues.error(
                "response.multiple_headers", "Multiple HSTS headers",
                "Response error: Multiple HSTS headers (number of HSTS headers: \(values.count)).")
            return issues
        }
        return condition(PreloadHeader(parsing: values[0]))
    }
}
