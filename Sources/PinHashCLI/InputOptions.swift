import ArgumentParser
import PinHash
import PinHashLive

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

/// How the commands that read keys and certificates are told what to expect and how to decrypt it.
struct InputOptions: ParsableArguments {
    // Five plain flags rather than one EnumerableFlag: argument parsing reflects over every property at
    // start-up, and this shape costs about a million instructions less on each run.
    @Flag(help: "Read private keys only (PKCS#8, PKCS#1, SEC1, DSA; encrypted or not).") var key = false
    @Flag(help: "Read public keys only (PUBLIC KEY or RSA PUBLIC KEY).") var pubkey = false
    @Flag(help: "Read certificate requests only.") var csr = false
    @Flag(help: "Read certificates only.") var cert = false
    // Worded for every command that reads files: only `pins` has --all (its discussion says what a
    // PKCS#12 file gives without it).
    @Flag(help: "Read PKCS#12 (.p12, .pfx) files only.") var p12 = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Passphrase for encrypted keys and PKCS#12 files.",
            discussion:
                "As openssl's -passin: env:VAR, file:PATH, fd:N, stdin or pass:TEXT (visible to other users).",
            valueName: "source"))
    var passin: String?

    private var forcedTypes: [ForcedType] {
        [(key, ForcedType.key), (pubkey, .pubkey), (csr, .csr), (cert, .cert), (p12, .p12)].filter(\.0).map(
            \.1)
    }

    var inputType: InputType { forcedTypes.first?.inputType ?? .auto }

    /// Checks the options against the files they will read.
    func validate(files: [String]) throws {
        if forcedTypes.count > 1 {
            throw ValidationError("Give at most one of --key, --pubkey, --csr, --cert and --p12.")
        }
        if files.filter(InputName.isStandardInput).count > 1 {
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

    /// The reader for these options: the --passin source, or the terminal when there is one.
    func makeReader() throws -> PinReader { try Self.makeReader(inputType: inputType, passin: passin) }

    /// The reader for an input type and a --passin source (nil: the terminal, when there is one).
    static func makeReader(inputType: InputType, passin: String?) throws -> PinReader {
        var passphrase = PassphraseSource.terminal
        if let passin {
            passphrase = try PassphraseSource(openSSLArgument: passin)
            if passphrase.isVisibleInProcessList {
                Diagnostics.warn(
                    "warning: --passin pass: shows the passphrase to other users of this machine; prefer env:, file: or fd:"
                )
            }
        }
        return PinReader(inputType: inputType, passphrase: passphrase)
    }
}
