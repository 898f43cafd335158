import ArgumentParser
import PinHash

// Scaffolding registered so that the subcommand list is fixed; replaced by the real command.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Generate a backup key for HPKP and print its pin."
    )

    func run() throws {
        Diagnostics.warn("backup: not built yet")
        throw ExitCode(70)
    }
}
