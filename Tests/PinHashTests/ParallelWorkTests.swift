import Foundation
import Testing

@testable import PinHash

/// The pool that decodes a bundle's batches: every iteration once, the first ones first, the call returning
/// only when all have, and the work spread over the threads there are (`make sanitize` runs these under
/// ThreadSanitizer too; the records are `Locked`, whose pthread mutex it sees).
@Suite("Parallel work: the threads that decode a bundle's batches")
struct ParallelWorkTests {
    /// Which iterations ran, how often, and on which threads.
    final class Record: Sendable {
        let counts: Locked<[Int]>
        let threads = Locked<Set<UInt>>([])

        init(_ count: Int) { counts = Locked([Int](repeating: 0, count: count)) }

        func note(_ iteration: Int) {
            counts.withLock { $0[iteration] += 1 }
            threads.withLock { _ = $0.insert(UInt(bitPattern: Int(bitPattern: pthread_self()))) }
        }

        var eachOnce: Bool { counts.withLock { $0.allSatisfy { $0 == 1 } } }
    }

    @Test(
        "Every iteration runs once, for 0, 1, 2, 4,098 and 70,000 iterations (more than a batch's word counts: run on the calling thread), and all have ended when run returns"
    )
    func everyIterationOnce() {
        let pool = ParallelWork(threads: 3)
        for count in [0, 1, 2, 4098, 70_000] {
            let record = Record(count)
            pool.run(iterations: count) { record.note($0) }
            #expect(record.eachOnce, "\(count) iterations")
        }
    }

    @Test("Ten thousand batches in a row, some a single iteration: none lost, none run twice")
    func manyBatches() {
        let pool = ParallelWork(threads: 2)
        for batch in 0..<10_000 {
            let count = 1 + batch % 13
            let record = Record(count)
            pool.run(iterations: count) { record.note($0) }
            guard record.eachOnce else {
                Issue.record("batch \(batch) of \(count) iterations")
                return
            }
        }
    }

    @Test("A batch is spread over all the pool's threads, and run waits for its slowest iteration")
    func spreadOverThreads() {
        let pool = ParallelWork(threads: 3)
        let record = Record(8)
        let started = Date()
        pool.run(iterations: 8) { iteration in
            record.note(iteration)
            // Each of the first four holds its thread until four threads hold one (a thread runs one
            // iteration at a time), for at most ten seconds.
            if iteration < 4 {
                let deadline = Date().addingTimeInterval(10)
                while record.threads.withLock({ $0.count }) < 4, Date() < deadline { usleep(1_000) }
            }
            if iteration == 7 { usleep(200_000) }
        }
        #expect(record.eachOnce)
        #expect(Date().timeIntervalSince(started) >= 0.2)
        #expect(record.threads.withLock { $0.count } == 4)
    }

    @Test("The first iterations are handed out first (the delivery and the reading a batch starts with)")
    func firstIterationsFirst() {
        let pool = ParallelWork(threads: 1)
        let order = Locked<[Int]>([])
        pool.run(iterations: 6) { iteration in
            order.withLock { $0.append(iteration) }
            usleep(10_000)
        }
        let seen = order.withLock { $0 }
        #expect(Set(seen.prefix(2)) == [0, 1], "\(seen)")
        #expect(seen.sorted() == Array(0..<6))
    }

    @Test("Callers on four threads at once, a thousand batches each: every iteration of each runs once")
    func severalCallers() {
        let pool = ParallelWork(threads: 2)
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            for batch in 0..<1_000 {
                let count = 2 + (batch + caller) % 11
                let record = Record(count)
                pool.run(iterations: count) { iteration in
                    if iteration == 0 { usleep(50) }
                    record.note(iteration)
                }
                if !record.eachOnce {
                    failures.withLock { $0.append("caller \(caller), batch \(batch)") }
                    return
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
    }

    @Test("With no other thread, the iterations run on the calling thread, in order")
    func noThreads() {
        let pool = ParallelWork(threads: 0)
        let order = Locked<[Int]>([])
        let caller = UInt(bitPattern: Int(bitPattern: pthread_self()))
        let record = Record(5)
        pool.run(iterations: 5) { iteration in
            order.withLock { $0.append(iteration) }
            record.note(iteration)
        }
        #expect(order.withLock { $0 } == Array(0..<5))
        #expect(record.threads.withLock { $0 } == [caller])
    }
}
