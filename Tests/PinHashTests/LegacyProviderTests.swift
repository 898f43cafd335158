import Dispatch
import Foundation
import PinHash
import PinHashTestSupport
import Synchronization
import Testing

@Suite("OpenSSL's legacy provider, loaded on first need")
struct LegacyProviderTests {
    /// The provider is loaded once per process, so the test runs in a new process (an exit test): eight
    /// threads open the RC2 PKCS#12 file at once, each failing first for want of RC2 while one of them
    /// loads the provider. Before the fix, the threads that lost the race to load it gave up with "part 1
    /// cannot be decrypted or read".
    @Test("Threads that need the legacy provider at once all retry once it is loaded")
    func concurrentFirstUse() async {
        await #expect(processExitsWith: .success) {
            let path = Fixtures.path("p12/leaf-legacy.p12")
            let reader = PinReader(inputType: .pkcs12, passphrase: .literal(Fixtures.passphrase))
            let failures = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                if (try? reader.pins(inFileAt: path)) == nil { failures.withLock { $0 += 1 } }
            }
            if failures.withLock({ $0 }) > 0 { exit(1) }
        }
    }
}
