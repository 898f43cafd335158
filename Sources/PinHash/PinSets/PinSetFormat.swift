/// The forms a pin set is exported in: every ``PinFormat``, plus TrustKit's configuration and OkHttp's
/// `CertificatePinner` in Java.
public enum PinSetFormat: String, Sendable, Hashable, CaseIterable {
    /// The host's pins as bare base64, one a line.
    case base64
    /// The host's pins as lower-case hex, one a line.
    case hex
    /// The host's `Public-Key-Pins` (or `-Report-Only`) header line.
    case hpkp
    /// One `curl --pinnedpubkey` value, `sha256//A;sha256//B`.
    case curl
    /// A `CertificatePinner.Builder()` chain in Kotlin, every host of the set in one builder.
    case okhttp
    /// The same in Java: `CertificatePinner certificatePinner = new CertificatePinner.Builder()…;`.
    case okhttpJava = "okhttp-java"
    /// An Android `network_security_config.xml`, one `<domain-config>` per host.
    case android
    /// An `NSPinnedDomains` dictionary for the `NSAppTransportSecurity` dictionary of Info.plist.
    case ios
    /// TrustKit's `TSKConfiguration` dictionary for Info.plist.
    case trustkit
    /// DANE TLSA records, `_PORT._tcp.HOST. IN TLSA U 1 1 HEX`, for every host.
    case tlsa
    /// The comma-separated list Chrome's `--ignore-certificate-errors-spki-list` takes.
    case chrome
    /// The pin set as JSON, with the keys of the pin-set file.
    case json

    /// The client whose hosts the format is written for (a host whose `clients` list is not empty is
    /// written only for the clients it lists); nil for the listings, which take every host.
    public var client: PinClient? {
        switch self {
        case .base64, .hex, .json: nil
        case .hpkp: .hpkp
        case .curl: .curl
        case .okhttp, .okhttpJava: .okhttp
        case .android: .android
        case .ios: .ios
        case .trustkit: .trustkit
        case .tlsa: .tlsa
        case .chrome: .chrome
        }
    }

    /// Whether the document names each host, and so can hold several; the others hold one host's pins.
    public var namesHosts: Bool {
        switch self {
        case .okhttp, .okhttpJava, .android, .ios, .trustkit, .tlsa, .json: true
        case .base64, .hex, .hpkp, .curl, .chrome: false
        }
    }

    /// Whether the clients pin by name only, so that two hosts of one name on different ports cannot
    /// both be written.
    var pinsByNameOnly: Bool {
        switch self {
        case .okhttp, .okhttpJava, .android, .ios, .trustkit: true
        default: false
        }
    }
}
