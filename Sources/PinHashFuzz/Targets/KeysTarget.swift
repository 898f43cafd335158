import PinHash

/// Every input type forced, with the fixtures' passphrase: a forced type takes other paths through the
/// checks, and encrypted PKCS#8, legacy encrypted PEM and PKCS#12 (MAC check, encrypted safes, shrouded
/// key bags) reach OpenSSL's decoders. The slowest target: most of its time is OpenSSL's.
enum KeysTarget {
    static func run(_ bytes: [UInt8]) {
        let checks = ReadChecks(bytes: bytes)
        for inputType in InputType.allCases {
            checks.read(with: PinReader(inputType: inputType, passphrase: fixturePassphraseSource))
        }
    }
}
