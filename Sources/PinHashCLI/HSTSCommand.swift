import ArgumentParser
import PinHash
import PinHashLive

/// `pinhash hsts`: a Strict-Transport-Security header, refused when `--preload` is asked for and the
/// preload list would reject it.
struct HSTSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hsts",
        abstract: "Build a Strict-Transport-Security header, checking the preload list's rules.",
        discussion: """
            Prints max-age=SECONDS[; includeSubDomains][; preload] as the header line for --server: raw, \
            apache (Header always set ...), nginx (add_header ... always;) or iis (the web.config \
            <httpProtocol> block).

            With --preload it checks the rules of the browsers' preload list (hstspreload.org): max-age of \
            at least 31536000 (one year; 10886400, 18 weeks, under --policy bulk-18-weeks), \
            includeSubDomains, and preload; it names each one missing and prints nothing. pinhash audit \
            --policy applies the same rules to a live site. Short max-age values (a day or less) are \
            explained as test values.

            Examples:
              pinhash hsts --max-age 63072000 --include-subdomains --preload --server nginx

            Exit status: 0 the header was printed (notes on stderr); 1 --preload was given and the list \
            would reject the header; 64 the command line was wrong.
            """
    )

    @Option(
        name: .customLong("max-age"),
        // Unconditional, so that `--max-age -5` reaches the check that says why rather than "Missing value".
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds browsers keep to HTTPS only (default 31536000, one year).", valueName: "seconds"))
    var maxAge: String?

    @Flag(name: .customLong("include-subdomains"), help: "Add includeSubDomains: every subdomain too.")
    var includeSubDomains = false

    @Flag(help: "Add preload, and check the preload list's rules.")
    var preload = false

    @Option(
        help: ArgumentHelp(
            "With --preload: the preload policy, bulk-1-year (the default, today's requirements) or "
                + "bulk-18-weeks.",
            valueName: "policy"),
        completion: .list(["bulk-1-year", "bulk-18-weeks"]))
    var policy: String?

    @Option(help: ArgumentHelp("The configuration syntax to print the header in.", valueName: "syntax"))
    var server: ServerSyntax = .raw

    func validate() throws {
        _ = try Seconds.parse(maxAge, option: "--max-age")
        if let policy {
            guard PreloadPolicy(rawValue: policy) != nil else {
                throw ValidationError(
                    "--policy: there is no policy '\(InputName.escapingControlCharacters(policy))'; the "
                        + "policies are " + PreloadPolicy.allCases.map(\.rawValue).joined(separator: " and ")
                        + ".")
            }
            guard preload else { throw ValidationError("--policy goes with --preload.") }
        }
    }

    func run() throws {
        let header = HSTSHeader(
            maxAge: try Seconds.parse(maxAge, option: "--max-age") ?? HSTSHeader.defaultMaxAge,
            includeSubDomains: includeSubDomains, preload: preload)
        var findings = header.validate(policy: policy.flatMap(PreloadPolicy.init(rawValue:)) ?? .bulk1Year)
        var line: String?
        do { line = try header.line(for: server) } catch { findings.append(HeaderFinding(refusing: error)) }
        if !findings.containsErrors, let line {
            OutputBuffer.writeNow(line + "\n")
        }
        Diagnostics.report(findings)
        if findings.containsErrors { throw ExitCode.failure }
    }
}
