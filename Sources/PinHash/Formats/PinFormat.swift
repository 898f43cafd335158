/// The forms pins are printed in: one for each consumer of pins.
///
/// The raw values are the formats' names, as a program would take them from its users.
public enum PinFormat: String, Sendable, Hashable, CaseIterable {
    /// The bare base64 pin, one line per object.
    case base64
    /// The pin as lower-case hex, one line per object: the data of a DANE TLSA `3 1 1` record.
    case hex
    /// `pin-sha256="…"`, one line per pin: the directives of an HPKP header.
    case hpkp
    /// `sha256//A;sha256//B`: one `curl --pinnedpubkey` value holding every pin.
    case curl
    /// OkHttp's `sha256/…` lines; with a host, a `CertificatePinner.Builder()` chain in Kotlin.
    case okhttp
    /// An Android network security config `<pin-set>`; with a host, a whole `<domain-config>`.
    case android
    /// An `NSPinnedDomains` fragment for the `NSAppTransportSecurity` dictionary of an iOS or macOS
    /// Info.plist: leaf pins (leaf certificates, and keys and requests, which a leaf will carry) under
    /// `NSPinnedLeafIdentities`, CA pins under `NSPinnedCAIdentities`.
    case ios
    /// DANE TLSA records, `_443._tcp.HOST. IN TLSA 3 1 1 HEX`: usage 3 (DANE-EE) for leaf pins, 2
    /// (DANE-TA) for CA certificates, which a `3` record would never match. Needs a host.
    case tlsa
    /// The comma-separated list Chrome's `--ignore-certificate-errors-spki-list` takes.
    case chrome
    /// A JSON array, one object per pin, with what the pin was computed from.
    case json

    /// Whether the format writes the server's name when it has one (`okhttp`, `android`, `ios`, `tlsa`).
    public var usesHost: Bool {
        switch self {
        case .okhttp, .android, .ios, .tlsa: true
        default: false
        }
    }

    /// Whether the format cannot be written without a host (`tlsa`).
    public var requiresHost: Bool { self == .tlsa }

    /// Whether the format writes the server's port (`tlsa`).
    public var usesPort: Bool { self == .tlsa }

    /// Whether each pin is written once, in first-seen order, however many objects have it: true for
    /// the formats that configure a consumer (whose pins form a set), false for the listings (`base64`,
    /// `hex`, `json`), which have one entry per object.
    public var listsEachPinOnce: Bool {
        switch self {
        case .base64, .hex, .json: false
        default: true
        }
    }
}

/// Writes pins in a ``PinFormat``: one document for all the entries given, ending in a newline.
///
/// ```swift
/// let objects = try PinReader(inputType: .certificate).pins(inFileAt: "chain.pem")
/// let formatter = PinFormatter(format: .android, host: "www.example.com")
/// print(try formatter.render(objects.map { PinnedEntry($0, source: "chain.pem") }), terminator: "")
/// ```
public struct PinFormatter: Sendable, Hashable {
    public var format: PinFormat
    /// The server's DNS name or IP address, for the formats that name it (``PinFormat/usesHost``); other
    /// formats ignore it. A trailing dot is dropped and letters are written in lower case.
    public var host: String?
    /// The server's TCP port, for the formats that name it (``PinFormat/usesPort``).
    public var port: Int

    public init(format: PinFormat = .base64, host: String? = nil, port: Int = 443) {
        self.format = format
        self.host = host
        self.port = port
    }

    /// Checks that the host and port suit the format: a host where the format needs one, a DNS name or IP
    /// address with nothing else in it, a name rather than an address where the consumer takes only names
    /// (`ios`, `tlsa`), and a port in 1...65535.
    public func validate() throws(PinHashError) {
        _ = try checkedHost()
    }

    /// The document for `entries`, in their order. No entries give an empty document (`[]` for JSON, an
    /// empty pin set) or, for the line formats, no text at all. ``PinDocumentStream`` writes the same
    /// document as entries arrive.
    public func render(_ entries: [PinnedEntry]) throws(PinHashError) -> String {
        var stream = try PinDocumentStream(self)
        var text = ""
        for entry in entries { text += stream.add(entry) }
        return text + stream.finish()
    }

    func checkedHost() throws(PinHashError) -> PinFormatHost? {
        if format.usesPort, !(1...65535).contains(port) {
            throw PinHashError(.invalidPort, "the port \(port) is not in 1...65535")
        }
        guard format.usesHost else { return nil }
        guard let host else {
            if format.requiresHost {
                throw PinHashError(
                    .hostRequired, "\(format.rawValue) needs a host: its records are named _PORT._tcp.HOST")
            }
            return nil
        }
        let checked = try PinFormatHost(host)
        if checked.isAddress, format == .tlsa || format == .ios {
            let consumer = format == .tlsa ? "a TLSA record's name" : "NSPinnedDomains"
            throw PinHashError(
                .invalidHost, "\(consumer) takes a DNS name, not an IP address like \(checked.text)")
        }
        return checked
    }
}
