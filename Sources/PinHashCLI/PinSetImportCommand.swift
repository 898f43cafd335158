import ArgumentParser
import PinHash

/// `pinhash pinset import FILE…`: the pins of the configurations apps and servers already have, as one
/// pin set.
struct PinSetImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read the pins of existing configurations into one pin set.",
        discussion: """
            Reads Android network_security_config.xml, Info.plist (XML or binary: NSPinnedDomains and \
            TrustKit's TSKConfiguration), Kotlin or Java source with OkHttp CertificatePinner add( calls, \
            Public-Key-Pins header lines (raw, Apache, nginx, IIS), TLSA records of a zone file, curl \
            --pinnedpubkey values and Chrome SPKI lists. The format is told from the content; --from \
            names it. Headers, curl and Chrome lists name no host: give it with --host.

            OkHttp's **.example.com becomes example.com with subdomains; *.example.com (one label only) is \
            widened to the same, with a note. TLSA records that carry no SPKI SHA-256 (a certificate, or \
            SHA-512) are skipped with a note. Hosts found in several files are merged.

            Exit status: 0 the pin set was written (notes on stderr); 1 a file could not be read, is \
            malformed (one line naming the file, the line and the problem) or holds no pin, or --out \
            exists without --force; 64 the command line was wrong.
            """
    )

    @OptionGroup var configuration: ImportOptions

    @Option(help: ArgumentHelp("Write the pin set to this new file instead of stdout.", valueName: "file"))
    var out: String?

    @Flag(help: "Replace the --out file when it exists.")
    var force = false

    @Argument(
        help: ArgumentHelp("Configuration files; - reads standard input.", valueName: "file"),
        completion: .file())
    var files: [String] = []

    func validate() throws {
        if files.isEmpty {
            throw ValidationError("Name at least one configuration file, or - for standard input.")
        }
        if files.filter(InputName.isStandardInput).count > 1 {
            throw ValidationError("Standard input (-) can be read only once.")
        }
    }

    func run() throws {
        var imported: [PinSet] = []
        var failed = false
        for file in files {
            do {
                imported.append(try configuration.read(file, exitCode: .failure).pinSet)
            } catch {
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
        try PinSetFile.writeForCommandLine(
            PinSetFile.text(of: PinSetImporter.merged(imported)), to: out, force: force)
    }
}
