/// A backup key no public web site could ever serve, so that a pin of it is no backup there.
///
/// Public CAs issue certificates only for RSA keys of at least 2048 bits and EC keys on P-256, P-384 and
/// P-521 (CA/Browser Forum Baseline Requirements §6.1.5), and browsers accept no other key from a server:
/// none of them does TLS with an Ed25519 certificate. A site pinned to such a backup key would find, on
/// the day it needs the backup, that no CA will certify it.
///
/// ```swift
/// if let undeployable = UndeployableBackupKey(object.keyAlgorithm) { print("warning: \(undeployable)") }
/// ```
public struct UndeployableBackupKey: Sendable, Hashable, CustomStringConvertible {
    /// The key's algorithm as people name it: `Ed25519`, `Ed448`, `RSA 1024`, `EC secp256k1`.
    public let algorithm: String

    /// nil for a key public CAs certify: RSA of 2048 bits or more, EC on P-256, P-384 or P-521.
    public init?(_ algorithm: KeyAlgorithm) {
        switch algorithm.name {
        case "RSA" where (algorithm.bits ?? 0) >= 2048: return nil
        case "EC" where ["P-256", "P-384", "P-521"].contains(algorithm.curve ?? ""): return nil
        case "RSA", "EC": self.algorithm = algorithm.description
        default: self.algorithm = algorithm.name  // the size says nothing more of Ed25519 or X448
        }
    }

    /// nil for the algorithms a public site can serve (every one but Ed25519).
    public init?(_ algorithm: BackupKeyAlgorithm) {
        guard algorithm == .ed25519 else { return nil }
        self.algorithm = "Ed25519"
    }

    public var description: String {
        "public CAs do not issue certificates for \(algorithm) keys and browsers cannot use them, so this "
            + "backup could never be deployed on a public site"
    }

    /// What to do instead, in one imperative line.
    public var fix: String {
        "keep it only for clients you control, and add a backup RSA (2048 bits or more) or EC P-256 or P-384 key"
    }

    /// The warning a Public-Key-Pins header with this backup gets; `source` names the backup (its file).
    public func finding(source: String) -> HeaderFinding {
        HeaderFinding(.warning, "the backup \(source) (\(algorithm)): \(description)", fix: fix)
    }
}
