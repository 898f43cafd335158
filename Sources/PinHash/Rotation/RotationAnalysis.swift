/// What happens to a host's pins when its certificate is renewed: for each ``RotationEvent`` and each kind
/// of client the host is configured for, whether every chain the event can lead to still holds a pin the
/// client checks, and the smallest changes that fix a break.
///
/// The chains an event leads to are worked out from the chains served now and a ``CACatalogue``, which
/// knows each CA key's pool of sibling intermediates and the roots it chains to, cross-signs included:
///
/// - ``RotationEvent/leafRekey``: a new server key, issued by the current intermediate or any sibling of
///   its pool (an intermediate the catalogue does not list is assumed to stay).
/// - ``RotationEvent/intermediate``: the server key stays; the issuer is any other intermediate the
///   catalogue lists of the same organization, pool or roots (an unknown one under the current root when
///   it lists none), the client ending at the current root when the new intermediate chains to it.
/// - ``RotationEvent/caMove``: a new server key under CA keys no one can know beforehand.
/// - ``RotationEvent/crossSign``: the server key and intermediates stay; the client ends at any root the
///   catalogue lists for them.
///
/// A new server key matches when the pin set has a backup pin (a real pin that is not a key of a chain
/// served, nor a CA key of the catalogue, nor given the role intermediate or root): the site renews with
/// that key. Several addresses' chains
/// are merged: an event breaks when it breaks for any of them.
///
/// ```swift
/// let analysis = RotationAnalysis(host: host, served: [served], catalogue: .builtIn)
/// for outcome in analysis.outcomes where !outcome.survives { print(outcome.event, outcome.fixes) }
/// ```
public struct RotationAnalysis: Sendable, Hashable {
    public let host: PinnedHost
    /// For each event, each scope of the host's clients, in ``RotationEvent`` then ``PinMatch/Scope`` order;
    /// empty when no chain was served.
    public let outcomes: [RotationOutcome]
    /// The host's pins of keys outside every chain served that neither the catalogue nor the pin set's
    /// roles call CA keys: keys the site holds for the next renewal.
    public let backupPins: [Pin]

    /// - Parameters:
    ///   - served: what each address of the host served; chains with no certificate are skipped.
    ///   - catalogue: the CA keys the analysis knows the pools and roots of.
    public init(host: PinnedHost, served: [ServedChain], catalogue: CACatalogue) {
        self.host = host
        let pins = host.distinctPins.filter { PinSetEvaluation.placeholderReason($0) == nil }
        let chains = served.map { $0.verified.isEmpty ? $0.sent : $0.verified }.filter { !$0.isEmpty }
        let inUse = Set(served.flatMap { $0.certificates.map(\.pin) })
        // A pin the pin set itself calls an intermediate or root is a CA key, whatever the catalogue knows.
        let authorityPins = Set(host.pins.filter { $0.role == .intermediate || $0.role == .root }.map(\.pin))
        backupPins = pins.filter {
            !inUse.contains($0) && !authorityPins.contains($0) && catalogue.entry(for: $0) == nil
        }
        guard !chains.isEmpty else {
            outcomes = []
            return
        }
        let clients = host.clients.isEmpty ? PinClient.allCases : host.clients
        let pinned = Set(pins)
        let hasBackup = !backupPins.isEmpty
        var outcomes: [RotationOutcome] = []
        for event in RotationEvent.allCases {
            var possible: [RotatedChain] = []
            for chain in chains {
                let future = CurrentChain(chain.map(\.pin), catalogue: catalogue).chains(after: event)
                for rotated in future where !possible.contains(rotated) { possible.append(rotated) }
            }
            for scope in PinMatch.Scope.allCases {
                let scopeClients = scope.clients.filter(clients.contains)
                guard !scopeClients.isEmpty else { continue }
                let breaking = possible.filter {
                    !Self.matches($0, scope: scope, pins: pinned, hasBackup: hasBackup)
                }
                outcomes.append(
                    RotationOutcome(
                        event: event, scope: scope, clients: scopeClients, breakingChains: breaking,
                        fixes: Self.fixes(for: breaking, scope: scope, pins: pinned)))
            }
        }
        self.outcomes = outcomes
    }

    /// The outcomes of one event.
    public func outcomes(of event: RotationEvent) -> [RotationOutcome] {
        outcomes.filter { $0.event == event }
    }

    /// The events the pin set breaks on for some kind of client, each once, in ``RotationEvent`` order.
    public var breakingEvents: [RotationEvent] {
        RotationEvent.allCases.filter { event in outcomes.contains { $0.event == event && !$0.survives } }
    }

    /// Whether the pin set breaks on an event not in `accepted`.
    public func breaks(accepting accepted: Set<RotationEvent>) -> Bool {
        breakingEvents.contains { !accepted.contains($0) }
    }

    /// Whether the clients of `scope` find a pin in `chain`.
    static func matches(_ chain: RotatedChain, scope: PinMatch.Scope, pins: Set<Pin>, hasBackup: Bool) -> Bool
    {
        let leafMatches =
            switch chain.leaf {
            case .kept(let pin): pins.contains(pin)
            case .newKey: hasBackup
            }
        if leafMatches || scope == .leafKey { return leafMatches }
        return chain.authorities.contains { $0.map(pins.contains) ?? false }
    }

