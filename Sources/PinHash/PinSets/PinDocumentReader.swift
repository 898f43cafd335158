/// Reads the pins of a text that holds many: a hand-written pin list, or a document `pinhash` printed
/// in any of its formats (every ``PinFormat``, and the header lines of every ``ServerSyntax``).
///
/// Line by line, each pin spelled as ``PinSpelling`` reads it:
/// - blank lines are skipped; `#` starts a comment on a pin-list line;
/// - `<!-- … -->` comments and markup lines are skipped, except the pins they carry:
///   `<pin digest="SHA-256">…</pin>` (Android), `<string>…</string>` (iOS) and an IIS
///   `<add name="Public-Key-Pins" value="…" />`;
/// - the `pinSha256Base64` members of JSON (the other members, and JSON's brackets, are skipped);
/// - `Public-Key-Pins` and `Public-Key-Pins-Report-Only` header lines, raw or in Apache's or nginx's
///   syntax: their `pin-sha256` directives;
/// - OkHttp's `CertificatePinner.Builder()`, `.add("host", "sha256/…")` and `.build()` lines;
/// - TLSA records (`_443._tcp.HOST. IN TLSA 3 1 1 HEX`) and bare TLSA data (`3 1 1 HEX`);
/// - `pinhash`'s plain listing, `PIN  ROLE  DESCRIPTION`: the first column;
/// - anything else is one pin, or several joined by `;` (curl, HPKP directives) or `,` (Chrome).
///
/// Errors name the line: `line 3: sha256/oops is not a SHA-256 pin: …`.
public enum PinDocumentReader {
    /// The pins of `text` in order, each with its 1-based line, repeats kept.
    public static func pins(in text: String) throws(PinHashError) -> [(pin: Pin, line: Int)] {
        var found: [(pin: Pin, line: Int)] = []
        var lineNumber = 0
        var inComment = false
        // Split on the byte, not the Character: "\r\n" is one Character and would never equal "\n".
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = Substring(String(decoding: rawLine, as: UTF8.self))
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            do {
                for pin in try pins(inLine: PinSpelling.trimmed(line), inComment: &inComment) {
                    found.append((pin, lineNumber))
                }
            } catch {
                throw PinHashError(error.code, "line \(lineNumber): \(error.reason)", remedy: error.remedy)
            }
        }
        return found
    }

    private static func pins(inLine line: Substring, inComment: inout Bool) throws(PinHashError) -> [Pin] {
        var line = line
        if inComment {
            guard let end = line.firstRange(of: "-->") else { return [] }
            inComment = false
            line = PinSpelling.trimmed(line[end.upperBound...])
        }
        while line.hasPrefix("<!--") {
            guard let end = line.firstRange(of: "-->") else {
                inComment = true
                return []
            }
            line = PinSpelling.trimmed(line[end.upperBound...])
        }
        if line.isEmpty || line.hasPrefix("#") { return [] }
        if line.hasPrefix("<") { return try markupPins(line) }
        if line.hasPrefix("\"") || ["[", "]", "[]", "{", "}", "},"].contains(line) {
            return try jsonPins(line)
        }
        if let header = ConfiguredHeader(line: line), header.name.lowercased().hasPrefix("public-key-pins") {
            return try headerPins(header.value)
        }
        if line == "CertificatePinner.Builder()" || line == ".build()" { return [] }
        if line.hasPrefix(".add(") {
            var pins: [Pin] = []
            for call in try OkHttpPinCalls.calls(in: String(line)) {
                for text in call.pins { pins.append(try PinSpelling.pin(parsing: text)) }
            }
            return pins
        }
        if let (record, _) = try TLSARecord.parse(line: line, origin: nil, previousOwner: nil) {
            return [try record.data.pin()]
        }
        // pinhash's plain listing: PIN  [FILE  ]ROLE  DESCRIPTION, in columns two spaces apart.
        if let gap = line.firstRange(of: "  "),
            (try? PinSpelling.pin(parsing: String(line[..<gap.lowerBound]))) != nil
        {
            return [try PinSpelling.pin(parsing: String(line[..<gap.lowerBound]))]
        }
        if let comment = line.firstIndex(of: "#") { line = line[..<comment] }
        return try listPins(line)
    }

    /// The pins of one entry or a `;`- or `,`-joined list of them.
    static func listPins(_ text: Substring) throws(PinHashError) -> [Pin] {
        let entries = text.split(whereSeparator: { $0 == ";" || $0 == "," }).map(PinSpelling.trimmed)
        guard entries.contains(where: { !$0.isEmpty }) else {
            throw PinHashError(.malformedInput, "an empty pin")
        }
        var pins: [Pin] = []
        for entry in entries where !entry.isEmpty {
            pins.append(try PinSpelling.pin(parsing: String(entry)))
        }
        return pins
    }

    /// The `pin-sha256` directives of a Public-Key-Pins value; other hashes are refused as pins are.
    static func headerPins(_ value: String) throws(PinHashError) -> [Pin] {
        var pins: [Pin] = []
        for directive in HeaderDirectiveParser.parse(value, grammar: .rfc7469).directives
        where directive.lowercasedName.hasPrefix("pin-") {
            pins.append(try PinSpelling.pin(parsing: "\(directive.name)=\"\(directive.value ?? "")\""))
        }
        return pins
    }

    private static func markupPins(_ line: Substring) throws(PinHashError) -> [Pin] {
        if let header = ConfiguredHeader(line: line), header.syntax == .iis {
            return header.name.lowercased().hasPrefix("public-key-pins") ? try headerPins(header.value) : []
        }
        for element in ["pin", "string"] {
            guard line.hasPrefix("<\(element)>") || line.hasPrefix("<\(element) "),
                let open = line.firstIndex(of: ">"), let close = line.firstRange(of: "</\(element)>")
            else { continue }
            return [try PinSpelling.pin(parsing: String(line[line.index(after: open)..<close.lowerBound]))]
        }
        return []
    }

    /// `"pinSha256Base64": "…",` gives its pin; every other JSON line gives none.
    private static func jsonPins(_ line: Substring) throws(PinHashError) -> [Pin] {
        let key = "\"pinSha256Base64\":"
        guard line.hasPrefix(key) else { return [] }
        var value = PinSpelling.trimmed(line.dropFirst(key.count))
        if value.hasSuffix(",") { value = value.dropLast() }
        guard value.count >= 2, value.first == "\"", value.last == "\"" else {
            throw PinHashError(.malformedInput, "pinSha256Base64 is not a JSON string")
        }
        return [try PinSpelling.pin(parsing: String(value.dropFirst().dropLast()))]
    }
}
