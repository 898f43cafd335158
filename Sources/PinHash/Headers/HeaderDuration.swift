/// Durations in the words a person reads at a glance: `5 minutes`, `1 day`, `60 days`, `1 year`.
enum HeaderDuration {
    static func describe(seconds: UInt64) -> String {
        let units: [(UInt64, String)] = [
            (31_536_000, "year"), (86_400, "day"), (3_600, "hour"), (60, "minute"), (1, "second"),
        ]
        if seconds == 0 { return "0 seconds" }
        for (size, name) in units where seconds >= size && (seconds % size == 0 || size <= 86_400) {
            let count = seconds / size
            let exact = seconds % size == 0
            return "\(exact ? "" : "about ")\(count) \(name)\(count == 1 ? "" : "s")"
        }
        return "\(seconds) seconds"
    }
}
