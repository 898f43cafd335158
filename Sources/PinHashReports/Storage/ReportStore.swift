import PinHash

/// The reports database: one row per distinct report and client in `reports`, and how often and when it
/// came in `report_counts` (a small row, updated in place, so a full database still counts repeats). WAL journal and
/// `synchronous = FULL`, so a committed transaction is on disk before the server answers. Not Sendable:
/// the ``ReportWriter`` thread owns the writing store; a reader opens its own.
final class ReportStore {
    private let database: SQLiteDatabase
    private lazy var findRecent = try? database.prepare(
        "SELECT r.id FROM reports r JOIN report_counts c ON c.report_id = r.id "
            + "WHERE r.client = ? AND r.fingerprint = ? AND c.last_received >= ? "
            + "ORDER BY c.last_received DESC LIMIT 1")
    private lazy var countAgain = try? database.prepare(
        "UPDATE report_counts SET count = count + 1, last_received = ? WHERE report_id = ?")
    private lazy var insertCount = try? database.prepare(
        "INSERT INTO report_counts (report_id, count, last_received) VALUES (?, 1, ?)")
    private lazy var insert = try? database.prepare(
        "INSERT INTO reports (" + ReportStore.insertedColumns.joined(separator: ", ") + ") VALUES ("
            + Array(repeating: "?", count: ReportStore.insertedColumns.count).joined(separator: ", ") + ")")

    static let insertedColumns = [
        "client", "fingerprint", "first_received", "format", "date_time",
        "hostname",
        "port", "noted_hostname", "include_subdomains", "effective_expiration_date", "known_pins",
        "noted_pins",
        "served_pins", "validated_pins", "served_chain", "validated_chain", "app_bundle_id", "app_version",
        "app_platform", "app_platform_version", "app_vendor_id", "trustkit_version", "enforce_pinning",
        "validation_result", "pinset_host", "pinset_matching_pins", "pinset_failing_clients",
    ]

    /// What happened to a report.
    enum Outcome: Equatable {
        /// A new row.
        case stored(Int64)
        /// The same report from the same client within the window: its row's count went up.
        case counted(Int64)
    }

    /// Opens the database at `path` for writing, creating it and its table when missing.
    /// - Parameter maximumSize: the size in bytes the file may not grow past; nil for no limit.
    init(writingAt path: String, maximumSize: Int64? = nil) throws(ReportsError) {
        database = try SQLiteDatabase(path: path)
        try database.execute("PRAGMA journal_mode = WAL")
        // FULL: every commit fsyncs the WAL, so an acknowledged report survives a crash or power loss.
        try database.execute("PRAGMA synchronous = FULL")
        try database.execute(Self.schema)
        // Checkpoints run on their own connection (``checkpoint()``), off the commit path: one inside a
        // commit would add two more fsyncs to the wait of every request in that batch.
        try database.execute("PRAGMA wal_autocheckpoint = 0")
        if let maximumSize {
            let pageSize = try database.integer("PRAGMA page_size") ?? 4096
            try database.execute("PRAGMA max_page_count = \(max(1, maximumSize / pageSize))")
        }
    }

