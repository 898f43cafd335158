/// The pins of an `Info.plist`, XML or binary, read with libplist (``PropertyListValue``):
/// App Transport Security's `NSPinnedDomains` and TrustKit's `TSKConfiguration`.
///
/// Errors name the keys that lead to the bad value and, in an XML plist, the line that holds it.
enum PropertyListPinSets {
    /// `NSAppTransportSecurity` › `NSPinnedDomains` (or `NSPinnedDomains` at the top, for a plist of the
    /// ATS dictionary alone). No such key adds nothing.
    static func readPinnedDomains(_ bytes: [UInt8], into builder: inout PinSetBuilder) throws(PinHashError) {
        let plist = try Plist(bytes)
        let ats =
            try plist.dictionary(plist.root["NSAppTransportSecurity"], "NSAppTransportSecurity") ?? plist.root
        guard let domains = try plist.dictionary(ats["NSPinnedDomains"], "NSPinnedDomains") else { return }
        for name in domains.keys.sorted() {
            let path = "NSPinnedDomains › \(name)"
            guard let domain = try plist.dictionary(domains[name], path) else { continue }
            var host = PinnedHost(name: try plist.host(name, path))
            host.includesSubdomains =
                try plist.bool(domain["NSIncludesSubdomains"], "\(path) › NSIncludesSubdomains") ?? false
            var entries: [PinSetEntry] = []
            for (key, role) in [
                ("NSPinnedLeafIdentities", PinSetRole.leaf), ("NSPinnedCAIdentities", .intermediate),
            ] {
                guard let identities = try plist.array(domain[key], "\(path) › \(key)") else { continue }
                for (index, identity) in identities.enumerated() {
                    let itemPath = "\(path) › \(key)[\(index + 1)]"
                    guard let item = try plist.dictionary(identity, itemPath) else { continue }
                    guard
                        let value = try plist.string(
                            item["SPKI-SHA256-BASE64"], "\(itemPath) › SPKI-SHA256-BASE64")
                    else { throw plist.error("\(itemPath) has no SPKI-SHA256-BASE64", at: nil) }
                    let pin = try plist.pin(value, "\(itemPath) › SPKI-SHA256-BASE64")
                    entries.append(builder.entry(pin, line: plist.line(of: value), role: role))
                }
            }
            guard !entries.isEmpty else {
                throw plist.error(
                    "\(path) has neither NSPinnedLeafIdentities nor NSPinnedCAIdentities with a pin", at: name
                )
            }
            try builder.add(host, entries)
        }
    }

    /// TrustKit's `TSKConfiguration` › `TSKPinnedDomains`. No such key adds nothing.
    static func readTrustKit(_ bytes: [UInt8], into builder: inout PinSetBuilder) throws(PinHashError) {
        let plist = try Plist(bytes)
        guard let configuration = try plist.dictionary(plist.root["TSKConfiguration"], "TSKConfiguration"),
            let domains = try plist.dictionary(
                configuration["TSKPinnedDomains"], "TSKConfiguration › TSKPinnedDomains")
        else { return }
        for name in domains.keys.sorted() {
            let path = "TSKPinnedDomains › \(name)"
            guard let domain = try plist.dictionary(domains[name], path) else { continue }
            var host = PinnedHost(name: try plist.host(name, path))
            host.includesSubdomains =
                try plist.bool(domain["TSKIncludeSubdomains"], "\(path) › TSKIncludeSubdomains") ?? false
            // TrustKit enforces unless told not to.
            let enforce = try plist.bool(domain["TSKEnforcePinning"], "\(path) › TSKEnforcePinning") ?? true
            host.enforcement = enforce ? .enforce : .reportOnly
            if let uris = try plist.array(domain["TSKReportUris"], "\(path) › TSKReportUris") {
                for (index, uri) in uris.enumerated() {
                    guard let text = try plist.string(uri, "\(path) › TSKReportUris[\(index + 1)]") else {
                        continue
                    }
                    host.reportURIs.append(text)
                }
            }
            if let text = try plist.string(domain["TSKExpirationDate"], "\(path) › TSKExpirationDate") {
                guard let date = CalendarDate(iso8601: text) else {
                    throw plist.error(
                        "\(path) › TSKExpirationDate \"\(text)\" is not a date (yyyy-MM-dd)", at: text)
                }
                host.expiration = date
            }
            var entries: [PinSetEntry] = []
            let hashesPath = "\(path) › TSKPublicKeyHashes"
            for (index, hash) in (try plist.array(domain["TSKPublicKeyHashes"], hashesPath) ?? [])
                .enumerated()
            {
                guard let value = try plist.string(hash, "\(hashesPath)[\(index + 1)]") else { continue }
                entries.append(
                    builder.entry(
                        try plist.pin(value, "\(hashesPath)[\(index + 1)]"), line: plist.line(of: value)))
            }
            guard !entries.isEmpty else { throw plist.error("\(path) has no TSKPublicKeyHashes", at: name) }
            try builder.add(host, entries)
        }
    }

