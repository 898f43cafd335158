/// Whether a pin set survives one ``RotationEvent`` for one kind of client, and how to fix it when not.
public struct RotationOutcome: Sendable, Hashable {
    public let event: RotationEvent
    /// What the clients compare their pins with.
    public let scope: PinMatch.Scope
    /// The host's clients that compare pins this way.
    public let clients: [PinClient]
    /// The chains the event can lead to in which these clients find no pin; empty when it survives.
    public let breakingChains: [RotatedChain]
    /// The smallest changes that each make the pin set survive, the most durable first (a backup key,
    /// then roots, then intermediates); empty when it survives.
    public let fixes: [RotationFix]

    public init(
        event: RotationEvent, scope: PinMatch.Scope, clients: [PinClient], breakingChains: [RotatedChain],
        fixes: [RotationFix]
    ) {
        self.event = event
        self.scope = scope
        self.clients = clients
        self.breakingChains = breakingChains
        self.fixes = fixes
    }

    /// Whether every chain the event can lead to still holds a pin these clients check.
    public var survives: Bool { breakingChains.isEmpty }
}
