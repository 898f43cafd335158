/// A `Public-Key-Pins` (or `Public-Key-Pins-Report-Only`) header, RFC 7469.
///
/// Build one from pins, check it against the keys in use with `validate(chain:declaredBackups:)`, and
/// write it with `value`, `name` and `line(for:)`:
///
///     let header = HPKPHeader(pins: [inUse.pin, spare.pin], reportOnly: true,
///                             reportURI: "https://example.com/hpkp-report")
///     let findings = header.validate(chain: chainOrigins)
///     if !findings.containsErrors { print(try header.line(for: .nginx)) }
public struct HPKPHeader: Sendable, Hashable {
    /// 60 days, the longest max-age RFC 7469 advises (its section 4.1 suggests it as a limit).
    public static let advisedMaximumMaxAge: UInt64 = 5_184_000
    /// What `pinhash header` uses when no max-age is given: the advised maximum.
    public static let defaultMaxAge: UInt64 = advisedMaximumMaxAge

    /// The pins in the order they are written; duplicates are written once.
    public let pins: [Pin]
    /// Seconds a browser keeps the pins after it last saw the header.
    public let maxAge: UInt64
    public let includeSubDomains: Bool
    /// Where browsers send reports of pin validation failures (an absolute http or https URI).
    public let reportURI: String?
    /// Whether this is `Public-Key-Pins-Report-Only`: failures are reported, not enforced.
    public let reportOnly: Bool

    public init(
        pins: [Pin], maxAge: UInt64 = HPKPHeader.defaultMaxAge, includeSubDomains: Bool = false,
        reportURI: String? = nil, reportOnly: Bool = false
    ) {
        var seen = Set<Pin>()
        self.pins = pins.filter { seen.insert($0).inserted }
        self.maxAge = maxAge
        self.includeSubDomains = includeSubDomains
        self.reportURI = reportURI
        self.reportOnly = reportOnly
    }

    /// `Public-Key-Pins` or `Public-Key-Pins-Report-Only`.
    public var name: String { reportOnly ? "Public-Key-Pins-Report-Only" : "Public-Key-Pins" }

    /// The field value: `pin-sha256="…"; pin-sha256="…"; max-age=N[; includeSubDomains][; report-uri="…"]`.
    public var value: String {
        var directives = pins.map { "pin-sha256=\"\($0.base64)\"" }
        directives.append("max-age=\(maxAge)")
        if includeSubDomains { directives.append("includeSubDomains") }
        if let reportURI { directives.append("report-uri=\"\(reportURI)\"") }
        return directives.joined(separator: "; ")
    }

    /// The header as a server's configuration writes it; throws when that syntax cannot carry the value.
    public func line(for syntax: ServerSyntax) throws(PinHashError) -> String {
        try syntax.line(name: name, value: value)
    }

    /// Checks the header against the keys and certificates in use.
    ///
    /// - Parameters:
    ///   - chain: the certificate chain or keys the site serves now; empty when unknown, in which case
    ///     only the number of pins can be checked.
    ///   - declaredBackups: pins the caller meant as backups; each must be outside `chain`.
    /// - Returns: errors for a header that would lock visitors out or do nothing, warnings for risky
    ///   values, notes with advice. Serve the header only when there is no error.
    public func validate(chain: [PinnedEntry] = [], declaredBackups: [Pin] = []) -> [HeaderFinding] {
        validate(keysInUse: KeysInUse(chain), declaredBackups: declaredBackups)
    }

    /// Checks the header against the keys and certificates in use as ``validate(chain:declaredBackups:)``
    /// does, with them gathered as they were read.
    public func validate(keysInUse chain: KeysInUse, declaredBackups: [Pin] = []) -> [HeaderFinding] {
        var findings: [HeaderFinding] = []
        if pins.contains(Pin.ofNothing) {
            findings.append(Self.emptyInputPinFinding(Pin.ofNothing.base64))
        }
        let usable = pins.filter { $0 != Pin.ofNothing }
        if usable.count < 2 {
            findings.append(
                .error(
                    "\(usable.count == 0 ? "no pin" : "only one distinct pin"): RFC 7469 requires a backup "
                        + "pin (§2.5, §4.3), and browsers ignore a header without one",
                    remedy: .addBackupPin))
        }
        if !chain.isEmpty {
            let chainPins = chain.pins
            let rule = BackupPinRule(pins: usable, chain: chainPins)
            if rule.violation == .noPinInChain {
                findings.append(
                    .error(
                        "no pin matches the certificate chain or keys in use: browsers that saw this "
                            + "header would refuse the site",
                        fix: "pin a key of the chain the server presents"))
            }
            var reported = Set<Pin>()
            for backup in BackupPinRule(pins: declaredBackups, chain: chainPins).pinsInChain
            where reported.insert(backup).inserted {
                let origin = chain.origins(of: backup).described.first ?? ""
                findings.append(
                    .error(
                        "backup pin \(backup.base64) is in use (\(origin)); a backup must be a "
                            + "key the server does not present",
                        fix: "give as backup a spare key or CSR that is kept offline"))
            }
            // Fewer than two pins have their own error above.
            if usable.count >= 2, rule.violation == .noBackupPin {
                findings.append(
                    .error(
                        "no backup pin: every pin is in the chain given, so losing or replacing those keys "
                            + "locks visitors out for max-age",
                        remedy: .addBackupPin))
            }
        } else if usable.count >= 2 {
            findings.append(
                .note(
                    "no certificate or key in use was given, so whether one pin matches the chain and "
                        + "another is a backup is unchecked",
                    fix: "name the chain or key file as well"))
        }
        if let reportURI {
            findings += Self.reportURIFindings(reportURI)
        } else if reportOnly {
            findings.append(
                .error(
                    "Public-Key-Pins-Report-Only without report-uri does nothing: it only sends reports",
                    remedy: .addReportURI))
        }
        findings += Self.maxAgeFindings(maxAge)
        if !reportOnly {
            findings.append(
                .note(
                    "a wrong pin locks visitors out for max-age; a first deployment is safer as "
                        + "Public-Key-Pins-Report-Only",
                    remedy: .reportOnlyFirst))
        }
        return findings
    }

