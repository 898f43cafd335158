import ArgumentParser
import PinHash

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

/// The command lines whose meaning is certain without argument parsing: no subcommand, files, at most one
/// type flag and `--all` (`pinhash key.pem`, `pinhash --cert chain.pem --all`), which `main()` runs
/// directly. Argument parsing reflects over every command and option type the first time it runs, about
/// 14 million instructions, more than reading a key or a certificate and hashing it; these lines are
/// what scripts run once per file. Anything else, down to an option given twice, a file named like a
/// subcommand or an empty argument, is left to argument parsing, which also gives every usage error.
/// `PlainCommandLineTests` runs each plain line also as `pinhash pins …` (parsed) and expects the same
/// output and status.
struct PlainPinsCommandLine {
    let inputType: InputType
    let all: Bool
    let files: [String]

    /// Nil unless `arguments` (without the program name) is a plain pins command line.
    init?<Arguments: Collection<String>>(_ arguments: Arguments) {
        var type: ForcedType?
        var all = false
        var files: [String] = []
        for argument in arguments {
            if argument == "--all" {
                if all { return nil }
                all = true
            } else if argument.hasPrefix("--") {
                guard let forced = ForcedType(rawValue: String(argument.dropFirst(2))), type == nil else {
                    return nil
                }
                type = forced
            } else if argument.isEmpty || (argument.hasPrefix("-") && argument != "-")
                || Self.commandNames.contains(argument)
            {
                return nil
            } else {
                files.append(argument)
            }
        }
        guard !files.isEmpty, files.filter(InputName.isStandardInput).count <= 1 else { return nil }
        self.inputType = type?.inputType ?? .auto
        self.all = all
        self.files = files
    }

    /// The words argument parsing would take for a subcommand rather than a file.
    private static let commandNames = Set(
        PinHashCommand.configuration.subcommands.map { $0._commandName } + ["help"])

    /// Prints the pins as `pinhash pins` would and exits with its status.
    func run() -> Never {
        do {
            let reader = try InputOptions.makeReader(inputType: inputType, passin: nil)
            try PinsCommand.printPins(of: files, reader: reader, all: all, formatter: nil)
        } catch let status as ExitCode {
            exitWithStatus(status)
        } catch {
            PinsCommand.exit(withError: error)
        }
        PinsCommand.exit()
    }
}

/// Ends the process with a command's status, its lines printed already. ArgumentParser's
/// exit(withError:) first builds the usage text it attaches to other errors (7.7 million instructions,
/// more than a whole run) and then drops it for an ExitCode.
func exitWithStatus(_ status: ExitCode) -> Never {
    exit(status.rawValue)
}
