/// The rule a Public-Key-Pins header must keep against the keys in use (RFC 7469 §4.3): at least one pin
/// is a key of the chain the server presents, or browsers that noted the header refuse the site, and at
/// least one is not, the backup, or replacing those keys locks visitors out (and browsers ignore the
/// header, §2.5).
///
/// ```swift
/// let rule = BackupPinRule(pins: header.pins, chain: chain.map(\.pin))
/// if rule.violation == .noBackupPin { … }
/// ```
public struct BackupPinRule: Sendable, Hashable {
    /// How a header breaks the rule.
    public enum Violation: Sendable, Hashable {
        /// No pin is a key of the chain: browsers that noted the header refuse the site.
        case noPinInChain
        /// Every pin is a key of the chain: there is no backup.
        case noBackupPin
    }

    /// The header's pins that are keys of the chain, in the header's order.
    public let pinsInChain: [Pin]
    /// The header's pins that are not: the backups, in the header's order.
    public let backupPins: [Pin]

    /// Sorts `pins` into those of the chain (`chain`: the pins of the certificates or keys in use) and the
    /// backups.
    public init(pins: [Pin], chain: some Sequence<Pin>) {
        let inChain = Set(chain)
        pinsInChain = pins.filter { inChain.contains($0) }
        backupPins = pins.filter { !inChain.contains($0) }
    }

    /// How the pins break the rule, or nil when one is a key of the chain and another a backup. No pins
    /// at all have no pin in the chain.
    public var violation: Violation? {
        if pinsInChain.isEmpty { return .noPinInChain }
        if backupPins.isEmpty { return .noBackupPin }
        return nil
    }
}
