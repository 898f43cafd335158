import ArgumentParser
import PinHash

/// `pinhash pinset export`: a pin set written as one client's configuration.
struct PinSetExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a pin set as one client's configuration (Android, iOS, TrustKit, OkHttp, ...).",
        discussion: """
            --format: okhttp (Kotlin) and okhttp-java (Java): one CertificatePinner.Builder() for every host, \
            **.NAME for a host with include-subdomains (OkHttp 4 and later). android: a whole \
            network_security_config.xml, <pin-set expiration> from the expiration. ios: an NSPinnedDomains \
            dictionary for NSAppTransportSecurity. trustkit: a TSKConfiguration dictionary for Info.plist \
            (include-subdomains, enforce, expiration, report URIs). tlsa: DANE records for every host (3 1 1 \
            for leaf and backup pins, 2 1 1 for CA pins). hpkp: the Public-Key-Pins header (one report-uri). \
            curl, chrome, base64, hex: one host's pins (name it with --host when the set has several). \
            json: the pin set itself.

            A host whose clients list is not empty is written only for those clients. What a format cannot \
            carry (an expiration in iOS, report-only in Android, ...) is named on stderr as a note.

            Exit status: 0 written; 1 the pin set could not be read or written, or the format cannot hold \
            it; 64 the command line was wrong.
            """
    )

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "okhttp, okhttp-java, android, ios, trustkit, tlsa, hpkp, curl, chrome, base64, hex or json.",
            valueName: "format"),
        completion: .list(PinSetFormat.allCases.map(\.rawValue)))
    var formatName: String

    @Option(
        name: .customLong("host"), help: ArgumentHelp("Write this host of the set only.", valueName: "name"))
    var host: String?

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp("Write to this file (default: standard output).", valueName: "file"))
    var out: String?

    @Flag(name: .customLong("force"), help: "With --out: replace the file if it exists.")
    var force = false

    @Argument(
        help: ArgumentHelp("The pin set; - reads standard input.", valueName: "pinset"),
        completion: .file(extensions: ["yaml", "yml"]))
    var pinSetFile: String

    func validate() throws {
        guard PinSetFormat(rawValue: formatName) != nil else {
            throw ValidationError(
                "--format: '\(formatName)' is not one of "
                    + PinSetFormat.allCases.map(\.rawValue).joined(separator: ", ") + ".")
        }
        if force, out == nil { throw ValidationError("--force goes with --out.") }
    }

    func run() throws {
        let format = PinSetFormat(rawValue: formatName) ?? .base64
        let pinSet = try PinSetFile.readForCommandLine(pinSetFile)
        let export: PinSetExport
        do {
            export = try PinSetExport(pinSet, format: format, host: host)
        } catch  where error.remedy == .chooseHost {
            Diagnostics.warn(
                "\(InputName.displayName(of: pinSetFile)): \(error.reason); choose one with --host NAME")
            throw ExitCode.failure
        } catch {
            Diagnostics.warn(error.naming(pinSetFile))
            throw ExitCode.failure
        }
        try PinSetFile.writeForCommandLine(export.text, to: out, force: force)
        for note in export.notes { Diagnostics.warn("note: \(note)") }
    }
}
