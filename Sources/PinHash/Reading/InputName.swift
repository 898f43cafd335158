/// The name of an input as a caller gives it: a path, or `-` for standard input.
public enum InputName {
    /// The name that stands for standard input: `-`.
    public static let standardInput = "-"

    /// Whether `name` stands for standard input.
    public static func isStandardInput(_ name: String) -> Bool { name == standardInput }

    /// The input's name for messages: `standard input` for `-`, any other name as it was given.
    public static func displayName(of name: String) -> String {
        isStandardInput(name) ? "standard input" : name
    }
}
