/// A server's name as a pin format writes it: a DNS name or an IP address, checked so that nothing in it
/// can break out of the XML, plist, Kotlin or zone-file text it is written into.
struct PinFormatHost: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case dnsName, ipv4, ipv6
    }

    let kind: Kind
    /// The name in lower case, without a trailing dot or IPv6 brackets.
    let text: String

    init(_ given: String) throws(PinHashError) {
        var scalars = Array(given.unicodeScalars)
        guard !scalars.isEmpty else { throw Self.invalid("the host is empty") }
        if let bad = scalars.first(where: { !$0.isASCII || !Self.mayAppear($0) }) {
            if !bad.isASCII, !bad.properties.isWhitespace, bad.properties.generalCategory != .control {
                throw Self.invalid(
                    "the host has the non-ASCII character \(Self.name(bad)); give an internationalised name "
                        + "in its ASCII form (xn--…)")
            }
            throw Self.invalid(
                "the host has the character \(Self.name(bad)), which no DNS name or IP address holds")
        }
        let bracketed = scalars.first == "[" && scalars.last == "]"
        if bracketed { scalars = Array(scalars.dropFirst().dropLast()) }
        let text = String(String.UnicodeScalarView(scalars)).lowercased()
        if text.contains(":") || bracketed {
            guard Self.isIPv6(text) else {
                throw Self.invalid("the host \(text) is not a valid IPv6 address")
            }
            self.kind = .ipv6
            self.text = text
        } else if text.allSatisfy({ $0 == "." || $0.isASCII && $0.isNumber }) {
            // All digits and dots: an IPv4 address or nothing, never a name (RFC 1123, 2.1).
            guard Self.isIPv4(text) else {
                throw Self.invalid("the host \(text) is not a valid IPv4 address")
            }
            self.kind = .ipv4
            self.text = text
        } else {
            self.kind = .dnsName
            self.text = try Self.checkedDNSName(text)
        }
    }

    /// Whether the host is an IP address rather than a name.
    var isAddress: Bool { kind != .dnsName }

    private static func mayAppear(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "-", "_", ".", ":", "[", "]": true
        default: false
        }
    }

    private static func checkedDNSName(_ text: String) throws(PinHashError) -> String {
        var name = text
        if name.hasSuffix(".") { name.removeLast() }
        guard name.utf8.count <= 253 else { throw invalid("the host name is longer than 253 characters") }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        for label in labels {
            guard !label.isEmpty else { throw invalid("the host name \(text) has an empty label (two dots)") }
            guard label.utf8.count <= 63 else {
                throw invalid("the host name \(text) has a label longer than 63 characters")
            }
            guard label.first != "-", label.last != "-" else {
                throw invalid("the host name \(text) has a label that starts or ends with '-'")
            }
            guard !label.contains(where: { $0 == "[" || $0 == "]" }) else {
                throw invalid("the host \(text) is neither a DNS name nor an IP address")
            }
        }
        return name
    }

    private static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                guard (1...3).contains(part.count), let value = Int(part), value <= 255 else { return false }
                return part.count == 1 || part.first != "0"
            }
    }

    /// RFC 4291 text: eight groups of one to four hex digits, one `::` standing for one or more zero
    /// groups, and optionally an IPv4 address in place of the last two groups. Zone indices (`%eth0`) name
    /// an interface of one machine, not a server, and are refused.
    private static func isIPv6(_ text: String) -> Bool {
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (partIndex, part) in parts.enumerated() {
                let isLastOfAddress = index == halves.count - 1 && partIndex == parts.count - 1
                if isLastOfAddress, part.contains(".") {
                    guard isIPv4(String(part)) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(part.count), part.allSatisfy({ $0.isHexDigit }) else {
                        return false
                    }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }

    private static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let printable =
            scalar.properties.generalCategory != .control && !scalar.properties.isWhitespace
            && scalar.properties.generalCategory != .format
        return printable ? "'\(Character(scalar))' (\(code))" : code
    }

    private static func invalid(_ reason: String) -> PinHashError { PinHashError(.invalidHost, reason) }
}
