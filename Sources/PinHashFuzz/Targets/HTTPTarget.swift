import PinHashLive

/// HTTP response heads as a server sends them: the status line must be read or refused, and no field may
/// carry a control character to the terminal.
enum HTTPTarget {
    static func run(_ bytes: [UInt8]) {
        do {
            let head = try HTTPResponseHead(parsing: bytes)
            require(head.statusCode >= 100 && head.statusCode <= 999, "status \(head.statusCode)")
            for field in head.fields {
                require(
                    !hasControlCharacterBesidesTab(field.name + field.value),
                    "control character in \(field.name)")
            }
            _ = head.text
        } catch {
            require(!error.reason.isEmpty, "empty error reason")
            require(!hasControlCharacter(error.reason), "control character in error: \(error.reason)")
        }
    }
}
