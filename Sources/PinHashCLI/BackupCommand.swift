import ArgumentParser
import PinHash
import PinHashLive

extension BackupKeyAlgorithm: ExpressibleByArgument {}

/// `pinhash backup --algorithm A --out FILE`: a new key for HPKP's backup pin, and its pin.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Generate a backup key for HPKP and print its pin.",
        discussion: """
            HPKP needs a backup pin: the pin of a key that is not in the served chain, kept offline until \
            the current key must be replaced. pinhash generates the key with OpenSSL, writes it as PKCS#8 \
            PEM to a new file with mode 0600 (encrypted with AES-256-CBC when --passout is given), and \
            prints its pin. With --csr and --subject it also writes a certificate request for the key, \
            signed with SHA-256 (Ed25519: pure Ed25519), to send to a CA when the key is needed.

            Files are never overwritten: when --out or --csr exists, nothing is written. Each file is \
            written in the same directory (on Linux as an unnamed file) and linked into place, so it \
            appears whole or not at all; SIGINT, SIGTERM or SIGHUP meanwhile leaves neither file.

            Exit status: 0 the key (and request) were written and the pin printed; 1 a file exists or \
            cannot be written, or the passphrase cannot be read, or the pin could not be printed (the \
            message then says which files were written); 64 the command line was wrong.
            """
    )

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

    @OptionGroup var format: FormatOptions

    func validate() throws {
        if out.isEmpty || out == "-" {
            throw ValidationError("--out must name a file: a key is never written to standard output.")
        }
        if (csr == nil) != (subject == nil) { throw ValidationError("--csr and --subject go together.") }
        if let csr, csr == out { throw ValidationError("--csr and --out must be different files.") }
        if csr == "-" { throw ValidationError("--csr must name a file.") }
        _ = try passphrase()
        _ = try requestSubject()
        _ = try format.formatter()
    }

    private func passphrase() throws -> PassphraseSource? {
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

    func run() throws {
        let passphrase = try passphrase()
        if passphrase?.isVisibleInProcessList == true {
            Diagnostics.warn(
                "warning: --passout pass: shows the passphrase to other users of this machine; prefer env:, file: or fd:"
            )
        }
        let request = try requestSubject().map { CertificateRequestOutput(path: csr!, subject: $0) }
        do {
            // Refuse before spending seconds on an RSA key; write() checks again as it creates the files.
            try BackupKey.checkDestinations(keyPath: out, certificateRequest: request)
            let key = try BackupKey.generate(algorithm, passphrase: passphrase)
            try key.write(to: out, certificateRequest: request)
            let output = OutputBuffer()
            if format.format == .base64 {
                output.append("\(key.pin.base64)\n")
            } else {
                output.append(try format.formatter().render([PinnedEntry(key.pinnedObject, source: out)]))
            }
            output.commit()
            let alsoRequest =
                request.map { " and the request to \(InputName.displayName(of: $0.path))" } ?? ""
            output.flush(
                done: "the key was written to \(InputName.displayName(of: out))\(alsoRequest); "
                    + "only printing its pin failed")
        } catch let error as PinHashError {
            Diagnostics.warn(error, passphraseOption: "--passout")
            throw ExitCode.failure
        } catch {
            Diagnostics.warn("\(error)")
            throw ExitCode.failure
        }
    }
}
