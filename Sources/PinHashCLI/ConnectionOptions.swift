import ArgumentParser
import PinHash
import PinHashLive

/// How the commands that reach a server (`--connect`, `audit`) connect and what they trust.
struct ConnectionOptions: ParsableArguments {
    // Strings, converted here: argument parsing reflects over every option's type at start-up, and String?
    // costs least (see FormatOptions).
    @Option(
        name: .customLong("address"),
        help: ArgumentHelp(
            "Connect to this IP address instead of resolving the host name (as curl's --resolve); SNI, the "
                + "certificate check and the HTTP Host still use the name.",
            valueName: "ip"))
    var address: String?

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
            "Seconds allowed for each step: resolving, connecting, STARTTLS, the handshake, an HTTP response "
                + "(default 10).",
            valueName: "seconds"))
    var timeoutText: String?

    /// Whether none of these options was given, as a command reading files requires.
    var isEmpty: Bool { address == nil && caFile == nil && timeoutText == nil }

    /// The connector for these options, with the SNI name and STARTTLS protocol the caller chose.
    func connector(serverName: String? = nil, startTLS: StartTLSProtocol? = nil) throws -> ServerConnector {
        var timeout = 10.0
        if let timeoutText {
            guard let seconds = Double(timeoutText), seconds.isFinite else {
                throw ValidationError("--timeout: '\(timeoutText)' is not a number of seconds.")
            }
            timeout = seconds
        }
        let connector = ServerConnector(
            options: ConnectOptions(
                serverName: serverName, address: address, caFile: caFile, timeout: timeout, startTLS: startTLS
            ))
        do {
            try connector.validate()
        } catch {
            let option =
                ["timeout": "--timeout", "serverName": "--servername"][error.source ?? ""] ?? "--address"
            throw ValidationError("\(option): \(error.reason).")
        }
        return connector
    }
}
