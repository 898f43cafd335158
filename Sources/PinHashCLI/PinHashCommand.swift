import ArgumentParser
import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The input types the flags force.
enum ForcedType: String {
    case key, pubkey, csr, cert, p12

    var inputType: InputType {
        switch self {
        case .key: .privateKey
        case .pubkey: .publicKey
        case .csr: .certificateRequest
        case .cert: .certificate
        case .p12: .pkcs12
        }
    }
}

@main
struct PinHashCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pinhash",
        abstract: "Print SPKI pins: the base64 SHA-256 of a public key's DER SubjectPublicKeyInfo.",
        discussion: """
            Reads private keys, public keys, certificate requests, certificates and PKCS#12 files, in PEM \
            or DER, and prints the pin that HPKP (pin-sha256), curl --pinnedpubkey (sha256//), OkHttp, \
            Android and iOS pin sets use. The type is detected from the content unless a type flag is given.

            Certificates and requests are pinned by the SubjectPublicKeyInfo bytes exactly as stored; keys by \
            the SubjectPublicKeyInfo OpenSSL derives from them, as `openssl pkey -pubout` writes it.

            Output: one file prints its bare pin; several files print `PIN  FILE` lines; --all prints \
            `PIN  ROLE  SUBJECT` for every object (with FILE after PIN when there are several files).

            Exit status: 0 every input gave a pin; 1 an input could not be read, was malformed, of the wrong \
            type, encrypted without a usable passphrase, or too large (each named on stderr); 64 the command \
            line was wrong.
            """,
        version: "0.1.0"
    )

    @Flag(help: "Read private keys only (PKCS#8, PKCS#1, SEC1, DSA; encrypted or not).") var key = false
    @Flag(help: "Read public keys only (PUBLIC KEY or RSA PUBLIC KEY).") var pubkey = false
    @Flag(help: "Read certificate requests only.") var csr = false
    @Flag(help: "Read certificates only; without --all, the first one's pin.") var cert = false
    @Flag(help: "Read a PKCS#12 (.p12, .pfx) file; without --all, the leaf certificate's pin.") var p12 =
        false

    // Five plain flags rather than one EnumerableFlag: argument parsing reflects over every property at
    // start-up, and this shape costs about a million instructions less on each run.
    private var forcedTypes: [ForcedType] {
        [(key, ForcedType.key), (pubkey, .pubkey), (csr, .csr), (cert, .cert), (p12, .p12)].filter(\.0).map(
            \.1)
    }

    var type: ForcedType? { forcedTypes.first }

    @Flag(
        name: .long,
        help:
            "Print every object of each input: pin, role (leaf, intermediate, root, csr, key, pubkey) and subject."
    )
    var all = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Passphrase for encrypted keys and PKCS#12 files.",
            discussion:
                "As openssl's -passin: env:VAR, file:PATH, fd:N, stdin or pass:TEXT (visible to other users).",
            valueName: "source"))
    var passin: String?

    @Argument(
        help: ArgumentHelp("Files to read; - reads standard input.", valueName: "file"),
        completion: .file(extensions: ["pem", "crt", "cer", "der", "key", "csr", "req", "pub", "p12", "pfx"]))
    var files: [String] = []

    static func main() {
        // Key decoding starts with OpenSSL building its decoder tables; let that run on another core
        // while the arguments are parsed, unless the arguments already rule keys out.
        let keyFree: Set<String> = ["--cert", "--csr", "--pubkey", "--help", "-h", "--version"]
        if !CommandLine.arguments.dropFirst().contains(where: keyFree.contains) {
            PinReader.prepareKeyDecodersInBackground()
        }
        main(nil)
    }

    func validate() throws {
        if forcedTypes.count > 1 {
            throw ValidationError("Give at most one of --key, --pubkey, --csr, --cert and --p12.")
        }
        if files.isEmpty { throw ValidationError("Name at least one file, or - for standard input.") }
        if files.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("Standard input (-) can be read only once.")
        }
        if let passin {
            do {
                let source = try PassphraseSource(openSSLArgument: passin)
                if source.readsStandardInput, files.contains("-") {
                    throw ValidationError("--passin stdin and the input - cannot both read standard input.")
                }
            } catch let error as PinHashError {
                throw ValidationError("--passin: \(error.reason).")
            }
        }
    }

    func run() throws {
        var passphrase = PassphraseSource.terminal
        if let passin {
            passphrase = try PassphraseSource(openSSLArgument: passin)
            if passphrase.isVisibleInProcessList {
                Diagnostics.warn(
                    "warning: --passin pass: shows the passphrase to other users of this machine; prefer env:, file: or fd:"
                )
            }
        }
        let reader = PinReader(inputType: type?.inputType ?? .auto, passphrase: passphrase)
        let output = OutputBuffer()
        var failed = false
        for file in files {
            let report = InputReport(file: file, showFile: files.count > 1, all: all)
            do {
                try reader.forEachPin(inFileAt: file) { object in report.add(object, to: output) }
                report.finish(to: output)
                output.commit()
            } catch {
                output.discard()
                Diagnostics.warn("\(error)")
                failed = true
            }
        }
        output.flush()
        if failed { throw ExitCode.failure }
    }
}
