import PinHash

/// How the collector listens, stores and limits.
public struct ReportServerConfiguration: Sendable {
    /// The address to listen on: an IP address or `localhost`.
    public var host: String
    /// The TCP port; 0 lets the system choose (the log names the one bound).
    public var port: Int
    /// The SQLite database, created when missing.
    public var databasePath: String
    /// The current pin set: each report is checked against it; nil for none.
    public var pinSet: PinSet?
    /// The largest request body taken; a larger one is refused with 413.
    public var maximumBodySize = 64 * 1024
    /// The size in bytes the database may not grow past; nil for no limit.
    public var maximumDatabaseSize: Int64?
    /// Seconds within which the same report from the same client is counted, not stored again.
    public var repeatWindow: Int64 = 3600
    /// How long a connection may stay silent (before a request, or between two) before it is closed.
    public var idleTimeout: Int64 = 30
    /// How long one request may take to arrive in full, from its first byte: a client sending a byte a
    /// second is cut off.
    public var requestTimeout: Int64 = 10
    /// Connections open at once; more are closed as soon as they are accepted.
    public var maximumConnections = 1000

    public init(host: String, port: Int, databasePath: String) {
        self.host = host
        self.port = port
        self.databasePath = databasePath
    }
}
