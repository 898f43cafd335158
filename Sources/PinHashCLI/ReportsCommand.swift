import ArgumentParser

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash reports …` hands over to `pinhash-reports`, a program of its own so that `pinhash` does not
/// load its HTTP server and database at every start.
struct ReportsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Run pinhash-reports (serve, summary): the pin-failure report collector.",
        discussion: """
            Everything after `reports` goes to pinhash-reports, found beside pinhash or on the PATH: \
            pinhash reports serve --listen 127.0.0.1:8470 --db reports.db. See pinhash-reports --help.

            Exit status: that of pinhash-reports; 1 pinhash-reports could not be run (named on stderr).

            Examples:
              pinhash reports serve --listen 127.0.0.1:8470 --db reports.db
              pinhash reports summary --db reports.db
            """)

    @Argument(parsing: .captureForPassthrough, help: "The arguments of pinhash-reports.")
    var arguments: [String] = []

    func run() throws {
        let name = "pinhash-reports"
        var candidates: [String] = []
        // The program installed beside this one first: the pair come from one build.
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        if length > 0 {
            let path = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let slash = path.lastIndex(of: "/") { candidates.append(path[..<slash] + "/" + name) }
        }
        let argv = ([name] + arguments).map { strdup($0) } + [nil]
        for candidate in candidates where access(candidate, X_OK) == 0 {
            execv(candidate, argv)
        }
        execvp(name, argv)
        let reason = String(cString: strerror(errno))
        argv.forEach { free($0) }
        Diagnostics.warn(
            "cannot run \(name): \(reason) (install it beside pinhash: make install installs both)")
        throw ExitCode(1)
    }
}
