import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The system's trusted CA certificates, asked whether a self-issued certificate's key is one of theirs
/// (then it is a root), where OpenSSL looks for them (``TrustStoreLocation``), as the TLS client does:
///
/// - a hashed directory (`openssl rehash`, as `/etc/ssl/certs`) is searched by the subject's hash, so
///   that only the few files named for it are read;
/// - a bundle file (SSL_CERT_FILE, or the default bundle when the directory is not hashed) is read whole,
///   once, the first time a certificate is not found in the directory.
///
/// A store that cannot be read holds no certificates.
final class SystemTrustStore: Sendable {
    static let shared = SystemTrustStore()

    private let directory: String?
    private let bundleFile: String?
    /// The keys of the bundle file's certificates, read at first need.
    private let bundleKeys = Locked<Set<Pin>?>(nil)
    /// The answers given so far, by key: a bundle repeats its CAs.
    private let answers = Locked<[Pin: Bool]>([:])

    private init() {
        let environmentFile = TrustStoreLocation.fileFromEnvironment
        let environmentDirectory = TrustStoreLocation.directoryFromEnvironment
        // OpenSSL takes a colon-separated list; the system's store is the first directory.
        let directory = String(
            (environmentDirectory ?? TrustStoreLocation.defaultDirectory).split(separator: ":").first ?? "")
        self.directory = Self.isHashed(directory) ? directory : nil
        if environmentFile != nil || environmentDirectory != nil {
            bundleFile = environmentFile
        } else {
            bundleFile = self.directory == nil ? TrustStoreLocation.defaultFile : nil
        }
    }

    /// Where the first reading of the store stands, for `askEarly`: 0 not begun, 1 under way, 2 done.
    private static let earlyState = Atomic<Int>(0)

    /// Asks `containsCA` ahead of need, from a thread that has other work: when the store is read
    /// already, or when this call is the first (it then reads the store, loading libcrypto for OpenSSL's
    /// default location when SSL_CERT_DIR is unset); while another thread reads it, this returns at once
    /// rather than wait for that thread.
    static func askEarly(subject: SharedBytes, key pin: Pin) {
        switch earlyState.load(ordering: .acquiring) {
        case 2:
            shared.askUnlessBusy(subject: subject, key: pin)
        case 0 where earlyState.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged:
            _ = shared.containsCA(subject: subject, key: pin)
            earlyState.store(2, ordering: .releasing)
        default:
            return
        }
    }

    /// Reads the store's location on a thread of its own (without SSL_CERT_DIR, libcrypto loaded for
    /// OpenSSL's default: about a millisecond, as long as two batches of a bundle take to decode), so that
    /// no batch waits for it: `askEarly` passes over the store meanwhile, and the delivery finds it read or
    /// waits for the rest. Asked in the first batch's decoding instead, it held that batch (and the other
    /// core) for 1.4 ms.
    static func prepareEarly() {
        guard earlyState.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged else {
            return
        }
        let started = DetachedThread.start {
            _ = shared
            earlyState.store(2, ordering: .releasing)
        }
        // No thread to be had: the first question reads it, as before.
        if !started { earlyState.store(0, ordering: .releasing) }
    }

    /// `containsCA` for `askEarly`, which wants no answer: nothing when another thread holds the answers.
    /// The decoding threads ask about nearly every certificate of a CA bundle, and waiting for each other
    /// they slept on the lock 40 times a run of the bundle repeated 100 times.
    private func askUnlessBusy(subject: SharedBytes, key pin: Pin) {
        guard let known = answers.withLockIfAvailable({ $0[pin] }), known == nil else { return }
        let found = search(subject: subject, key: pin)
        answers.withLock { $0[pin] = found }
    }

    /// Whether a trusted CA certificate has the subject `subject` (a DER Name) and the key `pin`.
    func containsCA(subject: SharedBytes, key pin: Pin) -> Bool {
        if let known = answers.withLock({ $0[pin] }) { return known }
        let found = search(subject: subject, key: pin)
        answers.withLock { $0[pin] = found }
        return found
    }

    private func search(subject: SharedBytes, key pin: Pin) -> Bool {
        if let directory, let hash = Self.subjectHash(subject) {
            let prefix = directory + "/" + Self.hexDigits(hash) + "."
            var index = 0
            while access(prefix + String(index), R_OK) == 0 {
                if Self.keys(inFileAt: prefix + String(index)).contains(pin) { return true }
                index += 1
            }
        }
        guard let bundleFile else { return false }
        return bundleKeys.withLock { keys in
            if keys == nil { keys = Self.keys(inFileAt: bundleFile) }
            return keys!.contains(pin)
        }
    }

    /// The name's subject hash: pinhash's own for the names of CAs, OpenSSL's for any other.
    private static func subjectHash(_ subject: SharedBytes) -> UInt32? {
        subject.withUnsafeBufferPointer(canonicalSubjectHash(ofNameDER:))
            ?? X509Name.subjectHash(ofNameDER: subject.array[...])
    }

    /// The keys of the certificates in a file; none when it cannot be read.
    private static func keys(inFileAt path: String) -> Set<Pin> {
        // Roles do not matter here, and asking this store about them would wait on itself.
        var reader = PinReader(inputType: .certificate)
        reader.consultsSystemTrustStore = false
        var keys = Set<Pin>()
        try? reader.forEachPin(inFileAt: path) { keys.insert($0.pin) }
        return keys
    }

    /// Whether `directory` holds `HHHHHHHH.N` names.
    private static func isHashed(_ directory: String) -> Bool {
        guard let handle = opendir(directory) else { return false }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            let parts = name.split(separator: ".")
            if parts.count == 2, parts[0].count == 8, parts[0].allSatisfy(\.isHexDigit),
                parts[1].allSatisfy(\.isNumber)
            {
                return true
            }
        }
        return false
    }

    /// `0a1b2c3d`: a hash as the directory's file names spell it.
    private static func hexDigits(_ hash: UInt32) -> String {
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 8 - text.count) + text
    }
}
