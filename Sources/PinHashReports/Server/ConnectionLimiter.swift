import Synchronization

/// Counts open connections against a limit, from every event loop at once.
final class ConnectionLimiter: Sendable {
    let limit: Int
    private let open = Atomic<Int>(0)

    init(limit: Int) { self.limit = limit }

    /// Takes a place for a new connection: false (and no place taken) when all are in use.
    func admit() -> Bool {
        let now = open.add(1, ordering: .relaxed).newValue
        if now > limit {
            open.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { open.subtract(1, ordering: .relaxed) }
}

/// Requests being answered: shutdown waits for them, so none loses its answer.
final class InFlightRequests: Sendable {
    private let count = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)

    func begin() { count.add(1, ordering: .relaxed) }
    func end() { count.subtract(1, ordering: .relaxed) }
    var current: Int { count.load(ordering: .relaxed) }

    /// Once set, every answer closes its connection.
    var isDraining: Bool { draining.load(ordering: .relaxed) }
    func drain() { draining.store(true, ordering: .relaxed) }
}
