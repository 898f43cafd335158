/// A pin validation failure report: RFC 7469 section 3's fields, and the fields TrustKit adds (its
/// `kTSKReportUris` reports). Every field but the host name is optional: TrustKit sends `null` for an
/// unknown date and no served chain, and browsers sent no app fields.
public struct PinFailureReport: Sendable, Hashable {
    /// Which kind of client sent it: TrustKit's fields make a TrustKit report.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        case rfc7469 = "rfc7469"
        case trustkit
    }

    public var dateTime: String?
    public var hostname: String
    public var port: Int?
    public var effectiveExpirationDate: String?
    public var includeSubdomains: Bool?
    public var notedHostname: String?
    /// PEM certificates, as sent, the server's own first.
    public var servedCertificateChain: [String]
    public var validatedCertificateChain: [String]
    /// The pins the client held, as sent: `pin-sha256="…"`.
    public var knownPins: [String]
    public var app: AppReport?

    public var format: Format { app == nil ? .rfc7469 : .trustkit }

    public init(
        dateTime: String? = nil, hostname: String, port: Int? = nil, effectiveExpirationDate: String? = nil,
        includeSubdomains: Bool? = nil, notedHostname: String? = nil, servedCertificateChain: [String] = [],
        validatedCertificateChain: [String] = [], knownPins: [String] = [], app: AppReport? = nil
    ) {
        self.dateTime = dateTime
        self.hostname = hostname
        self.port = port
        self.effectiveExpirationDate = effectiveExpirationDate
        self.includeSubdomains = includeSubdomains
        self.notedHostname = notedHostname
        self.servedCertificateChain = servedCertificateChain
        self.validatedCertificateChain = validatedCertificateChain
        self.knownPins = knownPins
        self.app = app
    }
}

/// What TrustKit adds to a report: the app and the pinning library that sent it.
public struct AppReport: Sendable, Hashable {
    public var bundleID: String?
    public var version: String?
    public var platform: String?
    public var platformVersion: String?
    public var vendorID: String?
    public var trustkitVersion: String?
    public var enforcePinning: Bool?
    /// TrustKit's TSKTrustEvaluationResult: 1 pin validation failed, 2 the chain was not trusted, ….
    public var validationResult: Int?
    public var knownPinsExpirationDate: String?

    public init(
        bundleID: String? = nil, version: String? = nil, platform: String? = nil,
        platformVersion: String? = nil,
        vendorID: String? = nil, trustkitVersion: String? = nil, enforcePinning: Bool? = nil,
        validationResult: Int? = nil, knownPinsExpirationDate: String? = nil
    ) {
        self.bundleID = bundleID
        self.version = version
        self.platform = platform
        self.platformVersion = platformVersion
        self.vendorID = vendorID
        self.trustkitVersion = trustkitVersion
        self.enforcePinning = enforcePinning
        self.validationResult = validationResult
        self.knownPinsExpirationDate = knownPinsExpirationDate
    }
}
