import ArgumentParser
import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

@main
struct PinHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinhash",
        abstract: "Print SPKI pins: the base64 SHA-256 of a public key's DER SubjectPublicKeyInfo.",
        discussion: """
            Without a subcommand, pinhash prints the pins of the files it is given (see `pinhash pins \
            --help`): pinhash key.pem, pinhash --csr req.csr, pinhash --cert chain.crt --all.

            Exit status: 0 every input gave a pin; 1 an input could not be read, was malformed, of the wrong \
            type, encrypted without a usable passphrase, or too large, or the --connect server could not be \
            resolved, reached or handshaken with (each named on stderr); 64 the command line was wrong.
            """,
        version: "0.1.0",
        subcommands: [
            PinsCommand.self, HeaderCommand.self, HSTSCommand.self, LintCommand.self, VerifyCommand.self,
            BackupCommand.self, AuditCommand.self, PinSetCommand.self,
        ],
        defaultSubcommand: PinsCommand.self
    )

    /// Parses and runs the command line, refusing first what argument parsing would take for help: a
    /// single dash followed by several characters is a group of short options, and the only short option
    /// is -h, so `-fullchain.pem` would print help and exit 0 instead of reading a file.
    static func main() {
        // No copy of the arguments is kept: argument parsing ends the process with exit(), and a copy held
        // here would be reported as lost by the leak check.
        for argument in CommandLine.arguments.dropFirst().prefix(while: { $0 != "--" })
        where argument.count > 2 && argument.hasPrefix("-") && !argument.hasPrefix("--") {
            exit(
                withError: ValidationError(
                    "Unknown option '\(argument)'. A file whose name starts with - is given as ./\(argument) "
                        + "or after --."))
        }
        main(nil)
    }
}
