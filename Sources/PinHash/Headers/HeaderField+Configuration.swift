extension HeaderField {
    /// The Public-Key-Pins, Public-Key-Pins-Report-Only and Strict-Transport-Security fields that lines
    /// of web-server configuration set, in order, as ``ServerSyntax`` writes them: Apache's
    /// `Header always set NAME "VALUE"`, nginx's `add_header NAME 'VALUE' always;` and the
    /// `<add name="…" value="…" />` line of IIS's web.config block. These are the lines people paste into
    /// configuration files and template fragments, so a check of the header must read them as they are.
    /// Other lines, raw header lines among them, are skipped: ``fields(inResponse:)`` reads those.
    public static func fields(inConfiguration text: String) -> [HeaderField] {
        // Line by line, not unfolded: the lines of an IIS block are indented, which is not folding.
        text.utf8.split(separator: 0x0A).compactMap { rawLine in
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine[...]
            guard let configured = ConfiguredHeader(line: String(decoding: line, as: UTF8.self)),
                configured.syntax != .raw, let kind = HeaderKind(fieldName: configured.name)
            else { return nil }
            return HeaderField(kind: kind, value: trimmingWhiteSpace(Substring(configured.value)))
        }
    }
}
