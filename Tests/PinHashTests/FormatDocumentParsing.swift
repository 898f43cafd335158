import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// One element of a parsed XML document, for comparing generated XML with what a consumer reads from it.
final class ParsedXMLElement {
    let name: String
    let attributes: [String: String]
    var text = ""
    var children: [ParsedXMLElement] = []
    /// Comments directly inside this element, as the parser reports them.
    var comments: [String] = []

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// The child elements called `name`, in order.
    func children(_ name: String) -> [ParsedXMLElement] { children.filter { $0.name == name } }

    /// The text with the surrounding indentation removed.
    var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Strict XML parsing (libxml2 through XMLParser): generated text that is not well-formed XML fails.
enum FormatDocumentParsing {
    struct NotWellFormed: Error, CustomStringConvertible {
        let description: String
    }

    /// Parses `text`, which must be one well-formed XML document; returns its root element.
    static func xml(_ text: String) throws -> ParsedXMLElement {
        let parser = XMLParser(data: Data(text.utf8))
        let builder = TreeBuilder()
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            throw NotWellFormed(
                description:
                    "not well-formed XML (line \(parser.lineNumber), column \(parser.columnNumber)): "
                    + "\(parser.parserError.map { "\($0)" } ?? "no root element")\n\(text)")
        }
        return root
    }

    /// `fragment` (keys and values of a dictionary) wrapped in a plist's `<dict>`: a whole property list.
    static func plistDocument(wrapping fragment: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
        \(fragment)</dict>
        </plist>

        """
    }

    /// The property list `fragment` makes inside a `<dict>`, read by Foundation, after checking that the
    /// whole document is well-formed XML (Foundation's plist reader alone accepts some XML that is not).
    static func plist(wrapping fragment: String) throws -> [String: Any] {
        let document = plistDocument(wrapping: fragment)
        _ = try xml(document)
        let value = try PropertyListSerialization.propertyList(from: Data(document.utf8), format: nil)
        return try #require(value as? [String: Any], "the plist's top level is not a dictionary")
    }

    private final class TreeBuilder: NSObject, XMLParserDelegate {
        var root: ParsedXMLElement?
        private var stack: [ParsedXMLElement] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            let element = ParsedXMLElement(name: elementName, attributes: attributes)
            if let parent = stack.last { parent.children.append(element) } else { root = element }
            stack.append(element)
        }

        func parser(
            _ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
            qualifiedName: String?
        ) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }

        func parser(_ parser: XMLParser, foundComment comment: String) {
            stack.last?.comments.append(comment)
        }
    }
}
