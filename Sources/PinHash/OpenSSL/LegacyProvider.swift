internal import CPinhashOpenSSL

/// OpenSSL 3 keeps RC2, RC4 and single DES (old PKCS#12 and PKCS#8 exports) in the legacy provider.
enum LegacyProvider {
    /// Whether the legacy provider (beside the default one) loaded. A static's initializer runs once,
    /// and a thread that needs it while another runs it waits for that one, so every thread that failed
    /// for want of an algorithm retries once the provider is there.
    private static let loaded: Bool = {
        _ = OSSL_PROVIDER_load(nil, "default")
        return OSSL_PROVIDER_load(nil, "legacy") != nil
    }()

    /// Loads the legacy provider when `reasons` say an algorithm was missing; returns whether a retry
    /// can help.
    static func loadIfUnsupported(_ reasons: [String]) -> Bool {
        guard reasons.contains(where: { $0.contains("unsupported") || $0.contains("fetch failed") }) else {
            return false
        }
        return loaded
    }
}
