import ArgumentParser

/// `pinhash rotate`: moving a pinned host to a new key without locking its clients out.
struct RotateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Plan the next key of a pinned host, and tell whether a renewal re-keyed.",
        discussion: """
            pinhash rotate plan generates the next key, adds its pin to the pin set as a backup and prints \
            when the server may switch to it. pinhash rotate continuity compares an old and a new \
            certificate (or a live server with its pin set) and says which pins the renewal broke. The \
            README's "Rotating keys safely" section walks through both.
            """,
        subcommands: [RotatePlanCommand.self, RotateContinuityCommand.self]
    )
}
