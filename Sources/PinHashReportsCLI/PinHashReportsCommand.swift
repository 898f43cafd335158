import ArgumentParser

#if canImport(Glibc)
    import Glibc
#endif

@main
struct PinHashReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinhash-reports",
        abstract: "Collect pin-failure reports (RFC 7469, TrustKit) and summarize them.",
        discussion: """
            pinhash-reports serve runs the collector: clients POST their reports to it, it stores them in \
            SQLite and shows a summary page. pinhash-reports summary prints the same summary.

            Exit status: 0 success (serve: stopped by SIGTERM or SIGINT); 1 the database, the pin set or the \
            address could not be used (named on stderr); 64 the command line was wrong.

            Examples:
              pinhash-reports serve --listen 127.0.0.1:8470 --db reports.db
              pinhash-reports summary --db reports.db
            """,
        version: "0.1.0",
        subcommands: [ServeCommand.self, SummaryCommand.self]
    )
}

/// One line on standard error, prefixed `pinhash-reports: `, then exit status 1.
func fail(_ message: String) -> Never {
    let line = "pinhash-reports: \(message)\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    exit(1)
}
