internal import Foundation

#if canImport(FoundationXML)
    internal import FoundationXML
#endif

/// Android's `res/xml/network_security_config.xml`, read with Foundation's `XMLParser`.
///
/// Each `<domain>` of a `<domain-config>` is a host with the config's `<pin-set>`; a nested
/// `<domain-config>` without a pin-set inherits its parent's, as Android does. Android takes only
/// `digest="SHA-256"`, the base64 of 32 bytes, and an `expiration` of `yyyy-MM-dd`: anything else is an
/// error naming the line. A domain whose config has no pin (or an empty pin-set) is not pinned and is
/// left out. `base-config`, `debug-overrides` and trust anchors carry no pins and are skipped.
enum AndroidNetworkSecurityConfig {
    static func read(_ bytes: [UInt8], into builder: inout PinSetBuilder) throws(PinHashError) {
        let reader = Reader()
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        let parsed = parser.parse()
        if let error = reader.error { throw error }
        // Foundation on Linux can report success and set parserError: both are checked.
        guard parsed, parser.parserError == nil else {
            throw PinHashError(
                .malformedInput,
                "line \(parser.lineNumber): malformed XML: \(XMLProblem.describe(parser.parserError))")
        }
        guard reader.sawRoot else {
            throw PinHashError(.malformedInput, "has no <network-security-config> element")
        }
        for (index, config) in reader.configs.enumerated() {
            var pinSet = config.pinSet
            var parent = config.parent
            while pinSet == nil, let ancestor = parent {
                pinSet = reader.configs[ancestor].pinSet
                parent = reader.configs[ancestor].parent
            }
            guard let pinSet, !pinSet.pins.isEmpty else { continue }
            _ = index
            for domain in config.domains {
                let host: PinnedHost
                do {
                    host = PinnedHost(
                        name: try PinSetImporter.hostName(domain.name),
                        includesSubdomains: domain.includesSubdomains,
                        expiration: pinSet.expiration)
                } catch {
                    throw error.atLine(domain.line)
                }
                try builder.add(host, pinSet.pins.map { builder.entry($0.pin, line: $0.line) })
            }
        }
    }

    private struct Domain {
        var name: String
        var includesSubdomains: Bool
        var line: Int
    }

    private struct ConfigPinSet {
        var expiration: CalendarDate?
        var pins: [(pin: Pin, line: Int)] = []
    }

    private struct DomainConfig {
        var parent: Int?
        var domains: [Domain] = []
        var pinSet: ConfigPinSet?
    }

    /// The parser's delegate: collects the domain-configs, and stops at the first error.
    private final class Reader: NSObject, XMLParserDelegate {
        var configs: [DomainConfig] = []
        var error: PinHashError?
        var sawRoot = false
        private var open: [Int] = []
        private var elements: [String] = []
        private var text = ""
        private var textLine = 0
        private var includesSubdomains = false

        private func fail(_ parser: XMLParser, _ reason: String) {
            guard error == nil else { return }
            error = PinHashError(.malformedInput, "line \(parser.lineNumber): \(reason)")
            parser.abortParsing()
        }

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            defer { elements.append(name) }
            if elements.isEmpty {
                guard name == "network-security-config" else {
                    return fail(parser, "the root element is <\(name)>, not <network-security-config>")
                }
                sawRoot = true
                return
            }
            let insideConfig = elements.last == "domain-config"
            switch name {
            case "domain-config" where elements.last == "network-security-config" || insideConfig:
                configs.append(DomainConfig(parent: open.last))
                open.append(configs.count - 1)
            case "domain" where insideConfig:
                switch attributes["includeSubdomains"] {
                case nil, "false": includesSubdomains = false
                case "true": includesSubdomains = true
                case let other?:
                    return fail(parser, "includeSubdomains=\"\(other)\" is neither true nor false")
                }
                startText(parser)
            case "pin-set" where insideConfig:
                guard configs[open.last!].pinSet == nil else { return fail(parser, "a second <pin-set>") }
                var pinSet = ConfigPinSet()
                if let expiration = attributes["expiration"] {
                    guard let date = CalendarDate(iso8601: expiration) else {
                        return fail(parser, "pin-set expiration \"\(expiration)\" is not a date (yyyy-MM-dd)")
                    }
                    pinSet.expiration = date
                }
                configs[open.last!].pinSet = pinSet
            case "pin" where elements.last == "pin-set" && elements.dropLast().last == "domain-config":
                guard let digest = attributes["digest"] else {
                    return fail(parser, "<pin> has no digest attribute")
                }
                guard digest == "SHA-256" else {
                    return fail(
                        parser, "pin digest \"\(digest)\" is not SHA-256, the only digest Android takes")
                }
                startText(parser)
            default:
                break
            }
        }

        private func startText(_ parser: XMLParser) {
            text = ""
            textLine = parser.lineNumber
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(
            _ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?
        ) {
            elements.removeLast()
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            switch name {
            case "domain-config"
            where !open.isEmpty
                && (elements.last == "network-security-config" || elements.last == "domain-config"):
                open.removeLast()
            case "domain" where elements.last == "domain-config":
                guard !value.isEmpty else { return fail(parser, "<domain> is empty") }
                configs[open.last!].domains.append(
                    Domain(name: value, includesSubdomains: includesSubdomains, line: textLine))
            case "pin" where elements.last == "pin-set" && elements.dropLast().last == "domain-config":
                do throws(PinHashError) {
                    let (pin, spelling) = try PinSpelling.read(value)
                    guard spelling == .base64 else {
                        throw PinSpelling.rejection(value, "is not the bare base64 of 32 bytes Android takes")
                    }
                    configs[open.last!].pinSet!.pins.append((pin, textLine))
                } catch {
                    fail(parser, error.reason)
                }
            default:
                break
            }
            text = ""
        }
    }
}

/// Foundation's XML errors in a few words: the parser's own message, without its error-domain noise.
enum XMLProblem {
    static func describe(_ error: (any Error)?) -> String {
        guard let error else { return "the parser stopped" }
        let nsError = error as NSError
        if let reason = nsError.userInfo[NSLocalizedDescriptionKey] as? String, !reason.isEmpty {
            return reason
        }
        // Foundation on Linux gives only libxml2's error number (xmlParserErrors): the common ones in words.
        let words: String? =
            switch nsError.code {
            case 4: "the document is empty"
            case 5: "the document ends inside an element"
            case 9: "a character XML does not allow"
            case 39, 40, 41: "an attribute is malformed"
            case 68: "a tag has no name"
            case 73: "a tag is not closed with >"
            case 76: "an end tag does not match its start tag"
            case 77: "a tag is not finished"
            case 89: "an entity refers to itself"
            default: nil
            }
        return words.map { "\($0) (XMLParser error \(nsError.code))" } ?? "XMLParser error \(nsError.code)"
    }
}
