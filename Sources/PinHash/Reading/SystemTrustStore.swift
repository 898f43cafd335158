#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The keys of the system's trusted CA certificates, read once, when a certificate's role first
/// depends on them: a self-issued certificate whose key is one of these is a root.
///
/// Read where OpenSSL reads them (``TrustStoreLocation``): the bundle file, or when there is none the
/// certificates of the hashed directory (`/etc/ssl/certs`). A store that cannot be read holds no keys.
final class SystemTrustStore: Sendable {
    static let shared = SystemTrustStore()

    private let keys: Set<Pin>

    private init() {
        var keys = Set<Pin>()
        for path in Self.certificateFiles() {
            // Roles do not matter here, and asking this store about them would wait on itself.
            var reader = PinReader(inputType: .certificate)
            reader.consultsSystemTrustStore = false
            try? reader.forEachPin(inFileAt: path) { keys.insert($0.pin) }
        }
        self.keys = keys
    }

    /// Whether a trusted CA certificate has this key.
    func containsKey(of pin: Pin) -> Bool { keys.contains(pin) }

    private static func certificateFiles() -> [String] {
        let environmentFile = TrustStoreLocation.fileFromEnvironment
        let environmentDirectory = TrustStoreLocation.directoryFromEnvironment
        if environmentFile != nil || environmentDirectory != nil {
            return (environmentFile.map { [$0] } ?? []) + (environmentDirectory.map(hashedFiles(in:)) ?? [])
        }
        if access(TrustStoreLocation.defaultFile, R_OK) == 0 { return [TrustStoreLocation.defaultFile] }
        return hashedFiles(in: TrustStoreLocation.defaultDirectory)
    }

    /// The `HHHHHHHH.N` files of a directory c_rehash made: one CA certificate each.
    private static func hashedFiles(in directory: String) -> [String] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        var files: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let parts = name.split(separator: ".")
            guard parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit),
                parts[1].allSatisfy(\.isNumber)
            else { continue }
            files.append(directory + "/" + name)
        }
        return files.sorted()
    }
}
