import ArgumentParser
import PinHash
import PinHashLive

/// `pinhash pinset init`: a pin set for one host from the keys and certificates in use (files, or what
/// live servers send) and backup keys.
struct PinSetInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Make a pin set (pins.yaml) from files, live servers and backup keys.",
        discussion: """
            Pins every key, request and certificate in the FILEs and every certificate the --connect \
            servers send (with the root of the chain a client builds), then the --backup keys or pins, \
            each labelled with what it is (role: leaf, intermediate, root or backup) and where it came \
            from, for the one host --host names (default: the --connect host).

            It refuses (exit 1, one line on stderr, nothing written) a pin set that would not survive a \
            change of keys: fewer than two pins, or no backup outside the chain in use. Pinned apps cannot \
            be fixed from the server side, so a set without a spare key is a lock-out waiting for the next \
            key change. --allow-no-backup writes it anyway, with the same line as a warning.

            Exit status: 0 the pin set was written; 1 an input or server could not be read, the set was \
            refused, or the output exists (without --force); 64 the command line was wrong.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(
        name: .customLong("backup"),
        help: ArgumentHelp(
            "A spare key, CSR or certificate kept outside the chain, or its pin; repeatable.",
            valueName: "file|pin"),
        completion: .file(extensions: ["pem", "key", "csr", "req", "crt", "der", "pub"]))
    var backups: [String] = []

    @Option(
        name: .customLong("connect"),
        help: ArgumentHelp(
            "Pin the certificates this TLS server sends (port 443 unless given; [IPv6]:port); repeatable.",
            valueName: "host[:port]"))
    var connects: [String] = []

    @OptionGroup var connection: ConnectionOptions

    @Option(
        name: .customLong("host"),
        help: ArgumentHelp("The pinned host's DNS name (default: the --connect host).", valueName: "name"))
    var hostName: String?

    @Option(
        name: .customLong("port"),
        help: ArgumentHelp(
            "The pinned host's TLS port (default: the --connect port, or 443).", valueName: "port"))
    var portText: String?

    @Flag(name: .customLong("include-subdomains"), help: "The pins apply to every subdomain too.")
    var includeSubdomains = false

    @Option(
        name: .customLong("expiration"),
        help: ArgumentHelp("The day clients stop enforcing the pins, YYYY-MM-DD.", valueName: "date"))
    var expirationText: String?

    @Flag(name: .customLong("report-only"), help: "Clients that can report a mismatch only report it.")
    var reportOnly = false

    @Option(
        name: .customLong("report-uri"),
        help: ArgumentHelp("Where clients report a mismatch (https URI); repeatable.", valueName: "url"))
    var reportURIs: [String] = []

    @Option(
        name: .customLong("client"),
        help: ArgumentHelp(
            "Generate for this client only: okhttp, android, ios, trustkit, curl, chrome, hpkp or tlsa; "
                + "repeatable (default: every one).",
            valueName: "client"),
        completion: .list(PinClient.allCases.map(\.rawValue)))
    var clientNames: [String] = []

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Write the pin set to this file (default: standard output).", valueName: "file"),
        completion: .file(extensions: ["yaml"]))
    var out: String?

    @Flag(name: .customLong("force"), help: "With --out: replace the file if it exists.")
    var force = false

    @Flag(
        name: .customLong("allow-no-backup"),
        help: "Write the pin set even with fewer than two pins or no backup outside the chain (a warning).")
    var allowNoBackup = false

    @Argument(
        help: ArgumentHelp("Certificate chains and keys in use; - reads standard input.", valueName: "file"),
        completion: .file(extensions: ["pem", "crt", "cer", "der", "key", "csr", "req", "pub", "p12", "pfx"]))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty, connects.isEmpty {
            throw ValidationError("Name the chain or keys in use as FILE, or a server with --connect.")
        }
        if connects.isEmpty, hostName == nil {
            throw ValidationError("Name the pinned host with --host (or give --connect).")
        }
        try input.validate(files: files + backups.filter(InputName.isStandardInput))
        _ = try servers()
        _ = try pinnedHostTemplate()
        if connects.isEmpty,
            connection.address != nil || connection.caFile != nil || connection.timeoutText != nil
        {
            throw ValidationError("--address, --cafile and --timeout go with --connect.")
        }
        if !connects.isEmpty { _ = try connection.connector() }
        if force, out == nil { throw ValidationError("--force goes with --out.") }
    }

    private func servers() throws -> [ServerAddress] {
        var servers: [ServerAddress] = []
        for text in connects {
            do {
                servers.append(try ServerAddress(parsing: text, defaultPort: 443))
            } catch {
                throw ValidationError("--connect: \(error.reason).")
            }
        }
        return servers
    }

    /// The host with every setting but its pins.
    private func pinnedHostTemplate() throws -> PinnedHost {
        let servers = try servers()
        let name = hostName ?? servers.first?.host ?? ""
        if hostName == nil, Set(servers.map(\.host)).count > 1 {
            throw ValidationError(
                "The --connect servers have different names: give the pinned one with --host.")
        }
        var host: PinnedHost
        do {
            host = PinnedHost(name: try PinnedHost.checkedName(name))
        } catch {
            throw ValidationError("--host: \(error.reason).")
        }
        if let portText {
            guard let port = Int(portText), (1...65535).contains(port) else {
                throw ValidationError("--port: '\(portText)' is not a TCP port (1 to 65535).")
            }
            host.port = port
        } else if let first = servers.first {
            host.port = first.port
        }
        host.includesSubdomains = includeSubdomains
        if let expirationText {
            guard let date = CalendarDate(iso8601: expirationText) else {
                throw ValidationError("--expiration: '\(expirationText)' is not a date as YYYY-MM-DD.")
            }
            host.expiration = date
        }
        host.enforcement = reportOnly ? .reportOnly : .enforce
        for uri in reportURIs {
            if let problem = HPKPHeader.reportURIFindings(uri).first(where: { $0.severity == .error }) {
                throw ValidationError("--report-uri: \(problem.message).")
            }
        }
        host.reportURIs = reportURIs
        for name in clientNames {
            guard let client = PinClient(rawValue: name) else {
                throw ValidationError(
                    "--client: '\(name)' is not one of "
                        + PinClient.allCases.map(\.rawValue).joined(separator: ", ")
                        + ".")
            }
            if !host.clients.contains(client) { host.clients.append(client) }
        }
        return host
    }

    func run() throws {
        var host = try pinnedHostTemplate()
        let reader = try input.makeReader()
        var failed = false
        var chain: [PinnedEntry] = []
        for file in files {
            do {
                chain += try reader.pins(inFileAt: file).map { PinnedEntry($0, source: file) }
            } catch {
                Diagnostics.warn(error)
                failed = true
            }
        }
        if !connects.isEmpty {
            let connector = try connection.connector()
            for server in try servers() {
                do {
                    let served = try connector.chain(of: server)
                    if !served.verification.isTrusted {
                        Diagnostics.warn("\(server): warning: chain \(served.verification) (pinned anyway)")
                    }
                    chain += served.entries(source: server.description)
                } catch {
                    Diagnostics.warn(error)
                    failed = true
                }
            }
        }
        for entry in chain { host.add(entry) }
        var backupReader = reader
        backupReader.inputType = .auto  // the type flags describe the FILEs; a backup may be a key or a CSR
        for backup in backups {
            if !HeaderCommand.fileExists(backup), HeaderCommand.looksLikePin(backup) {
                do {
                    let pin = try HPKPHeader.parsePin(backup)
                    if !host.pins.contains(where: { $0.pin == pin }) {
                        host.pins.append(PinSetEntry(pin: pin, label: "backup pin", role: .backup))
                    }
                } catch {
                    Diagnostics.warn("--backup: \(error.commandLineMessage())")
                    failed = true
                }
                continue
            }
            do {
                for object in try backupReader.pins(inFileAt: backup) {
                    host.add(PinnedEntry(object, source: backup), asBackup: true)
                }
            } catch {
                Diagnostics.warn(error)
                failed = true
            }
        }
        if failed { throw ExitCode.failure }

        let weaknesses = host.weaknesses(chain: chain.map(\.pin))
        if !weaknesses.isEmpty {
            let reasons = weaknesses.map(\.description).joined(separator: "; and ")
            let fix = "add the pin of a spare key kept offline (pinhash backup, then --backup FILE)"
            if !allowNoBackup {
                Diagnostics.warn(
                    "refusing the pin set for \(host.name): \(reasons); \(fix), or give --allow-no-backup")
                throw ExitCode.failure
            }
            Diagnostics.warn("warning: the pin set for \(host.name): \(reasons); \(fix)")
        }
        try PinSetFile.writeForCommandLine(PinSetFile.text(of: PinSet(hosts: [host])), to: out, force: force)
    }
}
