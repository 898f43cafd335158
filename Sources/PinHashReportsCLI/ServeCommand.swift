import ArgumentParser
import Logging
import PinHash
import PinHashReports

#if canImport(Glibc)
    import Glibc
#endif

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive pin-failure reports over HTTP and store them in a SQLite database.",
        discussion: """
            POST a report (application/json, RFC 7469 or TrustKit) to any path: 204 once it is on disk. \
            GET / shows the summary page, GET /health answers ok. SIGTERM or SIGINT stops it after \
            answering every request already received. One log line per event on stderr.

            Exit status: 0 stopped by SIGTERM or SIGINT; 1 the database, the pin set or the address could \
            not be used, at start or when listening again after the listening socket closed (named on \
            stderr); 64 the command line was wrong.

            Examples:
              pinhash-reports serve --listen 127.0.0.1:8470 --db reports.db
              pinhash-reports serve --listen [::1]:8470 --db reports.db --pinset pins.yaml --max-db-size 1G
            """)

    @Option(help: ArgumentHelp("The address and port to listen on.", valueName: "addr:port"))
    var listen: String

    @Option(help: ArgumentHelp("The SQLite database (created when missing).", valueName: "file"))
    var db: String

    @Option(
        help: ArgumentHelp(
            "The current pin set: each report says which of its pins the chain has, and which clients fail.",
            valueName: "file"), completion: .file(extensions: ["yaml", "yml"]))
    var pinset: String?

    @Option(
        name: .customLong("max-db-size"),
        help: ArgumentHelp(
            "The size the database may not grow past: bytes, or with K, M or G.", valueName: "n"))
    var maxDBSize: String?

    @Option(
        name: .customLong("max-body-size"),
        help: ArgumentHelp("The largest report body taken (default 64K).", valueName: "n"))
    var maxBodySize: String = "64K"

    @Option(
        name: .customLong("max-connections"), help: ArgumentHelp("Connections open at once.", valueName: "n"))
    var maxConnections: Int = 1000

    @Option(
        name: .customLong("repeat-window"),
        help: ArgumentHelp(
            "Seconds in which the same report from the same client is counted, not stored again.",
            valueName: "seconds"))
    var repeatWindow: Int = 3600

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp("Seconds a connection may stay silent.", valueName: "seconds"))
    var idleTimeout: Int = 30

    @Option(
        name: .customLong("request-timeout"),
        help: ArgumentHelp("Seconds a request may take to arrive in full.", valueName: "seconds"))
    var requestTimeout: Int = 10

    @Option(
        name: .customLong("log-level"),
        help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel: String = "info"

    func validate() throws {
        guard address != nil else {
            throw ValidationError(
                "--listen \(listen): give an address and a port, as 127.0.0.1:8080 or [::1]:8080")
        }
        if let maxDBSize, Self.size(maxDBSize) == nil {
            throw ValidationError("--max-db-size \(maxDBSize): give a size in bytes, or with K, M or G")
        }
        guard let body = Self.size(maxBodySize), body > 0, body <= 16 << 20 else {
            throw ValidationError("--max-body-size \(maxBodySize): give a size from 1 byte to 16M")
        }
        guard maxConnections > 0 else { throw ValidationError("--max-connections must be at least 1") }
        guard repeatWindow >= 0 else { throw ValidationError("--repeat-window cannot be negative") }
        guard idleTimeout > 0, requestTimeout > 0 else {
            throw ValidationError("--idle-timeout and --request-timeout must be at least 1 second")
        }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError(
                "--log-level \(logLevel): give trace, debug, info, notice, warning, error or critical")
        }
    }

    /// `host:port` or `[v6]:port`.
    private var address: (host: String, port: Int)? {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(listen[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    /// `65536`, `64K`, `10M`, `1G`.
    static func size(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30]
        if let last = text.last, let unit = units[Character(last.uppercased())] {
            return Int64(text.dropLast()).flatMap { $0 >= 0 && $0 <= Int64.max / unit ? $0 * unit : nil }
        }
        return Int64(text).flatMap { $0 >= 0 ? $0 : nil }
    }

    func run() throws {
        // Before any thread starts: only the server's wait receives SIGTERM and SIGINT.
        ReportServer.blockStopSignals()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "pinhash-reports")
        guard let address else { fail("--listen \(listen): not an address and port") }
        var configuration = ReportServerConfiguration(
            host: address.host, port: address.port, databasePath: db)
        if let pinset {
            do {
                configuration.pinSet = try PinSetFile.read(fileAt: pinset)
            } catch {
                fail("\(error)")
            }
        }
        configuration.maximumDatabaseSize = maxDBSize.flatMap(Self.size)
        configuration.maximumBodySize = Int(Self.size(maxBodySize) ?? 65536)
        configuration.maximumConnections = maxConnections
        configuration.repeatWindow = Int64(repeatWindow)
        configuration.idleTimeout = Int64(idleTimeout)
        configuration.requestTimeout = Int64(requestTimeout)
        raiseOpenFileLimit()
        do {
            try ReportServer(configuration: configuration, logger: logger).run()
        } catch {
            fail(error.message)
        }
    }
}

/// Raises the soft limit on open files to the hard one: each connection is a descriptor, and the default
/// soft limit (1024 on many systems) would refuse connections far below the collector's own limit.
private func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max
    else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
}
