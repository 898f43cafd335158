internal import CPinhashSQLite

/// One SQLite connection: the only owner of its `sqlite3` handle, closed in `deinit`. Not Sendable: one
/// thread uses it at a time (the writer thread, or a reader behind a lock).
final class SQLiteDatabase {
    private let handle: OpaquePointer
    /// The file, as given: errors name it.
    let path: String

    /// Opens (and with `create`, creates) the database at `path`; `readOnly` never writes it.
    init(path: String, readOnly: Bool = false) throws(ReportsError) {
        self.path = path
        var handle: OpaquePointer?
        let flags =
            (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let reason =
                handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(status))
            sqlite3_close(handle)
            throw ReportsError(.database, "\(path): \(reason)")
        }
        self.handle = handle
        // Another connection writing (the server while `summary` reads) makes this one wait, not fail.
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit { sqlite3_close(handle) }

    /// Runs statements that return no rows (`PRAGMA`, `CREATE`, `BEGIN`, `COMMIT`).
    func execute(_ sql: String) throws(ReportsError) {
        let status = sqlite3_exec(handle, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw error(status) }
    }

    func prepare(_ sql: String) throws(ReportsError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw error(status) }
        return SQLiteStatement(statement, database: self)
    }

    /// The value of a one-row, one-column query (`PRAGMA page_size`).
    func integer(_ sql: String) throws(ReportsError) -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.integer(0) : nil
    }

    var lastInsertedRow: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Whether a transaction is open (false after SQLite rolled one back on its own, as it may on a full disk).
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// The error of a failed call, as one line naming the file; a full database has its own code.
    func error(_ status: Int32) -> ReportsError {
        let reason = String(cString: sqlite3_errmsg(handle))
        let primary = status & 0xff
        return ReportsError(primary == SQLITE_FULL ? .databaseFull : .database, "\(path): \(reason)")
    }
}
