import PinHash

/// The passphrase of the encrypted fixtures the corpus is seeded from, so that mutations of them get past
/// the PKCS#12 integrity check and the decryption into the decoders behind them.
let fixturePassphrase = "pinhash fixture passphrase"
let fixturePassphraseSource = PassphraseSource.literal(fixturePassphrase)

/// What every read must give, whichever target made it: objects whose every property can be asked, or
/// one usable error.
struct ReadChecks {
    let bytes: [UInt8]

    func read(with reader: PinReader) {
        do {
            for object in try reader.pins(in: bytes, source: "fuzz") { inspect(object) }
        } catch {
            check(error)
        }
    }

    /// Asks every property, as `--all` and the library's users do; the lazily formatted ones parse too.
    func inspect(_ object: PinnedObject) {
        require(object.pin.sha256.count == 32, "a pin is not 32 bytes")
        require(Pin(base64: object.pin.base64) == object.pin, "a pin does not survive base64")
        _ = object.pin.hex
        _ = object.subject
        _ = object.issuer
        _ = object.notAfter
        _ = object.keyAlgorithm.description
        _ = object.role
        for warning in object.warnings { require(!hasControlCharacter(warning.description), "\(warning)") }
        if let subject = object.subject { require(!hasControlCharacter(subject), "subject: \(subject)") }
        if let issuer = object.issuer { require(!hasControlCharacter(issuer), "issuer: \(issuer)") }
    }

    /// What every rejection must be: a one-line reason a person can act on, free of terminal control
    /// characters, never an internal failure, and never the passphrase.
    func check(_ error: PinHashError) {
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
