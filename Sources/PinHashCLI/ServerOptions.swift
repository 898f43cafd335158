import ArgumentParser
import PinHash
import PinHashLive

/// `--servername` and `--starttls`, which go with `--connect` (`pinhash --connect`, `verify --connect`).
struct ServerOptions: ParsableArguments {
    @Option(
        name: .customLong("servername"),
        help: ArgumentHelp(
            "With --connect: the name to send as SNI and check the certificate against (default: the host; "
                + "none for an IP address).",
            valueName: "name"))
    var serverName: String?

    @Option(
        name: .customLong("starttls"),
        help: ArgumentHelp(
            "With --connect: run this protocol's STARTTLS first: smtp, imap or pop3 (default port 25, 143, "
                + "110).",
            valueName: "protocol"),
        completion: .list(StartTLSProtocol.allCases.map(\.rawValue)))
    var startTLSName: String?

    var startTLS: StartTLSProtocol? { startTLSName.flatMap(StartTLSProtocol.init(rawValue:)) }

    /// Whether neither option was given, as a command reading files requires.
    var isEmpty: Bool { serverName == nil && startTLSName == nil }

    /// Checks what goes with `--connect TEXT` and returns the server it names.
    func validate(connect text: String, with connection: ConnectionOptions) throws -> ServerAddress {
        if let startTLSName, startTLS == nil {
            throw ValidationError("--starttls: '\(startTLSName)' is not smtp, imap or pop3.")
        }
        let server = try server(text)
        _ = try connection.connector(serverName: serverName, startTLS: startTLS)
        return server
    }

    /// The server `--connect TEXT` names, on STARTTLS's port when it gives none.
    func server(_ text: String) throws -> ServerAddress {
        do {
            return try ServerAddress(parsing: text, defaultPort: startTLS?.defaultPort ?? 443)
        } catch {
            throw ValidationError("--connect: \(error.reason).")
        }
    }

    /// The chain `server` sends; its error on stderr and exit status 1 when there is none.
    func chain(of server: ServerAddress, with connection: ConnectionOptions) throws -> ServerChain {
        let connector = try connection.connector(serverName: serverName, startTLS: startTLS)
        do {
            return try connector.chain(of: server)
        } catch {
            Diagnostics.warn(error)
            throw ExitCode.failure
        }
    }
}
