internal import CPinhashExpat

/// Reads an XML document with Expat into ``XMLEvent``s.
///
/// The document's own declarations are not trusted: an entity declaration (`<!ENTITY`) is refused, so
/// that neither an external entity (XXE) nor a billion-laughs expansion can start, and Expat never reads
/// an external DTD (parameter-entity parsing stays off). Elements nest at most ``maximumDepth`` deep, the
/// limit libxml2 kept before, which also bounds the plist reader that runs after this check.
final class XMLEventParser {
    static let maximumDepth = 256

    private let parser: XML_Parser
    private var events: [XMLEvent] = []
    private var depth = 0
    /// Text since the last tag, which Expat hands over in pieces (at each line break, each reference).
    private var text: [UInt8] = []
    private var textLine = 0
    private var refusal: PinHashError?

    private init() {
        // Fails only when Expat cannot allocate a parser.
        guard let parser = XML_ParserCreate(nil) else { fatalError("Expat could not allocate a parser") }
        self.parser = parser
        XML_SetUserData(parser, Unmanaged.passUnretained(self).toOpaque())
        XML_SetParamEntityParsing(parser, XML_PARAM_ENTITY_PARSING_NEVER)
        XML_SetElementHandler(
            parser,
            { context, name, attributes in
                guard let context, let name else { return }
                XMLEventParser.owner(context).start(
                    String(cString: name), XMLEventParser.attributes(attributes))
            },
            { context, name in
                guard let context, let name else { return }
                XMLEventParser.owner(context).end(String(cString: name))
            })
        XML_SetCharacterDataHandler(parser) { context, text, length in
            guard let context, let text, length > 0 else { return }
            let bytes = UnsafeRawBufferPointer(start: text, count: Int(length))
            XMLEventParser.owner(context).text(bytes)
        }
        XML_SetEntityDeclHandler(parser) { context, _, _, _, _, _, _, _, _ in
            guard let context else { return }
            XMLEventParser.owner(context).refuse(
                "declares an XML entity, which is not read (entities can expand without bound)")
        }
    }

    deinit {
        XML_ParserFree(parser)
    }

    /// The events of the document in `bytes`; a document that is not well-formed is one error naming the
    /// line: `line 8: malformed XML: not well-formed (invalid token)`.
    static func events(of bytes: [UInt8]) throws(PinHashError) -> [XMLEvent] {
        let reader = XMLEventParser()
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                XML_Parse(reader.parser, $0.baseAddress, Int32($0.count), 1)
            }
        }
        if let refusal = reader.refusal { throw refusal }
        reader.endText()
        guard status == XML_STATUS_OK else {
            let problem =
                XML_ErrorString(XML_GetErrorCode(reader.parser)).map { String(cString: $0) }
                ?? "unknown error"
            throw PinHashError(.malformedInput, "line \(reader.line): malformed XML: \(problem)")
        }
        return reader.events
    }

    private var line: Int { Int(XML_GetCurrentLineNumber(parser)) }

    private func start(_ name: String, _ attributes: [String: String]) {
        endText()
        depth += 1
        guard depth <= Self.maximumDepth else {
            return refuse("nests elements more than \(Self.maximumDepth) deep")
        }
        events.append(.start(name: name, attributes: attributes, line: line))
    }

    private func end(_ name: String) {
        endText()
        depth -= 1
        events.append(.end(name: name, line: line))
    }

    private func text(_ bytes: UnsafeRawBufferPointer) {
        if text.isEmpty { textLine = line }
        text.append(contentsOf: bytes)
    }

    private func endText() {
        guard !text.isEmpty else { return }
        events.append(.text(String(decoding: text, as: UTF8.self), line: textLine))
        text.removeAll(keepingCapacity: true)
    }

    /// Stops the parse; the first refusal is the one reported.
    private func refuse(_ reason: String) {
        guard refusal == nil else { return }
        refusal = PinHashError(.malformedInput, "line \(line): \(reason)")
        XML_StopParser(parser, XML_FALSE)
    }

    private static func owner(_ context: UnsafeMutableRawPointer) -> XMLEventParser {
        Unmanaged<XMLEventParser>.fromOpaque(context).takeUnretainedValue()
    }

    /// Expat's attributes: name, value, name, value, …, then NULL.
    private static func attributes(_ list: UnsafeMutablePointer<UnsafePointer<XML_Char>?>?) -> [String:
        String]
    {
        guard var pointer = list else { return [:] }
        var attributes: [String: String] = [:]
        while let name = pointer[0], let value = pointer[1] {
            attributes[String(cString: name)] = String(cString: value)
            pointer += 2
        }
        return attributes
    }
}
