/// The headers `HeaderLint` reads.
public enum HeaderKind: String, Sendable, Hashable, CaseIterable {
    case publicKeyPins = "Public-Key-Pins"
    case publicKeyPinsReportOnly = "Public-Key-Pins-Report-Only"
    case strictTransportSecurity = "Strict-Transport-Security"

    /// The kind a field name names, compared case-insensitively as HTTP field names are.
    public init?(fieldName: String) {
        let lowercased = fieldName.lowercased()
        guard let kind = Self.allCases.first(where: { $0.rawValue.lowercased() == lowercased }) else {
            return nil
        }
        self = kind
    }

    var isPublicKeyPins: Bool { self != .strictTransportSecurity }
}

/// One header field: its kind and value.
public struct HeaderField: Sendable, Hashable, CustomStringConvertible {
    public let kind: HeaderKind
    /// The field value, without the surrounding white space.
    public let value: String

    public init(kind: HeaderKind, value: String) {
        self.kind = kind
        self.value = value
    }

    /// Reads `Name: value`, joining lines folded with leading white space (as the RFCs print their
    /// examples); throws when the line has no field name, names another header, or is several lines.
    public init(line: String) throws(PinHashError) {
        let lines = Self.unfoldedLines(line)
        guard lines.count <= 1 else {
            throw .invalidArgument(
                "the text holds \(lines.count) header lines, not one",
                fix: "give one header, or read a response head from standard input with -")
        }
        let line = lines.first ?? ""
        guard let colon = line.firstIndex(of: ":") else {
            // The fix names the header; the remedy adds the other way: the value given as a header's.
            throw PinHashError(
                .invalidArgument,
                "\"\(line)\" has no header name; write Public-Key-Pins: VALUE or Strict-Transport-Security: VALUE",
                remedy: .nameTheHeader)
        }
        let name = String(line[..<colon])
        guard let kind = HeaderKind(fieldName: name) else {
            let known = HeaderKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidArgument("\"\(name)\" is not one of the headers pinhash checks (\(known))")
        }
        self.init(kind: kind, value: Self.trimmingWhiteSpace(line[line.index(after: colon)...]))
    }

    /// The Public-Key-Pins, Public-Key-Pins-Report-Only and Strict-Transport-Security fields of an HTTP
    /// response head (as `curl -sI` prints it), in order; other lines are skipped, and lines folded with
    /// leading white space (as the RFCs print their examples) are joined.
    public static func fields(inResponse text: String) -> [HeaderField] {
        unfoldedLines(text).compactMap { try? HeaderField(line: $0) }
    }

    /// The lines of `text`, with LF or CRLF ends, each continuation line (one starting with white space)
    /// joined to the line before it by a space; empty lines are dropped.
    static func unfoldedLines(_ text: String) -> [String] {
        var lines: [String] = []
        // Split on bytes: "\r\n" is one Character, so a Character split would miss CRLF line ends.
        for rawLine in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if line.unicodeScalars.last == "\r" { line = line.dropLast() }
            if let first = line.first, first == " " || first == "\t", !lines.isEmpty {
                lines[lines.count - 1] += " " + trimmingWhiteSpace(line)
            } else if !line.isEmpty {
                lines.append(String(line))
            }
        }
        return lines
    }

    public var description: String { "\(kind.rawValue): \(value)" }

    package static func trimmingWhiteSpace(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return String(text)
    }
}

/// A Public-Key-Pins, Public-Key-Pins-Report-Only or Strict-Transport-Security field checked against the
/// grammar and rules of RFC 7469 and RFC 6797, and, for pins, against the keys in use.
///
/// Findings: errors for what makes browsers ignore or misapply the header (grammar errors, a missing or
/// malformed max-age, a repeated directive, bad pins, no backup pin); warnings for risky values (a
/// max-age over RFC 7469's 60 days, a `preload` the list would reject); notes for what is ignored or
/// worth knowing (unknown directives, short test values, which file each pin matches).
public struct HeaderLint: Sendable, Hashable {
    public let field: HeaderField
    /// The directives, as far as the value parses.
    public let directives: [HeaderDirective]
    public let findings: [HeaderFinding]
    /// The distinct valid pins a Public-Key-Pins field lists, in order.
    public let pins: [Pin]
    /// The field's max-age in seconds when it is valid (digits only; more than `UInt64` holds saturates);
    /// the first one when it is repeated.
    public let maxAge: UInt64?
    /// Whether the field has the includeSubDomains directive.
    public let includeSubDomains: Bool
    /// Whether a Strict-Transport-Security field has the preload directive.
    public let preload: Bool

    /// - Parameters:
    ///   - field: the header to check.
    ///   - keysInUse: the certificate chain or keys the site serves, for Public-Key-Pins: each pin is
    ///     reported as matching one of them or as a backup. Empty when not known.
    public init(_ field: HeaderField, keysInUse: [PinnedEntry] = []) {
        self.init(field, keysInUse: KeysInUse(keysInUse))
    }