    /// A parsed property list, with the XML text (when it is XML) for finding the line of a value.
    private struct Plist {
        let root: [String: PropertyListValue]
        private let lines: [String]?

        init(_ bytes: [UInt8]) throws(PinHashError) {
            let isBinary = bytes.starts(with: Array("bplist".utf8))
            if !isBinary {
                // Expat first: libplist does not say where XML is broken, and Expat refuses entities.
                _ = try XMLEventParser.events(of: bytes)
            }
            guard case .dictionary(let root) = try PropertyListValue.read(bytes) else {
                throw PinHashError(.malformedInput, "is a property list whose top is not a dictionary")
            }
            self.root = root
            lines = isBinary ? nil : PinSetImporter.lines(String(decoding: bytes, as: UTF8.self))
        }

        /// The 1-based line of the first `<string>`/`<key>` holding exactly `value`, in an XML plist.
        func line(of value: String) -> Int? {
            guard let lines else { return nil }
            let escaped = value.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(
                ">", with: "&gt;")
            return lines.firstIndex { $0.contains(">\(escaped)<") }.map { $0 + 1 }
        }

        func error(_ reason: String, at value: String?) -> PinHashError {
            let line = value.flatMap(self.line(of:))
            return PinHashError(.malformedInput, (line.map { "line \($0): " } ?? "") + reason)
        }

        func dictionary(_ value: PropertyListValue?, _ path: String) throws(PinHashError)
            -> [String: PropertyListValue]?
        {
            guard let value else { return nil }
            guard case .dictionary(let dictionary) = value else {
                throw error("\(path) is not a dictionary", at: nil)
            }
            return dictionary
        }

        func array(_ value: PropertyListValue?, _ path: String) throws(PinHashError) -> [PropertyListValue]? {
            guard let value else { return nil }
            guard case .array(let array) = value else { throw error("\(path) is not an array", at: nil) }
            return array
        }

        func string(_ value: PropertyListValue?, _ path: String) throws(PinHashError) -> String? {
            guard let value else { return nil }
            guard case .string(let string) = value else { throw error("\(path) is not a string", at: nil) }
            return string
        }

        func bool(_ value: PropertyListValue?, _ path: String) throws(PinHashError) -> Bool? {
            guard let value else { return nil }
            guard case .boolean(let bool) = value else {
                throw error("\(path) is not a Boolean (<true/> or <false/>)", at: nil)
            }
            return bool
        }

        func pin(_ value: String, _ path: String) throws(PinHashError) -> Pin {
            do throws(PinHashError) {
                let (pin, spelling) = try PinSpelling.read(value)
                guard spelling == .base64 else {
                    throw PinSpelling.rejection(value, "is not the bare base64 of 32 bytes")
                }
                return pin
            } catch {
                throw self.error("\(path): \(error.reason)", at: value)
            }
        }

        func host(_ name: String, _ path: String) throws(PinHashError) -> String {
            do throws(PinHashError) {
                return try PinSetImporter.hostName(name)
            } catch {
                throw self.error("\(path): \(error.reason)", at: name)
            }
        }
    }
}
