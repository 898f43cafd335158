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
    /// The window before the last compaction, kept for its capacity (see `compact`).
    private var spare: [UInt8] = []
    /// Bytes before `start` have been consumed.
    var start = 0
    private(set) var isAtEnd = false
    /// Whether the window may hold secret material and must be cleansed when dropped.
    var holdsSecrets = false
    /// The most one read takes.
    private let chunkSize: Int

    /// `chunkSize` is the most one read takes: 256 KiB, some 170 certificates of a bundle, the batch that
    /// is decoded on all cores while the next is read. With 1 MiB, a bundle's run used 4% more CPU time
    /// (the windows' page faults) and 4 MiB more memory, and the first batch waited for more reading.
    init(descriptor: Int32, ownsDescriptor: Bool, chunkSize: Int = 1 << 18) {
        self.descriptor = descriptor
        self.ownsDescriptor = ownsDescriptor
        self.chunkSize = chunkSize
    }

    /// Opens `path`, or standard input for `-`.
    static func open(_ path: String) throws(PinHashError) -> ByteSource {
        if InputName.isStandardInput(path) {
            return ByteSource(descriptor: STDIN_FILENO, ownsDescriptor: false)
        }
        let file: InputFile
        do { file = try InputFile.open(path) } catch { throw PinHashError(.unreadableInput, error.reason) }
        let source = ByteSource(descriptor: file.descriptor, ownsDescriptor: true)
        source.buffer = file.firstBytes
        return source
    }

    deinit {
        cleanse()
        if holdsSecrets { wipeSpare() }
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
        if holdsSecrets, buffer.capacity - buffer.count < chunkSize {
            // Grown for the read, the window would be copied and its old storage freed unwiped.
            var grown: [UInt8] = []
            grown.reserveCapacity(max(buffer.count + chunkSize, 2 * buffer.capacity))
            grown.append(contentsOf: buffer)
            cleanse()
            buffer = grown
        }
        // Straight into the window's room (a read into a buffer of its own, then appended, copied each
        // byte twice: 21 M instructions of memcpy over the CA bundle repeated 100 times).
        var got = 0
        buffer.append(addingCapacity: chunkSize) { room in
            room.withUnsafeMutableBufferPointer { room, initialized in
                while true {
                    got = read(descriptor, room.baseAddress, room.count)
                    if got < 0 && errno == EINTR { continue }
                    break
                }
                initialized = max(got, 0)
            }
        }
        if got < 0 { throw PinHashError(.unreadableInput, "read failed: \(errnoText())") }
        if got == 0 {
            isAtEnd = true
            return false
        }
        return true
    }

    /// Reads until at least `count` bytes are available or the input ends.
    func ensure(_ count: Int) throws(PinHashError) {
        while available < count, try readMore() {}
    }

    /// Reads everything that is left, failing once more than `limit` bytes are waiting.
    func readAll(limit: Int, what: String) throws(PinHashError) {
        while try readMore() {
            if available > limit {
                throw PinHashError(
                    .inputTooLarge, "\(what) is larger than \(InputLimits.describe(bytes: limit))")
            }
        }
    }

    private func compact() {
        guard start > 0, start >= buffer.count / 2 || start == buffer.count else { return }
        if holdsSecrets {
            // The unread tail goes to a new window with room for the next read, and the old one is wiped
            // whole: removing its front in place left the tail's old bytes beyond the new end, in the
            // array's capacity, unwiped when it was freed (a key's text cut by a read stayed in memory).
            var tail: [UInt8] = []
            tail.reserveCapacity(buffer.count - start + chunkSize)
            tail.append(contentsOf: buffer[start...])
            cleanse()
            buffer = tail
            wipeSpare()
        } else {
            // The unread tail moves to the other window. A bundle's batch still decodes from this one while
            // the next is read (the window is shared then, and removing its front would copy it whole), and
            // by the next compaction it has let go of the other, whose pages are then written again rather
            // than allocated and faulted in anew.
            spare.removeAll(keepingCapacity: true)
            // With room for the read that follows: grown by it, the window would be copied and its old
            // storage freed as it is, which, before the input is known to hold a key, may hold its start.
            spare.reserveCapacity(buffer.count - start + chunkSize)
            spare.append(contentsOf: buffer[start...])
            swap(&buffer, &spare)
        }
        start = 0
    }

    /// Overwrites the other window's whole capacity and drops it: it was this one before the last compaction
    /// made before the input was known to hold secrets, and past its end it still holds that window's text,
    /// the start of a key cut by a read among it.
    private func wipeSpare() {
        guard spare.capacity > 0 else { return }
        spare.append(contentsOf: repeatElement(0, count: spare.capacity - spare.count))
        spare.withUnsafeMutableBytes { SecretMemory.cleanse($0.baseAddress, count: $0.count) }
        spare = []
    }

    /// Wipes the window whole when it may hold secrets.
    private func cleanse() {
        guard holdsSecrets, !buffer.isEmpty else { return }
        buffer.withUnsafeMutableBytes { raw in SecretMemory.cleanse(raw.baseAddress, count: raw.count) }
    }
}

func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

extension ByteSource {
    /// A source over bytes already in memory; it never reads, so it has no room to read into.
    convenience init(bytes: [UInt8]) {
        self.init(descriptor: -1, ownsDescriptor: false, chunkSize: 0)
        adopt(bytes)
    }
}