    /// Checks `field` against the keys in use, gathered as they were read.
    public init(_ field: HeaderField, keysInUse: KeysInUse) {
        self.field = field
        let grammar: HeaderGrammar = field.kind.isPublicKeyPins ? .rfc7469 : .rfc6797
        let parsed = HeaderDirectiveParser.parse(field.value, grammar: grammar)
        directives = parsed.directives
        var checker = DirectiveChecker(kind: field.kind, grammarBroken: !parsed.findings.isEmpty)
        checker.findings = parsed.findings
        checker.check(parsed.directives, keysInUse: keysInUse)
        findings = checker.findings
        pins = checker.pins
        maxAge = checker.maxAge
        includeSubDomains = checker.has("includesubdomains")
        preload = !field.kind.isPublicKeyPins && checker.has("preload")
    }

    /// Whether the header has neither errors nor warnings (notes are fine).
    public var isClean: Bool { findings.allSatisfy { $0.severity == .note } }
}

/// The directive-level rules of RFC 7469 §2.1 and RFC 6797 §6.1, applied after the grammar.
private struct DirectiveChecker {
    let kind: HeaderKind
    let grammarBroken: Bool
    var findings: [HeaderFinding] = []
    var pins: [Pin] = []
    private var seen: [String: HeaderDirective] = [:]
    private(set) var maxAge: UInt64?
    private var maxAgeQuoted = false
    private var hasMaxAge = false
    private var pinDirectives = 0

    init(kind: HeaderKind, grammarBroken: Bool) {
        self.kind = kind
        self.grammarBroken = grammarBroken
    }

    private var citation: String { kind.isPublicKeyPins ? "RFC 7469 §2.1" : "RFC 6797 §6.1" }

    /// Whether the directive named `lowercasedName` (not a pin) was given.
    func has(_ lowercasedName: String) -> Bool { seen[lowercasedName] != nil }

    mutating func check(_ directives: [HeaderDirective], keysInUse: KeysInUse) {
        for directive in directives {
            let name = directive.lowercasedName
            if kind.isPublicKeyPins, name.hasPrefix("pin-") {
                checkPin(directive)
                continue
            }
            if let first = seen[name] {
                findings.append(
                    .error(
                        "\(directive.name) at column \(directive.column) repeats \(first.name) (column "
                            + "\(first.column)); \(citation) allows each directive once, so browsers ignore "
                            + "the whole header",
                        fix: "keep one \(first.name)"))
                continue
            }
            seen[name] = directive
            switch name {
            case "max-age": checkMaxAge(directive)
            case "includesubdomains": checkValueless(directive)
            case "preload" where !kind.isPublicKeyPins: checkValueless(directive)
            case "report-uri" where kind.isPublicKeyPins: checkReportURI(directive)
            default:
                findings.append(
                    .note(
                        "unknown directive \(directive.name) at column \(directive.column): browsers ignore it"
                    ))
            }
        }
        if kind.isPublicKeyPins {
            finishPublicKeyPins(keysInUse: keysInUse)
        } else {
            finishStrictTransportSecurity(keysInUse: keysInUse)
        }
    }

    private mutating func checkPin(_ directive: HeaderDirective) {
        guard directive.lowercasedName == "pin-sha256" else {
            findings.append(
                .note(
                    "\(directive.name) at column \(directive.column) names a hash RFC 7469 does not define: "
                        + "browsers ignore it"))
            return
        }
        pinDirectives += 1
        guard let value = directive.value else {
            findings.append(
                .error(
                    "pin-sha256 at column \(directive.column) has no value (RFC 7469 §2.1.1)",
                    fix: "write pin-sha256=\"BASE64\""))
            return
        }
        if !directive.isQuoted {
            findings.append(
                .error(
                    "the value of pin-sha256 at column \(directive.column) is not quoted; RFC 7469 §2.1.1 "
                        + "requires a quoted string",
                    fix: "write pin-sha256=\"\(value)\""))
        }
        if let problem = HPKPHeader.problem(withPin: value) {
            findings.append(problem.prefixed("pin-sha256 at column \(directive.column): "))
            return
        }
        let pin = Pin(base64: value)!
        if pins.contains(pin) {
            findings.append(.note("pin-sha256 \(value) at column \(directive.column) is listed twice"))
        } else {
            pins.append(pin)
        }
    }

