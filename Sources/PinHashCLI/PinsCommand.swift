import ArgumentParser
import PinHash

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
            `PIN  ROLE  SUBJECT` for every object (with FILE after PIN when there are several files). \
            Without --all, a bundle gives its first certificate's pin, as openssl x509 reads it (with a note \
            on stderr when that is a CA and the leaf comes later), and a PKCS#12 file its leaf's. \
            With --format, the same pins are written as one document for that consumer, after every input \
            is read; an input that fails adds nothing to it.

            Exit status: 0 every input gave a pin; 1 an input could not be read, was malformed, of the wrong \
            type, encrypted without a usable passphrase, or too large (each named on stderr); 64 the command \
            line was wrong.
            """
    )

    @OptionGroup var input: InputOptions

    @OptionGroup var format: FormatOptions

    @Flag(
        name: .long,
        help:
            "Print every object of each input: pin, role (leaf, intermediate, root, csr, key, pubkey) and subject."
    )
    var all = false

    @Argument(
        help: ArgumentHelp("Files to read; - reads standard input.", valueName: "file"),
        completion: .file(extensions: ["pem", "crt", "cer", "der", "key", "csr", "req", "pub", "p12", "pfx"]))
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one file, or - for standard input.") }
        try input.validate(files: files)
    }

    func run() throws {
        let reader = try input.makeReader()
        // The default format prints each input's lines as it goes; the others gather every input's pins
        // into one document.
        let formatter = format.format == .base64 ? nil : try format.formatter()
        let output = OutputBuffer()
        var entries: [PinnedEntry] = []
        var failed = false
        for file in files {
            let report = InputReport(
                file: file, showFile: files.count > 1, all: all, collecting: formatter != nil)
            do {
                try reader.forEachPin(inFileAt: file) { object in report.add(object, to: output) }
                report.finish(to: output)
                output.commit()
                entries += report.entries
            } catch {
                output.discard()
                Diagnostics.warn("\(error)")
                failed = true
            }
        }
        if let formatter, !entries.isEmpty {
            output.append(try formatter.render(entries))
            output.commit()
        }
        output.flush()
        if failed { throw ExitCode.failure }
    }
}
