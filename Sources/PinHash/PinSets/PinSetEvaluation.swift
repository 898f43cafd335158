/// What one address of a pinned host served: the certificates it sent and the chain a client verified.
public struct ServedChain: Sendable, Hashable {
    /// The certificates the server sent, its own first.
    public var sent: [PinnedObject]
    /// The chain verified from the leaf to a trust anchor, the trust store's root included; empty when the
    /// chain does not verify.
    public var verified: [PinnedObject]
    /// Why the chain does not verify; nil when it does.
    public var verificationFailure: String?

    public init(sent: [PinnedObject], verified: [PinnedObject], verificationFailure: String?) {
        self.sent = sent
        self.verified = verified
        self.verificationFailure = verificationFailure
    }

    /// The certificates sent, then those of the verified chain that were not sent (the root, usually).
    public var certificates: [PinnedObject] {
        let sentDER = Set(sent.compactMap(\.derEncoded))
        return sent + verified.filter { $0.derEncoded.map { !sentDER.contains($0) } ?? true }
    }
}

/// Which pins of a host match what one kind of client compares them with.
public struct PinMatch: Sendable, Hashable {
    /// What a client compares its pins with.
    public enum Scope: String, Sendable, Hashable, CaseIterable {
        /// The server's own key only: curl's pinned public key.
        case leafKey = "leaf-key"
        /// Every key of the chain the client verified, the trust store's root included: OkHttp, Android,
        /// iOS, TrustKit, Chrome and HPKP (RFC 7469 §2.6).
        case verifiedChain = "verified-chain"

        /// The clients that compare pins this way.
        public var clients: [PinClient] {
            switch self {
            case .leafKey: [.curl]
            case .verifiedChain: [.okhttp, .android, .ios, .trustkit, .chrome, .hpkp]
            }
        }
    }

    public let scope: Scope
    /// The host's clients that compare pins this way.
    public let clients: [PinClient]
    /// The host's pins found in the scope, in the host's order, each once.
    public let matching: [Pin]

    public init(scope: Scope, clients: [PinClient], matching: [Pin]) {
        self.scope = scope
        self.clients = clients
        self.matching = matching
    }

    /// Whether these clients accept the server's keys.
    public var matches: Bool { !matching.isEmpty }
}

/// A pinned host checked against what one of its addresses served (or, without one, on its own): which
/// pins each kind of client finds, and what is wrong.
///
/// Errors: no pin matches for a kind of client; fewer than two pins; no backup outside the chain; a
/// placeholder pin (the SHA-256 of empty input, a digest of one repeated byte) or a pin listed twice; the
/// pin set's expiration passed; a certificate of the chain expired; a chain that does not verify, for
/// clients that verify it; no TLSA record authenticating the chain, for a host checked with DANE.
/// Warnings: the expiration, or a certificate's notAfter, within `warnDays`.
///
/// ```swift
/// let evaluation = PinSetEvaluation(host: host, served: served, now: time(nil), warnDays: 30)
/// if evaluation.findings.highestSeverity == .error { … }
/// ```
public struct PinSetEvaluation: Sendable, Hashable {
    public let host: PinnedHost
    /// For each kind of client the host is configured for, the pins it finds; empty without `served`.
    public let matches: [PinMatch]
    /// What OpenSSL's DANE verifier made of the chain with the host's TLSA records; nil when the host is
    /// not checked with DANE (``PinnedHost/isCheckedWithDANE``) or the address was not checked.
    public let dane: DANEVerification?
    /// What is wrong, host-wide findings first, in a stable order.
    public let findings: [PinSetFinding]

    /// - Parameters:
    ///   - served: what the address served; nil checks only what the pin set says on its own.
    ///   - dane: the DANE verification of the served chain with ``PinnedHost/tlsaRecords``, for a host
    ///     checked with DANE: an error finding when no record authenticated it.
    ///   - now: the moment of the check, in seconds since 1970-01-01 UTC.
    ///   - warnDays: how many days ahead an expiration is warned of.
    public init(
        host: PinnedHost, served: ServedChain?, dane: DANEVerification? = nil, now: Int64, warnDays: Int
    ) {
        self.host = host
        self.dane = served == nil ? nil : dane
        var findings = Self.hostFindings(host, now: now, warnDays: warnDays)
        guard let served else {
            matches = []
            self.findings = findings
            return
        }
        let clients = host.clients.isEmpty ? PinClient.allCases : host.clients
        let pins = host.distinctPins
        // A placeholder is no backup: no key has it.
        let realPins = pins.filter { Self.placeholderReason($0) == nil }
        var matches: [PinMatch] = []
        for scope in PinMatch.Scope.allCases {
            let scopeClients = scope.clients.filter(clients.contains)
            guard !scopeClients.isEmpty else { continue }
            let keys: [PinnedObject] =
                switch scope {
                case .leafKey: Array(served.sent.prefix(1))
                case .verifiedChain: served.verified.isEmpty ? served.sent : served.verified
                }
            let keyPins = Set(keys.map(\.pin))
            matches.append(
                PinMatch(scope: scope, clients: scopeClients, matching: pins.filter(keyPins.contains)))
        }
        self.matches = matches
        let names = { (match: PinMatch) in match.clients.map(\.rawValue).joined(separator: ", ") }
        let refuse = { (match: PinMatch) in match.clients.count == 1 ? "refuses" : "refuse" }
        if let failure = served.verificationFailure,
            let chainMatch = matches.first(where: { $0.scope == .verifiedChain })
        {
            findings.append(
                PinSetFinding(
                    .chainNotTrusted, .error,
                    "the chain does not verify (\(failure)): \(names(chainMatch)) \(refuse(chainMatch)) the server before "
                        + "checking pins",
                    remedy: .trustIssuingCA))
        }
        for match in matches where !match.matches {
            let what = match.scope == .leafKey ? "the server's own key" : "any key of the verified chain"
            findings.append(
                PinSetFinding(
                    .noPinMatches, .error,
                    "no pin matches \(what): \(names(match)) \(refuse(match)) the server",
                    remedy: .pinServedKey))
        }
        if let dane, !dane.isAuthenticated {
            findings.append(
                PinSetFinding(
                    .noTLSARecordAuthenticates, .error, dane.summary, remedy: .publishTLSAForServedKey))
        }
        let inUse = served.certificates.map(\.pin)
        if realPins.count >= 2, BackupPinRule(pins: realPins, chain: inUse).violation == .noBackupPin {
            findings.append(
                PinSetFinding(
                    .noBackupPin, .error, PinSetWeakness.noBackupPin.description, remedy: .addBackupToPinSet))
        }
        for certificate in served.certificates {
            if let finding = Self.expiryFinding(certificate, now: now, warnDays: warnDays) {
                findings.append(finding)
            }
        }
        self.findings = findings
    }

