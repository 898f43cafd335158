/// Why a host's pins would not survive a change of keys: a client built with them would refuse the
/// server, or would have to be rebuilt before the server could change its key. The rule for the backup
/// is ``BackupPinRule``'s, the one `Public-Key-Pins` headers are held to.
public enum PinSetWeakness: Sendable, Hashable, CustomStringConvertible {
    /// Fewer than two distinct pins (the number): one lost or replaced key locks every client out.
    case fewerThanTwoPins(Int)
    /// No pin is a key of the chain in use: clients refuse the server now.
    case noPinInChain
    /// Every pin is a key of the chain in use: there is no backup to move to.
    case noBackupPin

    public var description: String {
        switch self {
        case .fewerThanTwoPins(let count):
            "it has \(count == 0 ? "no pin" : "only one pin"): losing or replacing that key locks every client out"
        case .noPinInChain: "no pin is a key of the chain in use: clients would refuse the server"
        case .noBackupPin:
            "no pin is a backup outside the chain in use: a new key means an app update before the server "
                + "can change"
        }
    }

    /// What would fix it.
    public var remedy: Remedy { .addBackupToPinSet }
}

extension PinnedHost {
    /// How the host's pins would fail a change of keys, given the pins of the chain (or keys) in use.
    public func weaknesses(chain: some Sequence<Pin>) -> [PinSetWeakness] {
        var found: [PinSetWeakness] = []
        let distinct = distinctPins
        if distinct.count < 2 { found.append(.fewerThanTwoPins(distinct.count)) }
        switch BackupPinRule(pins: distinct, chain: chain).violation {
        case .noPinInChain?: found.append(.noPinInChain)
        case .noBackupPin? where distinct.count >= 2: found.append(.noBackupPin)
        default: break
        }
        return found
    }

    /// Adds the pin of an object read from a file or a server, labelled with what it is and where it
    /// came from; a pin the host has already is not added again. `asBackup` marks a spare key kept
    /// outside the chain.
    public mutating func add(_ entry: PinnedEntry, asBackup: Bool = false) {
        guard !pins.contains(where: { $0.pin == entry.pin }) else { return }
        let object = entry.object
        let role: PinSetRole =
            if asBackup {
                .backup
            } else {
                switch object.role {
                case .intermediate?: .intermediate
                case .root?: .root
                case .leaf?, .selfSigned?, nil: .leaf
                }
            }
        // A CA key's label says which CA it is, from the catalogue, as the listings do.
        let label = object.summary + (CACatalogue.builtInNote(for: entry.pin).map { " \($0)" } ?? "")
        pins.append(PinSetEntry(pin: entry.pin, label: label, role: role, source: entry.source))
    }
}
