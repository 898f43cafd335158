/// Android's `res/xml/network_security_config.xml`, read with Expat (``XMLEventParser``).
///
/// Each `<domain>` of a `<domain-config>` is a host with the config's `<pin-set>`; a nested
/// `<domain-config>` without a pin-set inherits its parent's, as Android does. Android takes only
/// `digest="SHA-256"`, the base64 of 32 bytes, and an `expiration` of `yyyy-MM-dd`: anything else is an
/// error naming the line. A domain whose config has no pin (or an empty pin-set) is not pinned and is
/// left out. `base-config`, `debug-overrides` and trust anchors carry no pins and are skipped.
enum AndroidNetworkSecurityConfig {
    static func read(_ bytes: [UInt8], into builder: inout PinSetBuilder) throws(PinHashError) {
        var reader = Reader()
        for event in try XMLEventParser.events(of: bytes) {
            switch event {
            case .start(let name, let attributes, let line): try reader.start(name, attributes, line: line)
            case .end(let name, let line): try reader.end(name, line: line)
            case .text(let text, _): reader.text += text
            }
        }
        guard reader.sawRoot else {
            throw PinHashError(.malformedInput, "has no <network-security-config> element")
        }
        for config in reader.configs {
            var pinSet = config.pinSet
            var parent = config.parent
            while pinSet == nil, let ancestor = parent {
                pinSet = reader.configs[ancestor].pinSet
                parent = reader.configs[ancestor].parent
            }
            guard let pinSet, !pinSet.pins.isEmpty else { continue }
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

    /// The domain-configs of the document, collected from its events; each error names its line.
    private struct Reader {
        var configs: [DomainConfig] = []
        var sawRoot = false
        var text = ""
        private var open: [Int] = []
        private var elements: [String] = []
        private var textLine = 0
        private var includesSubdomains = false

        private func fail(_ line: Int, _ reason: String) -> PinHashError {
            PinHashError(.malformedInput, "line \(line): \(reason)")
        }

        mutating func start(_ name: String, _ attributes: [String: String], line: Int) throws(PinHashError) {
            defer { elements.append(name) }
            if elements.isEmpty {
                guard name == "network-security-config" else {
                    throw fail(line, "the root element is <\(name)>, not <network-security-config>")
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
                    throw fail(line, "includeSubdomains=\"\(other)\" is neither true nor false")
                }
                startText(line)
            case "pin-set" where insideConfig:
                guard configs[open.last!].pinSet == nil else { throw fail(line, "a second <pin-set>") }
                var pinSet = ConfigPinSet()
                if let expiration = attributes["expiration"] {
                    guard let date = CalendarDate(iso8601: expiration) else {
                        throw fail(line, "pin-set expiration \"\(expiration)\" is not a date (yyyy-MM-dd)")
                    }
                    pinSet.expiration = date
                }
                configs[open.last!].pinSet = pinSet
            case "pin" where elements.last == "pin-set" && elements.dropLast().last == "domain-config":
                guard let digest = attributes["digest"] else {
                    throw fail(line, "<pin> has no digest attribute")
                }
                guard digest == "SHA-256" else {
                    throw fail(line, "pin digest \"\(digest)\" is not SHA-256, the only digest Android takes")
                }
                startText(line)
            default:
                break
            }
        }

        private mutating func startText(_ line: Int) {
            text = ""
            textLine = line
        }

        mutating func end(_ name: String, line: Int) throws(PinHashError) {
            elements.removeLast()
            let value = String(PinSpelling.trimmed(Substring(text)))
            defer { text = "" }
            switch name {
            case "domain-config"
            where !open.isEmpty
                && (elements.last == "network-security-config" || elements.last == "domain-config"):
                open.removeLast()
            case "domain" where elements.last == "domain-config":
                guard !value.isEmpty else { throw fail(line, "<domain> is empty") }
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
                    throw fail(line, error.reason)
                }
            default:
                break
            }
        }
    }
}
