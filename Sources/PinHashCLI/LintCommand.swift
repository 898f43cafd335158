import ArgumentParser
import PinHash

// Scaffolding registered so that the subcommand list is fixed; replaced by the real command.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check a Public-Key-Pins or Strict-Transport-Security header against RFC 7469 and RFC 6797."
    )

    func run() throws {
        Diagnostics.warn("lint: not built yet")
        throw ExitCode(70)
    }
}