    /// Whether any finding is an error.
    public var hasErrors: Bool { findings.contains { $0.severity == .error } }

    /// The findings that depend on the pin set alone.
    private static func hostFindings(_ host: PinnedHost, now: Int64, warnDays: Int) -> [PinSetFinding] {
        var findings: [PinSetFinding] = []
        var seen = Set<Pin>()
        for entry in host.pins {
            if !seen.insert(entry.pin).inserted {
                findings.append(
                    PinSetFinding(
                        .repeatedPin, .error,
                        "the pin \(entry.pin.base64) is listed more than once; it counts as one",
                        remedy: .addBackupToPinSet, pin: entry.pin))
            } else if let why = placeholderReason(entry.pin) {
                findings.append(
                    PinSetFinding(
                        .placeholderPin, .error, "the pin \(entry.pin.base64) is a placeholder: \(why)",
                        remedy: .computePin, pin: entry.pin))
            }
        }
        let real = host.distinctPins.filter { placeholderReason($0) == nil }
        if real.count < 2 {
            findings.append(
                PinSetFinding(
                    .fewerThanTwoPins, .error, PinSetWeakness.fewerThanTwoPins(real.count).description,
                    remedy: .addBackupToPinSet))
        }
        if let expiration = host.expiration {
            let daysLeft = expiration.daysSinceUnixEpoch - Self.day(of: now)
            if daysLeft <= 0 {
                findings.append(
                    PinSetFinding(
                        .pinSetExpired, .error,
                        "the pin set expired on \(expiration): clients no longer enforce its pins",
                        remedy: .extendPinSetExpiration))
            } else if daysLeft <= warnDays {
                findings.append(
                    PinSetFinding(
                        .pinSetExpiresSoon, .warning,
                        "the pin set expires on \(expiration), in \(Self.days(daysLeft)): clients then stop "
                            + "enforcing its pins",
                        remedy: .extendPinSetExpiration))
            }
        }
        return findings
    }

    /// Why no key can have `pin`, or nil: the hash of empty input, or 32 copies of one byte.
    static func placeholderReason(_ pin: Pin) -> String? {
        if pin == Pin.ofNothing {
            return "the SHA-256 of empty input, which a failed openssl pipeline prints"
        }
        let digest = pin.sha256
        if digest.allSatisfy({ $0 == digest[0] }) { return "its digest is one byte repeated" }
        return nil
    }

    private static func expiryFinding(_ certificate: PinnedObject, now: Int64, warnDays: Int)
        -> PinSetFinding?
    {
        guard let notAfter = certificate.notAfter, let end = seconds(ofTime: notAfter) else { return nil }
        let what = "the \(certificate.summary)"
        if end < now {
            return PinSetFinding(
                .certificateExpired, .error, "\(what) expired at \(notAfter)", remedy: .renewCertificate,
                pin: certificate.pin)
        }
        let daysLeft = Int((end - now) / 86_400)
        guard daysLeft < warnDays else { return nil }
        return PinSetFinding(
            .certificateExpiresSoon, .warning, "\(what) expires at \(notAfter), in \(days(daysLeft))",
            remedy: .renewCertificate, pin: certificate.pin)
    }

    private static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// The UTC day of a moment, as days since 1970-01-01.
    private static func day(of seconds: Int64) -> Int {
        Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` (how ``PinnedObject/notAfter`` is written) in seconds since 1970-01-01.
    static func seconds(ofTime text: String) -> Int64? {
        let parts = text.split(separator: "T")
        guard parts.count == 2, let date = CalendarDate(iso8601: String(parts[0])), parts[1].hasSuffix("Z")
        else { return nil }
        let clock = parts[1].dropLast().split(separator: ":").compactMap { Int64($0) }
        guard clock.count == 3 else { return nil }
        return Int64(date.daysSinceUnixEpoch) * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2]
    }
}
