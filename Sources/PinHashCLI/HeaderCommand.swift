import ArgumentParser
import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ServerSyntax: ExpressibleByArgument {}

/// `pinhash header`: a Public-Key-Pins header from the keys in use and backup pins, refused when it would
/// lock visitors out.
struct HeaderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "header",
        abstract: "Build a Public-Key-Pins (HPKP) header for Apache, nginx, IIS or raw use.",
        discussion: """
            Pins every key, request and certificate in the FILEs (the chain or keys the server uses now), \
            the --pin values, and the --backup keys or pins, in that order, and prints the header line for \
            --server: raw (the header itself), apache (Header always set ..., for a config include or an SME \
            Server template fragment), nginx (add_header ... always;) or iis (the web.config \
            <httpProtocol> block for <system.webServer>).

            It refuses (exit 1, nothing on stdout, the reasons on stderr) a header with fewer than two \
            distinct pins, a pin that is not the base64 of 32 bytes or is the hash of empty input, no pin \
            of the FILEs, or no backup pin outside them. It warns when max-age is over 60 days (RFC 7469's \
            advice) and suggests --report-only for a first deployment.

            Current browsers no longer enforce HPKP; the header still matters to clients that read it.

            Examples:
              pinhash header chain.pem --backup spare.csr
              pinhash header leaf.key --backup spare.csr --server apache
              pinhash header chain.pem --backup spare.csr --report-only --report-uri https://example.com/r

            Exit status: 0 the header was printed (warnings and notes on stderr); 1 it was refused or an \
            input could not be read; 64 the command line was wrong.
            """
    )

    @OptionGroup var input: InputOptions

    @Option(
        name: .customLong("pin"),
        help: ArgumentHelp(
            "A pin to include (repeatable): base64, sha256/..., sha256//..., pin-sha256=\"...\" or hex.",
            valueName: "pin"))
    var pins: [String] = []

    @Option(
        name: .customLong("backup"),
        help: ArgumentHelp(
            "A backup: a spare key, CSR or certificate file, or its pin; repeatable.",
            discussion: "A backup must not be in the chain given as FILE.", valueName: "file|pin"),
        completion: .file(extensions: ["pem", "key", "csr", "req", "crt", "der", "pub"]))
    var backups: [String] = []

    @Option(
        name: .customLong("max-age"),
        // Unconditional, so that `--max-age -5` reaches the check that says why rather than "Missing value".
        parsing: .unconditional,
        help: ArgumentHelp(
            "Seconds browsers keep the pins (default 5184000, 60 days).", valueName: "seconds"))
    var maxAge: String?

    @Flag(name: .customLong("include-subdomains"), help: "Add includeSubDomains.")
    var includeSubDomains = false

    @Option(
        name: .customLong("report-uri"),
        help: ArgumentHelp(
            "Where browsers report pin failures (an absolute https or http URI).", valueName: "url"))
    var reportURI: String?

    @Flag(
        name: .customLong("report-only"),
        help: "Build Public-Key-Pins-Report-Only: report failures, enforce nothing (needs --report-uri).")
    var reportOnly = false

    @Option(help: ArgumentHelp("The configuration syntax to print the header in.", valueName: "syntax"))
    var server: ServerSyntax = .raw

    @Argument(
        help: ArgumentHelp(
            "The certificate chain or keys in use; - reads standard input.", valueName: "file"),
        completion: .file(extensions: ["pem", "crt", "cer", "der", "key", "csr", "req", "pub", "p12", "pfx"]))
    var files: [String] = []

    func validate() throws {
        _ = try Seconds.parse(maxAge, option: "--max-age")
        if files.isEmpty, pins.isEmpty, backups.isEmpty {
            throw ValidationError(
                "Name the certificate chain or key in use as FILE (or give --pin), and a backup with --backup."
            )
        }
        try input.validate(files: files + backups.filter(InputName.isStandardInput))
    }

    func run() throws {
        let maxAge = try Seconds.parse(maxAge, option: "--max-age") ?? HPKPHeader.defaultMaxAge
        let reader = try input.makeReader()
        var failed = false
        var findings: [HeaderFinding] = []

        var chain = KeysInUse()
        for file in files {
            do {
                try reader.forEachPin(inFileAt: file) { chain.add(PinnedEntry($0, source: file)) }
            } catch {
                Diagnostics.warn(error)
                failed = true
            }
        }
        var given: [Pin] = []
        for text in pins {
            do { given.append(try HPKPHeader.parsePin(text)) } catch {
                findings.append(HeaderFinding(refusing: error, of: "--pin"))
            }
        }
        // Distinct pins only: a backup file may be a long stream of the same few keys.
        var backupPins: [Pin] = []
        var backupPinSet = Set<Pin>()
        var backupReader = reader
        backupReader.inputType = .auto  // the type flags describe the FILEs; a backup may be a key or a CSR
        var undeployable: [HeaderFinding] = []
        for backup in backups {
            if !Self.fileExists(backup), Self.looksLikePin(backup) {
                do {
                    backupPins.append(try HPKPHeader.parsePin(backup))
                } catch {
                    findings.append(HeaderFinding(refusing: error, of: "--backup"))
                }
                continue
            }
            do {
                try backupReader.forEachPin(inFileAt: backup) { object in
                    guard backupPinSet.insert(object.pin).inserted else { return }
                    backupPins.append(object.pin)
                    if let key = UndeployableBackupKey(object.keyAlgorithm) {
                        undeployable.append(key.finding(source: InputName.displayName(of: backup)))
                    }
                }
            } catch {
                Diagnostics.warn(error)
                failed = true
            }
        }
        if failed { throw ExitCode.failure }

        let header = HPKPHeader(
            pins: chain.pins + given + backupPins, maxAge: maxAge, includeSubDomains: includeSubDomains,
            reportURI: reportURI, reportOnly: reportOnly)
        findings += header.validate(keysInUse: chain, declaredBackups: backupPins) + undeployable
        var line: String?
        do { line = try header.line(for: server) } catch { findings.append(HeaderFinding(refusing: error)) }
        if !findings.containsErrors, let line {
            OutputBuffer.writeNow(line + "\n")
        }
        Diagnostics.report(findings)
        if findings.containsErrors { throw ExitCode.failure }
    }

    static func fileExists(_ path: String) -> Bool {
        InputName.isStandardInput(path) || access(path, F_OK) == 0
    }

    /// Whether an argument that names no file reads as an attempt at a pin rather than a mistyped path.
    static func looksLikePin(_ text: String) -> Bool {
        if (try? PinSpelling.pin(parsing: text)) != nil { return true }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=".utf8)
        let lowered = text.lowercased()
        return lowered.hasPrefix("sha256/") || lowered.hasPrefix("pin-sha256") || lowered.hasPrefix("sha1/")
            || (text.utf8.count >= 40 && text.utf8.allSatisfy(alphabet.contains))
    }
}

extension Diagnostics {
    /// Findings on standard error, `pinhash: error: …`, errors first, then warnings, then notes.
    static func report(_ findings: [HeaderFinding]) {
        for severity in HeaderFinding.Severity.allCases.reversed() {
            for finding in findings where finding.severity == severity {
                warn(finding.commandLineWorded.description)
            }
        }
    }
}

/// A number of seconds given on the command line.
enum Seconds {
    /// nil when the option was not given; a usage error when it is not a whole number of seconds.
    static func parse(_ text: String?, option: String) throws -> UInt64? {
        guard let text else { return nil }
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seconds = UInt64(text)
        else {
            throw ValidationError(
                "\(option): max-age must be a non-negative whole number of seconds, not \"\(text)\".")
        }
        return seconds
    }
}
