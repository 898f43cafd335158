/// One chain a client may verify after a ``RotationEvent``, as the keys it holds.
public struct RotatedChain: Sendable, Hashable {
    /// The server's key after the event.
    public enum Leaf: Sendable, Hashable {
        /// The key served now stays.
        case kept(Pin)
        /// A key the site makes for the renewal: one of its backup keys, if the pin set has any.
        case newKey
    }

    public let leaf: Leaf
    /// The CA keys, the issuing intermediate first and the root the client ends at last; nil for a key
    /// that cannot be known beforehand (an intermediate the catalogue does not list, another CA's).
    public let authorities: [Pin?]

    public init(leaf: Leaf, authorities: [Pin?]) {
        self.leaf = leaf
        self.authorities = authorities
    }

    /// The issuing intermediate, when the chain has one below its root.
    public var issuer: Pin? { authorities.count >= 2 ? authorities[0] : nil }

    /// The root the client ends at, when it is known.
    public var root: Pin? { authorities.last ?? nil }
}
