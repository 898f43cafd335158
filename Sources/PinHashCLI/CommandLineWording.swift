import PinHash

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
        case nil: text = reason
        }
        guard let source else { return text }
        return "\(InputName.displayName(of: source)): \(text)"
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
