internal import CPinhashOpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file descriptor in chunks into one growable window, so that a stream of any length is read
/// in bounded memory: consumed bytes are dropped before the next read.
final class ByteSource {
    private let descriptor: Int32
    private let ownsDescriptor: Bool
    private(set) var buffer: [UInt8] = []
    /// Bytes before `start` have been consumed.
    var start = 0
    private(set) var isAtEnd = false
    /// Whether the window may hold secret material and must be cleansed when dropped.
    var holdsSecrets = false
    private let chunkSize: Int

    init(descriptor: Int32, ownsDescriptor: Bool, chunkSize: Int = 1 << 20) {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.chunkSize = chunkSize
    }

    /// Opens `path`, or standard input for `-`.
    static func open(_ path: String) throws(PinHashError) -> ByteSource {
        if path == "-" { return ByteSource(descriptor: STDIN_FILENO, ownsDescriptor: false) }
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw PinHashError(.unreadableInput, "cannot open: \(errnoText())") }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFDIR {
            _ = close(descriptor)
            throw PinHashError(.unreadableInput, "is a directory")
        }
        return ByteSource(descriptor: descriptor, ownsDescriptor: true)
    }

    deinit {
        cleanse()
        if ownsDescriptor { _ = close(descriptor) }
    }

    var available: Int { buffer.count - start }

    fileprivate func adopt(_ bytes: [UInt8]) {
        buffer = bytes
        isAtEnd = true
    }

    /// Reads one more chunk; returns false at end of input.
    @discardableResult
    func readMore() throws(PinHashError) -> Bool {
        if isAtEnd { return false }
        compact()
        let oldCount = buffer.count
        buffer.reserveCapacity(oldCount + chunkSize)
        var readError: Int32 = 0
        var got = 0
        // Append uninitialised room, read into it, then trim to what arrived.
        buffer.append(contentsOf: repeatElement(0, count: chunkSize))
        while true {
            got = buffer.withUnsafeMutableBytes { raw in
                read(descriptor, raw.baseAddress! + oldCount, chunkSize)
            }
            if got < 0 && errno == EINTR { continue }
            if got < 0 { readError = errno }
            break
        }
        buffer.removeLast(chunkSize - max(got, 0))
        if got < 0 { throw PinHashError(.unreadableInput, "read failed: \(errnoText(readError))") }
        if got == 0 { isAtEnd = true }
        return got > 0
    }

    /// Reads until at least `count` bytes are available or the input ends.
    func ensure(_ count: Int) throws(PinHashError) {
        while available < count, try readMore() {}
    }

    /// Reads everything that is left, failing once more than `limit` bytes are waiting.
    func readAll(limit: Int, what: String) throws(PinHashError) {
        while try readMore() {
            if available > limit {
                throw PinHashError(.inputTooLarge, "\(what) is larger than \(limit >> 20) MiB")
            }
        }
    }

    private func compact() {
        guard start > 0, start >= buffer.count / 2 || start == buffer.count else { return }
        if holdsSecrets { cleanse(upTo: start) }
        buffer.removeSubrange(0..<start)
        start = 0
    }

    private func cleanse(upTo end: Int? = nil) {
        guard holdsSecrets, !buffer.isEmpty else { return }
        let count = end ?? buffer.count
        buffer.withUnsafeMutableBytes { raw in OPENSSL_cleanse(raw.baseAddress, count) }
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

extension ByteSource {
    /// A source over bytes already in memory.
    convenience init(bytes: [UInt8]) {
        self.init(descriptor: -1, ownsDescriptor: false)
        adopt(bytes)
    }
}
