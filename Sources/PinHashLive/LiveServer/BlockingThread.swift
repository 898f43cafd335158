import PinHash

/// Runs blocking network work (poll, getaddrinfo, a handshake) on a thread of its own, so that a task
/// awaiting it does not hold one of Swift concurrency's few cooperative threads (one per core) while a
/// server is slow to answer.
enum BlockingThread {
    /// `body`'s result, computed on a new detached thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let work = { continuation.resume(returning: body()) }
            // No thread to be had (the process's limit): do the work here rather than not at all.
            if !DetachedThread.start(work) { work() }
        }
    }
}
