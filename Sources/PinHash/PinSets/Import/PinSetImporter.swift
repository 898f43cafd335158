/// Turns the pinning configurations apps and servers already have into a ``PinSet``: pure functions
/// from bytes to a value, the format told from the content unless given.
///
/// ```swift
/// let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: "network_security_config.xml")))
/// let pins = try PinSetImporter.import(bytes, name: "network_security_config.xml")
/// ```
///
/// What each format gives:
/// - Android: each `<domain>` of a `<domain-config>` whose `<pin-set>` (its own, or the one a nested
///   config inherits) is not empty is a host; `includeSubdomains`, `expiration` kept.
/// - iOS `NSPinnedDomains`: each domain a host; `NSPinnedLeafIdentities` give leaf pins,
///   `NSPinnedCAIdentities` pins of role intermediate (a CA key, place in the chain unknown).
/// - TrustKit `TSKPinnedDomains`: hashes, `TSKIncludeSubdomains`, `TSKExpirationDate`, `TSKReportUris`,
///   `TSKEnforcePinning` (false is report-only; absent is TrustKit's default, enforce).
/// - OkHttp: `add("host", pins…)`; `**.example.com` (the name and every subdomain) is `example.com`
///   with subdomains; `*.example.com` (exactly one more label in OkHttp) is widened to the same, with
///   a note, since a pin set has no one-level pattern. Adds for one pattern are merged.
/// - Public-Key-Pins headers: `includeSubDomains`, `report-uri`, `-Report-Only`; max-age is dropped.
/// - TLSA: host and port from `_PORT._tcp.HOST`; usage 1 and 3 give leaf pins, 0 and 2 intermediate;
///   records that carry no SPKI SHA-256 (selector 0, matching type 2) are skipped with a note.
/// - curl, Chrome: the pins only.
/// Headers, curl and Chrome name no host: one must be given (`hostRequired` otherwise).
///
/// Errors name the input and, where it has lines, the line: `app.kt: line 12: 'sha1/…' is a SHA-1 pin…`.
public enum PinSetImporter {
    /// The largest configuration read: far above any real one, and bounded for hostile input.
    public static let maximumSize = 4 << 20

    /// The pin set of `bytes`; see ``read(_:format:name:host:port:)``.
    public static func `import`(
        _ bytes: [UInt8], format: PinSetImportFormat? = nil, name: String, host: String? = nil,
        port: Int = 443
    ) throws(PinHashError) -> PinSet {
        try read(bytes, format: format, name: name, host: host, port: port).pinSet
    }

    /// The pin set of the configuration in `bytes` and notes on how it was read.
    ///
    /// - Parameters:
    ///   - format: the format, or nil to tell it from the content.
    ///   - name: the input's name, for errors and for each pin's `source` (`NAME:LINE`).
    ///   - host: the host of formats that name none (headers, curl, Chrome); ignored by the others.
    ///   - port: the port of those hosts.
    public static func read(
        _ bytes: [UInt8], format: PinSetImportFormat? = nil, name: String, host: String? = nil,
        port: Int = 443
    ) throws(PinHashError) -> PinSetImport {
        do throws(PinHashError) {
            guard bytes.count <= maximumSize else {
                throw PinHashError(.inputTooLarge, "is larger than \(maximumSize >> 20) MiB")
            }
            let formats = format.map { [$0] } ?? PinSetImportFormat.detect(bytes)
            guard !formats.isEmpty else {
                throw PinHashError(
                    .unsupportedInput,
                    "is none of the configurations pin sets are imported from (Android network security config, "
                        + "Info.plist, TrustKit, OkHttp source, Public-Key-Pins headers, TLSA records, curl or "
                        + "Chrome pin lists)")
            }
            var builder = PinSetBuilder(source: name)
            for format in formats {
                try read(bytes, format: format, host: host, port: port, into: &builder)
            }
            if builder.hosts.isEmpty {
                let what = formats.map(\.rawValue).joined(separator: " or ")
                throw PinHashError(.malformedInput, "holds no pinned host (read as \(what))")
            }
            return PinSetImport(pinSet: PinSet(hosts: builder.hosts), notes: builder.notes, formats: formats)
        } catch {
            throw error.naming(name)
        }
    }

    /// One pin set of several imported ones: hosts with the same name, port and subdomain rule merged
    /// (each pin once, the first expiration and enforcement kept), in the order first seen.
    public static func merged(_ pinSets: [PinSet]) -> PinSet {
        var builder = PinSetBuilder(source: "")
        for host in pinSets.flatMap(\.hosts) { builder.merge(host) }
        return PinSet(hosts: builder.hosts)
    }

    /// Reads the file at `path` (`-` for standard input) and imports it; errors name the file.
    public static func read(
        fileAt path: String, format: PinSetImportFormat? = nil, host: String? = nil, port: Int = 443
    ) throws(PinHashError) -> PinSetImport {
        let bytes: [UInt8]
        do throws(PinHashError) {
            let source = try ByteSource.open(path)
            try source.readAll(limit: maximumSize, what: "the configuration")
            bytes = Array(source.buffer[source.start...])
        } catch {
            throw error.naming(path)
        }
        return try read(bytes, format: format, name: path, host: host, port: port)
    }

