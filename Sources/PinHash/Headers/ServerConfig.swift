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
