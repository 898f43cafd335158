import PinHash
import PinHashLive

// The library says what is wrong and gives what would fix it as a `Remedy`; these are the command
// line's words for each remedy, naming the options that apply.

extension PinHashError {
    /// The error as pinhash prints it after `pinhash: `: `FILE: REASON`, with the library's remedy worded
    /// by the option that applies. `passphraseOption` is the option the command reads its passphrase
    /// with (`--passin`, or `--passout` for a new key).
    func commandLineMessage(passphraseOption: String = "--passin") -> String {
        let text: String
        switch remedy {
        case .givePassphrase(let noTerminal)?:
            text =
                "\(reason); give the passphrase with \(passphraseOption)"
                + (noTerminal ? " (no terminal to ask on)" : "")
        case .setEnvironmentVariable(let name)?:
            // The reason ends with the library's sentence; the option goes inside it, as openssl says it.
            let unset = "environment variable \(name) is not set"
            text =
                reason.hasSuffix(unset)
                ? reason.dropLast(unset.count)
                    + "environment variable \(name) (from \(passphraseOption) env:) is not set"
                : "\(reason) (from \(passphraseOption) env:)"
        case .useStartTLS?: text = "\(reason) (mail servers on 25, 587, 143 and 110 need --starttls)"
        case .checkServerName?: text = "\(reason); check --servername"
        case .giveServerName?: text = "\(reason); give it with --servername"
        case .tryServerName?: text = "\(reason) (no server name was sent: try --servername)"
        case .nameTheHeader?: text = "\(reason), or pass the value with --hpkp or --hsts"
        case let remedy?:
            text = "\(reason); \(remedy.commandLineWords(for: reason).fix ?? remedy.description)"
        case nil: text = reason
        }
        guard let source else { return text }
        return "\(InputName.displayName(of: source)): \(text)"
    }
}

extension Remedy {
    /// A finding's message and fix in the command line's words, for a finding whose library message is
    /// `message`.
    func commandLineWords(for message: String) -> (message: String, fix: String?) {
        switch self {
        case .raiseMaxAge(let seconds): (message, "use --max-age \(seconds) or more")
        case .includeSubdomains: (message, "add --include-subdomains")
        case .addBackupPin:
            (message, "add the pin of a spare key kept offline (pinhash header --backup FILE|PIN)")
        case .addReportURI: (message, "add a report-uri (pinhash header --report-uri URL)")
        case .reportOnlyFirst:
            (
                message,
                "serve that with a report-uri until no reports arrive (pinhash header --report-only --report-uri URL)"
            )
        case .trustIssuingCA:
            (
                message,
                "use a certificate from a CA browsers trust, or pass --cafile with the CA that issued it"
            )
        case .auditByName: (message, "audit the site by its name (--address IP connects to this address)")
        // The note is there because --no-http was given: it says so instead of giving a fix.
        case .probePlainHTTP: (message + " (--no-http)", nil)
        case .makeBackupKey: (message, "add the pin of a spare key kept offline (pinhash backup)")
        case .computePin: (message, "compute the pin with pinhash FILE")
        case .chooseHost: (message, "choose one with --host NAME")
        case .addBackupToPinSet:
            (
                message,
                "add the pin of a spare key kept offline (pinhash backup, then pinhash pinset init --backup FILE)"
            )
        case .publishTLSAForServedKey:
            (
                message,
                "pin the server's own key (a leaf pin, published as 3 1 1) or a CA certificate it sends (an "
                    + "intermediate pin, 2 1 1), and publish what pinhash pinset export --format tlsa writes"
            )
        case .pinServedKey:
            (
                message,
                "pin a key the server serves (pinhash --connect HOST prints them), or serve a certificate with "
                    + "a pinned key"
            )
        case .sendHSTSHeader:
            (
                message,
                "send Strict-Transport-Security: max-age=31536000; includeSubDomains on every HTTPS response, "
                    + "redirects and errors included (pinhash hsts prints the server's line)"
            )
        case .pinInApps:
            (
                message,
                "pin in your own apps instead (pinhash --format okhttp, android or ios) and rely on Certificate "
                    + "Transparency for browsers"
            )
        case .givePassphrase, .setEnvironmentVariable, .useStartTLS, .checkServerName, .giveServerName,
            .tryServerName, .nameTheHeader, .extendPinSetExpiration, .renewCertificate:
            (message, description)
        }
    }
}

extension HeaderFinding {
    /// The finding as pinhash prints it: a remedy worded with the command's options.
    var commandLineWorded: HeaderFinding {
        guard let remedy else { return self }
        let words = remedy.commandLineWords(for: message)
        return HeaderFinding(severity, words.message, fix: words.fix)
    }

    /// An error refusing a value (a pin, a header value a server's syntax cannot carry), listed with
    /// the header's findings; `option` names where the value came from.
    init(refusing error: PinHashError, of option: String? = nil) {
        self.init(.error, (option.map { "\($0): " } ?? "") + error.commandLineMessage())
    }
}

extension AuditFinding {
    /// The finding as `pinhash audit` prints it: a remedy worded with the command's options.
    var commandLineWorded: AuditFinding {
        guard let remedy else { return self }
        let words = remedy.commandLineWords(for: message)
        return AuditFinding(area, severity, words.message, fix: words.fix)
    }
}

extension Diagnostics {
    /// An error on standard error, worded for the command line.
    static func warn(_ error: PinHashError, passphraseOption: String = "--passin") {
        warn(error.commandLineMessage(passphraseOption: passphraseOption))
    }
}

extension PinDocumentNote {
    /// The note as pinhash prints it after `pinhash: `, naming the option that shows what a server sends.
    var commandLineMessage: String {
        switch self {
        case .authorityRecordsMatchOnlyIfSent(let entries):
            let named = entries.prefix(2).map(\.description).joined(separator: "; ")
            let more = entries.count > 2 ? " and \(entries.count - 2) more" : ""
            return
                "note: a TLSA 2 1 1 record matches only if the server sends that CA certificate (\(named)\(more)); "
                + "pinhash --connect HOST:PORT shows the certificates it sends"
        }
    }
}
