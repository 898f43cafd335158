/// The smallest change to a pin set that makes it survive a ``RotationEvent``, as a value each program words
/// in its own terms.
public enum RotationFix: Sendable, Hashable, CustomStringConvertible {
    /// Pin a spare key kept offline and move to it at the renewal: survives every event.
    case addBackupKey
    /// Pin these roots (the pool's root, or the other root of a cross-sign).
    case addRoots([Pin])
    /// Pin these intermediates (the pool's siblings of a pinned intermediate).
    case addIntermediates([Pin])
    /// Pin the key the server serves; offered only when nothing else fixes the break.
    case pinServedKey(Pin)

    /// The pins the fix adds; none for a backup key, which has yet to be made.
    public var pins: [Pin] {
        switch self {
        case .addBackupKey: []
        case .addRoots(let pins), .addIntermediates(let pins): pins
        case .pinServedKey(let pin): [pin]
        }
    }

    /// A stable name for programs: `add-backup-key`, `add-roots`, `add-intermediates`, `pin-served-key`.
    public var kind: String {
        switch self {
        case .addBackupKey: "add-backup-key"
        case .addRoots: "add-roots"
        case .addIntermediates: "add-intermediates"
        case .pinServedKey: "pin-served-key"
        }
    }

    /// The fix in the library's words.
    public var description: String {
        let list = pins.map(\.base64).joined(separator: ", ")
        return switch self {
        case .addBackupKey: "add the pin of a spare key kept offline (a BackupKey) and renew with it"
        case .addRoots(let pins): pins.count == 1 ? "add the root \(list)" : "add the roots \(list)"
        case .addIntermediates(let pins):
            pins.count == 1 ? "add the intermediate \(list)" : "add the intermediates \(list)"
        case .pinServedKey: "pin the server's key \(list)"
        }
    }
}
