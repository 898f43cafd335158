import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Threads kept for the whole run that work through a batch's iterations beside the thread that asks,
/// one fewer than the processors the process may use.
///
/// Why not `DispatchQueue.concurrentPerform`: on Linux its worker, asleep between batches, was often woken
/// too late to take an iteration of a bundle's batch (about 170 certificates, half a millisecond of
/// work): in traced runs of the CA bundle repeated 100 times, from 41 to all 82 batches ran on two threads,
/// the runs with half of them on one taking 37 ms instead of 28. These threads, after a batch, look for
/// the next a little before they sleep: every batch ran on both.
final class ParallelWork: @unchecked Sendable {
    /// Started at the first batch that needs them.
    static let shared = ParallelWork(threads: ProcessorCount.available - 1)

    /// How long a thread checks for the next batch, or for the last iterations' end, before it sleeps until
    /// woken: 100 microseconds, about three slices of a bundle's batch. Waking a sleeping thread took from
    /// tens of microseconds to a whole batch (a virtual processor that idles is halted); checking for a
    /// millisecond made the slow runs slower on a busy machine (the checking took a core others wanted).
    private static let nanosecondsBeforeSleeping = 100_000

    private let threads: Int
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when a batch is posted (the sleeping threads wake) and when its last iteration ends (the
    /// thread that posted it, if it sleeps, wakes).
    private let posted = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// The batch's number, read without the lock by a thread waiting for the next.
    private let published = Atomic<Int>(0)
    /// Iterations done, read without the lock by the poster waiting for the last.
    private let done = Atomic<Int>(0)

    // Under `lock`.
    private var batch = 0
    private var body: ((Int) -> Void)?
    private var iterations = 0
    private var next = 0
    private var sleepingThreads = 0
    private var posterSleeps = false
    private var started = false

    init(threads: Int) {
        self.threads = max(0, threads)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(posted, nil)
        pthread_cond_init(finished, nil)
    }

    /// Calls `body` once for each of `0..<iterations`, on this thread and the pool's, handing iterations out
    /// in order (the first ones go first), and returns once every call has returned. `body` must be safe to
    /// call from several threads at once. While the pool works for one caller, another (readers on several
    /// threads at once) runs its iterations on its own thread, in order.
    func run(iterations count: Int, _ body: (Int) -> Void) {
        guard threads > 0, count > 1 else {
            for iteration in 0..<count { body(iteration) }
            return
        }
        withoutActuallyEscaping(body) { body in
            pthread_mutex_lock(lock)
            guard self.body == nil else {
                pthread_mutex_unlock(lock)
                for iteration in 0..<count { body(iteration) }
                return
            }
            if !started {
                started = true
                for _ in 0..<threads where !startThread() { break }
            }
            self.body = body
            iterations = count
            next = 0
            done.store(0, ordering: .relaxed)
            batch += 1
            published.store(batch, ordering: .releasing)
            if sleepingThreads > 0 { pthread_cond_broadcast(posted) }
            takeIterations()
            pthread_mutex_unlock(lock)
            // What is left is at most one iteration per thread, already running: wait for it awake first.
            Self.spin { done.load(ordering: .acquiring) >= count }
            pthread_mutex_lock(lock)
            while done.load(ordering: .acquiring) < count {
                posterSleeps = true
                pthread_cond_wait(finished, lock)
            }
            posterSleeps = false
            self.body = nil
            pthread_mutex_unlock(lock)
        }
    }

    /// Runs iterations until none is left to take; called and returns with `lock` held.
    private func takeIterations() {
        while next < iterations, let body {
            let iteration = next
            next += 1
            pthread_mutex_unlock(lock)
            body(iteration)
            pthread_mutex_lock(lock)
            if done.add(1, ordering: .acquiringAndReleasing).newValue == iterations, posterSleeps {
                pthread_cond_signal(finished)
            }
        }
    }

    /// The loop of one pool thread: take what the latest batch has left, then wait for the next.
    private func work() -> Never {
        var seen = 0
        while true {
            Self.spin { published.load(ordering: .acquiring) != seen }
            pthread_mutex_lock(lock)
            while batch == seen {
                sleepingThreads += 1
                pthread_cond_wait(posted, lock)
                sleepingThreads -= 1
            }
            seen = batch
            takeIterations()
            pthread_mutex_unlock(lock)
        }
    }

    /// Checks `ready` until it holds or `nanosecondsBeforeSleeping` have passed.
    private static func spin(until ready: () -> Bool) {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while true {
            for _ in 0..<64 where ready() { return }
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let elapsed = (now.tv_sec - start.tv_sec) * 1_000_000_000 + (now.tv_nsec - start.tv_nsec)
            if elapsed >= nanosecondsBeforeSleeping { return }
        }
    }

    /// False when the system gives no more threads: the batches then run on those there are.
    private func startThread() -> Bool {
        DetachedThread.start { self.work() }
    }
}
