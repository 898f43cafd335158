/// The `add("host", "sha256/…", …)` calls of OkHttp's `CertificatePinner.Builder` in Kotlin or Java
/// source: a small lexer that knows comments, string literals (with escapes, Kotlin raw strings and
/// templates) and nested parentheses, and nothing else of either language.
///
/// A call is a pinner call when one of its arguments is a string literal starting `sha256/` or
/// `sha1/`; every argument of such a call must then be a literal, since pinhash cannot follow a
/// variable or a template.
struct OkHttpPinCalls {
    /// One `add(…)` call: the host pattern, the pins as written and the 1-based line of `add`.
    struct Call: Sendable, Hashable {
        var pattern: String
        var pins: [String]
        var line: Int
    }

    /// One argument: the value of a plain literal, or nil for anything else (a variable, a template).
    private struct Argument {
        var literal: String?
        var text: String
    }

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1

    /// The pinner calls in `source`, in order. Throws, naming the line, for an unterminated comment,
    /// string or call, and for a pinner call with an argument that is not a plain string literal.
    static func calls(in source: String) throws(PinHashError) -> [Call] {
        var scanner = OkHttpPinCalls(bytes: Array(source.utf8))
        return try scanner.scan()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }

    private mutating func advance() {
        if bytes[index] == UInt8(ascii: "\n") { line += 1 }
        index += 1
    }

    private static func isIdentifier(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: "$") || byte >= 0x80
    }

    private mutating func scan() throws(PinHashError) -> [Call] {
        var calls: [Call] = []
        while let byte = current {
            if try skipCommentOrLiteral() { continue }
            guard Self.isIdentifier(byte) else {
                advance()
                continue
            }
            let start = index
            let startLine = line
            while let next = current, Self.isIdentifier(next) { advance() }
            guard bytes[start..<index].elementsEqual("add".utf8),
                start == 0 || !Self.isIdentifier(bytes[start - 1])
            else { continue }
            var look = index
            while look < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[look]) { look += 1 }
            guard look < bytes.count, bytes[look] == UInt8(ascii: "(") else { continue }
            while index < look { advance() }
            advance()
            let arguments = try readArguments(from: startLine)
            guard
                arguments.contains(where: {
                    // The text, not the value: a template "sha256/$pin" is a pin too, and is refused below.
                    let lowered = $0.text.lowercased()
                    return lowered.hasPrefix("\"sha256/") || lowered.hasPrefix("\"sha1/")
                })
            else { continue }
            if let nonLiteral = arguments.first(where: { $0.literal == nil }) {
                throw PinHashError(
                    .unsupportedInput,
                    "line \(startLine): CertificatePinner add( has an argument that is not a string literal "
                        + "(\(Self.shortened(nonLiteral.text))); only literal hosts and pins can be read")
            }
            calls.append(
                Call(
                    pattern: arguments[0].literal!, pins: arguments.dropFirst().map { $0.literal! },
                    line: startLine))
        }
        return calls
    }

    private static func shortened(_ text: String) -> String {
        text.count > 40 ? "\(text.prefix(37))..." : text
    }

    /// Skips a comment, or a literal outside a call; true when it did.
    private mutating func skipCommentOrLiteral() throws(PinHashError) -> Bool {
        guard let byte = current else { return false }
        if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") {
            while let next = current, next != UInt8(ascii: "\n") { advance() }
            return true
        }
        if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "*") {
            let startLine = line
            advance()
            advance()
            while current != nil, !(current == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) {
                advance()
            }
            guard current != nil else {
                throw PinHashError(.malformedInput, "line \(startLine): a /* comment is never closed")
            }
            advance()
            advance()
            return true
        }
        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            _ = try readLiteral()
            return true
        }
        return false
    }

    /// Reads a "…", """…""" or '…' literal at `index`: its value, or nil when it holds a `$` template.
    private mutating func readLiteral() throws(PinHashError) -> String? {
        let startLine = line
        let quote = current!
        let isRaw = quote == UInt8(ascii: "\"") && peek(1) == quote && peek(2) == quote
        for _ in 0..<(isRaw ? 3 : 1) { advance() }
        var value: [UInt8] = []
        var isTemplate = false
        while true {
            guard let byte = current, isRaw || byte != UInt8(ascii: "\n") else {
                throw PinHashError(.malformedInput, "line \(startLine): a string literal is never closed")
            }
            if isRaw, byte == quote, peek(1) == quote, peek(2) == quote {
                for _ in 0..<3 { advance() }
                break
            }
            if !isRaw, byte == quote {
                advance()
                break
            }
            if !isRaw, byte == UInt8(ascii: "\\"), let escaped = peek(1) {
                advance()
                advance()
                switch escaped {
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "t"): value.append(0x09)
                case UInt8(ascii: "u"): isTemplate = true  // a \u escape in a pin or host: not read, refused
                default: value.append(escaped)
                }
                continue
            }
            if byte == UInt8(ascii: "$"), quote == UInt8(ascii: "\""),
                let next = peek(1), next == UInt8(ascii: "{") || Self.isIdentifier(next)
            {
                isTemplate = true
            }
            value.append(byte)
            advance()
        }
        return isTemplate ? nil : String(decoding: value, as: UTF8.self)
    }

    /// The arguments up to the closing parenthesis, split at top-level commas.
    private mutating func readArguments(from startLine: Int) throws(PinHashError) -> [Argument] {
        var arguments: [Argument] = []
        var depth = 0
        var text = ""
        var literals: [String?] = []
        var hasOther = false
        func finish() {
            let trimmed = text.filter { !$0.isWhitespace }
            if !trimmed.isEmpty || !literals.isEmpty {
                let literal = literals.count == 1 && !hasOther ? literals[0] : nil
                arguments.append(Argument(literal: literal, text: text.trimmingCharactersWhiteSpace))
            }
            text = ""
            literals = []
            hasOther = false
        }
        while true {
            guard let byte = current else {
                throw PinHashError(.malformedInput, "line \(startLine): the add( call is never closed")
            }
            if byte == UInt8(ascii: "/"), peek(1) == UInt8(ascii: "/") || peek(1) == UInt8(ascii: "*") {
                _ = try skipCommentOrLiteral()
                continue
            }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                let start = index
                let value = try readLiteral()
                text += String(decoding: bytes[start..<index], as: UTF8.self)
                if depth == 0 { literals.append(value) } else { hasOther = true }
                continue
            }
            advance()
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                hasOther = true
            case UInt8(ascii: ")") where depth == 0:
                finish()
                return arguments
            case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            case UInt8(ascii: ",") where depth == 0:
                finish()
                continue
            case 0x20, 0x09, 0x0A, 0x0D:
                break
            default:
                hasOther = true
            }
            text += String(decoding: [byte], as: UTF8.self)
        }
    }
}

extension String {
    fileprivate var trimmingCharactersWhiteSpace: String {
        PinSpelling.trimmed(Substring(self)).description
    }
}
