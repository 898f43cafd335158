import ArgumentParser
import PinHash
import PinHashLive

/// `pinhash audit`: fetches a site's response heads over HTTPS and plain HTTP and checks its HSTS and
/// HPKP headers, certificate chain and redirects.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Check a site's certificate chain, HSTS and HPKP headers and HTTP redirect.",
        discussion: """
            pinhash audit https://HOST[:PORT]/[PATH] connects to HOST (with SNI), verifies the chain against \
            the system trust store (or --cafile), sends GET PATH and reads the response head; then it sends \
            GET / to http://HOST/ (port 80, or --http-port) for the redirect checks, unless --no-http.

            Checks: the certificate chain (an untrusted chain is an error: browsers ignore HSTS and HPKP on \
            such a connection); Strict-Transport-Security on the HTTPS response (only the first counts; \
            grammar, max-age, includeSubDomains, and the preload list's rules when it asks for preload); \
            the plain-HTTP answer (it should redirect to HTTPS; to the same host first for preload; nothing \
            listening is fine); Public-Key-Pins and Public-Key-Pins-Report-Only (grammar, one pin matching \
            the chain, one backup pin outside it, max-age, report-uri).

            Output: what was fetched and the certificates sent (PIN  ROLE  SUBJECT), then one finding a \
            line, error: AREA: message; fix (or warning:, note:), and a count. --format json prints one \
            JSON object instead.

            Exit status: 0 no finding is an error (warnings and notes are fine); 1 at least one error; 2 \
            the site could not be fetched over HTTPS (the reason on stderr); 64 the command line was wrong.
            """
    )

    @Argument(help: ArgumentHelp("The site: https://HOST[:PORT]/[PATH].", valueName: "url"))
    var urlText: String

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
        name: .customLong("format"), help: ArgumentHelp("text (the default) or json.", valueName: "format"),
        completion: .list(["text", "json"]))
    var formatName: String?

    private var httpPort: Int { httpPortText.flatMap { Int($0) } ?? HTTPURL.Scheme.http.defaultPort }

    func validate() throws {
        let url: HTTPURL
        do { url = try HTTPURL(parsing: urlText) } catch {
            throw ValidationError("\(urlText): \(error.reason).")
        }
        guard url.scheme == .https else {
            throw ValidationError(
                "audit takes an https:// URL; the http:// check is made for it (--http-port).")
        }
        _ = try connection.connector()
        if let httpPortText {
            guard !noHTTP else { throw ValidationError("Give --http-port or --no-http, not both.") }
            guard let port = Int(httpPortText), (1...65535).contains(port), httpPortText.first != "+" else {
                throw ValidationError("--http-port: '\(httpPortText)' is not a port from 1 to 65535.")
            }
        }
        if let formatName, formatName != "text", formatName != "json" {
            throw ValidationError(
                "--format: there is no format '\(formatName)'; the formats are text and json.")
        }
    }

    func run() throws {
        let url = try HTTPURL(parsing: urlText)
        let connector = try connection.connector()
        let fetched: (head: HTTPResponseHead, chain: ServerChain?)
        do { fetched = try connector.responseHead(of: url) } catch {
            Diagnostics.warn(error.naming(url.server.description))
            throw ExitCode(2)
        }
        guard let chain = fetched.chain else {
            Diagnostics.warn("\(url.server): the HTTPS request returned no certificate chain")
            throw ExitCode(2)
        }
        var probe: PlainHTTPProbe?
        if !noHTTP {
            let plainURL = PlainHTTPProbe.url(for: url, port: httpPort)
            do {
                probe = PlainHTTPProbe(
                    url: plainURL, outcome: .response(try connector.responseHead(of: plainURL).head))
            } catch {
                probe = PlainHTTPProbe(url: plainURL, outcome: .failed(error))
            }
        }
        let audit = SiteAudit(url: url, chain: chain, response: fetched.head, plainHTTP: probe)
        let output = OutputBuffer()
        let worded = { (finding: AuditFinding) in finding.commandLineWorded }
        output.append(formatName == "json" ? audit.json(rewording: worded) : audit.text(rewording: worded))
        output.commit()
        output.flush()
        if audit.findings.containsErrors { throw ExitCode.failure }
    }
}
