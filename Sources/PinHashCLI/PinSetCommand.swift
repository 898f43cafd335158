import ArgumentParser
import PinHash

/// `pinhash pinset`: the pin-set file (pins.yaml) every client's configuration is generated from.
struct PinSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinset",
        abstract: "Keep one pin set (pins.yaml) for every client: make it, import it, export it, compare it.",
        discussion: """
            A pin set lists each pinned host with its pins (each labelled with its role and where it came \
            from), include-subdomains, an expiration, enforce or report-only, report URIs and the clients \
            to generate for. The file's schema is in the README (Pin sets).
            """,
        subcommands: [
            PinSetInitCommand.self, PinSetImportCommand.self, PinSetExportCommand.self,
            PinSetDiffCommand.self,
        ]
    )
}

extension PinSetFile {
    /// The pin set in `path`, or its error on stderr and `exitCode`.
    static func readForCommandLine(_ path: String, exitCode: ExitCode = .failure) throws -> PinSet {
        do {
            return try read(fileAt: path)
        } catch {
            Diagnostics.warn(error)
            throw exitCode
        }
    }

    /// Writes `text` to `path` (atomically; an existing file only with `--force`), or to standard output
    /// when there is no path.
    static func writeForCommandLine(_ text: String, to path: String?, force: Bool) throws {
        guard let path else { return OutputBuffer.writeNow(text) }
        do {
            try writeText(text, toFileAt: path, replacing: force)
        } catch  where error.code == .outputExists {
            Diagnostics.warn("\(error.commandLineMessage()); give --force to replace it")
            throw ExitCode.failure
        } catch {
            Diagnostics.warn(error)
            throw ExitCode.failure
        }
    }
}
