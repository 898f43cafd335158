import ArgumentParser
import PinHash

// Scaffolding registered so that the subcommand list is fixed; replaced by the real command.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Exit 0 when a key or certificate in the inputs has one of the given pins."
    )

    func run() throws {
        Diagnostics.warn("verify: not built yet")
        throw ExitCode(70)
    }
}
