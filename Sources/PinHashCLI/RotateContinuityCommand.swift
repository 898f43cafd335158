import ArgumentParser
import PinHash
import PinHashLive

/// `pinhash rotate continuity OLD NEW` or `--connect HOST --pinset FILE`: did the renewal re-key, and
/// which pins did it break?
struct RotateContinuityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "continuity",
        abstract: "Tell whether a renewal re-keyed, changed the issuing CA, and which pins it broke.",
        discussion: """
            Compares the old certificate (a chain file, the server's certificate first) with the new one, \
            or with --connect what a server serves now with its host in --pinset. It says whether the \
            server's own key changed (its pin differs from the old certificate's, or from every leaf pin \
            of the pin set) and whether it is a backup pin of the pin set (a planned move); whether the \
            issuing CA changed (the CA certificate's key when both chains hold it, else the issuer's \
            name; with --connect, against the pin set's intermediate pins); and with a pin set, which of \
            its pins were keys of the old chain (or, with --connect, are listed as leaf, intermediate or \
            root) and are not in the new one, and which kinds of client find no pin at all.

            Exit status: 0 the key is the same and no pin broke (without a pin set: nor did the issuer \
            change); 1 the renewal re-keyed, broke a pin, left a kind of client without a pin, or (without \
            a pin set) changed the issuer; 2 a file or the pin set could not be read, or the server could \
            not be reached; 64 the command line was wrong.
            """
    )

    @Option(
        name: .customLong("connect"),
        help: ArgumentHelp(
            "Compare what this server serves with its pins in --pinset.", valueName: "host[:port]"))
    var connects: [String] = []

    /// The one server: an array, so that a second --connect is refused rather than replacing the first.
    private var connect: String? { connects.first }

    @Option(
        name: .customLong("pinset"),
        help: ArgumentHelp("The pin set whose pins the renewal may break.", valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var pinSetFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp("The host of the pin set, when it has several.", valueName: "name"))
    var host: String?

    @OptionGroup var connection: ConnectionOptions

    @Argument(
        help: ArgumentHelp(
            "The old and the new certificate (chain files, the server's first).", valueName: "cert"),
        completion: .file(extensions: ["pem", "crt"]))
    var certificates: [String] = []

    func validate() throws {
        if connects.count > 1 {
            throw ValidationError(
                "--connect was given \(connects.count) times; rotate continuity compares one server with the "
                    + "pin set: run it once for each.")
        }
        if let connect {
            if !certificates.isEmpty {
                throw ValidationError("Give two certificates or --connect, not both.")
            }
            if pinSetFile == nil {
                throw ValidationError("--connect needs --pinset: the pins to compare with.")
            }
            _ = try server(connect)
            _ = try connection.connector()
        } else {
            if certificates.count != 2 { throw ValidationError("Give the old and the new certificate.") }
            if certificates.allSatisfy(InputName.isStandardInput) {
                throw ValidationError("Standard input (-) can be read only once.")
            }
            if connection.address != nil || connection.caFile != nil || connection.timeoutText != nil {
                throw ValidationError("--address, --cafile and --timeout go with --connect.")
            }
        }
        if host != nil, pinSetFile == nil { throw ValidationError("--host goes with --pinset.") }
    }

    private func server(_ text: String) throws -> ServerAddress {
        do {
            return try ServerAddress(parsing: text, defaultPort: 443)
        } catch {
            throw ValidationError("--connect \(InputName.escapingControlCharacters(text)): \(error.reason).")
        }
    }

    /// The pin set's host: the one named by --host or --connect, or its only one.
    private func pinnedHost(named name: String?, port: Int?) throws -> PinnedHost? {
        guard let pinSetFile else { return nil }
        let pinSet = try PinSetFile.readForCommandLine(pinSetFile, exitCode: ExitCode(2))
        let file = InputName.displayName(of: pinSetFile)
        guard let name else {
            guard pinSet.hosts.count == 1 else {
                Diagnostics.warn(
                    "\(file): has \(pinSet.hosts.count) hosts; choose one with --host NAME")
                throw ExitCode.validationFailure
            }
            return pinSet.hosts[0]
        }
        let wanted = (try? PinnedHost.checkedName(name)) ?? name.lowercased()
        let found = pinSet.hosts.filter { $0.name == wanted && (port == nil || $0.port == port) }
        guard let first = found.first else {
            Diagnostics.warn("\(file): has no host named \(InputName.displayName(of: name))")
            throw ExitCode(2)
        }
        return first
    }

    func run() throws {
        let continuity: KeyContinuity
        do {
            if let connect {
                let server = try server(connect)
                let portGiven = connect.hasSuffix("]") || !connect.contains(":") ? nil : server.port
                let pinned = try pinnedHost(named: host ?? server.host, port: portGiven)!
                let chain: ServerChain
                do {
                    chain = try connection.connector().chain(
                        of: ServerAddress(host: server.host, port: portGiven ?? pinned.port))
                } catch let error as PinHashError {
                    Diagnostics.warn(error)
                    throw ExitCode(2)
                }
                let served = ServedChain(
                    sent: chain.certificates, verified: chain.verifiedChain,
                    verificationFailure: chain.verification.isTrusted ? nil : chain.verification.failure)
                continuity = try KeyContinuity(host: pinned, served: served)
            } else {
                let reader = PinReader(inputType: .certificate)
                let old = try reader.pins(inFileAt: certificates[0])
                let new = try reader.pins(inFileAt: certificates[1])
                continuity = try KeyContinuity(
                    previous: old, current: new, host: try pinnedHost(named: host, port: nil))
            }
        } catch let error as PinHashError {
            Diagnostics.warn(error)
            throw ExitCode(2)
        }
        OutputBuffer.writeNow(Self.report(continuity))
        if continuity.changesPinnedKeys { throw ExitCode.failure }
    }

    /// The comparison as the command prints it.
    static func report(_ continuity: KeyContinuity) -> String {
        let leaf = continuity.leaf
        var lines: [String] = []
        if continuity.rekeyed {
            let was = continuity.previousLeafPins.map(\.base64).joined(separator: ", ")
            lines.append("leaf key: re-keyed: \(leaf.pin.base64)" + (was.isEmpty ? "" : " (was \(was))"))
            if continuity.movedToPinnedBackup {
                lines.append(
                    "  it is a backup pin of the pin set: a planned move; make it the leaf pin and plan the next key"
                )
            }
        } else {
            lines.append("leaf key: the same: \(leaf.pin.base64)")
        }
        switch continuity.issuerChange {
        case .sameKey:
            lines.append("issuer: the same CA key" + (continuity.issuer?.subject.map { " (\($0))" } ?? ""))
        case .sameName:
            lines.append("issuer: the same name (\(leaf.issuer ?? "")); no CA certificate to compare keys")
        case .changed(let from, let to): lines.append("issuer: changed from \(from) to \(to)")
        case .unknown: lines.append("issuer: unknown (no CA certificate or pinned intermediate to compare)")
        }
        if continuity.host != nil {
            if continuity.brokenPins.isEmpty {
                lines.append("broken pins: none")
            } else {
                for entry in continuity.brokenPins {
                    lines.append(
                        "broken pin: \(entry.pin.base64)  \(entry.role?.rawValue ?? "-")"
                            + (entry.label.map { "  \($0)" } ?? "")
                            + (entry.catalogueNote.map { "  \($0)" } ?? ""))
                }
            }
            for match in continuity.matches {
                let clients = match.clients.map(\.rawValue).joined(separator: ", ")
                lines.append(
                    "\(clients): "
                        + (match.matches
                            ? "matches \(match.matching.map(\.base64).joined(separator: ", "))"
                            : "no pin matches: refused"))
            }
        }
        return lines.map(InputName.escapingControlCharacters).joined(separator: "\n") + "\n"
    }
}
