/// hstspreload's checks of the domain name itself, before anything is fetched: its format, then whether
/// it is a registrable domain (eTLD+1) by the Public Suffix List.
public struct PreloadDomain: Sendable, Hashable {
    /// The name checked, ASCII (IDNA already applied).
    public let name: String
    /// Its registrable domain, nil when it has none (a public suffix, an empty label).
    public let registrableDomain: String?
    /// Its public suffix by the list.
    public let publicSuffix: String
    /// The format's issues (`domain.format.*`); when there are any, nothing else is checked.
    public let formatIssues: PreloadIssues
    /// `domain.is_subdomain`, when the name is not its registrable domain.
    public let levelIssues: PreloadIssues

    /// eTLDs under which site owners cannot serve HTTPS on `www`, so hstspreload skips the www check.
    static let wwwExemptSuffixes: Set<String> = ["appspot.com"]

    public init(_ name: String, list: PublicSuffixList) {
        self.name = name
        publicSuffix = list.publicSuffix(of: name)
        registrableDomain = try? list.registrableDomain(of: name)
        formatIssues = Self.formatIssues(name, publicSuffix: publicSuffix)
        var level = PreloadIssues()
        if formatIssues.errors.isEmpty {
            if let registrableDomain {
                if registrableDomain != name {
                    level.error(
                        "domain.is_subdomain", "Subdomain",
                        "`\(name)` is a subdomain. Please preload `\(registrableDomain)` instead. (Due to the "
                            + "size of the preload list and the behaviour of cookies across subdomains, we "
                            + "only accept automated preload list submissions of whole registered domains.)")
                }
            } else {
                level.error(
                    "internal.domain.name.cannot_compute_etld1", "Internal Error", "Could not compute eTLD+1."
                )
            }
        }
        levelIssues = level
    }

    /// Whether hstspreload checks `www.NAME`: for a registrable domain whose suffix is not exempt.
    public var checksWWW: Bool {
        levelIssues.errors.isEmpty && !Self.wwwExemptSuffixes.contains(publicSuffix)
    }

    private static func formatIssues(_ domain: String, publicSuffix: String) -> PreloadIssues {
        var issues = PreloadIssues()
        if domain.hasPrefix(".") {
            issues.error(
                "domain.format.begins_with_dot", "Invalid domain name",
                "Please provide a domain that does not begin with `.`")
        } else if domain.hasSuffix(".") {
            issues.error(
                "domain.format.ends_with_dot", "Invalid domain name",
                "Please provide a domain that does not end with `.`")
        } else if domain.contains("..") {
            issues.error(
                "domain.format.contains_double_dot", "Invalid domain name",
                "Please provide a domain that does not contain `..`")
        } else if publicSuffix == domain {
            issues.error(
                "domain.format.public_suffix", "Domain is a TLD or public suffix",
                "You have entered a public suffix (ccTLD, gTLD, or other domain listed at "
                    + "https://publicsuffix.org/), which cannot be submitted through this website. If you "
                    + "intended to query for a normal website, make sure to enter all of its labels (e.g. "
                    + "`example.com` rather than `example` or `com`). If you operate a TLD or public suffix "
                    + "and are interested in preloading HSTS for it, please see https://hstspreload.org/#tld")
        } else if !domain.lowercased().utf8.allSatisfy(isDomainByte) {
            issues.error(
                "domain.format.invalid_characters", "Invalid domain name",
                "Please provide a domain using valid characters (letters, numbers, dashes, dots).")
        } else if isIPv4Address(domain) {
            issues.error(
                "domain.format.is_ip_address", "Invalid domain name",
                "Please provide a domain, not an IP address")
        }
        return issues
    }

    /// Dotted-decimal IPv4 as Go's `net.ParseIP` reads it (no leading zeros); the character check
    /// before it has already refused anything with a colon.
    private static func isIPv4Address(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                (1...3).contains(part.count) && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                    && (part.count == 1 || part.first != "0") && Int(part).map { $0 <= 255 } == true
            }
    }

    private static func isDomainByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".")
    }
}
