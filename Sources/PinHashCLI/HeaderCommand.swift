import ArgumentParser
import PinHash

// Scaffolding registered so that the subcommand list is fixed; replaced by the real command.
struct HeaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "header",
        abstract: "Build a Public-Key-Pins (HPKP) header for Apache, nginx, IIS or raw use."
    )

    func run() throws {
        Diagnostics.warn("header: not built yet")
        throw ExitCode(70)
    }
}
