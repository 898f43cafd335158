/// What would fix a problem, as a value, so that each program can word it in its own terms: the
/// library's descriptions name its own API (``PassphraseSource``, ``HPKPHeader``, connection options),
/// and the pinhash command names its options instead.
///
/// A ``PinHashError``'s remedy follows its reason; a ``HeaderFinding``'s (or an audit finding's) remedy is
/// the value behind its `fix`, which is the library's wording of it.
public enum Remedy: Sendable, Hashable {
    // MARK: Errors

    /// The input is encrypted and no passphrase could be had: give a ``PassphraseSource``. `noTerminal`
    /// when the terminal source was asked for one but there is no terminal to ask on.
    case givePassphrase(noTerminal: Bool)
    /// A passphrase source names this environment variable, which is not set; the reason ends with
    /// `environment variable NAME is not set`.
    case setEnvironmentVariable(String)
    /// A server did not answer with TLS: a mail server's port wants its protocol's STARTTLS first.
    case useStartTLS
    /// The server has no certificate for the name sent (given here) in SNI: send the name it serves.
    case checkServerName(String)
    /// The server wants a name in SNI and none was sent: send one.
    case giveServerName
    /// The handshake failed and no name was sent in SNI: sending one may help.
    case tryServerName
    /// A header line to check has no header name: name it, or give the value as that header's.
    case nameTheHeader
    /// A pin is the hash of empty input, which a failed pipeline prints: compute it from the file.
    case computePin
    /// A pin set has several hosts where one must be chosen: name the host.
    case chooseHost
    /// A pin set would not survive a key change (fewer than two pins, no backup): add a backup pin.
    case addBackupToPinSet
    /// No pin of a host matches what its server serves: pin a key it serves, or serve a pinned key.
    case pinServedKey
    /// No TLSA record a host's pins imply authenticates the chain: pin the server's own key or a CA it
    /// sends, and publish the records.
    case publishTLSAForServedKey
    /// A pin set's expiration has passed or is near: move it later and ship the clients again.
    case extendPinSetExpiration
    /// A certificate has expired or expires soon: renew it, with a pinned key.
    case renewCertificate

    // MARK: Findings about a header being built

    /// The header needs a max-age of at least this many seconds.
    case raiseMaxAge(atLeast: UInt64)
    /// The header needs includeSubDomains.
    case includeSubdomains
    /// The HPKP header needs the pin of a spare key kept offline, as a backup pin.
    case addBackupPin
    /// The HPKP report-only header needs a report-uri.
    case addReportURI
    /// A first HPKP deployment is safer as Public-Key-Pins-Report-Only with a report-uri.
    case reportOnlyFirst

    // MARK: Findings of a site audit

    /// The chain does not verify: use a certificate from a CA browsers trust, or trust the issuing CA.
    case trustIssuingCA
    /// The site was audited by IP address: audit it by name, connecting to the address.
    case auditByName
    /// The preload list's plain-HTTP redirect was not checked: probe plain HTTP too.
    case probePlainHTTP
    /// The HTTPS response has no HSTS header: send one on every response.
    case sendHSTSHeader
    /// The site has no backup pin: make a spare key and pin it.
    case makeBackupKey
    /// Browsers no longer enforce HPKP: pin in the apps instead.
    case pinInApps

    /// The remedy in the library's words.
    public var description: String {
        switch self {
        case .givePassphrase(let noTerminal):
            "give a passphrase source" + (noTerminal ? " (there is no terminal to ask on)" : "")
        case .setEnvironmentVariable(let name): "set \(name) or use another passphrase source"
        case .useStartTLS: "mail servers on ports 25, 587, 143 and 110 need STARTTLS first"
        case .checkServerName: "check the server name sent"
        case .giveServerName: "send a server name"
        case .tryServerName: "no server name was sent: try sending one"
        case .nameTheHeader: "or give the value with its HeaderKind"
        case .computePin: "compute the pin from the key, request or certificate itself (PinReader)"
        case .chooseHost: "name one host of the pin set"
        case .addBackupToPinSet: "add the pin of a spare key kept offline, outside the chain (a BackupKey)"
        case .pinServedKey:
            "pin a key the server serves (ServerConnector reads them), or serve a certificate with a pinned key"
        case .publishTLSAForServedKey:
            "pin the server's own key (a leaf pin, published as 3 1 1) or a CA certificate it sends (an "
                + "intermediate pin, 2 1 1), and publish the records of the tlsa PinSetFormat in DNS"
        case .extendPinSetExpiration: "move the pin set's expiration later and ship its clients again"
        case .renewCertificate: "renew the certificate, keeping a pinned key (or moving to the backup's)"
        case .raiseMaxAge(let seconds): "set maxAge to \(seconds) or more"
        case .includeSubdomains: "set includeSubDomains"
        case .addBackupPin: "add the pin of a spare key kept offline as a backup pin"
        case .addReportURI: "add a reportURI"
        case .reportOnlyFirst: "serve that with a reportURI until no reports arrive (reportOnly)"
        case .trustIssuingCA: "use a certificate from a CA browsers trust, or trust the CA that issued it"
        case .auditByName: "audit the site by its name, connecting to this address"
        case .probePlainHTTP: "probe http:// as well"
        case .sendHSTSHeader:
            "send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response, "
                + "redirects and errors included (HSTSHeader writes the server's line)"
        case .makeBackupKey: "add the pin of a spare key kept offline (a BackupKey)"
        case .pinInApps:
            "pin in your own apps instead (the okhttp, android or ios PinFormat) and rely on Certificate "
                + "Transparency for browsers"
        }
    }
}