    private mutating func checkMaxAge(_ directive: HeaderDirective) {
        hasMaxAge = true
        guard let value = directive.value else {
            findings.append(
                .error(
                    "max-age at column \(directive.column) has no value", fix: "write max-age=SECONDS"))
            return
        }
        guard !value.isEmpty, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            findings.append(
                .error(
                    "max-age=\(value) is not a number of seconds (delta-seconds: digits only), so browsers "
                        + "ignore the header",
                    fix:
                        "write max-age=SECONDS, for example max-age=\(kind.isPublicKeyPins ? 5_184_000 : 31_536_000)"
                ))
            return
        }
        // Digits beyond UInt64 saturate: such a max-age means "as long as the browser allows".
        maxAge = UInt64(value) ?? UInt64.max
        maxAgeQuoted = directive.isQuoted
    }

    private mutating func checkValueless(_ directive: HeaderDirective) {
        guard let value = directive.value else { return }
        findings.append(
            .error(
                "\(directive.name) at column \(directive.column) takes no value, but has \"\(value)\"; "
                    + "browsers ignore the header",
                fix: "write \(directive.name) alone"))
    }

    private mutating func checkReportURI(_ directive: HeaderDirective) {
        guard let value = directive.value else {
            findings.append(
                .error(
                    "report-uri at column \(directive.column) has no value", fix: "write report-uri=\"URI\""))
            return
        }
        if !directive.isQuoted {
            findings.append(
                .error(
                    "the value of report-uri at column \(directive.column) is not quoted; RFC 7469 §2.1.4 "
                        + "requires a quoted string",
                    fix: "write report-uri=\"\(value)\""))
        }
        findings += HPKPHeader.reportURIFindings(value)
    }

    private mutating func finishPublicKeyPins(keysInUse: KeysInUse) {
        if !hasMaxAge, kind == .publicKeyPins {
            findings.append(
                .error(
                    "no max-age: RFC 7469 §2.1.2 requires it, and browsers ignore the header without it",
                    fix: "add max-age=SECONDS (5184000 is 60 days)"))
        }
        if let maxAge { findings += HPKPHeader.maxAgeFindings(maxAge) }
        if pinDirectives == 0 {
            findings.append(
                .error(
                    grammarBroken ? "no pin-sha256 directive that parses" : "no pin-sha256 directive",
                    fix: "add pin-sha256=\"BASE64\" for each key"))
        } else if pins.count < 2 {
            findings.append(
                .error(
                    "\(pins.isEmpty ? "no valid pin" : "only one distinct valid pin"): RFC 7469 requires a "
                        + "backup pin (§2.5, §4.3), and browsers ignore a header without one",
                    fix: "add the pin of a spare key kept offline"))
        }
        if kind == .publicKeyPinsReportOnly, !has("report-uri") {
            findings.append(
                .error(
                    "Public-Key-Pins-Report-Only without report-uri does nothing: it only sends reports",
                    fix: "add report-uri=\"https://…\""))
        }
        guard !keysInUse.isEmpty, !pins.isEmpty else { return }
        for pin in pins {
            if keysInUse.contains(pin) {
                findings.append(
                    .note("pin-sha256 \(pin.base64) matches \(keysInUse.describeOrigins(of: pin))"))
            } else {
                findings.append(.note("pin-sha256 \(pin.base64) matches none of the files: a backup pin"))
            }
        }
        switch BackupPinRule(pins: pins, chain: keysInUse.pins).violation {
        case .noPinInChain:
            findings.append(
                .error(
                    "no pin matches the certificates or keys given: browsers that saw this header would "
                        + "refuse a server presenting them",
                    fix: "pin a key of the chain the server presents"))
        case .noBackupPin:
            findings.append(
                .error(
                    "no backup pin remains: every pin matches a file given, so replacing those keys locks "
                        + "visitors out for max-age",
                    fix: "add the pin of a spare key kept offline"))
        case nil:
            break
        }
    }

    private mutating func finishStrictTransportSecurity(keysInUse: KeysInUse) {
        if !hasMaxAge {
            findings.append(
                .error(
                    "no max-age: RFC 6797 §6.1.1 requires it, and browsers ignore the header without it",
                    fix: "add max-age=SECONDS (31536000 is one year)"))
        }
        let includeSubDomains = has("includesubdomains")
        if let maxAge {
            findings += HSTSHeader.maxAgeFindings(maxAge, includeSubDomains: includeSubDomains)
        }
        if has("preload") {
            if hasMaxAge, maxAge != nil {
                findings += HSTSHeader.preloadFindings(
                    maxAge: maxAge, includeSubDomains: includeSubDomains, preload: true, severity: .warning,
                    building: false)
            }
            if maxAgeQuoted {
                findings.append(
                    .warning(
                        "hstspreload.org rejects a quoted max-age, although RFC 6797 allows it",
                        fix: "write max-age=\(maxAge ?? 0) without quotes"))
            }
        }
        if !keysInUse.isEmpty {
            findings.append(
                .note("certificate and key files matter only for Public-Key-Pins; they were not used here"))
        }
    }
}
