import Foundation

/// The one thread that writes reports: group commit. Whatever requests arrived while the previous
/// transaction was being committed go into the next one, one fsync for all of them, and each request
/// hears of its own report only after that commit, so an acknowledged report is on disk.
public final class ReportWriter: @unchecked Sendable {
    /// What the writer tells the request that submitted a report.
    public enum Outcome: Sendable, Equatable {
        case stored(Int64)
        case counted(Int64)
    }

    private struct Pending {
        var report: AnalyzedReport
        var client: String
        var completion: @Sendable (Result<Outcome, ReportsError>) -> Void
    }

    /// The most reports one transaction takes: a flood commits in steps, not in one long transaction.
    static let batchLimit = 2048

    // Guards `queue`, `closing` and `finished`; the writer thread waits on it.
    private let condition = NSCondition()
    private var queue: [Pending] = []
    private var closing = false
    private var finished = false
    private let store: ReportStore
    private let checkpointer: ReportStore
    // Guards `stopping`; the checkpoint thread waits on it between checkpoints.
    private let checkpointCondition = NSCondition()
    private var stopping = false
    private var checkpointerFinished = false
    private let window: Int64
    private let clock: @Sendable () -> Int64

    /// Opens (or creates) the database at `path` and starts the writer thread.
    /// - Parameters:
    ///   - window: seconds within which the same report from the same client is counted, not stored.
    ///   - maximumSize: the size in bytes the database may not grow past; nil for no limit.
    public init(
        databaseAt path: String, window: Int64, maximumSize: Int64?,
        clock: @escaping @Sendable () -> Int64 = { Int64(time(nil)) }
    ) throws(ReportsError) {
        store = try ReportStore(writingAt: path, maximumSize: maximumSize)
        checkpointer = try ReportStore(checkpointingAt: path)
        self.window = window
        self.clock = clock
        let thread = Thread { [self] in run() }
        thread.name = "report writer"
        thread.start()
        let checkpoints = Thread { [self] in checkpointEverySecond() }
        checkpoints.name = "report checkpoints"
        checkpoints.start()
    }

    /// Queues `report` from `client`; `completion` is called on the writer thread once it is committed
    /// (or failed). After ``close()`` it fails at once.
    public func submit(
        _ report: AnalyzedReport, client: String,
        completion: @escaping @Sendable (Result<Outcome, ReportsError>) -> Void
    ) {
        condition.lock()
        guard !closing else {
            condition.unlock()
            completion(.failure(ReportsError(.database, "the collector is shutting down")))
            return
        }
        queue.append(Pending(report: report, client: client, completion: completion))
        condition.signal()
        condition.unlock()
    }

    /// Writes every report already queued, then stops both threads, empties the WAL and returns.
    public func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
        checkpointCondition.lock()
        stopping = true
        checkpointCondition.broadcast()
        while !checkpointerFinished { checkpointCondition.wait() }
        checkpointCondition.unlock()
        checkpointer.checkpoint(truncate: true)
    }

    /// Keeps the WAL short: a checkpoint a second on the second connection, which never blocks a commit.
    private func checkpointEverySecond() {
        checkpointCondition.lock()
        while !stopping {
            _ = checkpointCondition.wait(until: Date(timeIntervalSinceNow: 1))
            if stopping { break }
            checkpointCondition.unlock()
            checkpointer.checkpoint()
            checkpointCondition.lock()
        }
        checkpointerFinished = true
        checkpointCondition.broadcast()
        checkpointCondition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if queue.isEmpty {
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
            let batch = Array(queue.prefix(Self.batchLimit))
            queue.removeFirst(batch.count)
            condition.unlock()
            write(batch)
        }
    }

    private func write(_ batch: [Pending]) {
        let now = clock()
        var outcomes: [Result<Outcome, ReportsError>] = []
        do {
            try store.begin()
            for pending in batch {
                outcomes.append(.success(try record(pending, now: now)))
            }
            try store.commit()
        } catch {
            // One report failed (a full database): the others must not fail with it, so each goes alone.
            store.rollback()
            outcomes = batch.map { pending in writeAlone(pending, now: now) }
        }
        for (pending, outcome) in zip(batch, outcomes) {
            pending.completion(outcome)
        }
    }

    private func writeAlone(_ pending: Pending, now: Int64) -> Result<Outcome, ReportsError> {
        do {
            try store.begin()
            let outcome = try record(pending, now: now)
            try store.commit()
            return .success(outcome)
        } catch {
            store.rollback()
            return .failure(error)
        }
    }

    private func record(_ pending: Pending, now: Int64) throws(ReportsError) -> Outcome {
        switch try store.record(pending.report, client: pending.client, now: now, window: window) {
        case .stored(let id): .stored(id)
        case .counted(let id): .counted(id)
        }
    }
}
