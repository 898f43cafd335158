/// The name of an input as a caller gives it: a path, or `-` for standard input.
public enum InputName {
    /// The name that stands for standard input: `-`.
    public static let standardInput = "-"

    /// Whether `name` stands for standard input.
    public static func isStandardInput(_ name: String) -> Bool { name == standardInput }

    /// The input's name for messages: `standard input` for `-`, any other name as it was given but with
    /// its control characters escaped (`\n`, `\t`, `\x1b`), so that a name cannot start a line of its own
    /// or reach the terminal.
    public static func displayName(of name: String) -> String {
        isStandardInput(name) ? "standard input" : escapingControlCharacters(name)
    }

    /// `name` with each C0 control character and DEL written as `\n`, `\r`, `\t` or `\xHH`.
    public static func escapingControlCharacters(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return name }
        var out = ""
        for scalar in name.unicodeScalars {
            switch scalar.value {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F:
                let hex = String(scalar.value, radix: 16)
                out += "\\x" + (hex.count == 1 ? "0" : "") + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
