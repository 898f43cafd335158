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
            signed with SHA-256 (Ed25519: pure Ed25519), to send to a CA when the key is needed. Ed25519 \
            gets a warning: public CAs do not issue certificates for Ed25519 keys and browsers cannot use \
            them, so such a backup serves only clients you control.

            Files are never overwritten: when --out or --csr exists, nothing is written. Each file is \
            written in the same directory (on Linux as an unnamed file) and linked into place, so it \
            appears whole or not at all; SIGINT, SIGTERM or SIGHUP meanwhile leaves neither file.

            Examples:
              pinhash backup --algorithm p256 --out backup.key
              pinhash backup --algorithm rsa4096 --out backup.key --passout env:BACKUP_PASS
              pinhash backup --algorithm p384 --out spare.key --csr spare.csr --subject /CN=example.com

            Exit status: 0 the key (and request) were written and the pin printed; 1 a file exists or \
            cannot be written, or the passphrase cannot be read, or the pin could not be printed (the \
            message then says which files were written); 64 the command line was wrong.
            """
    )

    @OptionGroup var key: BackupKeyOptions

    @OptionGroup var format: FormatOptions

    func validate() throws {
        _ = try format.formatter()
    }

    func run() throws {
        do {
            let newKey = try key.writeNewKey()
            let output = OutputBuffer()
            if format.format == .base64 {
                output.append("\(newKey.pin.base64)\n")
            } else {
                output.append(
                    try format.formatter().render([PinnedEntry(newKey.pinnedObject, source: key.out)]))
            }
            output.commit()
            output.flush(done: "\(key.writtenFiles); only printing its pin failed")
            // After the key is written, so that a failure still gets its one line alone.
            if let undeployable = UndeployableBackupKey(key.algorithm) {
                Diagnostics.warn(
                    "warning: --algorithm \(key.algorithm.rawValue): \(undeployable); \(undeployable.fix)")
            }
        } catch let error as PinHashError {
            Diagnostics.warn(error, passphraseOption: "--passout")
            throw ExitCode.failure
        } catch {
            Diagnostics.warn("\(error)")
            throw ExitCode.failure
        }
    }
}
