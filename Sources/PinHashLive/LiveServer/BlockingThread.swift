#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs blocking network work (poll, getaddrinfo, a handshake) on a thread of its own, so that a task
/// awaiting it does not hold one of Swift concurrency's few cooperative threads (one per core) while a
/// server is slow to answer.
enum BlockingThread {
    private final class Job {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// `body`'s result, computed on a new detached thread.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let job = Job { continuation.resume(returning: body()) }
            let argument = Unmanaged.passRetained(job).toOpaque()
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
            #if canImport(Glibc)
                var thread = pthread_t()
            #else
                var thread: pthread_t?
            #endif
            let started = pthread_create(
                &thread, &attributes,
                { argument in
                    let job = Unmanaged<Job>.fromOpaque(argument!).takeRetainedValue()
                    job.body()
                    return nil
                }, argument)
            if started != 0 {
                // No thread to be had (the process's limit): do the work here rather than not at all.
                Unmanaged<Job>.fromOpaque(argument).takeRetainedValue().body()
            }
        }
    }
}
