import PinHash
import PinHashLive

/// The passphrase of the encrypted fixtures the corpus is seeded from, so that mutations of them get past
/// the PKCS#12 integrity check and the decryption into the decoders behind them.
private let fixturePassphrase = "pinhash fixture passphrase"
private let passphraseSource = PassphraseSource.literal(fixturePassphrase)

struct FuzzedInput {
    let bytes: [UInt8]

    func exercise() {
        // Auto-detection without a passphrase, as the command runs with no --passin and no terminal.
        read(with: PinReader())
        // Every type, forced, with the passphrase: a forced type takes other paths through the checks.
        for inputType in InputType.allCases {
            read(with: PinReader(inputType: inputType, passphrase: passphraseSource))
        }
        // Small limits, so the limit checks run on the corpus's inputs and not only on huge ones.
        let small = InputLimits(
            maximumObjectSize: 2048, maximumTextBetweenBlocks: 256, maximumBlockCount: 3,
            maximumNestingDepth: 8)
        read(with: PinReader(passphrase: passphraseSource, limits: small))
        readAsText()
    }

    /// The text parsers: an HTTP response head's pinning headers and their lint, one header line, a pin
    /// file, a bare pin. They share the corpus with the binary inputs; the script that runs the fuzzer
    /// adds a few header lines to the seeds.
    private func readAsText() {
        let text = String(decoding: bytes, as: UTF8.self)
        for field in HeaderField.fields(inResponse: text) {
            let lint = HeaderLint(field)
            for finding in lint.findings { _ = finding.description }
            for pin in lint.pins { _ = pin.base64 }
        }
        if let line = text.split(separator: "\n", maxSplits: 1).first {
            _ = try? HeaderField(line: String(line))
        }
        var pins = PinList()
        do {
            try pins.add(fileText: text)
        } catch {
            // Pin-file errors quote the offending line as it is, so only the code is checked.
            require(error.code != .internalFailure, "internal failure: \(error.reason)")
        }
        _ = Pin(base64: String(decoding: bytes.prefix(64), as: UTF8.self))
        // What a server sends back, and what a user types for --connect and audit.
        if let head = try? HTTPResponseHead(parsing: bytes) {
            require(head.statusCode >= 100 && head.statusCode <= 999, "status \(head.statusCode)")
            _ = head.text
        }
        if let line = text.split(separator: "\n", maxSplits: 1).first.map(String.init) {
            _ = try? ServerAddress(parsing: line, defaultPort: 443)
            _ = try? HTTPURL(parsing: line)
        }
    }

    private func read(with reader: PinReader) {
        do {
            for object in try reader.pins(in: bytes, source: "fuzz") { inspect(object) }
        } catch {
            check(error)
        }
    }

    /// Asks every property, as `--all` and the library's users do; the lazily formatted ones parse too.
    private func inspect(_ object: PinnedObject) {
        require(object.pin.sha256.count == 32, "a pin is not 32 bytes")
        require(Pin(base64: object.pin.base64) == object.pin, "a pin does not survive base64")
        _ = object.pin.hex
        _ = object.subject
        _ = object.issuer
        _ = object.notAfter
        _ = object.keyAlgorithm.description
        _ = object.role
        if let subject = object.subject { require(!hasControlCharacter(subject), "subject: \(subject)") }
        if let issuer = object.issuer { require(!hasControlCharacter(issuer), "issuer: \(issuer)") }
    }

    /// What every rejection must be: a one-line reason a person can act on, free of terminal control
    /// characters, never an internal failure, and never the passphrase.
    private func check(_ error: PinHashError) {
        require(!error.reason.isEmpty, "empty error reason")
        require(!hasControlCharacter(error.reason), "control character in error: \(error.reason)")
        require(error.code != .internalFailure, "internal failure: \(error.reason)")
        // An input may hold the passphrase's text itself, and an error may quote the input.
        require(
            contains(fixturePassphrase) || !error.description.contains(fixturePassphrase),
            "passphrase in error: \(error)")
    }

    private func contains(_ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}

/// C0 controls and DEL, which would let an input move the cursor or rewrite a terminal's screen.
func hasControlCharacter(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}

/// Stops the run with `message` on standard error: a crash libFuzzer saves. (`precondition` drops its
/// message in optimised builds.)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    fatalError("fuzz invariant broken: \(message())")
}
