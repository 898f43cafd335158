import ArgumentParser
import Dispatch
import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash audit`: fetches a site's response heads over HTTPS and plain HTTP and checks its HSTS and
/// HPKP headers, certificate chain and redirects, with hstspreload's checks of the domain; one site or a
/// file of them.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check a site's certificate chain, HSTS and HPKP headers, redirects and preload readiness.",
        discussion: """
            pinhash audit https://HOST[:PORT]/[PATH] connects to HOST (with SNI), verifies the chain against \
            the system trust store (or --cafile), sends GET PATH and reads the response head; then it sends \
            GET / to http://HOST/ (port 80, or --http-port) for the redirect checks, unless --no-http. \
            --hosts FILE audits every site of FILE (one https:// URL or HOST[:PORT] a line, # comments), at \
            most --jobs at once, with a progress line on stderr when it is a terminal.

            Checks: the certificate chain (an untrusted chain is an error: browsers ignore HSTS and HPKP on \
            such a connection); Strict-Transport-Security on the HTTPS response (only the first counts; \
            grammar, max-age, includeSubDomains); the plain-HTTP answer (it should redirect to HTTPS; \
            nothing listening is fine); Public-Key-Pins and Public-Key-Pins-Report-Only (grammar, one pin \
            matching the chain, one backup pin outside it, max-age, report-uri off the pinned host).

            Preload: when the header asks for preload, or with --policy, hstspreload's checks of the host's \
            domain run as hstspreload.org runs them, with its issue codes (area preload): the name by the \
            Public Suffix List (--public-suffix-list, default Debian's publicsuffix package), https://HOST \
            (HOST's port) and its chain and cipher suite, the one header, http://HOST (--http-port) and its \
            redirects, the redirects of https://HOST (three hops at most), and www.HOST. --removal runs \
            its removal check instead. Never for an IP address. Other names the redirects and the www \
            check reach are connected to --address, or to what --resolve gives for them.

            Output: what was fetched and the certificates sent (PIN  ROLE  SUBJECT), then one finding a \
            line, error: AREA: message; fix (or warning:, note:; preload findings as error: preload: CODE: \
            message), and a count. --format json prints one JSON object (an array of them with --hosts), \
            jsonl one object a line.

            Exit status: the worst of all sites: 0 no finding at the --fail-on level (error by default); 1 \
            at least one; 2 a site could not be fetched over HTTPS, or the host file or the Public Suffix \
            List could not be read (the reason on stderr); 64 the command line was wrong.
            """
    )

    @Argument(help: ArgumentHelp("The site: https://HOST[:PORT]/[PATH].", valueName: "url"))
    var urlText: String?

    @OptionGroup var connection: ConnectionOptions

    // The port and the format are parsed as strings and converted here, as FormatOptions does: a type
    // argument parsing has already met costs less at start-up than an Int or enum option.
    @Option(
        name: .customLong("http-port"),
        help: ArgumentHelp("The port of the plain-HTTP redirect check (default 80).", valueName: "port"))
    var httpPortText: String?

    @Flag(name: .customLong("no-http"), help: "Skip the plain-HTTP redirect check.")
    var noHTTP = false

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp("text (the default), json or jsonl.", valueName: "format"),
        completion: .list(["text", "json", "jsonl"]))
    var formatName: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Audit the sites of this file, one https:// URL or HOST[:PORT] a line (- reads standard input).",
            valueName: "file"),
        completion: .file())
    var hosts: String?

    @Option(
        name: .long,
        help: ArgumentHelp("With --hosts: how many sites are audited at once (default 16).", valueName: "n"))
    var jobs: Int = 16

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Use this address for HOST and PORT instead of resolving it (repeatable), as curl's --resolve.",
            valueName: "host:port:addr"))
    var resolve: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run hstspreload's preload check under this policy for every site: bulk-1-year (today's "
                + "requirements) or bulk-18-weeks.",
            valueName: "policy"))
    var policy: String?

    @Flag(name: .long, help: "Run hstspreload's removal check (a header without preload) instead.")
    var removal = false

    @Option(
        name: .customLong("public-suffix-list"),
        help: ArgumentHelp(
            "The Public Suffix List file (default \(PublicSuffixList.debianPath)).", valueName: "file"),
        completion: .file(extensions: ["dat"]))
    var publicSuffixList: String?

    @Option(
        name: .customLong("fail-on"),
        help: ArgumentHelp("The finding level that makes the exit status 1: error (the default) or warning."),
        completion: .list(["error", "warning"]))
    var failOn: String = "error"

    private var httpPort: Int { httpPortText.flatMap { Int($0) } ?? HTTPURL.Scheme.http.defaultPort }
    private var format: String { formatName ?? "text" }

    func validate() throws {
        switch (urlText, hosts) {
        case (nil, nil):
            throw ValidationError("Name the site to audit (https://HOST/), or give --hosts FILE.")
        case (.some, .some): throw ValidationError("Give a site or --hosts, not both.")
        case (.some(let urlText), nil):
            let url: HTTPURL
            do { url = try HTTPURL(parsing: urlText) } catch {
                throw ValidationError("\(InputName.escapingControlCharacters(urlText)): \(error.reason).")
            }
            guard url.scheme == .https else {
                throw ValidationError(
                    "audit takes an https:// URL; the http:// check is made for it (--http-port).")
            }
        case (nil, .some): break
        }
        _ = try connection.connector()
        if let httpPortText {
            guard !noHTTP else { throw ValidationError("Give --http-port or --no-http, not both.") }
            guard let port = Int(httpPortText), (1...65535).contains(port), httpPortText.first != "+" else {
                throw ValidationError("--http-port: '\(httpPortText)' is not a port from 1 to 65535.")
            }
        }
        if let formatName, !["text", "json", "jsonl"].contains(formatName) {
            throw ValidationError(
                "--format: there is no format '\(formatName)'; the formats are text, json and jsonl.")
        }
        if !["error", "warning"].contains(failOn) {
            throw ValidationError("--fail-on: '\(failOn)' is not error or warning.")
        }
        if let policy, PreloadPolicy(rawValue: policy) == nil {
            throw ValidationError(
                "--policy: there is no policy '\(InputName.escapingControlCharacters(policy))'; the policies are "
                    + PreloadPolicy.allCases.map(\.rawValue).joined(separator: " and ") + ".")
        }
        if policy != nil, removal { throw ValidationError("Give --policy or --removal, not both.") }
        guard (1...1024).contains(jobs) else {
            throw ValidationError("--jobs: must be a number from 1 to 1024.")
        }
        _ = try resolveOverrides()
    }

    private func resolveOverrides() throws -> [ResolveOverride] {
        var overrides: [ResolveOverride] = []
        for text in resolve {
            do {
                overrides.append(try ResolveOverride(parsing: text))
            } catch {
                throw ValidationError("--resolve \(error.source ?? text): \(error.reason).")
            }
        }
        return overrides
    }

    private func runner() throws -> SiteAuditRunner {
        let connector = try connection.connector()
        let preload: PreloadRequest =
            removal
            ? .removal
            : policy.flatMap(PreloadPolicy.init(rawValue:)).map(PreloadRequest.always)
                ?? .whenAsked(.bulk1Year)
        return SiteAuditRunner(
            options: SiteAuditOptions(
                address: connector.options.address, resolve: try resolveOverrides(),
                caFile: connector.options.caFile,
                timeout: connector.options.timeout, httpPort: noHTTP ? nil : httpPort, preload: preload,
                publicSuffixListPath: publicSuffixList ?? PublicSuffixList.debianPath, jobs: jobs))
    }

    /// The exit status of one site's outcome: 2 not fetched, 1 a finding at the --fail-on level, else 0.
    private func status(of result: Result<SiteAudit, PinHashError>) -> Int32 {
        guard case .success(let audit) = result else { return 2 }
        let failing: HeaderFinding.Severity = failOn == "warning" ? .warning : .error
        return audit.findings.contains { $0.severity >= failing } ? 1 : 0
    }

    /// One line on stderr for a site that could not be audited.
    private static func report(_ error: PinHashError, url: HTTPURL, listPath: String) {
        if error.source == listPath {
            Diagnostics.warn(
                "\(error.source ?? listPath): \(error.reason) (the Public Suffix List: install Debian's "
                    + "publicsuffix package, or give --public-suffix-list FILE)")
        } else {
            Diagnostics.warn(error.source == nil ? error.naming(url.server.description) : error)
        }
    }

    @Sendable private static func worded(_ finding: AuditFinding) -> AuditFinding {
        finding.commandLineWorded
    }

    private static func failureJSON(_ url: HTTPURL, _ error: PinHashError) -> String {
        let string = PinFormatEscaping.jsonString
        return "{\"url\": \(string(url.description)), \"error\": \(string(error.description))}"
    }

    func run() throws {
        let runner = try runner()
        let listPath = runner.options.publicSuffixListPath
        guard let hosts else {
            let url = try HTTPURL(parsing: urlText ?? "")
            let audit: SiteAudit
            do { audit = try runner.audit(url) } catch {
                Self.report(error, url: url, listPath: listPath)
                throw ExitCode(2)
            }
            let output = OutputBuffer()
            switch format {
            case "json": output.append(audit.json(rewording: Self.worded))
            case "jsonl": output.append(audit.jsonLine(rewording: Self.worded))
            default: output.append(audit.text(rewording: Self.worded))
            }
            output.commit()
            output.flush()
            let status = status(of: .success(audit))
            if status != 0 { throw ExitCode(status) }
            return
        }
        let urls: [HTTPURL]
        do { urls = try HostList.siteURLs(inFileAt: hosts) } catch {
            Diagnostics.warn(error)
            throw ExitCode(2)
        }
        let sites = urls.count
        let progress = TerminalProgress.onTerminal {
            "audited \($0) of \(sites) site\(sites == 1 ? "" : "s")"
        }
        let format = format
        let box = AuditResults()
        let done = DispatchSemaphore(value: 0)
        Task {
            box.all = await runner.audit(urls) { index, result in
                progress?.advance()
                guard format == "jsonl" else { return }
                switch result {
                case .success(let audit): OutputBuffer.writeNow(audit.jsonLine(rewording: Self.worded))
                case .failure(let error): OutputBuffer.writeNow(Self.failureJSON(urls[index], error) + "\n")
                }
            }
            done.signal()
        }
        done.wait()
        progress?.finish()
        let output = OutputBuffer()
        switch format {
        case "json":
            let objects = zip(urls, box.all).map { url, result in
                switch result {
                case .success(let audit):
                    return audit.json(rewording: Self.worded).split(separator: "\n").map { "  " + $0 }
                        .joined(separator: "\n")
                case .failure(let error): return "  " + Self.failureJSON(url, error)
                }
            }
            output.append("[\n" + objects.joined(separator: ",\n") + "\n]\n")
        case "jsonl": break
        default:
            for case .success(let audit) in box.all {
                output.append(audit.text(rewording: Self.worded) + "\n")
            }
            let audited = box.all.filter { if case .success = $0 { true } else { false } }.count
            output.append("\(audited) of \(urls.count) site\(urls.count == 1 ? "" : "s") audited\n")
        }
        output.commit()
        output.flush()
        for (url, result) in zip(urls, box.all) {
            if case .failure(let error) = result { Self.report(error, url: url, listPath: listPath) }
        }
        let worst = box.all.map(status).max() ?? 0
        if worst != 0 { throw ExitCode(worst) }
    }
}

/// The results the audit task hands back to the command, which waits for it.
private final class AuditResults: @unchecked Sendable {
    var all: [Result<SiteAudit, PinHashError>] = []
}
