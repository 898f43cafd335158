import ArgumentParser
import PinHash
import PinHashReports

#if canImport(Glibc)
    import Glibc
#endif

struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Summarize the reports in a collector's database, host by host, with advice.",
        discussion: """
            Per host: the number of reports, first and last seen, app versions and platforms, the pins \
            clients noted against the pins their chains had, and what to do.

            Exit status: 0 success; 1 the database could not be read (named on stderr); 64 the command \
            line was wrong.

            Examples:
              pinhash-reports summary --db reports.db
              pinhash-reports summary --db reports.db --since 2026-11-01 --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: ArgumentHelp("The collector's SQLite database.", valueName: "file"))
    var db: String

    @Option(
        help: ArgumentHelp("Only reports last received on or after this day (UTC).", valueName: "yyyy-mm-dd"))
    var since: String?

    @Option(help: "Output format.")
    var format: Format = .text

    func validate() throws {
        if let since, CalendarDate(iso8601: since) == nil {
            throw ValidationError("--since \(since): give a day as YYYY-MM-DD")
        }
    }

    func run() throws {
        let start =
            since.flatMap(CalendarDate.init(iso8601:)).map { Int64($0.daysSinceUnixEpoch) * 86400 } ?? 0
        guard access(db, F_OK) == 0 else { fail("\(db): no such file") }
        let summary: ReportSummary
        do {
            summary = try ReportSummary.read(databaseAt: db, since: start)
        } catch {
            fail(error.message)
        }
        let text = format == .json ? summary.json : summary.text
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { fail("standard output: \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(written)
        }
    }
}
