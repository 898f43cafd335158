import PinHash

/// A file of servers to check, one `HOST[:PORT]` a line (`[IPv6]:PORT` for an address with a port);
/// `#` starts a comment, blank lines are skipped.
public enum HostList {
    /// At most 1 MiB: a list of tens of thousands of hosts.
    public static let maximumSize = 1 << 20

    /// The servers in `text`, in order; errors name the line.
    public static func servers(in text: String, defaultPort: Int) throws(PinHashError) -> [ServerAddress] {
        try entries(in: text) { entry throws(PinHashError) in
            try ServerAddress(parsing: entry, defaultPort: defaultPort)
        }
    }

    /// The sites in `text`, one `https://` URL or `HOST[:PORT]` (its root over HTTPS) a line, in order;
    /// errors name the line.
    public static func siteURLs(in text: String) throws(PinHashError) -> [HTTPURL] {
        try entries(in: text) { entry throws(PinHashError) in
            let url = try HTTPURL(parsing: entry)
            guard url.scheme == .https else {
                throw PinHashError(
                    .invalidArgument, "'\(InputName.escapingControlCharacters(entry))' is not https://")
            }
            return url
        }
    }

    /// The sites of the file at `path` (`-` reads standard input); errors name the file.
    public static func siteURLs(inFileAt path: String) throws(PinHashError) -> [HTTPURL] {
        do throws(PinHashError) {
            return try siteURLs(in: try text(ofFileAt: path))
        } catch {
            throw error.naming(path)
        }
    }

    /// Each entry of `text` (comments and blank lines left out) read by `read`; errors name the line.
    private static func entries<T>(in text: String, _ read: (String) throws(PinHashError) -> T)
        throws(PinHashError) -> [T]
    {
        var items: [T] = []
        for (number, rawLine) in text.utf8.split(
            separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false
        )
        .enumerated() {
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if let comment = line.firstIndex(of: "#") { line = line[..<comment] }
            let trimmed = line.trimmingPrefix(while: { $0 == " " || $0 == "\t" || $0 == "\r" })
            let entry = String(
                trimmed.reversed().trimmingPrefix(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed()
            )
            guard !entry.isEmpty else { continue }
            do {
                items.append(try read(entry))
            } catch {
                throw PinHashError(error.code, "line \(number + 1): \(error.reason)")
            }
        }
        return items
    }

    private static func text(ofFileAt path: String) throws(PinHashError) -> String {
        let bytes = try InputFile.contents(ofFileAt: path, limit: maximumSize, what: "the host list")
        guard !bytes.contains(0) else {
            throw PinHashError(.malformedInput, "is not text (it holds NUL bytes)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The servers of the file at `path` (`-` reads standard input); errors name the file.
    public static func servers(inFileAt path: String, defaultPort: Int) throws(PinHashError)
        -> [ServerAddress]
    {
        do throws(PinHashError) {
            let bytes = try InputFile.contents(ofFileAt: path, limit: maximumSize, what: "the host list")
            guard !bytes.contains(0) else {
                throw PinHashError(.malformedInput, "is not text (it holds NUL bytes)")
            }
            return try servers(in: String(decoding: bytes, as: UTF8.self), defaultPort: defaultPort)
        } catch {
            throw error.naming(path)
        }
    }
}
