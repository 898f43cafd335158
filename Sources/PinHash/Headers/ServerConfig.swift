/// How a web server's configuration sets a response header.
public enum ServerSyntax: String, Sendable, Hashable, CaseIterable {
    /// The header line itself: `Name: value`.
    case raw
    /// Apache httpd mod_headers: `Header always set Name "value"`, for a config include, a
    /// `<VirtualHost>`, or an SME Server template fragment.
    case apache
    /// nginx: `add_header Name 'value' always;`, for a `server` or `location` block.
    case nginx
    /// IIS: the `<httpProtocol><customHeaders>` block of `web.config`'s `<system.webServer>`.
    case iis

    /// The configuration text that makes the server send `name: value`.
    ///
    /// Throws when the value holds something this syntax cannot carry: a control character anywhere,
    /// a `$` for nginx (it starts a variable and has no escape), a backslash or `${` for Apache.
    public func line(name: String, value: String) throws(PinHashError) -> String {
        for byte in name.utf8 where !HeaderDirectiveParser.isTokenCharacter(byte) {
            throw .invalidArgument("\"\(name)\" is not a header name", fix: "use letters, digits and -")
        }
        if let control = value.utf8.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            throw .invalidArgument(
                "the header value holds control character \(control), which no header may carry",
                fix: "remove it")
        }
        switch self {
        case .raw:
            return "\(name): \(value)"
        case .apache:
            if value.contains("\\") {
                throw .invalidArgument(
                    "the value holds a backslash, which Apache's config and mod_headers both rewrite",
                    fix: "percent-encode it as %5C")
            }
            if value.contains("${") {
                throw .invalidArgument(
                    "the value holds ${, which Apache replaces with a Define'd variable",
                    fix: "percent-encode the $ as %24")
            }
            // The config parser turns \" into "; mod_headers reads % as the start of a format tag and %% as %.
            return "Header always set \(name) \"\(Self.escapeForApache(value))\""
        case .nginx:
            if value.contains("$") {
                throw .invalidArgument(
                    "the value holds a $, which nginx reads as the start of a variable and cannot escape",
                    fix: "percent-encode it as %24")
            }
            return "add_header \(name) '\(Self.escapeForNginx(value))' always;"
        case .iis:
            return """
                <httpProtocol>
                  <customHeaders>
                    <add name="\(name)" value="\(Self.escapeForXMLAttribute(value))" />
                  </customHeaders>
                </httpProtocol>
                """
        }
    }

    static func escapeForApache(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "\"": out += "\\\""
            case "%": out += "%%"
            default: out.append(character)
            }
        }
        return out
    }

    /// nginx resolves `\'` and `\\` inside a single-quoted string.
    static func escapeForNginx(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "'": out += "\\'"
            case "\\": out += "\\\\"
            default: out.append(character)
            }
        }
        return out
    }

    static func escapeForXMLAttribute(_ value: String) -> String {
        var out = ""
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A header that a line of server configuration sets: the reverse of ``ServerSyntax/line(name:value:)``.
public struct ConfiguredHeader: Sendable, Hashable {
    public var syntax: ServerSyntax
    public var name: String
    /// The value with the syntax's escapes undone.
    public var value: String

    /// The header set by `line` in any ``ServerSyntax`` (for IIS, the `<add name="…" value="…" />` line of
    /// its block); nil when the line sets no header in a form this reads.
    public init?(line: some StringProtocol) {
        let text = String(line).trimmingWhiteSpace
        if let rest = text.droppingPrefix(caseInsensitive: "Header "),
            let parsed = Self.apache(rest.trimmingWhiteSpace)
        {
            self.init(syntax: .apache, name: parsed.name, value: parsed.value)
        } else if let rest = text.droppingPrefix(caseInsensitive: "add_header "),
            let parsed = Self.nginx(rest.trimmingWhiteSpace)
        {
            self.init(syntax: .nginx, name: parsed.name, value: parsed.value)
        } else if text.hasPrefix("<add "), let parsed = Self.iis(text) {
            self.init(syntax: .iis, name: parsed.name, value: parsed.value)
        } else if let colon = text.firstIndex(of: ":"), !text[..<colon].isEmpty,
            text[..<colon].utf8.allSatisfy(HeaderDirectiveParser.isTokenCharacter)
        {
            self.init(
                syntax: .raw, name: String(text[..<colon]),
                value: String(text[text.index(after: colon)...]).trimmingWhiteSpace)
        } else {
            return nil
        }
    }

    private init(syntax: ServerSyntax, name: String, value: String) {
        self.syntax = syntax
        self.name = name
        self.value = value
    }

    /// `[always] set NAME "VALUE"` (or `append`), with `\"` and `%%` undone.
    private static func apache(_ text: String) -> (name: String, value: String)? {
        var words = Substring(text)
        if let rest = words.droppingPrefix(caseInsensitive: "always ") {
            words = Substring(rest.trimmingWhiteSpace)
        }
        guard
            let rest = words.droppingPrefix(caseInsensitive: "set ")
                ?? words.droppingPrefix(caseInsensitive: "append ")
        else { return nil }
        let trimmed = Substring(rest.trimmingWhiteSpace)
        guard let space = trimmed.firstIndex(of: " ") else { return nil }
        let name = String(trimmed[..<space])
        let quoted = trimmed[space...].drop { $0 == " " }
        guard quoted.first == "\"", let value = unescape(quoted.dropFirst(), closing: "\"") else {
            return nil
        }
        return (name, value.replacingPercentPercent)
    }

    /// `NAME 'VALUE' always;` (or a double-quoted value), with `\'`, `\"` and `\\` undone.
    private static func nginx(_ text: String) -> (name: String, value: String)? {
        guard let space = text.firstIndex(of: " ") else { return nil }
        let name = String(text[..<space])
        let quoted = text[space...].drop { $0 == " " }
        guard let quote = quoted.first, quote == "'" || quote == "\"",
            let value = unescape(quoted.dropFirst(), closing: quote)
        else { return nil }
        return (name, value)
    }

    /// `<add name="NAME" value="VALUE" />`, with XML's five entities undone.
    private static func iis(_ text: String) -> (name: String, value: String)? {
        func attribute(_ attribute: String) -> String? {
            guard let start = text.firstRange(of: " \(attribute)=\"") else { return nil }
            let rest = text[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            return String(rest[..<end])
                .replacing("&quot;", with: "\"").replacing("&apos;", with: "'").replacing("&lt;", with: "<")
                .replacing("&gt;", with: ">").replacing("&amp;", with: "&")
        }
        guard let name = attribute("name"), let value = attribute("value") else { return nil }
        return (name, value)
    }

    /// The text up to the unescaped `closing` quote, with backslash escapes undone; nil without one.
    private static func unescape(_ text: Substring, closing: Character) -> String? {
        var out = ""
        var escaped = false
        for character in text {
            if escaped {
                out.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == closing {
                return out
            } else {
                out.append(character)
            }
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate var trimmingWhiteSpace: String { HeaderField.trimmingWhiteSpace(Substring(self)) }

    fileprivate func droppingPrefix(caseInsensitive prefix: String) -> SubSequence? {
        guard count >= prefix.count, self.prefix(prefix.count).lowercased() == prefix.lowercased() else {
            return nil
        }
        return dropFirst(prefix.count)
    }

    fileprivate var replacingPercentPercent: String { String(self).replacing("%%", with: "%") }
}
