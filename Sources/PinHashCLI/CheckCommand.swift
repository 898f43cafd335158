import ArgumentParser
import Dispatch
import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash check PINSET` or `pinhash check --pins P… HOST[:PORT]…`: every address of every host against
/// its pins.
struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check a pin set against what every address of every host serves.",
        discussion: """
            For CI and cron. Takes a pin set (pins.yaml), or --pins and hosts (arguments or a --hosts file \
            of one HOST[:PORT] a line), connects to every address each name resolves to, each by itself \
            and at most --jobs at once, and reports for each address: which pins match for curl (the \
            server's own key) and for OkHttp, Android, iOS, TrustKit, Chrome and HPKP (any key of the \
            verified chain, the trust store's root included); errors: no pin matches, fewer than two pins, \
            no backup pin outside the chain, a placeholder pin (the SHA-256 of empty input, a digest of one \
            repeated byte) or a pin listed twice, the pin set's expiration passed, a certificate expired, a \
            chain that does not verify (for the clients that verify it); warnings: the pin set's \
            expiration or a certificate's notAfter within --warn-days. A host whose clients list names \
            tlsa (or names none, on port 25) also has the TLSA records its pins imply (3 1 1 for leaf and \
            backup pins, 2 1 1 for CA pins, as pinset export --format tlsa writes them) verified by \
            OpenSSL's DANE code in a second handshake (after --starttls when given): an error when no \
            record authenticates the chain.

            --format text (the default) prints a report per address and a count; json one document \
            ({"results": [...], "ok", "warnings", "errors", "unchecked"}); jsonl one object per address as \
            each finishes; html one self-contained page (no scripts, nothing loaded from elsewhere): per \
            host the pins with their CA names and which clients each matches, each address's chain and \
            findings, and a timeline of the dates that matter. A progress line goes to stderr when it is a terminal.

            --rotation adds, per host, a table of renewal events (leaf-rekey: a new key from the same CA, \
            the same or a sibling intermediate; intermediate: the CA issues from another intermediate of \
            its pool or a newer generation; ca-move: another CA, where only backup keys survive; \
            cross-sign: clients end at another root) against each kind of client: survives or breaks, \
            and for each break the smallest fixes (a backup key, the pool's root, the sibling \
            intermediates, the other root). The chains of all the host's addresses are analysed together. \
            json adds "hosts": [{"host", "port", "rotation"}]; jsonl one such line per host after the \
            addresses'.

            Exit status: 0 every address was checked and nothing is wrong (warnings allowed unless \
            --fail-on warning); 1 a finding at error level (or a warning, with --fail-on warning), or with \
            --rotation a host's pins break on an event not given to --accept; 2 an \
            address or name could not be checked (refused, timed out, no TLS, not resolved), or the pin set \
            or host list could not be read: this wins over 1, as the check is incomplete, and every other \
            address is still reported; 64 the command line was wrong, including a malformed pin or a \
            --pins file that cannot be read.
            """
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Expected pins (repeatable): a pin in any spelling (base64, sha256/..., sha256//...;..., pin-sha256=\"...\", "
                + "hex, TLSA data), or a file of them (- reads standard input).",
            valueName: "pins|file"))
    var pins: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp("With --pins: a file of hosts, one HOST[:PORT] a line.", valueName: "file"),
        completion: .file())
    var hosts: String?

    @Option(name: .long, help: ArgumentHelp("How many checks run at once (default 16).", valueName: "n"))
    var jobs: Int = 16

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Use these addresses for HOST and PORT instead of resolving it (repeatable; ADDR,ADDR... for "
                + "several), as curl's --resolve.",
            valueName: "host:port:addr"))
    var resolve: [String] = []

    @Option(
        name: .customLong("cafile"),
        help: ArgumentHelp(
            "Trust the CA certificates in this PEM file instead of the system trust store.", valueName: "file"
        ),
        completion: .file(extensions: ["pem", "crt"]))
    var caFile: String?

    @Option(
        name: .customLong("timeout"),
        help: ArgumentHelp(
            "Seconds allowed for each step of one address: resolving, connecting, STARTTLS, the handshake "
                + "(default 10).",
            valueName: "seconds"))
    var timeoutText: String?

    @Option(
        name: .customLong("starttls"),
        help: ArgumentHelp(
            "Run this protocol's STARTTLS before every handshake: smtp, imap or pop3.", valueName: "protocol"),
        completion: .list(StartTLSProtocol.allCases.map(\.rawValue)))
    var startTLSName: String?

    @Option(
        name: .customLong("warn-days"),
        help: ArgumentHelp("Warn of expirations this many days ahead (default 30).", valueName: "days"))
    var warnDays: Int = 30

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp("The finding level that makes the exit status 1: error (the default) or warning."),
        completion: .list(["error", "warning"]))
    var failOn: String = "error"

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp("text (the default), json, jsonl or html.", valueName: "format"),
        completion: .list(["text", "json", "jsonl", "html"]))
    var formatName: String = "text"

    @Flag(
        name: .long,
        help:
            "Also say, per host, which renewal events the pins survive for each kind of client, and the fixes."
    )
    var rotation = false

    @Option(
        name: .customLong("accept"),
        help: ArgumentHelp(
            "With --rotation: a renewal event whose breaks do not fail the check (repeatable): leaf-rekey, "
                + "intermediate, ca-move or cross-sign.",
            valueName: "event"),
        completion: .list(RotationEvent.allCases.map(\.rawValue)))
    var acceptedNames: [String] = []

    /// The CA catalogue the rotation analysis and the HTML page name and group CA keys by.
    static let catalogue = CACatalogue.commandLine

    @Argument(
        help: ArgumentHelp(
            "The pin set (pins.yaml; - reads standard input), or with --pins the hosts: HOST[:PORT] (port 443 "
                + "unless given; [IPv6]:PORT).",
            valueName: "pinset|host"),
        completion: .file(extensions: ["yaml", "yml"]))
    var targets: [String] = []

    private var startTLS: StartTLSProtocol? { startTLSName.flatMap(StartTLSProtocol.init(rawValue:)) }

    func validate() throws {
        if !["text", "json", "jsonl", "html"].contains(formatName) {
            throw ValidationError(
                "--format: there is no format '\(formatName)'; the formats are text, json, jsonl and html.")
        }
        if !["error", "warning"].contains(failOn) {
            throw ValidationError("--fail-on: '\(failOn)' is not error or warning.")
        }
        for name in acceptedNames where RotationEvent(rawValue: name) == nil {
            throw ValidationError(
                "--accept: there is no event '\(InputName.escapingControlCharacters(name))'; the events are "
                    + RotationEvent.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        if !acceptedNames.isEmpty, !rotation { throw ValidationError("--accept goes with --rotation.") }
        if let startTLSName, startTLS == nil {
            throw ValidationError("--starttls: '\(startTLSName)' is not smtp, imap or pop3.")
        }
        if pins.isEmpty {
            if hosts != nil { throw ValidationError("--hosts goes with --pins.") }
            if targets.count != 1 {
                throw ValidationError("Name one pin set, or give --pins and the hosts to check.")
            }
        } else {
            if targets.isEmpty, hosts == nil {
                throw ValidationError("Name the hosts to check (HOST[:PORT] arguments or --hosts FILE).")
            }
            for target in targets { _ = try server(target) }
            let readers =
                pins.filter { $0 == InputName.standardInput }
                + (hosts == InputName.standardInput ? ["-"] : [])
            if readers.count > 1 {
                throw ValidationError("Only one of --pins and --hosts can read standard input.")
            }
        }
        _ = try checker()
    }

    private func server(_ text: String) throws -> ServerAddress {
        do {
            return try ServerAddress(parsing: text, defaultPort: startTLS?.defaultPort ?? 443)
        } catch {
            throw ValidationError("\(InputName.escapingControlCharacters(text)): \(error.reason).")
        }
    }

    private func checker() throws -> PinSetChecker {
        var timeout = 10.0
        if let timeoutText {
            guard let seconds = Double(timeoutText), seconds.isFinite else {
                throw ValidationError("--timeout: '\(timeoutText)' is not a number of seconds.")
            }
            timeout = seconds
        }
        var overrides: [ResolveOverride] = []
        for text in resolve {
            do {
                overrides.append(try ResolveOverride(parsing: text))
            } catch {
                throw ValidationError("--resolve \(error.source ?? text): \(error.reason).")
            }
        }
        let checker = PinSetChecker(
            options: PinSetCheckOptions(
                jobs: jobs, resolve: overrides, caFile: caFile, timeout: timeout, startTLS: startTLS,
                warnDays: warnDays))
        do {
            try checker.validate()
        } catch {
            let option = ["timeout": "--timeout", "jobs": "--jobs", "warnDays": "--warn-days"][
                error.source ?? ""]
            throw ValidationError("\(option ?? "--cafile"): \(error.reason).")
        }
        return checker
    }

    /// The pins of --pins: each value a file of pins when one is there (or `-`), else pins.
    private func expectedPins() throws -> PinList {
        var expected = PinList()
        for value in pins {
            var isFile = value == InputName.standardInput
            var status = stat()
            if !isFile, stat(value, &status) == 0 { isFile = true }
            do {
                if isFile {
                    var fromFile = PinList()
                    try fromFile.add(contentsOfFileAt: value)
                    if fromFile.isEmpty {
                        Diagnostics.warn("--pins \(InputName.displayName(of: value)): holds no pin")
                        throw ExitCode.validationFailure
                    }
                    fromFile.pins.forEach { expected.add($0) }
                } else {
                    try expected.add(parsing: value)
                }
            } catch let error as PinHashError {
                Diagnostics.warn("--pins \(error)")
                throw ExitCode.validationFailure
            }
        }
        return expected
    }

    /// The hosts to check: the pin set's, or one per server given, each with the --pins pins.
    private func pinnedHosts() throws -> [PinnedHost] {
        guard !pins.isEmpty else {
            return try PinSetFile.readForCommandLine(targets[0], exitCode: ExitCode(2)).hosts
        }
        let expected = try expectedPins()
        var servers = try targets.map(server)
        if let hosts {
            do {
                servers += try HostList.servers(inFileAt: hosts, defaultPort: startTLS?.defaultPort ?? 443)
            } catch {
                Diagnostics.warn(error)
                throw ExitCode(2)
            }
        }
        return servers.map { server in
            PinnedHost(
                name: ResolveOverride(host: server.host, port: server.port, addresses: []).host,
                port: server.port,
                pins: expected.pins.map { PinSetEntry(pin: $0) })
        }
    }

    func run() throws {
        let hosts = try pinnedHosts()
        let checker = try checker()
        let format = formatName
        let hostCount = hosts.count
        let progress = TerminalProgress.onTerminal {
            "checked \($0) address\($0 == 1 ? "" : "es") of \(hostCount) host\(hostCount == 1 ? "" : "s")"
        }
        let results = CheckResults()
        let done = DispatchSemaphore(value: 0)
        let now = Int64(time(nil))
        Task {
            results.all = await checker.check(hosts, now: now) { result in
                progress?.advance()
                if format == "jsonl" { OutputBuffer.writeNow(result.json(fix: Self.fix) + "\n") }
            }
            done.signal()
        }
        done.wait()
        progress?.finish()
        let rotations =
            rotation
            ? HostRotation.reports(
                for: results.all, hosts: hosts, catalogue: Self.catalogue,
                accepted: Set(acceptedNames.compactMap(RotationEvent.init(rawValue:))))
            : []
        let output = OutputBuffer()
        switch format {
        case "json":
            output.append(results.all.json(fix: Self.fix, hosts: rotation ? rotations.map(\.json) : nil))
        case "jsonl": for report in rotations { output.append(report.json + "\n") }
        case "html":
            output.append(
                PinSetCheckPage(
                    results: results.all, catalogue: Self.catalogue, now: now, rotation: rotations.map(\.page)
                ).html(fix: Self.fix))
        default:
            for (index, result) in results.all.enumerated() {
                output.append(result.text(fix: Self.fix) + "\n")
                // A host's rotation table follows its last address.
                let isLast =
                    index == results.all.count - 1 || results.all[index + 1].hostIndex != result.hostIndex
                if isLast, result.hostIndex < rotations.count {
                    output.append(rotations[result.hostIndex].text + "\n")
                }
            }
            output.append(results.all.summary + "\n")
        }
        output.commit()
        output.flush()
        if results.all.contains(where: \.couldNotCheck) { throw ExitCode(2) }
        let failing: HeaderFinding.Severity = failOn == "warning" ? .warning : .error
        if results.all.contains(where: { ($0.evaluation.findings.highestSeverity ?? .note) >= failing })
            || rotations.contains(where: \.breaks)
        {
            throw ExitCode.failure
        }
    }

    /// A finding's fix in the command line's words.
    @Sendable static func fix(_ finding: PinSetFinding) -> String {
        finding.remedy.commandLineWords(for: finding.message).fix ?? finding.remedy.description
    }
}

/// The results a check's task hands back to the command, which waits for it.
private final class CheckResults: @unchecked Sendable {
    var all: [AddressCheck] = []
}