    /// The findings about a max-age value that RFC 7469 allows.
    static func maxAgeFindings(_ maxAge: UInt64) -> [HeaderFinding] {
        if maxAge == 0 {
            return [
                .note("max-age=0 tells browsers to forget the pins they hold for this host")
            ]
        }
        if maxAge > advisedMaximumMaxAge {
            return [
                .warning(
                    "max-age=\(maxAge) (\(HeaderDuration.describe(seconds: maxAge))) is longer than the 60 "
                        + "days RFC 7469 advises: a mistake locks visitors out that long",
                    fix: "use a max-age of \(advisedMaximumMaxAge) or less")
            ]
        }
        return []
    }

    /// The error for the hash of empty input, which failed openssl pipelines print.
    static func emptyInputPinFinding(_ text: String) -> HeaderFinding {
        .error(
            "\(text) is the SHA-256 of empty input, not of a key: the openssl pipeline that printed it "
                + "read no key",
            remedy: .computePin)
    }

    /// Reads a pin as given on a command line, in any spelling ``PinSpelling`` reads (base64, `sha256/…`,
    /// `sha256//…`, `pin-sha256="…"`, hex, TLSA data); the hash of empty input is refused.
    public static func parsePin(_ text: String) throws(PinHashError) -> Pin {
        do {
            return try PinSpelling.pin(parsing: text)
        } catch {
            throw PinHashError(.invalidArgument, error.reason, remedy: error.remedy)
        }
    }

    /// Why `text` is not a usable pin, as a header check reports it; nil when it is one.
    static func problem(withPin text: String) -> HeaderFinding? {
        guard let pin = Pin(base64: text) else {
            return .error(pinProblem(text), fix: "give the base64 SHA-256 of a SubjectPublicKeyInfo")
        }
        return pin == Pin.ofNothing ? emptyInputPinFinding(text) : nil
    }

    /// Why `text` is not a pin, in words.
    static func pinProblem(_ text: String) -> String {
        let bytes = Array(text.utf8)
        let hexDigits = Array("0123456789abcdefABCDEF".utf8)
        if bytes.count == 64, bytes.allSatisfy(hexDigits.contains) {
            return "\"\(text)\" is hex (the DANE form), not base64"
        }
        for prefix in ["sha256//", "sha256/", "pin-sha256="] where text.hasPrefix(prefix) {
            return "\"\(text)\" has a \(prefix) prefix; give the base64 value alone"
        }
        if bytes.isEmpty { return "an empty pin" }
        return "\"\(text)\" is not the base64 of 32 bytes (a SHA-256)"
    }

    /// Checks a report-uri: an absolute http or https URI made only of the characters RFC 3986 allows,
    /// which also keeps it safe inside a quoted-string and every server syntax.
    public static func reportURIFindings(_ uri: String) -> [HeaderFinding] {
        let bytes = Array(uri.utf8)
        let lowercased = uri.lowercased()
        guard lowercased.hasPrefix("https://") || lowercased.hasPrefix("http://") else {
            return [
                .error(
                    "report-uri \"\(uri)\" is not an absolute http or https URI",
                    fix: "give a full URI such as https://example.com/hpkp-report")
            ]
        }
        let allowed = Array("-._~:/?#[]@!$&'()*+,;=%".utf8)
        for (offset, byte) in bytes.enumerated() {
            let isAlphanumeric =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            if !isAlphanumeric, !allowed.contains(byte) {
                let what =
                    switch byte {
                    case 0x20: "a space"
                    case 0x22: "a double quote"
                    case 0x00...0x1F, 0x7F: "a control character"
                    case 0x80...: "a non-ASCII character"
                    default: "\"\(Character(Unicode.Scalar(byte)))\""
                    }
                return [
                    .error(
                        "report-uri has \(what) at position \(offset + 1), which a URI cannot hold",
                        fix: "percent-encode it (RFC 3986)")
                ]
            }
            if byte == UInt8(ascii: "%") {
                let hex = Array("0123456789abcdefABCDEF".utf8)
                guard offset + 2 < bytes.count, hex.contains(bytes[offset + 1]),
                    hex.contains(bytes[offset + 2])
                else {
                    return [
                        .error(
                            "report-uri has a \"%\" at position \(offset + 1) not followed by two hex digits",
                            fix: "write a literal % as %25")
                    ]
                }
            }
        }
        let schemeLength = lowercased.hasPrefix("https://") ? 8 : 7
        let authority = bytes.dropFirst(schemeLength).prefix { !Array("/?#".utf8).contains($0) }
        if authority.isEmpty {
            return [
                .error(
                    "report-uri \"\(uri)\" has no host", fix: "give a full URI such as https://example.com/r")
            ]
        }
        return []
    }
}
