import PinHash

/// A report with what pinhash makes of it: the pins of the chains it carries, the pins the client noted,
/// and, against a pin set, which of its pins the chain has and which kinds of client fail.
public struct AnalyzedReport: Sendable, Hashable {
    public let report: PinFailureReport
    /// The pins of the served chain's certificates, in the order sent.
    public let servedPins: [Pin]
    /// The pins of the validated chain's certificates, leaf first.
    public let validatedPins: [Pin]
    /// The pins the client held (`known-pins`), those that are `pin-sha256` pins.
    public let notedPins: [Pin]
    /// The report against the pin set; nil without a pin set, or when it has no entry for the host.
    public let pinSetMatch: PinSetMatch?
    /// The SHA-256 of everything but the report's time: the same failure seen again by one client has the
    /// same fingerprint.
    public let fingerprint: String

    /// Reads the chains' certificates with ``PinReader``; a chain entry that is not one PEM certificate is
    /// an error naming it.
    public init(_ report: PinFailureReport, pinSet: PinSet? = nil) throws(ReportsError) {
        self.report = report
        let served = try Self.certificates(
            of: report.servedCertificateChain, field: "served-certificate-chain")
        let validated = try Self.certificates(
            of: report.validatedCertificateChain, field: "validated-certificate-chain")
        servedPins = served.map(\.pin)
        validatedPins = validated.map(\.pin)
        notedPins = report.knownPins.compactMap(Self.notedPin)
        pinSetMatch = pinSet.flatMap {
            PinSetMatch(pinSet: $0, report: report, served: served, validated: validated)
        }
        fingerprint = Self.fingerprint(of: report)
    }

    /// The pins the chain a client checked has: the validated chain, else the served one.
    public var chainPins: [Pin] { validatedPins.isEmpty ? servedPins : validatedPins }

    /// A `known-pins` entry's pin: `pin-sha256="base64"` (RFC 7469 §2.1.1, quotes optional); nil for
    /// another algorithm or a malformed entry.
    static func notedPin(_ entry: String) -> Pin? {
        var text = Substring(entry).drop { $0 == " " }
        guard text.lowercased().hasPrefix("pin-sha256") else { return nil }
        text = text.dropFirst("pin-sha256".count).drop { $0 == " " }
        guard text.first == "=" else { return nil }
        text = text.dropFirst().drop { $0 == " " }
        if text.first == "\"" { text = text.dropFirst() }
        if text.last == "\"" { text = text.dropLast() }
        return Pin(base64: String(text))
    }

    private static func certificates(of chain: [String], field: String) throws(ReportsError) -> [PinnedObject]
    {
        var certificates: [PinnedObject] = []
        let reader = PinReader(inputType: .certificate)
        for (index, pem) in chain.enumerated() {
            let objects: [PinnedObject]
            do {
                objects = try reader.pins(in: Array(pem.utf8), source: "\(field)[\(index)]")
            } catch {
                throw ReportsError(
                    .invalidReport, "\"\(field)\"[\(index)] is not a PEM certificate (\(error))")
            }
            guard let object = objects.first, objects.count == 1 else {
                throw ReportsError(
                    .invalidReport, "\"\(field)\"[\(index)] holds \(objects.count) certificates, not 1")
            }
            CertificateCache.shared.remember(pem, object)
            certificates.append(object)
        }
        return certificates
    }

    /// Every field but `date-time`, each with its name and length, hashed: no two different reports
    /// share the text hashed.
    private static func fingerprint(of report: PinFailureReport) -> String {
        var text = ""
        func add(_ name: String, _ value: String?) {
            guard let value else { return }
            text += "\(name)\(value.utf8.count):\(value)\n"
        }
        add("hostname", report.hostname)
        add("port", report.port.map(String.init))
        add("effective-expiration-date", report.effectiveExpirationDate)
        add("include-subdomains", report.includeSubdomains.map(String.init))
        add("noted-hostname", report.notedHostname)
        for pem in report.servedCertificateChain { add("served", pem) }
        for pem in report.validatedCertificateChain { add("validated", pem) }
        for pin in report.knownPins { add("known", pin) }
        if let app = report.app {
            add("app-bundle-id", app.bundleID)
            add("app-version", app.version)
            add("app-platform", app.platform)
            add("app-platform-version", app.platformVersion)
            add("app-vendor-id", app.vendorID)
            add("trustkit-version", app.trustkitVersion)
            add("enforce-pinning", app.enforcePinning.map(String.init))
            add("validation-result", app.validationResult.map(String.init))
            add("known-pins-expiration-date", app.knownPinsExpirationDate)
        }
        // Pin's initializer is SHA-256 over the bytes given; base64 keeps the key short.
        return Pin(subjectPublicKeyInfo: Array(text.utf8)).base64
    }
}

/// What a pin set says of a report: the host entry that applies, which of its pins the reported chain
/// has, and the kinds of client that refuse the chain.
public struct PinSetMatch: Sendable, Hashable {
    /// The pin set's host name that applies to the report's host.
    public let host: String
    /// The pin set's pins found in the chain the client validated (or the served one), each once.
    public let matchingPins: [Pin]
    /// The kinds of client, among those the host is configured for, that find no pin of the set.
    public let failingClients: [PinClient]

    public init(host: String, matchingPins: [Pin], failingClients: [PinClient]) {
        self.host = host
        self.matchingPins = matchingPins
        self.failingClients = failingClients
    }

    /// The pin set's judgment of the chains, by ``PinSetEvaluation``: nil when no host of the set covers
    /// the report's host (its exact name first, then the nearest parent that includes subdomains).
    init?(pinSet: PinSet, report: PinFailureReport, served: [PinnedObject], validated: [PinnedObject]) {
        let name = Self.normalized(report.hostname)
        let parents = pinSet.hosts.filter {
            $0.includesSubdomains && name.hasSuffix("." + Self.normalized($0.name))
        }
        guard
            let pinnedHost = pinSet.hosts.first(where: { Self.normalized($0.name) == name })
                ?? parents.max(by: { $0.name.count < $1.name.count })
        else { return nil }
        let chain = ServedChain(
            sent: served.isEmpty ? validated : served, verified: validated, verificationFailure: nil)
        let evaluation = PinSetEvaluation(host: pinnedHost, served: chain, now: 0, warnDays: 0)
        self.init(
            host: pinnedHost.name,
            matchingPins: evaluation.matches.first { $0.scope == .verifiedChain }?.matching
                ?? evaluation.matches.first?.matching ?? [],
            failingClients: evaluation.matches.filter { !$0.matches }.flatMap(\.clients))
    }

    private static func normalized(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
