/// The configurations a ``PinSet`` is imported from.
public enum PinSetImportFormat: String, Sendable, Hashable, CaseIterable {
    /// Android's `network_security_config.xml`: `<domain-config>`s with a `<pin-set>`.
    case android
    /// An iOS or macOS `Info.plist` (XML or binary) with `NSAppTransportSecurity` › `NSPinnedDomains`.
    case ios
    /// TrustKit's `TSKConfiguration` in an `Info.plist` (XML or binary).
    case trustkit
    /// Kotlin or Java source with OkHttp `CertificatePinner.Builder().add("host", "sha256/…")` calls.
    case okhttp
    /// `Public-Key-Pins` (or `-Report-Only`) header lines, raw or as Apache, nginx or IIS configuration.
    case hpkp
    /// DANE TLSA records of a zone file: `_443._tcp.example.com. IN TLSA 3 1 1 HEX`.
    case tlsa
    /// A curl `--pinnedpubkey` value: `sha256//A;sha256//B`.
    case curl
    /// Chrome's `--ignore-certificate-errors-spki-list` value: `A,B`.
    case chrome

    /// The client whose configuration this format is.
    public var client: PinClient {
        switch self {
        case .android: .android
        case .ios: .ios
        case .trustkit: .trustkit
        case .okhttp: .okhttp
        case .hpkp: .hpkp
        case .tlsa: .tlsa
        case .curl: .curl
        case .chrome: .chrome
        }
    }

    /// What the format can say of a host, and so what a difference with a pin set is judged on: Android
    /// has no report URIs, iOS no expiration, a TLSA record a port and pins only.
    public var expressedFields: Set<PinSetDifference.Field> {
        switch self {
        case .android: [.pins, .includeSubdomains, .expiration]
        case .ios: [.pins, .includeSubdomains]
        case .trustkit: [.pins, .includeSubdomains, .expiration, .enforcement, .reportURIs]
        case .okhttp: [.pins, .includeSubdomains]
        case .hpkp: [.pins, .includeSubdomains, .enforcement, .reportURIs]
        case .tlsa: [.port, .pins]
        case .curl, .chrome: [.pins]
        }
    }

    /// Whether the format names no host, so that the importer must be given one.
    public var needsHost: Bool {
        switch self {
        case .hpkp, .curl, .chrome: true
        default: false
        }
    }

    /// The formats `bytes` are in, told from their content: a binary or XML plist (iOS and TrustKit,
    /// both read), Android's root element, OkHttp's `CertificatePinner`, TLSA records, header lines,
    /// then curl's `sha256//` and Chrome's list; empty when none fits.
    static func detect(_ bytes: [UInt8]) -> [PinSetImportFormat] {
        if bytes.starts(with: Array("bplist".utf8)) { return [.ios, .trustkit] }
        let text = String(decoding: bytes, as: UTF8.self)
        if text.contains("<plist") || text.contains("<!DOCTYPE plist") { return [.ios, .trustkit] }
        if text.contains("<network-security-config") { return [.android] }
        if text.contains("CertificatePinner") { return [.okhttp] }
        let lines = text.split(whereSeparator: \.isNewline).map { PinSpelling.trimmed($0) }
        let content = lines.filter { !$0.isEmpty && !$0.hasPrefix(";") && !$0.hasPrefix("#") }
        if content.contains(where: { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" }).contains { $0.uppercased() == "TLSA" }
        }) {
            return [.tlsa]
        }
        if text.lowercased().contains("public-key-pins") { return [.hpkp] }
        if text.contains("sha256//") { return [.curl] }
        if content.count == 1, content[0].contains(",") || Pin(base64: String(content[0])) != nil {
            return [.chrome]
        }
        return []
    }
}
