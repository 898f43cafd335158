import ArgumentParser
import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash rotate plan --algorithm A --out FILE PINSET`: the next key, its pin in the pin set, and the
/// day the server may switch to it.
struct RotatePlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Generate the next key, add its pin to the pin set, and print when to switch to it.",
        discussion: """
            Generates the next key (and with --csr and --subject its certificate request) exactly as \
            pinhash backup does: a new file with mode 0600, never overwriting. Its pin is added to the \
            pin set as a backup pin labelled "next key, generated YYYY-MM-DD", for the host (or each \
            --host), and the pin-set file is replaced atomically. The key, the request and the pin set \
            change together: if the pin set cannot be written, the key and request are removed again.

            Then the schedule, per host: 1. publish the new pin set (an app release for okhttp, android, \
            ios, trustkit, curl, chrome; the Public-Key-Pins header for hpkp; the TLSA records for tlsa, \
            the current key's 3 1 1 and the next key's); 2. the earliest day to switch the server to the \
            next key: the publish day (--publish-date, default today, UTC) plus the longest of the app \
            update window (--app-window, default 30 days), the header's max-age (--max-age, default \
            5184000 s = 60 days) and two TTLs of the TLSA records (--tlsa-ttl, default 3600 s; RFC 7671 \
            section 8.1), each rounded up to whole days and counted only for the clients the host is for \
            (a host with no clients list is for all); 3. the pin set and TLSA records after the switch.

            Exit status: 0 the key was written, the pin set updated and the schedule printed; 1 a file \
            exists or cannot be written, the pin set cannot be read, has no such host or has several \
            without --host, or the passphrase cannot be read; 64 the command line was wrong.
            """
    )

    @OptionGroup var key: BackupKeyOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The host whose next key this is (repeatable; every port of the name); needed when the pin set "
                + "has several.",
            valueName: "name"))
    var host: [String] = []

    @Option(
        name: .customLong("app-window"),
        help: ArgumentHelp(
            "Days users get to install the release with the new pins (default 30).", valueName: "days"))
    var appWindow: Int = RotationPlan.Options.defaultAppUpdateWindowDays

    @Option(
        name: .customLong("max-age"),
        help: ArgumentHelp("The HPKP header's max-age in seconds (default 5184000).", valueName: "seconds"))
    var maxAge: UInt64 = HPKPHeader.defaultMaxAge

    @Option(
        name: .customLong("tlsa-ttl"),
        help: ArgumentHelp("The TTL of the TLSA records in seconds (default 3600).", valueName: "seconds"))
    var tlsaTTL: UInt64 = RotationPlan.Options.defaultTLSATTL

    @Option(
        name: .customLong("publish-date"),
        help: ArgumentHelp(
            "The day the new pin set is published (default today, UTC).", valueName: "YYYY-MM-DD"))
    var publishDateText: String?

    @Argument(
        help: ArgumentHelp("The pin set (pins.yaml), which is rewritten.", valueName: "pinset"),
        completion: .file(extensions: ["yaml", "yml"]))
    var pinSetFile: String

    func validate() throws {
        if pinSetFile == "-" {
            throw ValidationError("The pin set must be a file: it is rewritten with the next key's pin.")
        }
        if appWindow < 0 { throw ValidationError("--app-window: \(appWindow) is negative.") }
        _ = try publishDate()
    }

    private func publishDate() throws -> CalendarDate {
        guard let publishDateText else { return Self.today }
        guard let date = CalendarDate(iso8601: publishDateText) else {
            throw ValidationError("--publish-date: '\(publishDateText)' is not a day written YYYY-MM-DD.")
        }
        return date
    }

    private static var today: CalendarDate {
        CalendarDate(secondsSinceUnixEpoch: Int64(time(nil))) ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    /// The indices of the hosts the next key is for.
    private func chosenHosts(_ pinSet: PinSet) throws -> [Int] {
        guard !host.isEmpty else {
            guard pinSet.hosts.count == 1 else {
                let names = pinSet.hosts.prefix(3).map(\.name).joined(separator: ", ")
                Diagnostics.warn(
                    "\(InputName.displayName(of: pinSetFile)): "
                        + (pinSet.hosts.isEmpty
                            ? "has no host"
                            : "has \(pinSet.hosts.count) hosts (\(names)\(pinSet.hosts.count > 3 ? ", …" : "")); "
                                + "choose the next key's with --host NAME"))
                throw ExitCode.failure
            }
            return [0]
        }
        var chosen: [Int] = []
        for name in host {
            let wanted = (try? PinnedHost.checkedName(name)) ?? name.lowercased()
            let found = pinSet.hosts.indices.filter { pinSet.hosts[$0].name == wanted }
            guard !found.isEmpty else {
                Diagnostics.warn(
                    "\(InputName.displayName(of: pinSetFile)): has no host named \(InputName.displayName(of: name))"
                )
                throw ExitCode.failure
            }
            chosen += found.filter { !chosen.contains($0) }
        }
        return chosen
    }

    func run() throws {
        var pinSet = try PinSetFile.readForCommandLine(pinSetFile)
        let indices = try chosenHosts(pinSet)
        let options = RotationPlan.Options(
            publishDate: try publishDate(), appUpdateWindowDays: appWindow, headerMaxAge: maxAge,
            tlsaTTL: tlsaTTL)
        let label = "next key, generated \(Self.today)"
        do {
            // A plan with a stand-in pin refuses impossible dates before a key is made.
            for index in indices {
                _ = try RotationPlan(
                    host: pinSet.hosts[index], nextKey: PinSetEntry(pin: .ofNothing), options: options)
            }
            var plans: [RotationPlan] = []
            let newKey = try key.writeNewKey { (newKey) throws(PinHashError) in
                let entry = PinSetEntry(pin: newKey.pin, label: label, role: .backup, source: key.out)
                plans = []
                for index in indices {
                    let plan = try RotationPlan(host: pinSet.hosts[index], nextKey: entry, options: options)
                    pinSet.hosts[index] = plan.host
                    plans.append(plan)
                }
                try PinSetFile.write(pinSet, toFileAt: pinSetFile, replacing: true)
            }
            let output = OutputBuffer()
            output.append(
                "next key: \(newKey.pin.base64) (\(newKey.algorithm.rawValue)); \(key.writtenFiles)\n"
                    + "pin set: \(InputName.displayName(of: pinSetFile)) lists it as a backup pin (\"\(label)\")\n"
            )
            for plan in plans { output.append("\n" + Self.schedule(plan)) }
            output.commit()
            output.flush(
                done: "\(key.writtenFiles) and the pin set updated; only printing the schedule failed")
        } catch let error as PinHashError {
            Diagnostics.warn(error, passphraseOption: "--passout")
            throw ExitCode.failure
        }
    }

    /// The schedule of one host, as the command prints it.
    static func schedule(_ plan: RotationPlan) -> String {
        let host = plan.host
        var lines = ["\(host.name):\(host.port)"]
        lines.append("  1. \(plan.publishDate)  publish the pin set with the next key:")
        for wait in plan.waits {
            let clients = wait.clients.map(\.rawValue).joined(separator: ", ")
            switch wait.channel {
            case .release:
                lines.append("       release the apps and configurations built from it (\(clients))")
            case .header:
                lines.append(
                    "       serve the Public-Key-Pins header with its pins (max-age=\(wait.seconds))")
            case .records:
                lines.append("       publish these TLSA records (and keep them through the switch):")
                lines += plan.recordsBeforeSwitch.map { "         " + $0 }
            }
        }
        lines.append("  2. \(plan.switchDate)  the earliest day to switch the server to the next key, after:")
        for wait in plan.waits {
            let why =
                switch wait.channel {
                case .release: "the app update window, \(days(wait.days))"
                case .header: "the header's max-age, \(wait.seconds) s = \(days(wait.days))"
                case .records:
                    "two TTLs of the TLSA records (RFC 7671 section 8.1), \(wait.seconds) s = \(days(wait.days))"
                }
            lines.append("       \(wait.until)  \(why)")
        }
        if plan.waits.isEmpty { lines.append("       nothing: no client of the host caches pins") }
        if let expiration = host.expiration, expiration < plan.switchDate {
            lines.append(
                "       note: the pin set expires on \(expiration), before the switch: clients stop enforcing then"
            )
        }
        lines.append("  3. after the switch, once every server serves the next key: the pins become")
        for entry in plan.hostAfterSwitch.pins {
            lines.append(
                "       \(entry.pin.base64)  \(entry.role?.rawValue ?? "-")"
                    + (entry.label.map { "  \($0)" } ?? "") + (entry.catalogueNote.map { "  \($0)" } ?? ""))
        }
        for entry in plan.retiredPins {
            lines.append(
                "       dropped: \(entry.pin.base64)" + (entry.label.map { "  \($0)" } ?? "")
                    + (entry.catalogueNote.map { "  \($0)" } ?? ""))
        }
        if !plan.recordsAfterSwitch.isEmpty {
            lines.append("     and the TLSA records:")
            lines += plan.recordsAfterSwitch.map { "         " + $0 }
        }
        lines.append("     then plan the key after it: pinhash rotate plan again")
        return lines.map(escapedLine).joined(separator: "\n") + "\n"
    }

    private static func days(_ count: Int) -> String { count == 1 ? "1 day" : "\(count) days" }

    /// A line with its control characters escaped: labels come from the pin-set file.
    private static func escapedLine(_ line: String) -> String { InputName.escapingControlCharacters(line) }
}
