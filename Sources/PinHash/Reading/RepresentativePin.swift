/// Chooses the one object whose pin stands for a whole input, as its objects are read one at a time
/// (so a bundle of any length is never held): the first object, as `openssl x509` reads a bundle, except
/// that a PKCS#12 file's pin is its leaf's, the certificate whose private key came with it.
///
/// ```swift
/// var representative = RepresentativePin()
/// try PinReader().forEachPin(inFileAt: "bundle.pem") { representative.add($0) }
/// if let chosen = representative.object { print(chosen.pin) }
/// if let note = representative.leafComesLater { print("the leaf is object", note.leaf.position) }
/// ```
public struct RepresentativePin: Sendable {
    /// The object chosen so far; nil before the first.
    public private(set) var object: PinnedObject?
    private var firstLeaf: PinnedObject?

    public init() {}

    /// Considers the input's next object.
    public mutating func add(_ object: PinnedObject) {
        if object.role == .leaf || object.role == .selfSigned, firstLeaf == nil { firstLeaf = object }
        if self.object == nil || (object.hasMatchingPrivateKey && self.object?.hasMatchingPrivateKey == false)
        {
            self.object = object
        }
    }

    /// The chosen object is a CA certificate, and the input's leaf came later: its pin, not the chosen one,
    /// is usually the one wanted.
    public struct LeafComesLater: Sendable, Hashable {
        /// The chosen object: the input's first certificate, an intermediate or root CA.
        public let authority: PinnedObject
        /// The input's first leaf certificate.
        public let leaf: PinnedObject
    }

    /// Set when the chosen object is a CA certificate (not one whose private key came with it) and a leaf
    /// certificate came after it.
    public var leafComesLater: LeafComesLater? {
        guard let object, object.kind == .certificate, object.role?.isCertificateAuthority == true,
            !object.hasMatchingPrivateKey, let firstLeaf
        else { return nil }
        return LeafComesLater(authority: object, leaf: firstLeaf)
    }
}
