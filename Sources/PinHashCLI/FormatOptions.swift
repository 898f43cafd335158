import ArgumentParser
import PinHash
import PinHashLive

/// How the commands that print pins write them: `--format`, and the server `--host` and `--port` that
/// some formats name.
struct FormatOptions: ParsableArguments {
    // The format and port are parsed as strings and converted here: argument parsing reflects over every
    // option's type at start-up, and a type it has already met (String?, for --passin) costs about a
    // million instructions less than a PinFormat and an Int option would on every run.
    @Option(
        name: .customLong("format"),
        help: ArgumentHelp(
            "How to print the pins: base64 (the default), hex, hpkp, curl, okhttp, android, ios, tlsa, chrome "
                + "or json.",
            discussion: """
                base64: pins as without --format. hex: each pin in lower-case hex, one per line. hpkp: \
                pin-sha256="..." lines. curl: one --pinnedpubkey value, sha256//A;sha256//B. okhttp: \
                sha256/... lines, or with --host the CertificatePinner.Builder() calls. android: a network \
                security config <pin-set>, or with --host a <domain-config>. ios: an NSPinnedDomains \
                fragment of Info.plist. tlsa: DANE TLSA records (needs --host; --port, default 443). chrome: \
                the --ignore-certificate-errors-spki-list value. json: an array with an object per pin. All \
                but base64, hex and json list each key once.
                """,
            valueName: "format"),
        completion: .list(PinFormat.allCases.map(\.rawValue)))
    var formatName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "The server's DNS name or IP address, for --format okhttp, android, ios and tlsa.",
            valueName: "host"))
    var host: String?

    @Option(
        name: .customLong("port"),
        help: ArgumentHelp("The server's TCP port, for --format tlsa (default 443).", valueName: "port"))
    var portNumber: String?

    /// The format asked for; `base64` when none was (or when the name is unknown, which validate() refuses).
    var format: PinFormat { formatName.flatMap(PinFormat.init(rawValue:)) ?? .base64 }

    func validate() throws {
        if let formatName, PinFormat(rawValue: formatName) == nil {
            let names = PinFormat.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--format: there is no format '\(formatName)'; the formats are \(names).")
        }
        if host != nil, !format.usesHost {
            throw ValidationError("--host is used only with --format okhttp, android, ios or tlsa.")
        }
        if let portNumber {
            guard format.usesPort else { throw ValidationError("--port is used only with --format tlsa.") }
            guard Int(portNumber) != nil else {
                throw ValidationError("--port: '\(portNumber)' is not a number.")
            }
        }
    }

    /// The formatter these options describe; a ValidationError names what is missing or wrong. The
    /// defaults stand in for --host and --port when they are not given (`--connect` names the server).
    func formatter(defaultHost: String? = nil, defaultPort: Int = 443) throws -> PinFormatter {
        let formatter = PinFormatter(
            format: format, host: host ?? defaultHost, port: portNumber.flatMap { Int($0) } ?? defaultPort)
        do {
            try formatter.validate()
        } catch {
            switch error.code {
            case .hostRequired:
                throw ValidationError(
                    "--format \(format.rawValue) needs --host: its records are named _PORT._tcp.HOST.")
            case .invalidPort: throw ValidationError("--port: \(error.reason).")
            default: throw ValidationError("--host: \(error.reason).")
            }
        }
        return formatter
    }
}
