import ArgumentParser
import PinHash

/// `pinhash pinset diff`: the drift between a pin set and another configuration of the same pins.
struct PinSetDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a pin set and an app's configuration (or another pin set) differ, host by host.",
        discussion: """
            FILE is another pin set (pins.yaml), or any configuration `pinset import` reads (Android \
            network_security_config.xml, Info.plist with NSPinnedDomains or TrustKit, OkHttp source, \
            Public-Key-Pins header lines, TLSA records, curl and Chrome pin lists), told from its content \
            or named with --from. A configuration is compared with the pin set's hosts whose clients \
            include its client (every host that names no clients), and only on what its format can say: \
            Android has no report URIs, iOS no expiration, a TLSA record only a port and pins.

            Prints one line per difference: HOST: host only in FILE; HOST: pin only in FILE: PIN (label) and, \
            for a CA key, the catalogue's note; \
            HOST: include-subdomains, expiration, enforcement or report-uris with each side's value. Hosts \
            are matched by name (and port, when not 443); pins as sets, whatever their order and labels.

            Exit status: 0 the two agree; 1 they differ; 2 a file could not be read; 64 the command line \
            was wrong.
            """
    )

    @Argument(
        help: ArgumentHelp("The pin set kept as the truth.", valueName: "pinset"),
        completion: .file(extensions: ["yaml", "yml"]))
    var pinSetFile: String

    @Argument(
        help: ArgumentHelp("The configuration to compare with it, or another pin set.", valueName: "file"),
        completion: .file())
    var otherFile: String

    @OptionGroup var configuration: ImportOptions

    /// A pin set is a file named `.yaml` or `.yml`; anything else, standard input too, is a configuration.
    private static func isPinSet(_ path: String) -> Bool {
        path.hasSuffix(".yaml") || path.hasSuffix(".yml")
    }

    func validate() throws {
        if InputName.isStandardInput(pinSetFile), InputName.isStandardInput(otherFile) {
            throw ValidationError("Standard input (-) can be read only once.")
        }
    }

    func run() throws {
        let truth = try PinSetFile.readForCommandLine(pinSetFile, exitCode: ExitCode(2))
        let difference: PinSetDifference
        if configuration.format == nil, Self.isPinSet(otherFile) {
            let other = try PinSetFile.readForCommandLine(otherFile, exitCode: ExitCode(2))
            difference = PinSetDifference(between: truth, and: other)
        } else {
            let imported = try configuration.read(otherFile, exitCode: ExitCode(2))
            difference = PinSetDifference(between: truth, andImported: imported)
        }
        let first = InputName.displayName(of: pinSetFile)
        let second = InputName.displayName(of: otherFile)
        OutputBuffer.writeNow(
            difference.changes.map { $0.describe(first: first, second: second) + "\n" }.joined())
        if !difference.isEmpty { throw ExitCode.failure }
    }
}
