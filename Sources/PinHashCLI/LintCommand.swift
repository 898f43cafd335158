import ArgumentParser
import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash lint`: checks Public-Key-Pins and Strict-Transport-Security headers against their RFCs.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract:
            "Check a Public-Key-Pins or Strict-Transport-Security header against RFC 7469 and RFC 6797.",
        discussion: """
            Give a header line (pinhash lint 'Public-Key-Pins: max-age=...; pin-sha256="..."; ...'), - to read \
            one or more header lines from standard input (curl -sI https://example.com/ | pinhash lint -; \
            other lines are skipped, folded lines joined), or the value alone with --hpkp or --hsts. The \
            configuration lines pinhash header and pinhash hsts write for --server apache, nginx and iis \
            are read too (Header always set ..., add_header ... always;, the web.config block), as an argument \
            or on standard input.

            The value is parsed by the grammar of RFC 7469 section 2.1 or RFC 6797 section 6.1: directive \
            names are case-insensitive, values are tokens or quoted strings, a repeated directive is an \
            error, an unknown one a note. Every problem is reported, one per line on stdout: error: ... \
            (browsers ignore or misapply the header), warning: ... (risky: a max-age over 60 days for pins, \
            a preload directive the preload list would reject), note: ... (ignored or worth knowing). A header \
            with none prints one line, ok: NAME has no errors, warnings or notes.

            FILEs after the header (the certificate chain or keys in use) are matched against the pins: \
            each pin is reported as matching a file or as a backup, and a header with no backup pin left \
            is an error.

            Examples:
              pinhash lint 'Strict-Transport-Security: max-age=300; preload'
              curl -sI https://example.com/ | pinhash lint - chain.pem
              pinhash hsts --server apache | pinhash lint -

            Exit status: 0 no errors or warnings (notes are fine); 1 an error or warning, or a FILE could \
            not be read; 64 the command line was wrong.
            """
    )

    @Option(
        name: .customLong("hpkp"), help: ArgumentHelp("A Public-Key-Pins value to check.", valueName: "value")
    )
    var hpkpValue: String?

    @Option(
        name: .customLong("hsts"),
        help: ArgumentHelp("A Strict-Transport-Security value to check.", valueName: "value"))
    var hstsValue: String?

    @Flag(
        name: .customLong("report-only"),
        help: "With --hpkp: the value is a Public-Key-Pins-Report-Only header's.")
    var reportOnly = false

    @OptionGroup var input: InputOptions

    @Argument(
        help: ArgumentHelp(
            "The header line (or - for standard input) unless --hpkp or --hsts is given, then the certificate "
                + "chain or keys in use.",
            valueName: "header|file"))
    var arguments: [String] = []

    private var headerArgument: String? {
        hpkpValue == nil && hstsValue == nil ? arguments.first : nil
    }

    private var files: [String] { headerArgument == nil ? arguments : Array(arguments.dropFirst()) }

    func validate() throws {
        if hpkpValue != nil, hstsValue != nil {
            throw ValidationError("Give --hpkp or --hsts, not both.")
        }
        if reportOnly, hpkpValue == nil {
            throw ValidationError("--report-only goes with --hpkp.")
        }
        if hpkpValue == nil, hstsValue == nil {
            guard let header = arguments.first else {
                throw ValidationError(
                    "Give the header line, - for standard input, or a value with --hpkp or --hsts.")
            }
            if header != "-", HeaderField.fields(inConfiguration: header).isEmpty {
                do { _ = try HeaderField(line: header) } catch {
                    throw ValidationError("\(error.commandLineMessage()).")
                }
            }
        }
        try input.validate(
            files: files + (headerArgument == InputName.standardInput ? [InputName.standardInput] : []))
    }

    func run() throws {
        var fields: [HeaderField] = []
        if let hpkpValue {
            fields = [
                HeaderField(kind: reportOnly ? .publicKeyPinsReportOnly : .publicKeyPins, value: hpkpValue)
            ]
        } else if let hstsValue {
            fields = [HeaderField(kind: .strictTransportSecurity, value: hstsValue)]
        } else if headerArgument == InputName.standardInput {
            guard let text = Self.readStandardInput() else { throw ExitCode.failure }
            fields = HeaderField.fields(inConfiguration: text)
            if fields.isEmpty { fields = HeaderField.fields(inResponse: text) }
            if fields.isEmpty {
                Diagnostics.warn(
                    "\(InputName.displayName(of: InputName.standardInput)): no Public-Key-Pins, Public-Key-Pins-Report-Only or Strict-Transport-Security header"
                )
                throw ExitCode.failure
            }
        } else if let headerArgument {
            fields = HeaderField.fields(inConfiguration: headerArgument)
            if fields.isEmpty { fields = [try HeaderField(line: headerArgument)] }
        }

        var failed = false
        var keysInUse = KeysInUse()
        if !files.isEmpty {
            let reader = try input.makeReader()
            for file in files {
                do {
                    try reader.forEachPin(inFileAt: file) { keysInUse.add(PinnedEntry($0, source: file)) }
                } catch {
                    Diagnostics.warn(error)
                    failed = true
                }
            }
        }
        if failed { throw ExitCode.failure }

        var problems = false
        for field in fields {
            let lint = HeaderLint(field, keysInUse: keysInUse)
            let prefix = fields.count > 1 ? "\(field.kind.rawValue): " : ""
            // A clean header gets one line, so that silence never has to be read as success.
            let lines =
                lint.findings.isEmpty
                ? [
                    prefix.isEmpty
                        ? "ok: \(field.kind.rawValue) has no errors, warnings or notes"
                        : prefix + "ok: no errors, warnings or notes"
                ]
                : lint.findings.map { prefix + $0.commandLineWorded.description }
            OutputBuffer.writeNow(lines.map { $0 + "\n" }.joined())
            if !lint.isClean { problems = true }
        }
        if problems { throw ExitCode.failure }
    }

    /// Standard input as text, at most 1 MiB (a response head is far smaller); nil after saying why not.
    static func readStandardInput() -> String? {
        let limit = 1 << 20
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                Diagnostics.warn("standard input: \(String(cString: strerror(errno)))")
                return nil
            }
            if count == 0 { break }
            bytes += chunk[0..<count]
            if bytes.count > limit {
                Diagnostics.warn("standard input: more than 1 MiB; give the response head only")
                return nil
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
