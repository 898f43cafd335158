internal import CPinhashSQLite

/// A value bound to a statement's parameter.
enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case null
}

/// A prepared statement, finalized in `deinit`; reset before each use, so it can be run again.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let database: SQLiteDatabase

    init(_ handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds `values` to parameters 1…n after resetting the statement.
    func bind(_ values: [SQLiteValue]) throws(ReportsError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number): status = sqlite3_bind_int64(handle, index, number)
            case .null: status = sqlite3_bind_null(handle, index)
            case .text(let text):
                // SQLITE_TRANSIENT is a C macro Swift cannot import: SQLite copies the bytes.
                status = sqlite3_bind_text(
                    handle, index, text, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
            guard status == SQLITE_OK else { throw database.error(status) }
        }
    }

    /// Advances to the next row: true when there is one, false when the statement is done.
    func step() throws(ReportsError) -> Bool {
        let status = sqlite3_step(handle)
        switch status {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(status)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Runs a statement that returns no row.
    func run(_ values: [SQLiteValue]) throws(ReportsError) {
        try bind(values)
        _ = try step()
        sqlite3_reset(handle)
    }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String? {
        guard let bytes = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: bytes)
    }

    /// Releases the statement's read of the database (a finished query holds no snapshot).
    func reset() { sqlite3_reset(handle) }
}
