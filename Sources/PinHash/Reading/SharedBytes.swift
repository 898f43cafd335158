/// Bytes that never change once written, held in an allocation shared with the bytes of other objects
/// decoded beside them: a certificate's DER and its subject's text.
///
/// Why not `[UInt8]`: a bundle's certificates are decoded on every core and freed by the thread that
/// prints them. An array each (the DER, then the subject's bytes and its String) made three allocations a
/// certificate, each freed by another thread than the one that made it: glibc then takes the lock of the
/// making thread's arena for every free, and the making thread's cache of freed chunks is never refilled,
/// so it takes the same lock for every allocation. On this machine's two virtual processors the waits on
/// that lock put a thread to sleep some 1,500 times in a run of 13,900 certificates (`ru_nvcsw`), and
/// the run took 52 ms instead of 26 whenever a halted processor was slow to wake. Written through a
/// ``SharedBytesWriter``, the objects of one decoding slice (a dozen certificates) share one allocation.
///
/// An object keeps its whole allocation alive: at most a slice's bytes (tens of kilobytes) for each
/// object kept.
struct SharedBytes: Sendable, Hashable {
    private let storage: SharedByteStorage
    private let offset: Int
    let count: Int

    fileprivate init(storage: SharedByteStorage, offset: Int, count: Int) {
        self.storage = storage
        self.offset = offset
        self.count = count
    }

    func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try body(UnsafeBufferPointer(start: storage.base + offset, count: count))
    }

    /// The bytes as an array of their own.
    var array: [UInt8] { withUnsafeBufferPointer { Array($0) } }

    /// A part of these bytes, in the same allocation.
    func slice(_ range: Range<Int>) -> SharedBytes {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        return SharedBytes(storage: storage, offset: offset + range.lowerBound, count: range.count)
    }

    static func == (lhs: SharedBytes, rhs: SharedBytes) -> Bool {
        lhs.withUnsafeBufferPointer { left in
            rhs.withUnsafeBufferPointer { right in left.elementsEqual(right) }
        }
    }

    func hash(into hasher: inout Hasher) {
        withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}

extension SharedBytes: RandomAccessCollection {
    var startIndex: Int { 0 }
    var endIndex: Int { count }

    subscript(position: Int) -> UInt8 {
        precondition(position >= 0 && position < count)
        return storage.base[offset + position]
    }
}

/// Writes the bytes of the objects one thread decodes, one after another, into shared allocations: a new
/// one only when the current has no room left.
struct SharedBytesWriter {
    private var storage: SharedByteStorage?
    private let minimumCapacity: Int
    /// Where a name is formatted before it is copied: its length is known only once it is written.
    private var scratch: [UInt8] = []

    /// `minimumCapacity`: the bytes the writer expects to hold, the size of its first allocation.
    init(minimumCapacity: Int) {
        self.minimumCapacity = max(minimumCapacity, 64)
    }

    /// Writes at most `maximum` bytes with `body`, which returns how many it wrote, or nil to write none
    /// (nothing is kept then).
    mutating func write(maximum: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int?) -> SharedBytes? {
        let storage = room(for: maximum)
        guard let written = body(storage.base + storage.used) else { return nil }
        precondition(written >= 0 && written <= maximum)
        let bytes = SharedBytes(storage: storage, offset: storage.used, count: written)
        storage.used += written
        return bytes
    }

    mutating func copy(_ bytes: UnsafeBufferPointer<UInt8>) -> SharedBytes {
        write(maximum: bytes.count) { out in
            if let base = bytes.baseAddress { out.update(from: base, count: bytes.count) }
            return bytes.count
        }!
    }

    mutating func copy(_ bytes: [UInt8]) -> SharedBytes {
        bytes.withUnsafeBufferPointer { copy($0) }
    }

    /// `der`, a Name, formatted as ``NameFormatter`` formats it.
    mutating func formatName(_ der: UnsafeBufferPointer<UInt8>) -> SharedBytes {
        if let plain = NameFormatter().writePlain(der, with: &self) { return plain }
        // Taken out while it is read, so that `copy` may change the writer.
        var scratch = self.scratch
        self.scratch = []
        defer { self.scratch = scratch }
        scratch.removeAll(keepingCapacity: true)
        NameFormatter().append(der, to: &scratch)
        return scratch.withUnsafeBufferPointer { copy($0) }
    }

    private mutating func room(for count: Int) -> SharedByteStorage {
        if let storage, storage.capacity - storage.used >= count { return storage }
        let fresh = SharedByteStorage(capacity: max(count, storage == nil ? minimumCapacity : 16 << 10))
        storage = fresh
        return fresh
    }
}

/// One allocation of bytes, written at its end only (by the one writer that holds it), freed when the last
/// ``SharedBytes`` in it goes.
private final class SharedByteStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<UInt8>
    let capacity: Int
    var used = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }
}
