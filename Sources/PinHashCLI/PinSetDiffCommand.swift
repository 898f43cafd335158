import ArgumentParser
import PinHash

/// `pinhash pinset diff`: the drift between a pin set and another configuration of the same pins.
struct PinSetDiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show how a pin set and another pin set differ, host by host.",
        discussion: """
            Prints one line per difference: HOST: host only in FILE; HOST: pin only in FILE: PIN (label); \
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
        help: ArgumentHelp("The configuration to compare with it (another pin set).", valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var otherFile: String

    func validate() throws {
        if InputName.isStandardInput(pinSetFile), InputName.isStandardInput(otherFile) {
            throw ValidationError("Standard input (-) can be read only once.")
        }
    }

    func run() throws {
        let truth = try PinSetFile.readForCommandLine(pinSetFile, exitCode: ExitCode(2))
        let other = try PinSetFile.readForCommandLine(otherFile, exitCode: ExitCode(2))
        let difference = PinSetDifference(between: truth, and: other)
        let first = InputName.displayName(of: pinSetFile)
        let second = InputName.displayName(of: otherFile)
        OutputBuffer.writeNow(
            difference.changes.map { $0.describe(first: first, second: second) + "\n" }.joined())
        if !difference.isEmpty { throw ExitCode.failure }
    }
}
