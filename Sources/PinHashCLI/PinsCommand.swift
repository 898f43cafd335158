import ArgumentParser
import PinHash
import PinHashLive

/// `pinhash [pins] FILE…`: the pins of keys, requests, certificates and PKCS#12 files.
struct PinsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pins",
        abstract:
            "Print the pins of keys, certificate requests, certificates and PKCS#12 files (the default).",
        discussion: """
            Reads private keys, public keys, certificate requests, certificates and PKCS#12 files, in PEM \
            or DER, and prints the pin that HPKP (pin-sha256), curl --pinnedpubkey (sha256//), OkHttp, \
            Android and iOS pin sets use. The type is detected from the content unless a type flag is given.

            Certificates and requests are pinned by the SubjectPublicKeyInfo bytes exactly as stored; keys by \
            the SubjectPublicKeyInfo OpenSSL derives from them, as `openssl pkey -pubout` writes it.

            Output: one file prints its bare pin; several files print `PIN  FILE` lines; --all prints \
            `PIN  ROLE  SUBJECT` for every object (with FILE after PIN when there are several files), \
            `(catalogue: NAME, pool POOL)` after the subject of a CA key the built-in CA catalogue names, and \
            `until NOTAFTER` (YYYY-MM-DDTHH:MM:SSZ) after a certificate's, when it expires. \
            Without --all, a bundle gives its first certificate's pin, as openssl x509 reads it (with a note \
            on stderr when that is a CA and the leaf comes later), and a PKCS#12 file its leaf's. \
            With --format, the same pins are written as one document for that consumer, as the inputs are \
            read; an input that fails adds nothing to it.

            --connect HOST[:PORT] reads the certificates a TLS server sends instead of files and prints them \
            as --all does; one line on stderr says whether the chain is trusted (an untrusted chain still \
            prints its pins, with a warning, and exit status 0). --connect may be given several times: each \
            server's lines then carry its HOST:PORT after the pin, as several files carry their names.

            Examples:
              pinhash key.pem
              pinhash --cert chain.crt --all
              pinhash --p12 site.pfx --passin env:PFX_PASS
              pinhash a.pem b.pem c.pem
              pinhash --connect example.com --connect [2001:db8::1]:8443
              pinhash --connect mail.example.com --starttls smtp
              pinhash --format curl site.crt backup.key

            Exit status: 0 every input gave a pin; 1 an input could not be read, was malformed, of the wrong \
            type, encrypted without a usable passphrase, or too large, or the --connect server could not be \
            resolved, reached or handshaken with (each named on stderr); 64 the command line was wrong; 69 \
            a library the command needs (libcrypto, libssl, libyaml, Expat, libplist) could not be loaded.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var format: FormatOptions

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Print every object of each input: pin, role (leaf, intermediate, root, csr, key, pubkey), subject "
                + "and a certificate's expiry (until notAfter)."
        )
    )
    var all = false

    @Option(
        name: .customLong("connect"),
        help: ArgumentHelp(
            "Instead of files, print the pins of every certificate this TLS server sends (port 443 unless "
                + "given; [IPv6]:port); repeatable.",
            valueName: "host[:port]"))
    var connects: [String] = []

    @OptionGroup var serverOptions: ServerOptions

    @OptionGroup var connection: ConnectionOptions

    @Argument(
        help: ArgumentHelp("Files to read; - reads standard input.", valueName: "file"),
        completion: .file(extensions: ["pem", "crt", "cer", "der", "key", "csr", "req", "pub", "p12", "pfx"]))
    var files: [String] = []

    func validate() throws {
        guard let connect = connects.first else {
            if !serverOptions.isEmpty || !connection.isEmpty {
                throw ValidationError(
                    "--servername, --starttls, --address, --cafile and --timeout go with --connect.")
            }
            if files.isEmpty { throw ValidationError("Name at least one file, or - for standard input.") }
            try input.validate(files: files)
            _ = try format.formatter()
            return
        }
        if !files.isEmpty { throw ValidationError("Give --connect or files, not both.") }
        if input.inputType != .auto || input.passin != nil {
            throw ValidationError(
                "--key, --pubkey, --csr, --cert, --p12 and --passin are for files, not --connect.")
        }
        let server = try serverOptions.validate(connect: connect, with: connection)
        for other in connects.dropFirst() { _ = try serverOptions.server(other) }
        let (host, port) = try formatServer()
        _ = try format.formatter(defaultHost: host ?? server.host, defaultPort: port ?? server.port)
    }

    /// The host and port the formats that name a server default to: those of the --connect servers when
    /// they all agree (the --servername name standing for the host), else nil, so that --host is needed.
    private func formatServer() throws -> (host: String?, port: Int?) {
        let servers = try connects.map(serverOptions.server)
        let hosts = Set(servers.map { serverOptions.serverName ?? $0.host })
        let ports = Set(servers.map(\.port))
        return (hosts.count == 1 ? hosts.first : nil, ports.count == 1 ? ports.first : nil)
    }

    func run() throws {
        if !connects.isEmpty { return try runConnect() }
        let reader = try input.makeReader()
        try Self.printPins(
            of: files, reader: reader, all: all,
            formatter: format.format == .base64 ? nil : format.formatter())
    }

    /// Prints the pins of each file: the default format's lines (`formatter` nil), or every input's pins
    /// in one document, as they come. Throws ExitCode.failure after the last file if any could not be
    /// read; each such file is named on stderr.
    static func printPins(of files: [String], reader: PinReader, all: Bool, formatter: PinFormatter?) throws {
        let output = OutputBuffer()
        let document = try formatter.map { try DocumentOutput($0, to: output) }
        var failed = false
        for file in files {
            let report = InputReport(file: file, showFile: files.count > 1, all: all, document: document)
            document?.mark()
            do {
                try reader.forEachPin(inFileAt: file, skipped: report.skipped) { object in
                    report.add(object, to: output)
                }
                report.finish(to: output)
                output.commit()
            } catch {
                // Not inside the optional chain, which would skip the discard without a document.
                let discarded = output.discard()
                document?.rollBack(textWasDiscarded: discarded)
                Diagnostics.warn(error)
                failed = true
            }
        }
        document?.finish()
        output.commit()
        output.flush()
        if failed { throw ExitCode.failure }
    }

    /// `--connect`: the certificates each server sent, as `--all` prints a file's (with the server's name
    /// when there are several), then one line on stderr saying whether they verify. A server that cannot
    /// be reached gets its line on stderr; the others are still read, and the exit status is 1.
    private func runConnect() throws {
        let servers = try connects.map(serverOptions.server)
        let (host, port) = try formatServer()
        let output = OutputBuffer()
        let document =
            format.format == .base64
            ? nil
            : try DocumentOutput(
                format.formatter(defaultHost: host ?? servers[0].host, defaultPort: port ?? servers[0].port),
                to: output
            )
        var failed = false
        for server in servers {
            let chain: ServerChain
            do { chain = try serverOptions.chain(of: server, with: connection) } catch {
                failed = true
                continue
            }
            let report = InputReport(
                file: server.description, showFile: servers.count > 1, all: true, document: document)
            for entry in chain.entries(source: server.description) {
                report.add(entry.object, sentByServer: entry.sentByServer, to: output)
            }
            output.commit()
            output.flush()
            let verification = chain.verification
            if verification.isTrusted {
                Diagnostics.warn(
                    "\(server): chain \(verification) (\(chain.protocolVersion) from \(chain.connectedAddress))"
                )
            } else {
                Diagnostics.warn("\(server): warning: chain \(verification) (pins printed anyway)")
            }
        }
        document?.finish()
        output.commit()
        output.flush()
        if failed { throw ExitCode.failure }
    }
}
