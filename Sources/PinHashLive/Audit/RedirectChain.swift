import PinHash

/// The redirects a client follows from one URL, as Go's HTTP client does for hstspreload: 301, 302, 303,
/// 307 and 308 with a Location, at most ``maximumHops`` of them.
struct RedirectChain {
    /// hstspreload follows at most three redirects from the root of a domain.
    static let maximumHops = 3

    /// The start, written as the issues name it (`http://example.com`).
    let origin: String
    /// Each redirect's target, in order; after too many, the one past the limit too.
    private(set) var hops: [HTTPURL] = []
    /// `redirects.too_many` or `redirects.follow_error`.
    private(set) var issues = PreloadIssues()

    /// Follows redirects from `start`, fetching each URL with `fetch` (which throws when a verifying
    /// client would fail).
    static func follow(
        from start: HTTPURL, origin: String,
        fetch: (HTTPURL) throws(PinHashError) -> (HTTPResponseHead, ServerChain?)
    ) -> RedirectChain {
        var chain = RedirectChain(origin: origin)
        var current = start
        while true {
            let head: HTTPResponseHead
            do { head = try fetch(current).0 } catch {
                chain.followError("Get \"\(current)\": \(error.reason)")
                return chain
            }
            guard head.isRedirect, let location = head.values(of: "Location").first else { return chain }
            guard let next = resolve(location, against: current) else {
                chain.followError(
                    "Get \"\(AuditText.oneLine(location))\": the Location is not an http:// or https:// URL")
                return chain
            }
            chain.hops.append(next)
            if chain.hops.count > maximumHops {
                chain.issues.error(
                    "redirects.too_many", "Too many redirects",
                    "There are more than \(maximumHops) redirects starting from `\(origin)`.")
                return chain
            }
            current = next
        }
    }

    private mutating func followError(_ text: String) {
        issues.error("redirects.follow_error", "Error following redirects", "Redirect error: \(text)")
    }

    /// `redirects.insecure.initial` or `redirects.insecure.subsequent`: the first hop that is not HTTPS.
    var insecureHopIssues: PreloadIssues {
        var issues = PreloadIssues()
        guard let index = hops.firstIndex(where: { $0.scheme != .https }) else { return issues }
        if index == 0 {
            issues.error(
                "redirects.insecure.initial", "Insecure redirect",
                "`\(origin)` redirects to an insecure page: `\(hops[index])`")
        } else {
            issues.error(
                "redirects.insecure.subsequent", "Insecure redirect",
                "`\(origin)` redirects to an insecure page on redirect #\(index + 1): `\(hops[index])`")
        }
        return issues
    }

    /// `location` read against `base` (RFC 3986 §5.2 for the forms servers send): absolute,
    /// scheme-relative (`//host/path`), absolute-path (`/path`) or relative to the base's directory; nil
    /// for another scheme or a URL pinhash cannot read.
    static func resolve(_ location: String, against base: HTTPURL) -> HTTPURL? {
        let text = location.trimmingPrefix(while: { $0 == " " || $0 == "\t" })
        if let colon = text.firstIndex(of: ":"),
            text[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }),
            !text[..<colon].isEmpty
        {
            guard ["http", "https"].contains(text[..<colon].lowercased()), text[colon...].hasPrefix("://")
            else {
                return nil
            }
            return try? HTTPURL(parsing: String(text))
        }
        if text.hasPrefix("//") { return try? HTTPURL(parsing: "\(base.scheme.rawValue):\(text)") }
        var path = String(text)
        if !path.hasPrefix("/") {
            let basePath = base.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "/"
            let directory = basePath.lastIndex(of: "/").map { String(basePath[...$0]) } ?? "/"
            path = directory + path
        }
        return try? HTTPURL(parsing: "\(base.scheme.rawValue)://\(base.hostHeader)\(path)")
    }
}
