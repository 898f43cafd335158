/// One directive of a Public-Key-Pins or Strict-Transport-Security value: `max-age=3000`,
/// `pin-sha256="…"`, `includeSubDomains`.
public struct HeaderDirective: Sendable, Hashable {
    /// The name as written; compare with `lowercasedName`, since directive names are case-insensitive.
    public let name: String
    /// The value with quotes removed and quoted-pairs (`\"`) resolved; nil when there is no `=`.
    public let value: String?
    /// Whether the value was a quoted-string rather than a token.
    public let isQuoted: Bool
    /// 1-based column of the directive's first character in the field value.
    public let column: Int

    public var lowercasedName: String { name.lowercased() }
}

/// The two grammars the directive lists follow. They differ in what they allow between directives.
enum HeaderGrammar {
    /// RFC 7469 §2.1 (Figure 1): `directive *( OWS ";" OWS directive )` with RFC 7230 tokens and
    /// quoted-strings: no empty directives, no white space around `=`.
    case rfc7469
    /// RFC 6797 §6.1: `[ directive ] *( ";" [ directive ] )` under RFC 2616's implied linear white
    /// space: empty directives are allowed, and so is white space around `=`.
    case rfc6797

    var citation: String {
        switch self {
        case .rfc7469: "RFC 7469 §2.1"
        case .rfc6797: "RFC 6797 §6.1"
        }
    }
}

/// Splits a field value into directives by the RFC grammar, reporting every place it breaks the grammar.
///
/// A value that breaks the grammar is ignored whole by browsers (RFC 7469 §2.1 rule 4, RFC 6797 §6.1
/// rule 4), so each such problem is an error. After one, parsing resumes at the next `;` outside quotes,
/// so that later problems are reported too.
struct HeaderDirectiveParser {
    private let bytes: [UInt8]
    private let grammar: HeaderGrammar
    private var index = 0
    private(set) var directives: [HeaderDirective] = []
    private(set) var findings: [HeaderFinding] = []

    static func parse(_ value: String, grammar: HeaderGrammar) -> (
        directives: [HeaderDirective], findings: [HeaderFinding]
    ) {
        var parser = HeaderDirectiveParser(bytes: Array(value.utf8), grammar: grammar)
        parser.parseList()
        if !parser.findings.isEmpty {
            parser.findings.append(
                .note(
                    "browsers ignore the whole header when its value breaks the grammar (\(grammar.citation))"
                ))
        }
        return (parser.directives, parser.findings)
    }

    private init(bytes: [UInt8], grammar: HeaderGrammar) {
        self.bytes = bytes
        self.grammar = grammar
    }

    private var atEnd: Bool { index >= bytes.count }
    private var current: UInt8? { atEnd ? nil : bytes[index] }
    private var column: Int { index + 1 }

