import ArgumentParser
import PinHash

extension PinSetImportFormat: ExpressibleByArgument {}

/// How `pinset import` and `pinset diff` read an app's or server's configuration: its format when its
/// content does not tell, and the host of the formats that name none.
struct ImportOptions: ParsableArguments {
    @Option(
        name: .customLong("from"),
        help: ArgumentHelp("The configuration's format, when not told from its content.", valueName: "format")
    )
    var format: PinSetImportFormat?

    @Option(
        help: ArgumentHelp("The host of headers, curl and Chrome lists, which name none.", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("The port of that host (default 443).", valueName: "port"))
    var port: Int = 443

    func validate() throws {
        guard (1...65535).contains(port) else {
            throw ValidationError("--port: \(port) is not in 1...65535.")
        }
    }

    /// The configuration in `file`, its notes on stderr; its error on stderr and `exitCode` when it cannot
    /// be read (a missing host named as the option that gives one).
    func read(_ file: String, exitCode: ExitCode) throws -> PinSetImport {
        do {
            let result = try PinSetImporter.read(fileAt: file, format: format, host: host, port: port)
            for note in result.notes {
                Diagnostics.warn("note: \(InputName.displayName(of: file)): \(note)")
            }
            return result
        } catch  where error.code == .hostRequired {
            Diagnostics.warn("\(InputName.displayName(of: file)): \(error.reason) (--host)")
            throw exitCode
        } catch {
            Diagnostics.warn(error)
            throw exitCode
        }
    }
}