    private static func read(
        _ bytes: [UInt8], format: PinSetImportFormat, host: String?, port: Int,
        into builder: inout PinSetBuilder
    ) throws(PinHashError) {
        switch format {
        case .android: try AndroidNetworkSecurityConfig.read(bytes, into: &builder)
        case .ios: try PropertyListPinSets.readPinnedDomains(bytes, into: &builder)
        case .trustkit: try PropertyListPinSets.readTrustKit(bytes, into: &builder)
        default:
            guard !bytes.contains(0) else {
                throw PinHashError(.malformedInput, "is not text (it holds NUL bytes)")
            }
            var text = String(decoding: bytes, as: UTF8.self)
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            switch format {
            case .okhttp: try readOkHttp(text, into: &builder)
            case .tlsa: try readTLSA(text, into: &builder)
            case .hpkp: try readHeaders(text, host: host, port: port, into: &builder)
            case .curl, .chrome: try readList(text, format: format, host: host, port: port, into: &builder)
            case .android, .ios, .trustkit: break
            }
        }
    }

    private static func readOkHttp(_ text: String, into builder: inout PinSetBuilder) throws(PinHashError) {
        for call in try OkHttpPinCalls.calls(in: text) {
            do throws(PinHashError) {
                var pattern = call.pattern
                var includesSubdomains = false
                if pattern.hasPrefix("**.") {
                    pattern.removeFirst(3)
                    includesSubdomains = true
                } else if pattern.hasPrefix("*.") {
                    pattern.removeFirst(2)
                    includesSubdomains = true
                    builder.note(
                        call.line,
                        "\(call.pattern) (one label below \(pattern) in OkHttp) is imported as \(pattern) with "
                            + "every subdomain, which a pin set can say")
                }
                var entries: [PinSetEntry] = []
                for text in call.pins {
                    let (pin, spelling) = try PinSpelling.read(text)
                    guard spelling == .okhttp else {
                        throw PinSpelling.rejection(text, "is not a pin OkHttp takes: it takes sha256/BASE64")
                    }
                    entries.append(builder.entry(pin, line: call.line))
                }
                try builder.add(
                    PinnedHost(name: try hostName(pattern), includesSubdomains: includesSubdomains), entries)
            } catch {
                throw error.atLine(call.line)
            }
        }
    }

