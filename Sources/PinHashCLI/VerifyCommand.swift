import ArgumentParser
import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `pinhash verify --pin P … FILE…`: whether any key or certificate in the inputs has one of the pins.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Exit 0 when a key or certificate in the inputs has one of the given pins.",
        discussion: """
            For CI jobs that guard a certificate renewal: every object of every input (each certificate of \
            a chain, each key) is pinned and compared with the expected pins.

            Pins are taken in every common spelling: bare base64, sha256/... (OkHttp), sha256//... (curl; \
            several joined by ;), pin-sha256="..." (HPKP), 64 hex digits and TLSA data (DANE, 3 1 1 HEX). A \
            --pins file holds one entry per line (# starts a comment, blank lines are skipped), or is any \
            output of pinhash: every --format, and the header lines of pinhash header. The SHA-256 \
            of empty input (47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=), which a failed openssl pipeline \
            prints, is refused: no key has it.

            --connect HOST[:PORT] checks the certificates a TLS server sends instead of files: the pins are \
            matched as OkHttp, Android and iOS match them, against every key of the chain the server's \
            certificate verifies to (the trust store's root included; --cafile to trust another CA), or \
            the certificates sent when it does not verify. pinhash check does this for many hosts and \
            every address.

            On a match, one line on stdout: `pin OK: PIN matches ROLE SUBJECT (FILE)`. Otherwise stderr \
            has the pinning failure report: `pinhash: certificate pinning failure!`, every object's \
            sha256/PIN with its role and subject (for keys, the algorithm and size; past 1,000 objects, a \
            count of the rest), then the pinned pins.

            Examples:
              pinhash verify --pin sha256/E8JM9hfjhwFyik4l0u7e1iRQI8yFVjBaySJDsxcH3oc= new/chain.pem
              pinhash verify --pins pins.txt --cert new/fullchain.pem
              pinhash verify --connect example.com --pins pins.txt

            Exit status: 0 an object has one of the pins; 1 no object has one of the pins (the pinning \
            failure report), or an input could not be read, was malformed, of the wrong type or encrypted \
            without a usable passphrase (one `pinhash: FILE: REASON` line each, no report, even if another \
            input matched), or the --connect server could not be reached; 64 the command line was wrong, including a malformed pin, the empty-input \
            pin, or a --pins file that cannot be read.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "An expected pin (repeatable): base64, sha256/..., sha256//... (;-joined), pin-sha256=\"...\" or hex.",
            valueName: "pin"))
    var pin: [String] = []

    @Option(
        name: .long,
        help: ArgumentHelp(
            "A file of expected pins (one per line, or any pinhash output); - reads standard input.",
            valueName: "file"),
        completion: .file())
    var pins: String?

    @Option(
        name: .customLong("connect"),
        help: ArgumentHelp(
            "Instead of files, check the chain this TLS server sends (port 443 unless given; [IPv6]:port).",
            valueName: "host[:port]"))
    var connects: [String] = []

    /// The one server: an array, so that a second --connect is refused rather than replacing the first.
    private var connect: String? { connects.first }

    @OptionGroup var serverOptions: ServerOptions

    @OptionGroup var connection: ConnectionOptions

    @Argument(
        help: ArgumentHelp("Files to check; - reads standard input.", valueName: "file"),
        completion: .file(extensions: ["pem", "crt", "cer", "der", "key", "csr", "req", "pub", "p12", "pfx"]))
    var files: [String] = []

    func validate() throws {
        if pin.isEmpty, pins == nil { throw ValidationError("Give the expected pins with --pin or --pins.") }
        if connects.count > 1 {
            throw ValidationError(
                "--connect was given \(connects.count) times; verify checks one server: run it once for each, "
                    + "or check them all with pinhash check.")
        }
        if let connect {
            if !files.isEmpty { throw ValidationError("Give --connect or files, not both.") }
            _ = try serverOptions.validate(connect: connect, with: connection)
            _ = try argumentPins()
            return
        }
        if !serverOptions.isEmpty || !connection.isEmpty {
            throw ValidationError(
                "--servername, --starttls, --address, --cafile and --timeout go with --connect.")
        }
        if files.isEmpty { throw ValidationError("Name at least one file, or - for standard input.") }
        try input.validate(files: files)
        if pins == InputName.standardInput, files.contains(where: InputName.isStandardInput) {
            throw ValidationError("--pins - and the input - cannot both read standard input.")
        }
        if pins == InputName.standardInput, let passin = input.passin,
            (try? PassphraseSource(openSSLArgument: passin))?.readsStandardInput == true
        {
            throw ValidationError("--pins - and --passin stdin cannot both read standard input.")
        }
        _ = try argumentPins()
    }

    /// The pins of the --pin arguments; a malformed one is a usage error naming it.
    private func argumentPins() throws -> PinList {
        var expected = PinList()
        for argument in pin {
            do {
                try expected.add(parsing: argument)
            } catch {
                throw ValidationError("--pin: \(error.reason).")
            }
        }
        return expected
    }

    /// Adds the pins of the --pins file, read once here and not in validate() (it may be standard input or
    /// a pipe); a file that cannot be read or holds a malformed pin is a usage error too.
    private func addFilePins(to expected: inout PinList) throws {
        guard let pins else { return }
        var fromFile = PinList()
        do {
            try fromFile.add(contentsOfFileAt: pins)
        } catch {
            Diagnostics.warn("--pins \(error)")
            throw ExitCode.validationFailure
        }
        if fromFile.isEmpty {
            Diagnostics.warn("--pins \(InputName.displayName(of: pins)): holds no pin")
            throw ExitCode.validationFailure
        }
        for pin in fromFile.pins { expected.add(pin) }
    }

    func run() throws {
        var expected = try argumentPins()
        try addFilePins(to: &expected)
        if let connect { return try runConnect(connect, expected: expected) }
        let reader = try input.makeReader()
        var verification = PinVerification(expected: expected)
        var failed = false
        for file in files {
            do {
                try reader.forEachPin(inFileAt: file) { verification.check($0, from: file) }
            } catch {
                Diagnostics.warn(error)
                failed = true
            }
        }
        if failed { throw ExitCode.failure }
        guard let match = verification.firstMatch else {
            Diagnostics.warn(verification.failureReport)
            throw ExitCode.failure
        }
        let output = OutputBuffer()
        output.append(
            "pin OK: \(match.pin.base64) matches \(match.object.summary) (\(match.sourceName))"
                + (CACatalogue.builtInNote(for: match.pin).map { " \($0)" } ?? "") + "\n")
        output.commit()
        output.flush()
    }

    /// `--connect`: the pins against the chain the server sent, as `pinhash check` evaluates it for the
    /// clients that match the verified chain.
    private func runConnect(_ connect: String, expected: PinList) throws {
        let server = try serverOptions.server(connect)
        let chain = try serverOptions.chain(of: server, with: connection)
        let host = PinnedHost(
            name: server.host, port: server.port, pins: expected.pins.map { PinSetEntry(pin: $0) })
        let served = ServedChain(
            sent: chain.certificates, verified: chain.verifiedChain,
            verificationFailure: chain.verification.isTrusted ? nil : chain.verification.failure)
        let evaluation = PinSetEvaluation(host: host, served: served, now: Int64(time(nil)), warnDays: 0)
        let matching = evaluation.matches.first { $0.scope == .verifiedChain }?.matching ?? []
        let source = server.description
        let checked = chain.verifiedChain.isEmpty ? chain.certificates : chain.verifiedChain
        var verification = PinVerification(expected: expected)
        verification.check(checked, from: source)
        guard let pin = matching.first, let object = checked.first(where: { $0.pin == pin }) else {
            Diagnostics.warn(verification.failureReport)
            throw ExitCode.failure
        }
        let output = OutputBuffer()
        output.append(
            "pin OK: \(pin.base64) matches \(object.summary) (\(source))"
                + (CACatalogue.builtInNote(for: pin).map { " \($0)" } ?? "") + "\n")
        output.commit()
        output.flush()
        if !chain.verification.isTrusted {
            Diagnostics.warn("\(source): warning: chain \(chain.verification)")
        }
    }
}
