import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Debian's Chromium loading one page headless and printing its DOM (`--dump-dom`), in a fresh profile
/// and home directory that are removed afterwards. Only the names given are resolved (to loopback); every
/// other name fails to resolve and no proxy is used, so the browser reaches nothing but the test's server.
/// The run is bounded in time, and every process left in the browser's process group is killed after it.
struct HeadlessChromium {
    /// What one page load left.
    struct PageLoad {
        /// The DOM Chromium printed: empty when the page did not load.
        var dom: String
        /// What Chromium wrote to standard error (a failed load is named there: `Page load failed:
        /// net::ERR_CERT_AUTHORITY_INVALID`).
        var log: String
        var timedOut: Bool
        var seconds: Double
    }

    let executable: String
    /// Names mapped to 127.0.0.1.
    var resolving: [String]

    /// Loads `url` and saves what the window shows as a PNG at `png`, `width` by `height` pixels; the
    /// log says why when no file appears.
    func screenshot(
        _ url: String, to png: String, width: Int = 1000, height: Int = 1400, timeout: Double = 60
    )
        throws -> PageLoad
    {
        try load(
            url, arguments: ["--window-size=\(width),\(height)", "--screenshot=\(png)"], dumpDOM: false,
            timeout: timeout)
    }

    /// Loads `url` with `arguments` added to the browser's command line.
    func load(_ url: String, arguments: [String], dumpDOM: Bool = true, timeout: Double = 60) throws
        -> PageLoad
    {
        let directory = try makeLiveScratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let home = directory.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: false)
        let rules = resolving.map { "MAP \($0) 127.0.0.1" } + ["MAP * ~NOTFOUND"]
        let options = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-component-update",
            "--disable-background-networking", "--no-proxy-server",
            "--user-data-dir=\(directory.appendingPathComponent("profile").path)",
            "--host-resolver-rules=\(rules.joined(separator: ", "))",
        ]
        let dom = directory.appendingPathComponent("dom.html")
        let log = directory.appendingPathComponent("chromium.log")
        let start = Date()
        // HOME too: Chromium keeps its certificate database in ~/.pki and caches in ~/.cache.
        let browser = try LiveServerProcess(
            executable: executable, arguments: options + arguments + (dumpDOM ? ["--dump-dom"] : []) + [url],
            log: dom,
            errors: log, environment: ["HOME": home.path])
        let exited = browser.wait(within: timeout) { !browser.isRunning }
        browser.killProcessGroup()
        let contents = { (file: URL) in (try? String(contentsOf: file, encoding: .utf8)) ?? "" }
        return PageLoad(
            dom: contents(dom), log: contents(log), timedOut: !exited,
            seconds: Date().timeIntervalSince(start))
    }
}