    private static func readTLSA(_ text: String, into builder: inout PinSetBuilder) throws(PinHashError) {
        var origin: String?
        var owner: String?
        var pending: (line: Int, text: String)?
        for (index, rawLine) in lines(text).enumerated() {
            var lineNumber = index + 1
            var line = Substring(rawLine)
            if let comment = line.firstIndex(of: ";") { line = line[..<comment] }
            // A record in parentheses runs over several lines: join them.
            if var joined = pending {
                joined.text += " " + line
                guard line.contains(")") else {
                    pending = joined
                    continue
                }
                pending = nil
                lineNumber = joined.line  // a record is where it starts
                line = Substring(joined.text.filter { $0 != "(" && $0 != ")" })
            } else if line.contains("("), !line.contains(")") {
                pending = (lineNumber, String(line))
                continue
            } else {
                line = Substring(line.filter { $0 != "(" && $0 != ")" })
            }
            let trimmed = PinSpelling.trimmed(line)
            if trimmed.uppercased().hasPrefix("$ORIGIN") {
                origin = trimmed.split(separator: " ").dropFirst().first.map { String($0) }
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix("$") { continue }
            do throws(PinHashError) {
                guard
                    let (record, recordOwner) = try TLSARecord.parse(
                        line: line, origin: origin, previousOwner: owner)
                else {
                    if let first = line.first, first != " ", first != "\t" {
                        owner = trimmed.split(separator: " ").first.map { String($0) }
                    }
                    continue
                }
                owner = recordOwner
                guard let host = record.host, let port = record.port else {
                    throw PinHashError(
                        .malformedInput,
                        "the owner name \(recordOwner ?? "(none)") is not _PORT._tcp.HOST, so it names no server"
                    )
                }
                let pin: Pin
                do {
                    pin = try record.data.pin()
                } catch  where error.code == .unsupportedInput {
                    builder.note(lineNumber, "skipped: \(error.reason)")
                    continue
                }
                let role: PinSetRole = record.data.isEndEntity ? .leaf : .intermediate
                try builder.add(
                    PinnedHost(name: try hostName(host), port: port),
                    [builder.entry(pin, line: lineNumber, role: role)])
            } catch {
                throw error.atLine(lineNumber)
            }
        }
        if let pending {
            throw PinHashError(.malformedInput, "line \(pending.line): the record's ( is never closed")
        }
    }

    private static func readHeaders(
        _ text: String, host: String?, port: Int, into builder: inout PinSetBuilder
    )
        throws(PinHashError)
    {
        for (index, line) in lines(text).enumerated() {
            let lineNumber = index + 1
            let trimmed = PinSpelling.trimmed(Substring(line))
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            do throws(PinHashError) {
                guard let header = ConfiguredHeader(line: trimmed) else {
                    if trimmed.hasPrefix("<") { continue }  // the rest of IIS's <httpProtocol> block
                    throw PinHashError(.malformedInput, "is not a header line")
                }
                let name = header.name.lowercased()
                guard name == "public-key-pins" || name == "public-key-pins-report-only" else {
                    if header.syntax == .iis || header.syntax == .raw { continue }
                    throw PinHashError(.malformedInput, "sets \(header.name), not Public-Key-Pins")
                }
                let (directives, findings) = HeaderDirectiveParser.parse(header.value, grammar: .rfc7469)
                if let error = findings.first(where: { $0.severity == .error }) {
                    throw PinHashError(.malformedInput, error.message)
                }
                var pinned = PinnedHost(
                    name: try hostName(try requiredHost(host, "a Public-Key-Pins header")), port: port,
                    enforcement: name.hasSuffix("report-only") ? .reportOnly : .enforce)
                var entries: [PinSetEntry] = []
                for directive in directives {
                    switch directive.lowercasedName {
                    case "includesubdomains": pinned.includesSubdomains = true
                    case "report-uri": pinned.reportURIs.append(directive.value ?? "")
                    case let other where other.hasPrefix("pin-"):
                        let pin = try PinSpelling.pin(
                            parsing: "\(directive.name)=\"\(directive.value ?? "")\"")
                        entries.append(builder.entry(pin, line: lineNumber))
                    default: break
                    }
                }
                try builder.add(pinned, entries)
            } catch {
                throw error.atLine(lineNumber)
            }
        }
    }

    /// curl's `sha256//A;sha256//B` or Chrome's `A,B`, alone or after the option that takes it; a curl
    /// command line's https URL gives the host.
    private static func readList(
        _ text: String, format: PinSetImportFormat, host: String?, port: Int,
        into builder: inout PinSetBuilder
    ) throws(PinHashError) {
        let option = format == .curl ? "--pinnedpubkey" : "--ignore-certificate-errors-spki-list"
        for (index, line) in lines(text).enumerated() {
            let lineNumber = index + 1
            var value = PinSpelling.trimmed(Substring(line))
            if value.isEmpty || value.hasPrefix("#") { continue }
            do throws(PinHashError) {
                var urlHost: String?
                if let found = value.firstRange(of: option) {
                    let words = value[found.upperBound...].drop { $0 == "=" || $0 == " " }
                    urlHost = Self.urlHost(in: value)
                    value = words.prefix { $0 != " " }
                    value = Substring(value.filter { $0 != "'" && $0 != "\"" })
                }
                var entries: [PinSetEntry] = []
                for item in value.split(separator: format == .curl ? ";" : ",").map(PinSpelling.trimmed)
                where !item.isEmpty {
                    let (pin, spelling) = try PinSpelling.read(String(item))
                    guard spelling == (format == .curl ? .curl : .base64) else {
                        throw PinSpelling.rejection(
                            item,
                            format == .curl
                                ? "is not a pin curl takes: it takes sha256//BASE64"
                                : "is not a pin Chrome takes: it takes bare base64")
                    }
                    entries.append(builder.entry(pin, line: lineNumber))
                }
                let name = try requiredHost(
                    urlHost ?? host, format == .curl ? "a curl pin list" : "a Chrome SPKI list")
                try builder.add(PinnedHost(name: try hostName(name), port: port), entries)
            } catch {
                throw error.atLine(lineNumber)
            }
        }
    }

    /// The host of the first `https://HOST[:PORT]/…` word.
    private static func urlHost(in text: Substring) -> String? {
        guard let start = text.firstRange(of: "https://") else { return nil }
        let rest = text[start.upperBound...].prefix { $0 != "/" && $0 != " " && $0 != "'" && $0 != "\"" }
        if rest.hasPrefix("[") { return rest.firstIndex(of: "]").map { String(rest[...$0]) } }
        return String(rest.prefix { $0 != ":" })
    }

    private static func requiredHost(_ host: String?, _ what: String) throws(PinHashError) -> String {
        guard let host else {
            throw PinHashError(.hostRequired, "\(what) names no host: give the host it is for")
        }
        return host
    }

    /// A host as pin sets hold it: lower case, no trailing dot, a DNS name or an IP address.
    static func hostName(_ text: String) throws(PinHashError) -> String {
        var text = text
        if text.hasSuffix("."), text.count > 1 { text.removeLast() }
        return try PinFormatHost(text).text
    }

    /// The lines of `text`, split on the byte so that CRLF lines are one line each.
    static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map {
            var line = String(decoding: $0, as: UTF8.self)
            if line.hasSuffix("\r") { line.removeLast() }
            return line
        }
    }
}

extension PinHashError {
    /// The same error at `line` of the input, unless its reason names a line already.
    func atLine(_ line: Int) -> PinHashError {
        guard !reason.hasPrefix("line ") else { return self }
        return PinHashError(code, "line \(line): \(reason)", source: source, remedy: remedy)
    }
}
