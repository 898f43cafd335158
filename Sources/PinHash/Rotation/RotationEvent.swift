/// A change a renewal can bring to the chain a server serves, which a pin set should survive.
public enum RotationEvent: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The certificate is renewed with a new key, from the same CA: the same intermediate or a sibling of
    /// its pool (Let's Encrypt picks one of R10–R14 at random).
    case leafRekey = "leaf-rekey"
    /// The CA issues from another of its intermediates, keeping the server's key: another of the pool,
    /// or another generation (another pool under the same or a newer root, as Let's Encrypt's Gen Y).
    case intermediate
    /// The site moves to another CA, with a new key: only pins of keys the site holds outside the chain
    /// (backup keys) survive.
    case caMove = "ca-move"
    /// The server's key and intermediates stay, and clients build the other chain through a cross-sign,
    /// ending at another root.
    case crossSign = "cross-sign"

    public var description: String {
        switch self {
        case .leafRekey: "the certificate is renewed with a new key from the same CA"
        case .intermediate: "the CA issues from another of its intermediates"
        case .caMove: "the site moves to another CA"
        case .crossSign: "clients build the other chain through a cross-sign"
        }
    }
}