    private mutating func skipWhiteSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 { index += 1 }
    }

    private mutating func parseList() {
        skipWhiteSpace()
        if atEnd {
            findings.append(.error("the value is empty", fix: "give at least max-age=SECONDS"))
            return
        }
        var expectingDirective = true
        while true {
            skipWhiteSpace()
            guard let byte = current else {
                if expectingDirective, grammar == .rfc7469 { reportEmptyDirective(trailing: true) }
                return
            }
            if byte == UInt8(ascii: ";") {
                if expectingDirective, grammar == .rfc7469 { reportEmptyDirective(trailing: false) }
                index += 1
                expectingDirective = true
                continue
            }
            if !expectingDirective {
                findings.append(
                    .error(
                        "\(describe(byte)) at column \(column) where \";\" or the end should follow the "
                            + "directive before it (\(grammar.citation))",
                        fix: "separate directives with \";\""))
                expectingDirective = recover()
                continue
            }
            if parseDirective() {
                expectingDirective = false
            } else {
                expectingDirective = recover()
            }
        }
    }

    /// Parses `name [ "=" value ]` at the current position; false after reporting a grammar error.
    private mutating func parseDirective() -> Bool {
        let start = index
        while let byte = current, Self.isTokenCharacter(byte) { index += 1 }
        guard index > start else {
            findings.append(
                .error(
                    "\(describe(bytes[index])) at column \(column) where a directive name should start "
                        + "(\(grammar.citation))",
                    fix: byteFix(bytes[index])))
            return false
        }
        let name = String(decoding: bytes[start..<index], as: UTF8.self)
        let afterName = index
        skipWhiteSpace()
        guard current == UInt8(ascii: "=") else {
            // No value; whatever follows other than ";" or the end is reported by the caller.
            directives.append(HeaderDirective(name: name, value: nil, isQuoted: false, column: start + 1))
            return true
        }
        var spaced = index > afterName
        index += 1
        let afterEquals = index
        skipWhiteSpace()
        spaced = spaced || (index > afterEquals && current != nil && current != UInt8(ascii: ";"))
        if spaced, grammar == .rfc7469 {
            findings.append(
                .error(
                    "white space around \"=\" in \(name) at column \(start + 1): the grammar of "
                        + "\(grammar.citation) allows none",
                    fix: "write \(name)=VALUE without spaces"))
        }
        guard let first = current, first != UInt8(ascii: ";") else {
            findings.append(
                .error(
                    "\(name) at column \(start + 1) has \"=\" but no value (\(grammar.citation))",
                    fix: "give a value after \"=\", or drop the \"=\""))
            return false
        }
        if first == UInt8(ascii: "\"") {
            guard let value = parseQuotedString(for: name) else { return false }
            directives.append(HeaderDirective(name: name, value: value, isQuoted: true, column: start + 1))
            return true
        }
        let valueStart = index
        while let byte = current, Self.isTokenCharacter(byte) { index += 1 }
        guard index > valueStart else {
            findings.append(
                .error(
                    "the value of \(name) starts with \(describe(first)) at column \(column), which is "
                        + "neither a token nor a quoted string (\(grammar.citation))",
                    fix: byteFix(first)))
            return false
        }
        if let next = current, next != UInt8(ascii: ";"), next != 0x20, next != 0x09 {
            findings.append(
                .error(
                    "the unquoted value of \(name) at column \(valueStart + 1) runs into \(describe(next)) at "
                        + "column \(column), which a token cannot hold (\(grammar.citation))",
                    fix: next >= 0x21 && next < 0x7F && next != 0x22 && next != 0x5C
                        ? "quote the value: \(name)=\"…\"" : byteFix(next)))
            return false
        }
        let value = String(decoding: bytes[valueStart..<index], as: UTF8.self)
        directives.append(HeaderDirective(name: name, value: value, isQuoted: false, column: start + 1))
        return true
    }

    /// Reads an RFC 7230 quoted-string at the opening quote; nil after reporting why it is malformed.
    private mutating func parseQuotedString(for name: String) -> String? {
        let open = index
        index += 1
        var value: [UInt8] = []
        var malformed = false
        while let byte = current, byte != UInt8(ascii: "\"") {
            var character = byte
            var characterColumn = column
            if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                index += 1
                character = bytes[index]
                characterColumn = column
                if character == UInt8(ascii: "\"") || character == UInt8(ascii: "\\") {
                    value.append(character)
                    index += 1
                    continue
                }
            }
            if !Self.isQuotedTextOrSpace(character), !malformed {
                findings.append(
                    .error(
                        "\(describe(character)) at column \(characterColumn) inside the quoted value of "
                            + "\(name) (\(grammar.citation))",
                        fix: byteFix(character)))
                malformed = true
            }
            value.append(character)
            index += 1
        }
        guard current == UInt8(ascii: "\"") else {
            findings.append(
                .error(
                    "the quoted value of \(name) opened at column \(open + 1) is never closed "
                        + "(\(grammar.citation))",
                    fix: "add the closing \""))
            return nil
        }
        index += 1
        return malformed ? nil : String(decoding: value, as: UTF8.self)
    }

    /// Moves past the next `;` outside a quoted string, or to the end, so parsing can go on after an error
    /// with the next directive; whether it passed a `;`.
    private mutating func recover() -> Bool {
        var quoted = false
        while let byte = current {
            if quoted, byte == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            index += 1
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if !quoted, byte == UInt8(ascii: ";") { return true }
        }
        return false
    }

    private mutating func reportEmptyDirective(trailing: Bool) {
        let place =
            trailing ? "a \";\" at the end" : "an empty directive before the \";\" at column \(column)"
        findings.append(
            .error(
                "\(place): the grammar of \(grammar.citation) has no empty directives",
                fix: "remove the extra \";\""))
    }

    private func describe(_ byte: UInt8) -> String {
        switch byte {
        case 0x20: return "a space"
        case 0x09: return "a tab"
        case 0x22: return "a double quote"
        case 0x21...0x7E: return "\"\(Character(Unicode.Scalar(byte)))\""
        default:
            let digits = Array("0123456789ABCDEF")
            return "byte 0x\(digits[Int(byte >> 4)])\(digits[Int(byte & 15)])"
        }
    }

    private func byteFix(_ byte: UInt8) -> String {
        switch byte {
        case 0x00...0x1F, 0x7F: "remove the control character"
        case 0x80...0xFF: "use ASCII only"
        case UInt8(ascii: ","): "HPKP and HSTS directives are separated by \";\", not \",\""
        default: "quote values that hold anything but letters, digits and !#$%&'*+-.^_`|~"
        }
    }

    /// RFC 7230 §3.2.6 tchar.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default:
            Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    /// RFC 7230 qdtext (HTAB, SP, visible ASCII but `"` and `\`, obs-text).
    static func isQuotedTextOrSpace(_ byte: UInt8) -> Bool {
        byte == 0x09 || byte == 0x20 || byte == 0x21 || (0x23...0x5B).contains(byte)
            || (0x5D...0x7E).contains(byte) || byte >= 0x80
    }
}
