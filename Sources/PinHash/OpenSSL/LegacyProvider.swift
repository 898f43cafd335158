internal import CPinhashOpenSSL
import Synchronization

/// OpenSSL 3 keeps RC2, RC4 and single DES (old PKCS#12 and PKCS#8 exports) in the legacy provider.
enum LegacyProvider {
    /// nil until the first load; then whether the legacy provider loaded.
    private static let loaded = Mutex<Bool?>(nil)

    /// Loads the legacy provider (beside the default one) when `reasons` say an algorithm was missing;
    /// returns whether a retry can help. A thread whose attempt failed while another thread was loading
    /// the provider retries too: the provider is there by then.
    static func loadIfUnsupported(_ reasons: [String]) -> Bool {
        guard reasons.contains(where: { $0.contains("unsupported") || $0.contains("fetch failed") }) else {
            return false
        }
        return loaded.withLock { loaded in
            if let loaded { return loaded }
            _ = OSSL_PROVIDER_load(nil, "default")
            let legacy = OSSL_PROVIDER_load(nil, "legacy") != nil
            loaded = legacy
            return legacy
        }
    }
}
