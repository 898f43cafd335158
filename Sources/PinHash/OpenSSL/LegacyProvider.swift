internal import CPinhashOpenSSL
import Synchronization

/// OpenSSL 3 keeps RC2, RC4 and single DES (old PKCS#12 and PKCS#8 exports) in the legacy provider.
enum LegacyProvider {
    private static let loaded = Mutex(false)

    /// Loads the legacy provider (beside the default one) when `reasons` say an algorithm was missing;
    /// returns whether a retry can help.
    static func loadIfUnsupported(_ reasons: [String]) -> Bool {
        guard reasons.contains(where: { $0.contains("unsupported") || $0.contains("fetch failed") }) else {
            return false
        }
        return loaded.withLock { done in
            if done { return false }
            done = true
            _ = OSSL_PROVIDER_load(nil, "default")
            return OSSL_PROVIDER_load(nil, "legacy") != nil
        }
    }
}
