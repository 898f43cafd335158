import ArgumentParser
import PinHash

/// The options of a new key and its request, shared by `pinhash backup` and `pinhash rotate plan`.
struct BackupKeyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The key type (RSA of 2048 to 4096 bits, EC on P-256 or P-384, Ed25519).", valueName: "algorithm")
    )
    var algorithm: BackupKeyAlgorithm

    @Option(
        name: .long,
        help: ArgumentHelp("The new key file (mode 0600; never overwritten).", valueName: "file"),
        completion: .file(extensions: ["key", "pem"]))
    var out: String

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Encrypt the key with a passphrase from this source.",
            discussion:
                "As openssl's -passout: env:VAR, file:PATH, fd:N, stdin or pass:TEXT (visible to other users).",
            valueName: "source"))
    var passout: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Also write a certificate request for the key (needs --subject).", valueName: "file"),
        completion: .file(extensions: ["csr", "pem"]))
    var csr: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The request's subject, as openssl req -subj takes it: /CN=www.example.com/O=Example (\\/ for a slash).",
            valueName: "subject"))
    var subject: String?

    func validate() throws {
        if out.isEmpty || out == "-" {
            throw ValidationError("--out must name a file: a key is never written to standard output.")
        }
        if (csr == nil) != (subject == nil) { throw ValidationError("--csr and --subject go together.") }
        if let csr, csr == out { throw ValidationError("--csr and --out must be different files.") }
        if csr == "-" { throw ValidationError("--csr must name a file.") }
        _ = try passphrase()
        _ = try requestSubject()
    }

    func passphrase() throws -> PassphraseSource? {
        guard let passout else { return nil }
        do {
            return try PassphraseSource(openSSLArgument: passout)
        } catch {
            throw ValidationError("--passout: \(error.reason).")
        }
    }

    private func requestSubject() throws -> CertificateRequestSubject? {
        guard let subject else { return nil }
        do {
            return try CertificateRequestSubject(openSSLForm: subject)
        } catch {
            throw ValidationError("--subject: \(error.reason).")
        }
    }

    /// The request to write beside the key, when --csr is given.
    func request() throws -> CertificateRequestOutput? {
        try requestSubject().map { CertificateRequestOutput(path: csr!, subject: $0) }
    }

    /// The passphrase source, warning on stderr when other users can read it in the process list.
    func passphraseWarningIfVisible() throws -> PassphraseSource? {
        let passphrase = try passphrase()
        if passphrase?.isVisibleInProcessList == true {
            Diagnostics.warn(
                "warning: --passout pass: shows the passphrase to other users of this machine; prefer env:, file: or fd:"
            )
        }
        return passphrase
    }

    /// Generates the key and writes it (and the request), refusing before the key is made when a file
    /// exists; `whileNew` runs with the files in place, which are removed again if it throws.
    func writeNewKey(whileNew: (BackupKey) throws(PinHashError) -> Void = { _ in }) throws -> BackupKey {
        let passphrase = try passphraseWarningIfVisible()
        let request = try request()
        // Refuse before spending seconds on an RSA key; write() checks again as it creates the files.
        try BackupKey.checkDestinations(keyPath: out, certificateRequest: request)
        let key = try BackupKey.generate(algorithm, passphrase: passphrase)
        try key.write(to: out, certificateRequest: request) { () throws(PinHashError) in try whileNew(key) }
        return key
    }

    /// `the key was written to next.key and the request to next.csr`.
    var writtenFiles: String {
        let alsoRequest = csr.map { " and the request to \(InputName.displayName(of: $0))" } ?? ""
        return "the key was written to \(InputName.displayName(of: out))\(alsoRequest)"
    }
}
