import ArgumentParser
import PinHash

extension PinSetImportFormat: ExpressibleByArgument {}

/// `pinhash pinset`: pin sets. This branch has `import`; the file format, `init`, `export` and `diff`
/// come with the pin-set file.
struct PinSetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinset",
        abstract: "Pin sets: one list of pins per host for every client.",
        subcommands: [PinSetImportCommand.self]
    )
}

/// `pinhash pinset import FILE…`: the pins of the configurations apps and servers already have, as one
/// pin set.
struct PinSetImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read the pins of existing configurations into one pin set.",
        discussion: """
            Reads Android network_security_config.xml, Info.plist (XML or binary: NSPinnedDomains and \
            TrustKit's TSKConfiguration), Kotlin or Java source with OkHttp CertificatePinner add( calls, \
            Public-Key-Pins header lines (raw, Apache, nginx, IIS), TLSA records of a zone file, curl \
            --pinnedpubkey values and Chrome SPKI lists. The format is told from the content; --from \
            names it. Headers, curl and Chrome lists name no host: give it with --host.

            OkHttp's **.example.com becomes example.com with subdomains; *.example.com (one label only) is \
            widened to the same, with a note. TLSA records that carry no SPKI SHA-256 (a certificate, or \
            SHA-512) are skipped with a note. Hosts found in several files are merged.

            Exit status: 0 the pin set was written (notes on stderr); 1 a file could not be read, is \
            malformed (one line naming the file, the line and the problem) or holds no pin, or --out \
            exists; 64 the command line was wrong.
            """
    )

    @Option(
        name: .customLong("from"),
        help: ArgumentHelp("The files' format, when not told from them.", valueName: "format"))
    var format: PinSetImportFormat?

    @Option(
        help: ArgumentHelp("The host of headers, curl and Chrome lists, which name none.", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("The port of that host (default 443).", valueName: "port"))
    var port: Int = 443

    @Option(help: ArgumentHelp("Write the pin set to this new file instead of stdout.", valueName: "file"))
    var out: String?

    @Argument(
        help: ArgumentHelp("Configuration files; - reads standard input.", valueName: "file"),
        completion: .file())
    var files: [String] = []

    func validate() throws {
        if files.isEmpty {
            throw ValidationError("Name at least one configuration file, or - for standard input.")
        }
        if files.filter(InputName.isStandardInput).count > 1 {
            throw ValidationError("Standard input (-) can be read only once.")
        }
        guard (1...65535).contains(port) else {
            throw ValidationError("--port: \(port) is not in 1...65535.")
        }
    }

    func run() throws {
        var imported: [PinSet] = []
        var failed = false
        for file in files {
            do {
                let result = try PinSetImporter.read(fileAt: file, format: format, host: host, port: port)
                for note in result.notes {
                    Diagnostics.warn("note: \(InputName.displayName(of: file)): \(note)")
                }
                imported.append(result.pinSet)
            } catch  where error.code == .hostRequired {
                Diagnostics.warn("\(InputName.displayName(of: file)): \(error.reason) (--host)")
                failed = true
            } catch {
                Diagnostics.warn(error)
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
        // For now the pin set is written as JSON; the pin-set file format takes its place when it lands.
        let document = PinSetJSON.render(PinSetImporter.merged(imported))
        if let out {
            do {
                try PinSetOutputFile.create(at: out, text: document)
            } catch {
                Diagnostics.warn(error)
                throw ExitCode.failure
            }
        } else {
            OutputBuffer.writeNow(document)
        }
    }
}

/// A pin set as JSON, every key always present: a stand-in until the pin-set file's writer replaces it.
enum PinSetJSON {
    static func render(_ pinSet: PinSet) -> String {
        var text = "{\n  \"version\": \(pinSet.version),\n  \"hosts\": ["
        for (index, host) in pinSet.hosts.enumerated() {
            text += index == 0 ? "\n" : ",\n"
            text += "    {\n"
            text += "      \"name\": \(string(host.name)),\n"
            text += "      \"port\": \(host.port),\n"
            text += "      \"includeSubdomains\": \(host.includesSubdomains),\n"
            text += "      \"expiration\": \(host.expiration.map { string($0.description) } ?? "null"),\n"
            text += "      \"enforcement\": \(string(host.enforcement.rawValue)),\n"
            text += "      \"reportURIs\": [\(host.reportURIs.map(string).joined(separator: ", "))],\n"
            text += "      \"pins\": ["
            for (pinIndex, entry) in host.pins.enumerated() {
                text += pinIndex == 0 ? "\n" : ",\n"
                text +=
                    "        {\"pin\": \(string(entry.pin.base64)), \"role\": \(entry.role.map { string($0.rawValue) } ?? "null"), "
                    + "\"label\": \(entry.label.map(string) ?? "null"), \"source\": \(entry.source.map(string) ?? "null")}"
            }
            text += host.pins.isEmpty ? "]\n" : "\n      ]\n"
            text += "    }"
        }
        return text + (pinSet.hosts.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }

    private static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
