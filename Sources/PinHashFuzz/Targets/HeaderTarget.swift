import PinHash

/// The header grammar: the input as the value of each pinning header, as a response head, as one header
/// line, as a pin file and as one pin. Findings are printed to a terminal by `pinhash lint`, whose input
/// may be what a hostile server sent, so none may carry a control character.
enum HeaderTarget {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for kind in HeaderKind.allCases { lint(HeaderField(kind: kind, value: text)) }
        for field in HeaderField.fields(inResponse: text) { lint(field) }
        if let line = text.split(separator: "\n", maxSplits: 1).first {
            if let field = try? HeaderField(line: String(line)) { lint(field) }
        }
        var pins = PinList()
        do {
            try pins.add(fileText: text)
        } catch {
            // Pin-file errors quote the offending line as it is, so only the code is checked.
            require(error.code != .internalFailure, "internal failure: \(error.reason)")
        }
        var entries = PinList()
        if (try? entries.add(parsing: text)) != nil {
            for pin in entries.pins {
                require(Pin(base64: pin.base64) == pin, "\(pin.base64) does not survive")
            }
        }
        if let pin = Pin(base64: String(decoding: bytes.prefix(64), as: UTF8.self)) {
            require(pin.sha256.count == 32, "a pin of \(pin.sha256.count) bytes")
        }
    }

    private static func lint(_ field: HeaderField) {
        let lint = HeaderLint(field)
        for finding in lint.findings {
            require(
                !hasControlCharacterBesidesTab(finding.description),
                "control character in: \(finding.description)")
        }
        for pin in lint.pins { require(Pin(base64: pin.base64) == pin, "\(pin.base64) does not survive") }
        if field.kind == .strictTransportSecurity { require(lint.pins.isEmpty, "pins in \(field)") }
    }
}
