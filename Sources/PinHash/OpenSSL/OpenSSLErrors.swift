internal import CPinhashOpenSSL

/// OpenSSL's error queue, cleared before each call into OpenSSL and drained after it.
package enum OpenSSLErrors {
    package static func clear() { ERR_clear_error() }

    /// Runs `body`, which calls into OpenSSL, with the queue cleared before and after it, so that no reason
    /// left by one call ends up in the message of another. `body` drains what it throws about.
    package static func isolating<Result, Failure: Error>(_ body: () throws(Failure) -> Result)
        throws(Failure)
        -> Result
    {
        ERR_clear_error()
        defer { ERR_clear_error() }
        return try body()
    }

    /// The reason strings queued since the last `clear()`, oldest first, and empties the queue.
    package static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let text = ERR_reason_error_string(code) { reasons.append(String(cString: text)) }
        }
        return reasons
    }

    /// The most specific reason queued, for the end of an error message: ` (bad decrypt)`.
    package static func drainedSuffix() -> String {
        guard let reason = drain().last else { return "" }
        return " (\(reason))"
    }

    /// An OpenSSL failure that no input causes, with the queued reason.
    package static func internalFailure(_ what: String) -> PinHashError {
        PinHashError(.internalFailure, "\(what)\(drainedSuffix())")
    }
}
