internal import CPinhashCPU
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
    /// woken: 20 microseconds. Waking a sleeping thread took from tens of microseconds to a whole batch (a
    /// virtual processor that idles is halted), but the checking takes a core others may want: with the
    /// other core busy with another program, the bundle took 43.6 ms checking for 100 µs, 40.4 ms for
    /// 20 µs and 39.5 ms not checking at all (one thread: 39.4 ms); on the quiet machine 26.4, 27.6 and
    /// 27.9 ms (medians of 20 and 40 paired runs of 13,900 certificates). A millisecond was worse still.
    private static let nanosecondsBeforeSleeping = 20_000

    private let threads: Int
    /// The batch being worked through, its size and the next iteration to take, in one word so that a
    /// thread takes an iteration with one compare-and-swap and never one of a batch that has ended:
    /// the batch's number in the high 32 bits, its iteration count and the next iteration in 16 each.
    /// Taking iterations under a lock (twice an iteration) made a thread sleep on it whenever the other
    /// held it: 71 times in a run of the CA bundle repeated 100 times under strace, each sleep a wake-up of
    /// a halted virtual processor.
    private let claim = Atomic<UInt64>(0)
    /// Iterations of the current batch that have returned.
    private let done = Atomic<Int>(0)
    /// Threads asleep, or about to sleep, waiting for a batch; the poster wakes them only if there are.
    private let sleepingThreads = Atomic<Int>(0)
    /// Set while a caller's batch runs: a second caller runs its own iterations on its own thread.
    private let inUse = Atomic<Bool>(false)
    /// Written by the poster before it publishes a batch in `claim`, read by a thread only once it has
    /// taken an iteration of that batch, which cannot end (nor this change) before the iteration returns.
    private var body: ((Int) -> Void)?

    /// Sleeping and waking only; taking iterations needs no lock.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    /// Signalled when a batch is posted and threads sleep, and when its last iteration ends while the
    /// poster sleeps.
    private let posted = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Under `lock`.
    private var posterSleeps = false
    private var started = false

    init(threads: Int) {
        self.threads = max(0, threads)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(posted, nil)
        pthread_cond_init(finished, nil)
    }

    /// Only a pool that never started its threads ends (they hold it for the process's life).
    deinit {
        pthread_cond_destroy(finished)
        pthread_cond_destroy(posted)
        pthread_mutex_destroy(lock)
        finished.deallocate()
        posted.deallocate()
        lock.deallocate()
    }

    private static func batchNumber(_ word: UInt64) -> UInt64 { word >> 32 }

    /// Calls `body` once for each of `0..<iterations`, on this thread and the pool's, handing iterations out
    /// in order (the first ones go first), and returns once every call has returned. `body` must be safe to
    /// call from several threads at once. While the pool works for one caller, another (readers on several
    /// threads at once) runs its iterations on its own thread, in order.
    func run(iterations count: Int, _ body: (Int) -> Void) {
        guard threads > 0, count > 1, count < 1 << 16,
            inUse.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else {
            for iteration in 0..<count { body(iteration) }
            return
        }
        defer { inUse.store(false, ordering: .releasing) }
        withoutActuallyEscaping(body) { body in
            pthread_mutex_lock(lock)
            if !started {
                started = true
                for _ in 0..<threads where !startThread() { break }
            }
            pthread_mutex_unlock(lock)
            self.body = body
            done.store(0, ordering: .relaxed)
            let batch = Self.batchNumber(claim.load(ordering: .relaxed)) &+ 1
            claim.store(batch << 32 | UInt64(count) << 16, ordering: .sequentiallyConsistent)
            // A thread going to sleep counts itself before it looks at `claim` once more, and this reads
            // the count after the store: one of the two sees the other.
            if sleepingThreads.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(lock)
                pthread_cond_broadcast(posted)
                pthread_mutex_unlock(lock)
            }
            takeIterations(of: batch)
            // What is left is at most one iteration per thread, already running: wait for it awake first.
            Self.spin { done.load(ordering: .acquiring) >= count }
            if done.load(ordering: .acquiring) < count {
                pthread_mutex_lock(lock)
                while done.load(ordering: .acquiring) < count {
                    posterSleeps = true
                    pthread_cond_wait(finished, lock)
                }
                posterSleeps = false
                pthread_mutex_unlock(lock)
            }
            self.body = nil
        }
    }

    /// Runs iterations of batch `batch` until none is left to take (or the batch has ended).
    private func takeIterations(of batch: UInt64) {
        var word = claim.load(ordering: .acquiring)
        while Self.batchNumber(word) == batch {
            let count = Int(word >> 16 & 0xFFFF)
            let iteration = Int(word & 0xFFFF)
            guard iteration < count else { return }
            let (exchanged, original) = claim.compareExchange(
                expected: word, desired: word + 1, ordering: .acquiringAndReleasing)
            guard exchanged else {
                word = original
                continue
            }
            body!(iteration)
            if done.add(1, ordering: .acquiringAndReleasing).newValue == count {
                pthread_mutex_lock(lock)
                if posterSleeps { pthread_cond_signal(finished) }
                pthread_mutex_unlock(lock)
            }
            word = claim.load(ordering: .acquiring)
        }
    }

    /// The loop of one pool thread: take what the latest batch has left, then wait for the next.
    private func work() -> Never {
        var seen: UInt64 = 0
        while true {
            Self.spin { Self.batchNumber(claim.load(ordering: .relaxed)) != seen }
            if Self.batchNumber(claim.load(ordering: .relaxed)) == seen {
                pthread_mutex_lock(lock)
                sleepingThreads.add(1, ordering: .sequentiallyConsistent)
                while Self.batchNumber(claim.load(ordering: .sequentiallyConsistent)) == seen {
                    pthread_cond_wait(posted, lock)
                }
                sleepingThreads.subtract(1, ordering: .relaxed)
                pthread_mutex_unlock(lock)
            }
            seen = Self.batchNumber(claim.load(ordering: .acquiring))
            takeIterations(of: seen)
        }
    }

    /// Checks `ready` until it holds or `nanosecondsBeforeSleeping` have passed, with the processor's
    /// spin-wait hint between checks: on a machine whose two virtual processors share a core, a check
    /// without it would take the core's time from the thread being waited for.
    private static func spin(until ready: () -> Bool) {
        var start = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        while true {
            for _ in 0..<64 {
                if ready() { return }
                pinhash_cpu_pause()
            }
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