    /// Each kind of change that makes every breaking chain hold a pin, the most durable first; the
    /// server's own key only when nothing else does.
    static func fixes(for breaking: [RotatedChain], scope: PinMatch.Scope, pins: Set<Pin>) -> [RotationFix] {
        guard !breaking.isEmpty else { return [] }
        var fixes: [RotationFix] = []
        if breaking.allSatisfy({ $0.leaf == .newKey }) { fixes.append(.addBackupKey) }
        if scope == .verifiedChain {
            let roots = breaking.map(\.root)
            if !roots.contains(nil) { fixes.append(.addRoots(unique(roots.compactMap { $0 }))) }
            let issuers = breaking.map(\.issuer)
            if !issuers.contains(nil) { fixes.append(.addIntermediates(unique(issuers.compactMap { $0 }))) }
        }
        if fixes.isEmpty, case .kept(let leaf) = breaking[0].leaf,
            breaking.allSatisfy({ $0.leaf == .kept(leaf) })
        {
            fixes.append(.pinServedKey(leaf))
        }
        return fixes
    }

    private static func unique(_ pins: [Pin]) -> [Pin] {
        var seen = Set<Pin>()
        return pins.filter { seen.insert($0).inserted }
    }
}

/// The keys of a chain served now, seen through the catalogue: what each event can turn it into.
private struct CurrentChain {
    let leaf: Pin
    /// The issuing intermediate; nil when the leaf is issued by the root itself.
    let issuer: Pin?
    /// The intermediates above the issuer.
    let upper: [Pin]
    /// The last key of the chain: the root of a verified chain.
    let root: Pin?
    let catalogue: CACatalogue

    init(_ pins: [Pin], catalogue: CACatalogue) {
        leaf = pins[0]
        let authorities = Array(pins.dropFirst())
        issuer = authorities.count >= 2 ? authorities[0] : nil
        upper = authorities.count >= 3 ? Array(authorities[1..<(authorities.count - 1)]) : []
        root = authorities.last
        self.catalogue = catalogue
    }

    private var authorities: [Pin?] { (issuer.map { [$0] } ?? []) + upper + (root.map { [$0] } ?? []) }

    func chains(after event: RotationEvent) -> [RotatedChain] {
        switch event {
        case .leafRekey:
            guard let issuer else { return [RotatedChain(leaf: .newKey, authorities: authorities)] }
            let siblings = catalogue.entry(for: issuer)?.pool.map { catalogue.pool($0).map(\.pin) } ?? []
            return ([issuer] + siblings.filter { $0 != issuer }).flatMap { issued(by: $0, leaf: .newKey) }
        case .intermediate:
            let others = related()
            guard !others.isEmpty else {
                return [RotatedChain(leaf: .kept(leaf), authorities: [nil] + upper + [root])]
            }
            return others.flatMap { issued(by: $0, leaf: .kept(leaf)) }
        case .caMove:
            return [RotatedChain(leaf: .newKey, authorities: [nil])]
        case .crossSign:
            let current = RotatedChain(leaf: .kept(leaf), authorities: authorities)
            guard let root else { return [current] }
            let rootIsCrossSigned = Set(catalogue.entry(for: root)?.roots ?? [])
            var others: [Pin] = []
            for key in (issuer.map { [$0] } ?? []) + upper + [root] {
                for other in catalogue.entry(for: key)?.roots ?? []
                where other != root && !others.contains(other) {
                    others.append(other)
                }
            }
            let below = Array(authorities.dropLast())
            // Through a cross-signed root the root's own key stays in the chain, below the other root.
            return [current]
                + others.map {
                    RotatedChain(
                        leaf: .kept(leaf),
                        authorities: below + (rootIsCrossSigned.contains($0) ? [root] : []) + [$0]
                    )
                }
        }
    }

    /// The chains from an intermediate: the current path to the current root when it chains there (or
    /// the catalogue does not say), else to each root it lists.
    private func issued(by intermediate: Pin, leaf: RotatedChain.Leaf) -> [RotatedChain] {
        let roots = catalogue.entry(for: intermediate)?.roots ?? []
        let samePool = intermediate == issuer || isSibling(intermediate)
        if roots.isEmpty || root.map(roots.contains) == true {
            return [RotatedChain(leaf: leaf, authorities: [intermediate] + (samePool ? upper : []) + [root])]
        }
        return roots.map { RotatedChain(leaf: leaf, authorities: [intermediate, $0]) }
    }

    private func isSibling(_ intermediate: Pin) -> Bool {
        guard let issuer, let pool = catalogue.entry(for: issuer)?.pool else { return false }
        return catalogue.entry(for: intermediate)?.pool == pool
    }

    /// The other intermediates the catalogue lists of the issuer's organization, pool or roots (of the
    /// current root, when the issuer is unknown to it).
    private func related() -> [Pin] {
        let known = issuer.flatMap(catalogue.entry(for:))
        return catalogue.entries.filter { entry in
            guard entry.kind == .intermediate, entry.pin != issuer else { return false }
            if let known {
                return (known.organization != nil && entry.organization == known.organization)
                    || (known.pool != nil && entry.pool == known.pool)
                    || !Set(entry.roots).isDisjoint(with: known.roots)
            }
            return root.map(entry.roots.contains) ?? false
        }.map(\.pin)
    }
}
