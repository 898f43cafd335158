/// The Public Suffix List (publicsuffix.org), read from its `.dat` file: the rules, wildcards (`*.ck`)
/// and exceptions (`!www.ck`) of both its ICANN and private sections.
///
/// Lookups follow `golang.org/x/net/publicsuffix`, which hstspreload uses: a name no rule covers has
/// its last label as public suffix (the implicit `*` rule), and rules in Unicode are compared in their
/// `xn--` form.
///
///     let list = try PublicSuffixList(contentsOfFileAt: PublicSuffixList.debianPath)
///     list.publicSuffix(of: "www.example.co.uk")        // "co.uk"
///     try list.registrableDomain(of: "www.example.co.uk") // "example.co.uk"
public struct PublicSuffixList: Sendable {
    /// Where Debian's `publicsuffix` package installs the list.
    public static let debianPath = "/usr/share/publicsuffix/public_suffix_list.dat"
    /// The list is about 250 KB; a file far larger is not it.
    static let maximumSize = 16 << 20

    private enum Kind: Sendable { case parentOnly, normal, exception }

    private final class Node: @unchecked Sendable {
        var kind = Kind.parentOnly
        var wildcard = false
        var children: [String: Node] = [:]

        func child(_ label: String) -> Node {
            if let existing = children[label] { return existing }
            let node = Node()
            children[label] = node
            return node
        }
    }

    private let root: Node
    /// How many rules the list holds.
    public let ruleCount: Int

    /// Reads the list in `text`; lines that break the format are refused with their number.
    public init(text: String) throws(PinHashError) {
        let root = Node()
        var count = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rule = Substring(line)
            if let comment = rule.firstRange(of: "//") { rule = rule[..<comment.lowerBound] }
            guard let token = rule.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).first
            else { continue }
            var name = String(token)
            let exception = name.hasPrefix("!")
            if exception { name.removeFirst() }
            var wildcard = false
            if name.hasPrefix("*.") {
                wildcard = true
                name.removeFirst(2)
            }
            let ascii: String
            do { ascii = try IDNA.toASCII(name) } catch {
                throw PinHashError(.malformedInput, "line \(number + 1): \(error.reason)")
            }
            let labels = ascii.split(separator: ".", omittingEmptySubsequences: false)
            guard !ascii.isEmpty, !labels.contains(where: \.isEmpty), !(exception && wildcard),
                !ascii.contains("*") && !ascii.contains("!")
            else {
                throw PinHashError(
                    .malformedInput,
                    "line \(number + 1): '\(InputName.escapingControlCharacters(String(token)))' is not a rule"
                )
            }
            var node = root
            for label in labels.reversed() { node = node.child(String(label)) }
            if wildcard {
                node.wildcard = true
            } else {
                node.kind = exception ? .exception : .normal
            }
            count += 1
        }
        guard count > 0 else { throw PinHashError(.malformedInput, "holds no public suffix rule") }
        self.root = root
        self.ruleCount = count
    }

    /// Reads the list from the file at `path`; errors name the file.
    public init(contentsOfFileAt path: String) throws(PinHashError) {
        do throws(PinHashError) {
            let bytes = try InputFile.contents(
                ofFileAt: path, limit: Self.maximumSize, what: "the public suffix list")
            guard !bytes.contains(0) else {
                throw PinHashError(.malformedInput, "is not text (it holds NUL bytes)")
            }
            try self.init(text: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw error.naming(path)
        }
    }

    /// The public suffix of `domain` (ASCII, as ``IDNA/toASCII(_:)`` gives it): the longest suffix a
    /// rule names, an exception's parent, or the last label when no rule applies.
    public func publicSuffix(of domain: String) -> String {
        let bytes = Array(domain.utf8)
        var end = bytes.count  // The labels still to walk are bytes[..<end].
        var suffix = bytes.count
        var node = root
        var wildcard = false
        while true {
            let dot = bytes[..<end].lastIndex(of: UInt8(ascii: ".")) ?? -1
            if wildcard { suffix = dot + 1 }
            guard !node.children.isEmpty,
                let child = node.children[String(decoding: bytes[(dot + 1)..<end], as: UTF8.self)]
            else { break }
            if child.kind == .exception {
                suffix = end + 1
                break
            }
            if child.kind == .normal { suffix = dot + 1 }
            wildcard = child.wildcard
            if dot < 0 { break }
            end = dot
            node = child
        }
        if suffix >= bytes.count {
            let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")).map { $0 + 1 } ?? 0
            return String(decoding: bytes[lastDot...], as: UTF8.self)
        }
        return String(decoding: bytes[suffix...], as: UTF8.self)
    }

    /// The registrable domain (eTLD+1) of `domain`: its public suffix and one label more. Throws for a
    /// name with an empty label or one that is itself a public suffix.
    public func registrableDomain(of domain: String) throws(PinHashError) -> String {
        guard !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else {
            throw PinHashError(.invalidArgument, "has an empty label", source: domain)
        }
        let suffix = publicSuffix(of: domain)
        let bytes = Array(domain.utf8)
        let count = suffix.utf8.count
        guard bytes.count > count else {
            throw PinHashError(.invalidArgument, "is a public suffix", source: domain)
        }
        let dot = bytes.count - count - 1
        guard bytes[dot] == UInt8(ascii: ".") else {
            throw PinHashError(
                .invalidArgument, "does not end in its public suffix \(suffix)", source: domain)
        }
        let start = bytes[..<dot].lastIndex(of: UInt8(ascii: ".")).map { $0 + 1 } ?? 0
        return String(decoding: bytes[start...], as: UTF8.self)
    }
}
