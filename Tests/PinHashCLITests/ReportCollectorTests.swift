import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension PackagePaths {
    /// The built `pinhash-reports`: `PINHASH_REPORTS_BINARY` when set, else beside the `pinhash` under
    /// test (so a sanitizer build tests its own collector).
    static var pinhashReports: String {
        if let path = ProcessInfo.processInfo.environment["PINHASH_REPORTS_BINARY"], !path.isEmpty {
            return path
        }
        return URL(fileURLWithPath: pinhash).deletingLastPathComponent().appendingPathComponent(
            "pinhash-reports"
        ).path
    }
}

/// A `pinhash-reports serve` started by a test on a free loopback port, with its database and log in a
/// scratch directory of its own.
final class ReportCollector {
    let directory: URL
    let port: Int
    let arguments: [String]
    private(set) var process: LiveServerProcess
    var database: String { directory.appendingPathComponent("reports.db").path }
    var log: String {
        (try? String(contentsOfFile: directory.appendingPathComponent("server.log").path, encoding: .utf8))
            ?? ""
    }
    var url: String { "http://127.0.0.1:\(port)" }

    init(_ extra: [String] = [], directory: URL? = nil) throws {
        let binary = PackagePaths.pinhashReports
        try #require(
            FileManager.default.isExecutableFile(atPath: binary),
            "no pinhash-reports at \(binary): run `swift build --product pinhash-reports` first")
        self.directory = try directory ?? makeLiveScratchDirectory()
        port = try Loopback.freePort()
        arguments =
            [
                "serve", "--listen", "127.0.0.1:\(port)", "--db",
                self.directory.appendingPathComponent("reports.db").path,
            ] + extra
        process = try Self.start(arguments, in: self.directory)
        try waitUntilServing()
    }

    private static func start(_ arguments: [String], in directory: URL) throws -> LiveServerProcess {
        try LiveServerProcess(
            executable: PackagePaths.pinhashReports, arguments: arguments,
            log: directory.appendingPathComponent("server.log"))
    }

    private func waitUntilServing() throws {
        // The log line comes just after the socket listens: tests count log lines from here.
        let ready = process.wait(within: 20) {
            log.contains("listening on") && acceptsConnections(.ipv4, port: port)
        }
        try #require(ready, "pinhash-reports did not start: \(log)")
    }

    /// SIGKILL, then the same command again on the same database and port.
    func killAndRestart() throws {
        process.killProcessGroup()
        process = try Self.start(arguments, in: directory)
        try waitUntilServing()
    }

    func stop() {
        process.stop()
    }

    deinit {
        process.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    /// POSTs `body` with curl; the HTTP status (0 when the connection failed) and the answer's body.
    func post(_ body: String, contentType: String = "application/json") throws -> (status: Int, body: String)
    {
        let file = directory.appendingPathComponent("body-\(UUID().uuidString).json")
        try body.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try curl([
            "-H", "Content-Type: \(contentType)", "--data-binary", "@\(file.path)", url + "/report",
        ])
    }

    func get(_ path: String) throws -> (status: Int, body: String) { try curl([url + path]) }

    private func curl(_ arguments: [String]) throws -> (status: Int, body: String) {
        let curl = try #require(LiveTools.curl, "curl is not installed")
        let result = try runProcess(
            curl, ["-s", "-m", "20", "-w", "\n%{http_code}"] + arguments, stdin: nil, environment: [:],
            timeout: 30,
            sourceLocation: #_sourceLocation)
        var lines = result.stdout.components(separatedBy: "\n")
        let status = Int(lines.removeLast()) ?? 0
        return (status, lines.joined(separator: "\n"))
    }

    /// A query through the sqlite3 command-line program, not through the collector's code.
    func sqlite(_ query: String) throws -> String {
        let sqlite3 = try #require(ReportTruth.sqlite3, "sqlite3 is not installed (apt-get install sqlite3)")
        let result = try runProcess(
            sqlite3, [database, query], stdin: nil, environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
        try #require(result.status == 0, "sqlite3: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The log lines written since `count` lines had been.
    func logLines(after count: Int) -> [String] {
        Array(log.split(separator: "\n").dropFirst(count).map(String.init))
    }

    /// For a failure message, what the kernel says of the collector: each thread's state and wait
    /// channel, and the TCP sockets on its port by state (0A is LISTEN, whose receive queue is the number
    /// of connections waiting to be accepted), from /proc rather than a tool that may not be installed.
    var kernelView: String {
        let tasks = "/proc/\(process.pid)/task"
        let threads = ((try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []).sorted().map {
            task -> String in
            let stat = (try? String(contentsOfFile: "\(tasks)/\(task)/stat", encoding: .utf8)) ?? ""
            let state = stat.split(separator: ")").last?.split(separator: " ").first ?? "?"
            let channel = (try? String(contentsOfFile: "\(tasks)/\(task)/wchan", encoding: .utf8)) ?? "?"
            return "\(state):\(channel)"
        }
        let portSuffix = ":" + String(format: "%04X", port)
        var sockets: [String: Int] = [:]
        let table = (try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)) ?? ""
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 4 else { continue }
            if fields[1].hasSuffix(portSuffix) {
                sockets[
                    "server \(fields[3])" + (fields[3] == "0A" ? " queues \(fields[4])" : ""), default: 0] +=
                    1
            } else if fields[2].hasSuffix(portSuffix) {
                sockets["client \(fields[3])", default: 0] += 1
            }
        }
        return "threads \(threads); sockets on port \(port): \(sockets.sorted { $0.key < $1.key })"
    }
}

/// What the tests compare the collector with: openssl's pins, the sqlite3 CLI, python3 clients.
enum ReportTruth {
    static let sqlite3 = LiveTools.find("sqlite3")
    static let client = PackagePaths.root.appendingPathComponent("Tests/Support/report-client.py").path

    /// The certificates of a PEM file, each as its own PEM text.
    static func certificates(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: Fixtures.path(path), encoding: .utf8)
        return text.components(separatedBy: "-----END CERTIFICATE-----").dropLast().map {
            String($0[$0.range(of: "-----BEGIN CERTIFICATE-----")!.lowerBound...])
                + "-----END CERTIFICATE-----\n"
        }
    }

    /// The pin of a certificate in the package, by the openssl command line.
    static func pin(_ path: String) throws -> String {
        try RotateTruth.pin(ofCertificate: PackagePaths.root.appendingPathComponent(path).path)
    }

    static func json(_ object: Any) throws -> String {
        String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]),
            as: UTF8.self)
    }

    /// TrustKit's sample report, field for field as TrustKit's documentation of `kTSKReportUris` shows it
    /// (datatheorem/TrustKit, TrustKit/TrustKit.h), with real certificates where it writes `pem1, ... pemN`.
    static func trustKitSample(chain: [String]) throws -> String {
        let pems = try json(chain)
        return """
            {
            "app-bundle-id": "com.datatheorem.testtrustkit2",
            "app-version": "1",
            "app-vendor-id": "599F9C00-92DC-4B5C-9464-7971F01F8370",
            "app-platform": "IOS",
            "app-platform-version": "10.2.0",
            "trustkit-version": "1.3.1",
            "hostname": "www.datatheorem.com",
            "port": 0,
            "noted-hostname": "datatheorem.com",
            "include-subdomains": true,
            "enforce-pinning": true,
            "validated-certificate-chain": \(pems),
            "known-pins": [
            "pin-sha256=\\"d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM=\\"",
            "pin-sha256=\\"E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=\\""
            ],
            "validation-result":1
            }
            """
    }

    /// An RFC 7469 section 3 report, every field of the RFC's example.
    static func rfc7469Report(host: String, served: [String], validated: [String], knownPins: [String]) throws
        -> String
    {
        try json([
            "date-time": "2026-05-01T12:00:00Z", "hostname": host, "port": 443,
            "effective-expiration-date": "2026-06-01T12:00:00Z", "include-subdomains": false,
            "noted-hostname": host, "served-certificate-chain": served,
            "validated-certificate-chain": validated,
            "known-pins": knownPins.map { "pin-sha256=\"\($0)\"" },
        ])
    }

    /// Runs Tests/Support/listening-socket.py (what the kernel or the network can do to a listening
    /// socket) and gives its output.
    static func listeningSocket(_ arguments: [String], timeout: Double = 60) throws -> String {
        try script("listening-socket.py", arguments, timeout: timeout)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs report-client.py and gives the JSON object of its last line.
    static func python(_ arguments: [String], timeout: Double = 60) throws -> [String: Any] {
        let output = try script("report-client.py", arguments, timeout: timeout)
        let line = output.split(separator: "\n").last.map(String.init) ?? ""
        return try #require(
            try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(output)")
    }

    /// Runs a python3 script of Tests/Support, which must exit 0, and gives its standard output.
    private static func script(_ name: String, _ arguments: [String], timeout: Double) throws -> String {
        let python3 = try #require(LiveTools.python, "python3 is not installed")
        let path = PackagePaths.root.appendingPathComponent("Tests/Support/\(name)").path
        let result = try runProcess(
            python3, [path] + arguments, stdin: nil, environment: [:], timeout: timeout,
            sourceLocation: #_sourceLocation)
        try #require(result.status == 0, "\(name) \(arguments): \(result.stderr)")
        return result.stdout
    }
}

@Suite(
    "pinhash-reports: the pin-failure report collector", .serialized,
    .enabled(if: LiveTools.curl != nil && ReportTruth.sqlite3 != nil, "needs curl and sqlite3"))
struct ReportCollectorTests {
    @Test("An RFC 7469 report and TrustKit's documented sample are stored with the pins openssl computes")
    func reportsAreStored() throws {
        let collector = try ReportCollector()
        let chain = try ReportTruth.certificates("certs/chain.pem")
        let pins = try [
            "Fixtures/certs/leaf.pem", "Fixtures/certs/intermediate.pem", "Fixtures/certs/root.pem",
        ].map(
            ReportTruth.pin)
        let noted = "bdrBhpj38ffhxpubzkINl0rG+UyossdhcBYj+Zx2fcc="
        let rfc = try ReportTruth.rfc7469Report(
            host: "www.example.com", served: Array(chain.prefix(2)), validated: chain, knownPins: [noted])
        #expect(try collector.post(rfc).status == 204)
        #expect(try collector.post(try ReportTruth.trustKitSample(chain: chain)).status == 204)

        let rows = try collector.sqlite(
            "SELECT hostname, format, served_pins, validated_pins, noted_pins, app_version, count "
                + "FROM reports JOIN report_counts ON report_id = id ORDER BY id"
        )
        #expect(
            rows.split(separator: "\n").map(String.init) == [
                "www.example.com|rfc7469|\(pins[0]) \(pins[1])|\(pins.joined(separator: " "))|\(noted)||1",
                "www.datatheorem.com|trustkit||\(pins.joined(separator: " "))|d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM= "
                    + "E9CZ9INDbd+2eRQozYqqbQ2yXLVKB9+xcprMF+44U1g=|1|1",
            ])
        #expect(try collector.sqlite("PRAGMA journal_mode") == "wal")

        let summary = try runProcess(
            PackagePaths.pinhashReports, ["summary", "--db", collector.database, "--format", "json"],
            stdin: nil,
            environment: [:], timeout: 30, sourceLocation: #_sourceLocation)
        #expect(summary.status == 0, "\(summary.stderr)")
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        let hosts = try #require(document["hosts"] as? [[String: Any]])
        #expect(
            hosts.compactMap { $0["hostname"] as? String }.sorted() == [
                "www.datatheorem.com", "www.example.com",
            ])
        let trustKit = try #require(hosts.first { $0["hostname"] as? String == "www.datatheorem.com" })
        #expect((trustKit["app_versions"] as? [[String: Any]])?.first?["value"] as? String == "1 (IOS)")
        #expect((trustKit["chain_pins"] as? [[String: Any]])?.compactMap { $0["pin"] as? String } == pins)
        #expect(
            (trustKit["advice"] as? [String])?.first?.hasPrefix(
                "users on app 1 pin only d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM= and E9CZ9INDbd") == true
        )
        let logged = collector.log.split(separator: "\n").filter { $0.contains("report stored") }
        #expect(logged.count == 2, "\(collector.log)")
    }

    @Test("The same report from one client within the window is counted, not stored again")
    func repeatsAreCounted() throws {
        let collector = try ReportCollector()
        let sample = try ReportTruth.trustKitSample(chain: try ReportTruth.certificates("certs/chain.pem"))
        for _ in 0..<3 { #expect(try collector.post(sample).status == 204) }
        #expect(try collector.sqlite("SELECT count(*), sum(count) FROM report_counts") == "1|3")
        let other = try ReportTruth.rfc7469Report(
            host: "other.example.com", served: [], validated: [], knownPins: [])
        #expect(try collector.post(other).status == 204)
        #expect(try collector.sqlite("SELECT count(*), sum(count) FROM report_counts") == "2|4")

        // With no window, every report is a row.
        let every = try ReportCollector(["--repeat-window", "0"])
        #expect(try every.post(sample).status == 204)
        sleep(1)
        #expect(try every.post(sample).status == 204)
        #expect(try every.sqlite("SELECT count(*) FROM reports") == "2")
    }

    @Test(
        "Garbage, wrong types, unparsable chains, oversize bodies: a 4xx and one log line each, and the server serves on"
    )
    func hostileBodies() throws {
        let collector = try ReportCollector()
        let before = collector.log.split(separator: "\n").count
        let cases: [(body: String, contentType: String, status: Int, logged: String)] = [
            ("not json at all", "application/json", 400, "the body is not JSON"),
            ("[1, 2, 3]", "application/json", 400, "the body is not a JSON object"),
            (#"{"hostname": 42}"#, "application/json", 400, #""hostname" is not a string"#),
            (
                #"{"hostname": "a.example", "port": "443"}"#, "application/json", 400,
                #""port" is not an integer"#
            ),
            (
                #"{"hostname": "a.example", "port": 70000}"#, "application/json", 400,
                #""port" 70000 is not a TCP port"#
            ),
            (
                #"{"hostname": "a.example", "known-pins": "x"}"#, "application/json", 400,
                #""known-pins" is not a list"#
            ),
            (#"{"port": 443}"#, "application/json", 400, #"the report has no "hostname""#),
            (
                #"{"hostname": "a.example", "validated-certificate-chain": ["-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"]}"#,
                "application/json", 400, #""validated-certificate-chain"[0] is not a PEM certificate"#
            ),
            (
                #"{"hostname": "a.example", "served-certificate-chain": [1]}"#, "application/json", 400,
                #""served-certificate-chain"[0] is not a string"#
            ),
            (#"{"hostname": "a.example"}"#, "text/plain", 415, "not application/json"),
            (String(repeating: "x", count: 65 * 1024), "application/json", 413, "is over the limit"),
        ]
        for (index, item) in cases.enumerated() {
            let answer = try collector.post(item.body, contentType: item.contentType)
            #expect(answer.status == item.status, "case \(index): \(answer)")
            let lines = collector.logLines(after: before + index)
            #expect(lines.count == 1, "case \(index): \(lines)")
            #expect(lines.first?.contains(item.logged) == true, "case \(index): \(lines)")
        }
        #expect(try collector.get("/health") == (200, "ok\n"))
        #expect(try collector.sqlite("SELECT count(*) FROM reports") == "0")
        // A request that is not HTTP at all gets 400 from the HTTP parser.
        let python3 = try #require(LiveTools.python)
        let raw = try runProcess(
            python3,
            [
                "-c",
                "import socket; s = socket.create_connection(('127.0.0.1', \(collector.port))); "
                    + "s.sendall(b'\\x16\\x03\\x01 hello\\r\\n\\r\\n'); print(s.recv(100)[:12])",
            ], stdin: nil, environment: [:], timeout: 20, sourceLocation: #_sourceLocation)
        #expect(raw.stdout.contains("HTTP/1.1 400"), "\(raw.stdout) \(raw.stderr)")
        #expect(try collector.get("/health").status == 200)
    }

    @Test("A client sending a byte a second is cut off; thousands of connections are refused past the limit")
    func slowAndManyClients() throws {
        let collector = try ReportCollector(["--request-timeout", "2", "--max-connections", "100"])
        let slow = try ReportTruth.python(["slow", "\(collector.port)", "20"])
        let closedAfter = try #require(slow["closed_after"] as? Double, "the slow client was never cut off")
        #expect(closedAfter >= 1.5 && closedAfter < 6, "cut off after \(closedAfter) s")
        #expect(collector.log.contains("closed a slow connection"))

        let before = collector.log.split(separator: "\n").count
        let flood = try ReportTruth.python(["flood", "\(collector.port)", "2000"], timeout: 120)
        #expect(flood["connected"] as? Int == 2000, "\(flood)")
        #expect(flood["open"] as? Int == 100, "\(flood)")
        let refusals = collector.logLines(after: before).filter { $0.contains("over the limit") }
        #expect(!refusals.isEmpty && refusals.count < 20, "\(refusals.count) log lines for 1900 refusals")
        sleep(1)
        #expect(try collector.get("/health").status == 200)
        #expect(
            try collector.post(
                try ReportTruth.rfc7469Report(host: "after.example", served: [], validated: [], knownPins: [])
            ).status == 204)
    }

    @Test(
        "A burst of 2,000 connections while the collector cannot accept is queued by the kernel, not dropped")
    func burstWhileBusy() throws {
        let collector = try ReportCollector(["--max-connections", "100"])
        // Stopped, the collector accepts nothing: every connection waits in the listen backlog, and one
        // beyond it finds its SYN dropped (Linux) and its connect timed out, as under a slow, loaded server.
        kill(collector.process.pid, SIGSTOP)
        let flood: [String: Any]
        do {
            defer { kill(collector.process.pid, SIGCONT) }
            flood = try ReportTruth.python(["flood", "\(collector.port)", "2000", "0.5"], timeout: 120)
        }
        #expect(flood["connected"] as? Int == 2000, "\(flood)")
        // Resumed, it first accepts the 2,000 queued connections (each already closed by its client); how
        // long that takes depends on the build and the machine's load (under 2 s for an ASan build on two
        // busy cores here, more than 20 s once in CI), so /health is asked until it answers, for a minute.
        let resumed = Date()
        var health = try collector.get("/health")
        while health.status != 200, Date().timeIntervalSince(resumed) < 60 {
            usleep(250_000)
            health = try collector.get("/health")
        }
        let waited = Date().timeIntervalSince(resumed)
        #expect(
            health.status == 200,
            "no answer to /health \(Int(waited)) s after the burst: \(health); \(collector.kernelView); log: \(collector.log.suffix(2000))"
        )
        print(
            "burst: 2,000 queued connections, /health answered \(String(format: "%.1f", waited)) s after SIGCONT"
        )
    }

    @Test(
        "The listening socket shut under it (its next accept fails): the error and the closure are logged, and it listens again on the same port"
    )
    func listensAgain() throws {
        let collector = try ReportCollector()
        let pid = "\(collector.process.pid)"
        for round in 1...2 {
            _ = try ReportTruth.listeningSocket(["close", pid, "\(collector.port)"])
            let answered = collector.process.wait(within: 10) {
                (try? collector.get("/health").status) == 200
            }
            #expect(answered, "round \(round): \(collector.kernelView); log: \(collector.log)")
        }
        let log = collector.log
        #expect(
            log.components(separatedBy: "accepting a connection failed: accept4").count - 1 == 2, "\(log)")
        #expect(log.components(separatedBy: "closed; listening again").count - 1 == 2, "\(log)")
        #expect(
            log.components(separatedBy: "listening on 127.0.0.1:\(collector.port)").count - 1 == 3, "\(log)")
        #expect(
            try collector.post(
                ReportTruth.rfc7469Report(host: "a.example", served: [], validated: [], knownPins: [])
            ).status == 204)
    }

    @Test("It cannot listen again (the port was taken meanwhile): one critical line, it stops, exit status 1")
    func cannotListenAgain() throws {
        let collector = try ReportCollector()
        let held = try ReportTruth.listeningSocket(["steal", "\(collector.process.pid)", "\(collector.port)"])
        #expect(held == "held the port until the server exited", "\(held); log: \(collector.log)")
        #expect(!collector.process.isRunning)
        let status = try #require(collector.process.waitStatus)
        #expect(status & 0x7f == 0 && (status >> 8) & 0xff == 1, "wait status \(status)")
        let log = collector.log
        #expect(
            log.contains("critical") && log.contains("cannot listen on 127.0.0.1:\(collector.port)"), "\(log)"
        )
        #expect(log.contains("nothing to listen on: stopping"), "\(log)")
    }

    @Test(
        "Out of file descriptors: accepting pauses a second at a time, one log line each, instead of spinning a core; the waiting client is answered once descriptors are free"
    )
    func outOfDescriptors() throws {
        let collector = try ReportCollector()
        let pid = "\(collector.process.pid)"
        let before = collector.log.split(separator: "\n").count
        let limit = try ReportTruth.listeningSocket(["starve", pid])
        let curl = try #require(LiveTools.curl)
        let waiting = try LiveServerProcess(
            executable: curl,
            arguments: [
                "-s", "-m", "30", "-o", "/dev/null", "-w", "%{http_code}", collector.url + "/health",
            ],
            log: collector.directory.appendingPathComponent("waiting-client.log"))
        usleep(300_000)
        let cpu = try #require(Double(try ReportTruth.listeningSocket(["cpu", pid, "2"])))
        _ = try ReportTruth.listeningSocket(["restore", pid, limit])
        #expect(cpu < 0.5, "\(cpu) s of CPU in 2 s while out of descriptors")
        let pauses = collector.logLines(after: before).filter { $0.contains("Too many open files") }
        #expect((1...4).contains(pauses.count), "\(pauses)")
        #expect(pauses.allSatisfy { $0.contains("accepting again in a second") }, "\(pauses)")
        #expect(waiting.wait(within: 15) { !waiting.isRunning }, "the waiting client was not answered")
        #expect(waiting.output == "200", "the waiting client: \(waiting.output)")
        #expect(try collector.get("/health").status == 200)
    }

    @Test(
        "Killed with SIGKILL while reports pour in, then restarted: every acknowledged report is in the database"
    )
    func durability() throws {
        let collector = try ReportCollector()
        let acknowledged = collector.directory.appendingPathComponent("acknowledged.txt")
        let python3 = try #require(LiveTools.python)
        let clients = try LiveServerProcess(
            executable: python3,
            arguments: [
                ReportTruth.client, "post", "\(collector.port)", "4", "8", Fixtures.path("certs/chain.pem"),
                acknowledged.path,
            ],
            log: collector.directory.appendingPathComponent("clients.log"))
        usleep(2_000_000)
        try collector.killAndRestart()
        _ = clients.wait(within: 30) { false }
        #expect(!clients.isRunning)
        let hosts = Set(
            ((try? String(contentsOf: acknowledged, encoding: .utf8)) ?? "").split(separator: "\n").map(
                String.init))
        let stored = Set(
            try collector.sqlite("SELECT hostname FROM reports").split(separator: "\n").map(String.init))
        #expect(hosts.count > 100, "only \(hosts.count) reports acknowledged")
        let lost = hosts.subtracting(stored)
        #expect(lost.isEmpty, "\(lost.count) of \(hosts.count) acknowledged reports are not in the database")
        print(
            "durability: \(hosts.count) reports acknowledged, \(stored.count) rows after SIGKILL and restart, \(lost.count) lost"
        )
        #expect(
            try collector.post(
                try ReportTruth.rfc7469Report(host: "after.example", served: [], validated: [], knownPins: [])
            ).status == 204)
    }

    @Test("SIGTERM: requests already received are answered and stored, then the server exits 0")
    func gracefulStop() throws {
        let collector = try ReportCollector()
        let acknowledged = collector.directory.appendingPathComponent("acknowledged.txt")
        let python3 = try #require(LiveTools.python)
        let clients = try LiveServerProcess(
            executable: python3,
            arguments: [
                ReportTruth.client, "post", "\(collector.port)", "3", "8", Fixtures.path("certs/chain.pem"),
                acknowledged.path,
            ],
            log: collector.directory.appendingPathComponent("clients.log"))
        usleep(1_500_000)
        kill(collector.process.pid, SIGTERM)
        let exited =
            collector.process.wait(within: 10) { !collector.process.isRunning }
            || !collector.process.isRunning
        #expect(exited, "the server did not stop within 10 s of SIGTERM")
        let status = collector.process.waitStatus ?? -1
        #expect((status & 0x7f) == 0 && (status >> 8) & 0xff == 0, "wait status \(status)")
        _ = clients.wait(within: 30) { false }
        let hosts = Set(
            ((try? String(contentsOf: acknowledged, encoding: .utf8)) ?? "").split(separator: "\n").map(
                String.init))
        let stored = Set(
            try collector.sqlite("SELECT hostname FROM reports").split(separator: "\n").map(String.init))
        #expect(!hosts.isEmpty)
        #expect(hosts.isSubset(of: stored), "\(hosts.subtracting(stored).count) acknowledged reports missing")
        #expect(
            collector.log.contains("SIGTERM: stopping") && collector.log.contains("stopped"),
            "\(collector.log)")
    }

    @Test(
        "With a pin set: the matching pin and the failing clients; the advice names Let's Encrypt R11 and R12"
    )
    func pinSetAndAdvice() throws {
        let directory = try makeLiveScratchDirectory()
        let r11 = try ReportTruth.pin("Catalogue/intermediates/letsencrypt/r11.pem")
        let r12 = try ReportTruth.pin("Catalogue/intermediates/letsencrypt/r12.pem")
        let pins = directory.appendingPathComponent("pins.yaml").path
        try """
        version: 1
        hosts:
        - name: example.com
          include-subdomains: true
          pins:
          - pin: \(r12)
          - pin: YLh1dUR9y6Kja30RrAn7JKnbQG/uEtLMkBgFF2Fuihg=
            role: backup
          report-uris:
          - "http://127.0.0.1/report"
          clients: [trustkit, curl]

        """.write(toFile: pins, atomically: true, encoding: .utf8)
        let collector = try ReportCollector(["--pinset", pins], directory: directory)
        let leaf = try ReportTruth.certificates("certs/leaf.pem")
        let intermediate = try String(
            contentsOfFile: PackagePaths.root.appendingPathComponent(
                "Catalogue/intermediates/letsencrypt/r12.pem"
            ).path,
            encoding: .utf8)
        let report = try ReportTruth.json([
            "app-bundle-id": "com.example.app", "app-version": "4.2", "app-platform": "IOS",
            "trustkit-version": "3.0.3",
            "hostname": "api.example.com", "port": 443, "validated-certificate-chain": leaf + [intermediate],
            "known-pins": ["pin-sha256=\"\(r11)\""], "validation-result": 1, "enforce-pinning": true,
        ])
        #expect(try collector.post(report).status == 204)
        #expect(
            try collector.sqlite(
                "SELECT pinset_host, pinset_matching_pins, pinset_failing_clients FROM reports")
                == "example.com|\(r12)|curl")
        let summary = try runProcess(
            PackagePaths.pinhashReports, ["summary", "--db", collector.database], stdin: nil,
            environment: [:],
            timeout: 30, sourceLocation: #_sourceLocation)
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(
            summary.stdout.contains(
                "advice: users on app 4.2 pin only Let's Encrypt R11; the server now sends "),
            "\(summary.stdout)")
        #expect(summary.stdout.contains("and Let's Encrypt R12\n"), "\(summary.stdout)")
        #expect(
            summary.stdout.contains("pin set (host example.com): matches Let's Encrypt R12; fails for curl"),
            "\(summary.stdout)")
        #expect(
            summary.stdout.contains(
                "the current pin set (host example.com) has Let's Encrypt R12, which the server sends"))
    }

    @Test(
        "The page in headless Chromium: the summary as text, a hostile host name escaped, no script",
        .enabled(if: FormatConsumers.chromium != nil, "chromium is not installed (apt-get install chromium)"))
    func page() throws {
        let collector = try ReportCollector()
        let hostile = #"<script>alert("pinned")</script><b>x</b>.example.com"#
        let chain = try ReportTruth.certificates("certs/chain.pem")
        #expect(
            try collector.post(
                try ReportTruth.rfc7469Report(
                    host: hostile, served: chain, validated: chain,
                    knownPins: ["bdrBhpj38ffhxpubzkINl0rG+UyossdhcBYj+Zx2fcc="])
            ).status == 204)
        #expect(try collector.post(try ReportTruth.trustKitSample(chain: chain)).status == 204)
        let output = CheckHTMLPageTests.outputDirectory
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let png = output.appendingPathComponent("reports-page.png")
        try? FileManager.default.removeItem(at: png)
        // Chromium resolves only the names it is given: a name of the test's own, mapped to 127.0.0.1.
        let chromium = HeadlessChromium(
            executable: try #require(FormatConsumers.chromium), resolving: ["reports.test"])
        let page = "http://reports.test:\(collector.port)/"
        let shot = try chromium.screenshot(page, to: png.path)
        #expect(!shot.timedOut, "\(shot.log)")
        let bytes = try Data(contentsOf: png)
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]), "no PNG at \(png.path):\n\(shot.log)")
        print("pinhash-reports page: screenshot \(png.path) (\(bytes.count) bytes)")

        let loaded = try chromium.load(page, arguments: [])
        #expect(!loaded.timedOut, "\(loaded.log)")
        let read = try #require(
            try FormatConsumers.python(CheckHTMLPageTests.pageReader, input: loaded.dom) as? [String: Any],
            "\(loaded.dom)")
        let text = try #require(read["text"] as? String)
        #expect(read["scripts"] as? Int == 0, "a script element reached the DOM")
        #expect((read["loads"] as? [String])?.isEmpty == true, "the page loads \(read["loads"] ?? "")")
        #expect(text.contains(hostile + ":443"), "the hostile host name is not shown as text: \(text)")
        #expect(text.contains("www.datatheorem.com"))
        #expect(text.contains("2 reports") == false && text.contains("1 report"))
        #expect(text.contains("users on app 1 pin only d6qzRu9zOECb90Uez27xWltNsj0e1Md7GkYYkVoZWmM="))
        #expect(text.contains(try ReportTruth.pin("Fixtures/certs/intermediate.pem")))
        let health = try collector.get("/health")
        #expect(health.status == 200)
    }

    @Test(
        "summary: --since leaves older reports out; a missing database is one line and exit 1; a bad day exit 64"
    )
    func summaryCommand() throws {
        let collector = try ReportCollector()
        #expect(
            try collector.post(
                try ReportTruth.rfc7469Report(host: "a.example", served: [], validated: [], knownPins: [])
            ).status == 204)
        let binary = PackagePaths.pinhashReports
        let all = try runProcess(
            binary, ["summary", "--db", collector.database], stdin: nil, environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
        #expect(all.status == 0 && all.stdout.hasPrefix("a.example:443: 1 report, first "), "\(all)")
        let later = try runProcess(
            binary, ["summary", "--db", collector.database, "--since", "2999-01-01"], stdin: nil,
            environment: [:], timeout: 30, sourceLocation: #_sourceLocation)
        #expect(later.status == 0 && later.stdout == "no reports since 2999-01-01T00:00:00Z\n", "\(later)")
        let missing = try runProcess(
            binary, ["summary", "--db", "/nonexistent/reports.db"], stdin: nil, environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
        #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderrIsOneLine, "\(missing)")
        #expect(missing.stderr == "pinhash-reports: /nonexistent/reports.db: no such file\n")
        let bad = try runProcess(
            binary, ["summary", "--db", collector.database, "--since", "yesterday"], stdin: nil,
            environment: [:], timeout: 30, sourceLocation: #_sourceLocation)
        #expect(bad.status == 64 && bad.stdout.isEmpty, "\(bad)")
        let notDatabase = try runProcess(
            binary, ["summary", "--db", Fixtures.path("certs/leaf.pem")], stdin: nil, environment: [:],
            timeout: 30, sourceLocation: #_sourceLocation)
        #expect(notDatabase.status == 1 && notDatabase.stderrIsOneLine, "\(notDatabase)")
    }

    @Test("pinhash reports hands over to pinhash-reports with its arguments")
    func handOver() throws {
        let collector = try ReportCollector()
        let report = try ReportTruth.rfc7469Report(
            host: "b.example", served: [], validated: [], knownPins: [])
        #expect(try collector.post(report).status == 204)
        let summary = try run(["reports", "summary", "--db", collector.database, "--format", "json"])
        #expect(summary.status == 0, "\(summary.stderr)")
        #expect(summary.stdout.contains(#""hostname" : "b.example""#), "\(summary.stdout)")
        let missing = try run(["reports", "summary", "--db", "/nonexistent/reports.db"])
        #expect(missing.status == 1 && missing.stdout.isEmpty, "\(missing)")
        #expect(missing.stderr == "pinhash-reports: /nonexistent/reports.db: no such file\n")
    }

    @Test("--max-db-size: a report that does not fit gets 507 and one log line; repeats are still counted")
    func databaseSizeLimit() throws {
        let collector = try ReportCollector(["--max-db-size", "64K"])
        let chain = try ReportTruth.certificates("certs/chain.pem")
        var statuses: [Int] = []
        for number in 0..<40 {
            let report = try ReportTruth.rfc7469Report(
                host: "h\(number).example.com", served: chain, validated: chain, knownPins: [])
            statuses.append(try collector.post(report).status)
            if statuses.last != 204 { break }
        }
        #expect(statuses.last == 507, "\(statuses)")
        #expect(statuses.dropLast().allSatisfy { $0 == 204 } && statuses.count > 1, "\(statuses)")
        #expect(collector.log.components(separatedBy: "report not stored").count == 2, "\(collector.log)")
        let attributes = try FileManager.default.attributesOfItem(atPath: collector.database)
        #expect((attributes[.size] as? Int ?? 0) <= 64 * 1024)
        // A report already stored is counted again: no page is added.
        let first = try ReportTruth.rfc7469Report(
            host: "h0.example.com", served: chain, validated: chain, knownPins: [])
        #expect(try collector.post(first).status == 204)
        #expect(
            try collector.sqlite(
                "SELECT count FROM reports JOIN report_counts ON report_id = id WHERE hostname = 'h0.example.com'"
            ) == "2")
        #expect(try collector.get("/health").status == 200)
    }
}
