import PinHash

/// A whole input as `pinhash FILE` reads it: auto-detection with no passphrase (as the command runs with
/// no passphrase option and no terminal), then with tiny limits so that the limit paths run on ordinary
/// inputs.
enum ReaderTarget {
    static func run(_ bytes: [UInt8]) {
        let checks = ReadChecks(bytes: bytes)
        checks.read(with: PinReader())
        let small = InputLimits(
            maximumObjectSize: 2048, maximumTextBetweenBlocks: 256, maximumBlockCount: 3,
            maximumNestingDepth: 8, maximumKeyDerivationIterations: 4096)
        checks.read(with: PinReader(passphrase: fixturePassphraseSource, limits: small))
    }
}
