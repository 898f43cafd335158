import ArgumentParser
import PinHash

// Scaffolding registered so that the subcommand list is fixed; replaced by the real command.
struct HSTSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hsts",
        abstract: "Build a Strict-Transport-Security header, checking the preload list's rules."
    )

    func run() throws {
        Diagnostics.warn("hsts: not built yet")
        throw ExitCode(70)
    }
}
