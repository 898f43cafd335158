import NIOConcurrencyHelpers
import PinHash

/// The certificates of recent reports, by their PEM text: every client of a host reports the same few
/// chains, and reading a certificate (base64, DER, SHA-256) is most of the work a report costs.
final class CertificateCache: Sendable {
    static let shared = CertificateCache()

    /// Enough for the chains of many hosts; when full the cache starts again rather than track age.
    private static let capacity = 4096
    // A pthread mutex, which ThreadSanitizer sees (it cannot see the standard library's Mutex).
    private let entries = NIOLockedValueBox<[String: PinnedObject]>([:])

    func certificate(_ pem: String) -> PinnedObject? {
        entries.withLockedValue { $0[pem] }
    }

    func remember(_ pem: String, _ certificate: PinnedObject) {
        entries.withLockedValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[pem] = certificate
        }
    }
}
