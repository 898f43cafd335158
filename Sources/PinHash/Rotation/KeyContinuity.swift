/// What a certificate renewal changed about the keys clients pin: whether the server's own key is new
/// (re-keyed), whether the issuing CA changed, and which pins of a pinned host it broke.
///
/// "Before" is either the old certificate chain, or a pin set: then the host's leaf pins are the keys it
/// had, its intermediate pins the issuers it had.
///
/// ```swift
/// let continuity = try KeyContinuity(previous: oldChain, current: newChain, host: host, now: time(nil))
/// if continuity.rekeyed { print("re-keyed; broken:", continuity.brokenPins.map(\.pin)) }
/// ```
public struct KeyContinuity: Sendable, Hashable {
    /// How the issuing CA compares.
    public enum IssuerChange: Sendable, Hashable {
        /// The same CA key issued both (both chains hold the intermediate, or the pin set pins it).
        case sameKey
        /// The same issuer name; the key is unknown, as a chain lacks the CA certificate.
        case sameName
        /// Another CA issued the new certificate: the issuers' names (or pins, without a name).
        case changed(from: String, to: String)
        /// Nothing to compare: the pin set pins no intermediate, or a chain has neither a CA certificate
        /// nor an issuer name.
        case unknown
    }

    /// The leaf pins before: the old certificate's key, or the pin set's leaf pins.
    public let previousLeafPins: [Pin]
    /// The new chain's own certificate.
    public let leaf: PinnedObject
    /// The issuing CA certificate of the new chain, when it holds one.
    public let issuer: PinnedObject?
    public let issuerChange: IssuerChange
    /// The host the pins come from, when one was given.
    public let host: PinnedHost?
    /// The host's pins that were keys of the old chain (or, from a pin set, listed as leaf, intermediate
    /// or root) and are not keys of the new one, in the host's order.
    public let brokenPins: [PinSetEntry]
    /// For each kind of client, the host's pins it finds in the new chain; empty without a host.
    public let matches: [PinMatch]

    /// Whether the server's key changed: the new leaf's pin is not one it had.
    public var rekeyed: Bool { !previousLeafPins.contains(leaf.pin) }

    /// Whether the new key is one the host pinned as a backup beforehand: a planned move.
    public var movedToPinnedBackup: Bool {
        rekeyed && host?.pins.contains { $0.pin == leaf.pin && $0.role == .backup } == true
    }

    /// The kinds of client that find no pin of the host in the new chain.
    public var clientsLeftWithoutPin: [PinMatch] { matches.filter { !$0.matches } }

    /// Whether the renewal changed what pins rely on: it re-keyed, broke a pin, or left a client without
    /// one; without a host, also when the issuing CA changed (a pin on it would break).
    public var changesPinnedKeys: Bool {
        if rekeyed || !brokenPins.isEmpty || !clientsLeftWithoutPin.isEmpty { return true }
        guard host == nil else { return false }
        if case .changed = issuerChange { return true }
        return false
    }

    /// Compares two chains (each the server's certificate first): the old one and the renewal. With
    /// `host`, also which of its pins the renewal broke. Throws when a chain is empty or does not start
    /// with a certificate.
    public init(previous: [PinnedObject], current: [PinnedObject], host: PinnedHost? = nil)
        throws(PinHashError)
    {
        let oldLeaf = try Self.leaf(of: previous, "the old chain")
        let newLeaf = try Self.leaf(of: current, "the new chain")
        let oldIssuer = Self.issuer(in: previous)
        let newIssuer = Self.issuer(in: current)
        let change: IssuerChange
        if let oldIssuer, let newIssuer {
            change =
                oldIssuer.pin == newIssuer.pin
                ? .sameKey : .changed(from: Self.name(oldIssuer), to: Self.name(newIssuer))
        } else if let oldName = oldLeaf.issuer, let newName = newLeaf.issuer {
            change = oldName == newName ? .sameName : .changed(from: oldName, to: newName)
        } else {
            change = .unknown
        }
        self.init(
            previousLeafPins: [oldLeaf.pin], previousKeys: Set(previous.map(\.pin)), leaf: newLeaf,
            issuer: newIssuer, issuerChange: change, host: host,
            served: ServedChain(sent: current, verified: [], verificationFailure: nil))
    }

    /// Compares what a server serves now with its pinned host: the host's leaf pins are the keys it had,
    /// its intermediate pins the issuers.
    public init(host: PinnedHost, served: ServedChain) throws(PinHashError) {
        let newLeaf = try Self.leaf(of: served.sent, "the served chain")
        let newIssuer = Self.issuer(in: served.sent)
        let pinnedIssuers = host.pins.filter { $0.role == .intermediate }.map(\.pin)
        let change: IssuerChange
        if pinnedIssuers.isEmpty || newIssuer == nil {
            change = .unknown
        } else if let newIssuer, pinnedIssuers.contains(newIssuer.pin) {
            change = .sameKey
        } else {
            let pinned = host.pins.first { $0.role == .intermediate }
            change = .changed(
                from: pinned?.label ?? pinned?.pin.base64 ?? "", to: newIssuer.map(Self.name) ?? "")
        }
        let inChain: Set<PinSetRole> = [.leaf, .intermediate, .root]
        self.init(
            previousLeafPins: host.pins.filter { $0.role == .leaf }.map(\.pin),
            previousKeys: Set(host.pins.filter { $0.role.map(inChain.contains) == true }.map(\.pin)),
            leaf: newLeaf, issuer: newIssuer, issuerChange: change, host: host, served: served)
    }

    private init(
        previousLeafPins: [Pin], previousKeys: Set<Pin>, leaf: PinnedObject, issuer: PinnedObject?,
        issuerChange: IssuerChange, host: PinnedHost?, served: ServedChain
    ) {
        self.previousLeafPins = previousLeafPins
        self.leaf = leaf
        self.issuer = issuer
        self.issuerChange = issuerChange
        self.host = host
        let currentKeys = Set(served.certificates.map(\.pin))
        brokenPins =
            host?.distinctEntries.filter { previousKeys.contains($0.pin) && !currentKeys.contains($0.pin) }
            ?? []
        // Only the matches are read: the findings depend on the moment and the warning window.
        matches = host.map { PinSetEvaluation(host: $0, served: served, now: 0, warnDays: 0).matches } ?? []
    }

    private static func leaf(of chain: [PinnedObject], _ what: String) throws(PinHashError) -> PinnedObject {
        guard let first = chain.first else {
            throw PinHashError(.malformedInput, "\(what) holds no certificate")
        }
        guard first.kind == .certificate else {
            throw PinHashError(
                .malformedInput, "\(what) starts with \(first.kind.rawValue), not a certificate")
        }
        return first
    }

    /// The first CA certificate after the leaf: the one that issued it, in a chain in order.
    private static func issuer(in chain: [PinnedObject]) -> PinnedObject? {
        chain.dropFirst().first { $0.kind == .certificate && $0.role?.isCertificateAuthority == true }
    }

    private static func name(_ certificate: PinnedObject) -> String {
        certificate.subject ?? certificate.pin.base64
    }
}
