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

            Examples:
              pinhash key.pem
              pinhash --csr req.csr
              pinhash --cert chain.crt --all
              pinhash --p12 site.pfx --passin env:PFX_PASS
              pinhash --connect example.com
              pinhash --format tlsa --host example.com --all chain.pem
              pinhash header chain.pem --backup spare.csr --server apache
              pinhash hsts --max-age 63072000 --include-subdomains --server nginx
              curl -sI https://example.com/ | pinhash lint - chain.pem

            Exit status: 0 every input gave a pin; 1 an input could not be read, was malformed, of the wrong \
            type, encrypted without a usable passphrase, or too large, or the --connect server could not be \
            resolved, reached or handshaken with (each named on stderr); 64 the command line was wrong; 69 \
            a library the command needs (libcrypto, libssl, libyaml, Expat, libplist) could not be loaded.
            """,
        version: "0.1.0",
        subcommands: [
            PinsCommand.self, HeaderCommand.self, HSTSCommand.self, LintCommand.self, VerifyCommand.self,
            BackupCommand.self, AuditCommand.self, PinSetCommand.self, CheckCommand.self, RotateCommand.self,
            ReportsCommand.self,
        ],
        defaultSubcommand: PinsCommand.self
    )

    /// Parses and runs the command line, refusing first what argument parsing would take for help: a
    /// single dash followed by several characters is a group of short options, and the only short option
    /// is -h, so `-fullchain.pem` would print help and exit 0 instead of reading a file.
    static func main() {
        occupyClosedStandardDescriptors()
        // No copy of the arguments is kept: argument parsing ends the process with exit(), and a copy held
        // here would be reported as lost by the leak check.
        let arguments = CommandLine.arguments.dropFirst().prefix(while: { $0 != "--" })
        // The value of an option parsed unconditionally (`--max-age -50`) is checked by its command.
        for (previous, argument) in zip([""] + arguments, arguments)
        where argument.count > 2 && argument.hasPrefix("-") && !argument.hasPrefix("--")
            && !unconditionalOptions.contains(previous)
        {
            exit(
                withError: ValidationError(
                    "Unknown option '\(argument)'. A file whose name starts with - is given as ./\(argument) "
                        + "or after --."))
        }
        PlainPinsCommandLine(CommandLine.arguments.dropFirst())?.run()
        // As ParsableCommand.main, but a command that failed with a status exits with it directly.
        do {
            var command = try parseAsRoot(nil)
            try command.run()
        } catch let status as ExitCode {
            exitWithStatus(status)
        } catch {
            exit(withError: error)
        }
    }

    /// The options whose value may start with a dash, so that the command can say what is wrong with it.
    private static let unconditionalOptions: Set<String> = ["--max-age"]

    /// Opens /dev/null onto any of descriptors 0, 1 and 2 that is closed, as many Unix tools do at
    /// start-up: otherwise the next file opened takes its number, and `--passin stdin` reads a key file
    /// as its passphrase, or an error line lands in a key being written. /dev/null is opened read-only,
    /// so standard input is at its end and a write to standard output or error still fails (EBADF) as
    /// it would on the closed descriptor: printed output is never lost silently.
    private static func occupyClosedStandardDescriptors() {
        for descriptor in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO]
        where fcntl(descriptor, F_GETFD) < 0 && errno == EBADF {
            let opened = open("/dev/null", O_RDONLY)
            // Opened on the lowest free number, which is this one; anything else means no /dev/null.
            if opened >= 0 && opened != descriptor { _ = close(opened) }
        }
    }
}
