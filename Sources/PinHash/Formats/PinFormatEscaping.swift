/// Writes text into the languages pin formats produce, so that any subject, file name or host comes out
/// as data, never as markup or code. Non-ASCII text stays UTF-8 in every one of them.
package enum PinFormatEscaping {
    /// Text for XML character data or a double-quoted attribute value. Tabs and line ends become
    /// character references (a parser would otherwise normalise them); characters XML 1.0 cannot carry
    /// even as a reference (other C0 controls, U+FFFE, U+FFFF) become U+FFFD.
    package static func xml(_ text: String) -> String {
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(isXMLCharacter(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    /// Text for inside `<!-- … -->`, where references mean nothing: one line, with no `--` (which would
    /// end or break the comment), no `-` at the end, and only characters XML allows.
    static func xmlComment(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\t", "\n", "\r": out.append(" ")
            case "-" where out.last == "-":
                out.append(" ")
                out.append("-")
            default: out.append(isXMLCharacter(scalar) ? scalar : "\u{FFFD}")
            }
        }
        if out.last == "-" { out.append(" ") }
        return String(out)
    }

    /// A JSON string literal, quotes included (RFC 8259): `"` and `\` escaped, every control character
    /// as `\n`-style or `\u00XX` escapes, and U+2028/U+2029 escaped too so the text is also valid
    /// JavaScript.
    package static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}", "\u{2029}": out += unicodeEscape(scalar)
            default:
                if scalar.value < 0x20 {
                    out += unicodeEscape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A Kotlin string literal, quotes included: `"`, `\` and `$` (which would start a template) escaped,
    /// control characters as escapes.
    static func kotlinString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "$": out += "\\$"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                    || scalar == "\u{2028}" || scalar == "\u{2029}"
                {
                    out += unicodeEscape(scalar)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A Java string literal, quotes included: `"` and `\` escaped, control characters as octal escapes.
    /// Never `\uXXXX`: Java turns those into characters before it reads the literal, so `\u000a` would
    /// end the line inside it.
    static func javaString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    // Three digits always, so that a digit after it is not read as part of the escape.
                    let octal = String(scalar.value, radix: 8)
                    out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Text for a `//` comment in Java or Kotlin: one line, control characters and Unicode line and
    /// paragraph separators as spaces, and no `\u` (which Java would decode even in a comment).
    static func lineComment(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7F, 0x85, 0x2028, 0x2029: out.append(" ")
            case 0x75 where out.last == "\\":
                out.append(" ")
                out.append(scalar)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    /// XML 1.0's `Char` production.
    private static func isXMLCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    /// `\uXXXX` for a scalar in the Basic Multilingual Plane.
    private static func unicodeEscape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