    /// Opens an existing database to read it (the summary); fails when there is none.
    init(readingAt path: String) throws(ReportsError) {
        database = try SQLiteDatabase(path: path, readOnly: true)
        do {
            _ = try database.integer("SELECT count(*) FROM reports LIMIT 1")
        } catch {
            throw ReportsError(.database, "\(path): not a pinhash-reports database (\(error.message))")
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS reports (
            id INTEGER PRIMARY KEY,
            client TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            first_received INTEGER NOT NULL,
            format TEXT NOT NULL,
            date_time TEXT,
            hostname TEXT NOT NULL,
            port INTEGER,
            noted_hostname TEXT,
            include_subdomains INTEGER,
            effective_expiration_date TEXT,
            known_pins TEXT NOT NULL,
            noted_pins TEXT NOT NULL,
            served_pins TEXT NOT NULL,
            validated_pins TEXT NOT NULL,
            served_chain TEXT NOT NULL,
            validated_chain TEXT NOT NULL,
            app_bundle_id TEXT,
            app_version TEXT,
            app_platform TEXT,
            app_platform_version TEXT,
            app_vendor_id TEXT,
            trustkit_version TEXT,
            enforce_pinning INTEGER,
            validation_result INTEGER,
            pinset_host TEXT,
            pinset_matching_pins TEXT,
            pinset_failing_clients TEXT
        );
        CREATE TABLE IF NOT EXISTS report_counts (
            report_id INTEGER PRIMARY KEY REFERENCES reports (id),
            count INTEGER NOT NULL,
            last_received INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS reports_by_client ON reports (client, fingerprint);
        """

    /// Opens a second connection to the database at `path`, for checkpoints.
    init(checkpointingAt path: String) throws(ReportsError) {
        database = try SQLiteDatabase(path: path)
    }

    /// Copies committed pages from the WAL into the database without waiting for the writer
    /// (`truncate`: and empties the WAL, for the last one).
    func checkpoint(truncate: Bool = false) {
        try? database.execute("PRAGMA wal_checkpoint(\(truncate ? "TRUNCATE" : "PASSIVE"))")
    }

    func begin() throws(ReportsError) { try database.execute("BEGIN IMMEDIATE") }
    func commit() throws(ReportsError) { try database.execute("COMMIT") }

    /// Rolls back the open transaction, if SQLite has not already.
    func rollback() {
        if database.isInTransaction { try? database.execute("ROLLBACK") }
    }

    /// Stores `report` from `client` received at `now` (seconds since 1970), or counts it again when the
    /// same client sent the same report at most `window` seconds ago.
    func record(_ report: AnalyzedReport, client: String, now: Int64, window: Int64) throws(ReportsError)
        -> Outcome
    {
        guard let findRecent, let countAgain, let insert, let insertCount else {
            throw ReportsError(.database, "\(database.path): the statements could not be prepared")
        }
        try findRecent.bind([.text(client), .text(report.fingerprint), .integer(now - window)])
        if try findRecent.step() {
            let id = findRecent.integer(0)
            findRecent.reset()
            try countAgain.run([.integer(now), .integer(id)])
            return .counted(id)
        }
        findRecent.reset()
        let r = report.report
        let app = r.app
        func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
        func integer(_ value: Int?) -> SQLiteValue { value.map { .integer(Int64($0)) } ?? .null }
        func flag(_ value: Bool?) -> SQLiteValue { value.map { .integer($0 ? 1 : 0) } ?? .null }
        func pins(_ pins: [Pin]) -> SQLiteValue { .text(pins.map(\.base64).joined(separator: " ")) }
        let match = report.pinSetMatch
        try insert.run([
            .text(client), .text(report.fingerprint), .integer(now), .text(r.format.rawValue),
            text(r.dateTime), .text(r.hostname), integer(r.port),
            text(r.notedHostname),
            flag(r.includeSubdomains), text(r.effectiveExpirationDate),
            .text(r.knownPins.joined(separator: "\n")),
            pins(report.notedPins), pins(report.servedPins), pins(report.validatedPins),
            .text(r.servedCertificateChain.joined(separator: "\n")),
            .text(r.validatedCertificateChain.joined(separator: "\n")), text(app?.bundleID),
            text(app?.version),
            text(app?.platform), text(app?.platformVersion), text(app?.vendorID), text(app?.trustkitVersion),
            flag(app?.enforcePinning), integer(app?.validationResult), text(match?.host),
            match.map { pins($0.matchingPins) } ?? .null,
            match.map { .text($0.failingClients.map(\.rawValue).joined(separator: " ")) } ?? .null,
        ])
        let id = database.lastInsertedRow
        try insertCount.run([.integer(id), .integer(now)])
        return .stored(id)
    }

    /// The reports last received at or after `since` (seconds since 1970), grouped by what the summary
    /// tells apart, with their counts and times.
    func groups(since: Int64) throws(ReportsError) -> [ReportGroup] {
        let statement = try database.prepare(
            """
            SELECT hostname, port, format, app_platform, app_version, noted_pins, served_pins, validated_pins,
                pinset_host, pinset_matching_pins, pinset_failing_clients,
                SUM(count), MIN(first_received), MAX(last_received), COUNT(DISTINCT client)
            FROM reports JOIN report_counts ON report_id = id WHERE last_received >= ?
            GROUP BY hostname, port, format, app_platform, app_version, noted_pins, served_pins, validated_pins,
                pinset_host, pinset_matching_pins, pinset_failing_clients
            ORDER BY hostname, port, MAX(last_received)
            """)
        try statement.bind([.integer(since)])
        var groups: [ReportGroup] = []
        func pins(_ column: Int32) -> [Pin] {
            (statement.text(column) ?? "").split(separator: " ").compactMap { Pin(base64: String($0)) }
        }
        while try statement.step() {
            groups.append(
                ReportGroup(
                    hostname: statement.text(0) ?? "",
                    port: statement.isNull(1) ? nil : Int(statement.integer(1)),
                    format: PinFailureReport.Format(rawValue: statement.text(2) ?? "") ?? .rfc7469,
                    appPlatform: statement.text(3), appVersion: statement.text(4), notedPins: pins(5),
                    servedPins: pins(6), validatedPins: pins(7),
                    pinSetMatch: statement.text(8).map { host in
                        PinSetMatch(
                            host: host, matchingPins: pins(9),
                            failingClients: (statement.text(10) ?? "").split(separator: " ").compactMap {
                                PinClient(rawValue: String($0))
                            })
                    },
                    count: Int(statement.integer(11)), firstReceived: statement.integer(12),
                    lastReceived: statement.integer(13), clients: Int(statement.integer(14))))
        }
        statement.reset()
        return groups
    }

    /// The number of reports received (rows times their counts).
    func reportCount() throws(ReportsError) -> Int {
        Int(try database.integer("SELECT COALESCE(SUM(count), 0) FROM report_counts") ?? 0)
    }
}

/// Reports alike in everything the summary shows, with how many there were and when.
public struct ReportGroup: Sendable, Hashable {
    public var hostname: String
    public var port: Int?
    public var format: PinFailureReport.Format
    public var appPlatform: String?
    public var appVersion: String?
    public var notedPins: [Pin]
    public var servedPins: [Pin]
    public var validatedPins: [Pin]
    public var pinSetMatch: PinSetMatch?
    /// Reports received, counting repeats.
    public var count: Int
    /// Seconds since 1970.
    public var firstReceived: Int64
    public var lastReceived: Int64
    /// Distinct client addresses.
    public var clients: Int

    /// The chain the client checked: the validated one, else the served one.
    public var chainPins: [Pin] { validatedPins.isEmpty ? servedPins : validatedPins }
}
