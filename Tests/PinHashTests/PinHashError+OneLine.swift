import PinHash

extension PinHashError {
    /// Whether the error reads as one line of text a person can act on.
    var isOneNonEmptyLine: Bool {
        !reason.isEmpty && !reason.contains("\n") && !reason.contains("\r")
    }
}
