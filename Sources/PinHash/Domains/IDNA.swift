/// IDNA's ToASCII as `golang.org/x/net/idna`'s `ToASCII` does it (its Punycode profile, which
/// hstspreload.org runs on the domain it is given): each label that is not ASCII becomes `xn--` and its
/// Punycode, an `xn--` label is decoded and encoded again, and nothing is mapped or lower-cased.
public enum IDNA {
    /// `host` with its labels in ASCII (`bücher.example` becomes the xn form Punycode gives). Throws when an
    /// `xn--` label is not valid Punycode or a label cannot be encoded.
    public static func toASCII(_ host: String) throws(PinHashError) -> String {
        guard !host.utf8.allSatisfy({ $0 < 0x80 }) || host.contains("xn--") else { return host }
        var labels = host.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for (index, label) in labels.enumerated() {
            var unicode = label
            if label.hasPrefix(acePrefix) {
                guard let decoded = decodeLabel(String(label.dropFirst(acePrefix.count))) else {
                    throw PinHashError(
                        .invalidArgument,
                        "the label '\(InputName.escapingControlCharacters(label))' is not valid Punycode",
                        source: InputName.escapingControlCharacters(host))
                }
                unicode = decoded
            }
            guard !unicode.utf8.allSatisfy({ $0 < 0x80 }) else {
                labels[index] = unicode
                continue
            }
            guard let encoded = Punycode.encode(unicode) else {
                throw PinHashError(
                    .invalidArgument,
                    "the label '\(InputName.escapingControlCharacters(label))' cannot be written in Punycode",
                    source: InputName.escapingControlCharacters(host))
            }
            labels[index] = acePrefix + encoded
        }
        return labels.joined(separator: ".")
    }

    static let acePrefix = "xn--"

    /// Go's decoding of the part after `xn--`: empty stays empty, a leading hyphen is refused, a
    /// trailing one leaves the basic code points as they are.
    private static func decodeLabel(_ text: String) -> String? {
        if text.isEmpty { return "" }
        let lastHyphen = text.lastIndex(of: "-")
        if lastHyphen == text.startIndex { return nil }
        if let lastHyphen, text.index(after: lastHyphen) == text.endIndex { return String(text.dropLast()) }
        return Punycode.decode(text)
    }
}
