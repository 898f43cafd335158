import PinHash
import PinHashLive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

enum Diagnostics {
    /// One line on standard error, prefixed `pinhash: `.
    static func warn(_ message: String) {
        let line = "pinhash: \(message)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    }
}

/// Standard output, held back per input so that an input that fails part-way prints nothing; an input
/// whose lines pass `holdLimit` bytes (a bundle of hundreds of thousands of certificates) is written as
/// it goes, to keep memory bounded.
final class OutputBuffer {
    @exclusivity(unchecked) private var committed = ByteStore()
    /// Appended to for every column of a bundle's lines; one thread at a time uses a buffer, so the
    /// runtime's exclusivity checks on each access (two a column) are left out.
    @exclusivity(unchecked) private var pending = ByteStore()
    private let holdLimit = 8 << 20
    /// Whether some of this input's text went out because it passed `holdLimit`.
    private var pendingWasWritten = false

    deinit {
        committed.deallocate()
        pending.deallocate()
    }

    func append(_ text: String) {
        makeRoom(for: text.utf8.count)
        pending.append(text)
        writeIfOverLimit()
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        makeRoom(for: bytes.count)
        pending.append(bytes)
        writeIfOverLimit()
    }

    /// A string literal, appended from its static bytes (no String is made or retained).
    func appendLiteral(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    private func makeRoom(for count: Int) {
        // Room for all that may be held, reserved (not touched) once an input's text grows past a few
        // pages: growing by doubling copied a bundle's lines several times, onto fresh pages each time.
        if pending.count > 1 << 16, pending.capacity < holdLimit {
            pending.reserve(holdLimit + (1 << 16))
        }
        pending.reserve(pending.count + count)
    }

    private func writeIfOverLimit() {
        if pending.count > holdLimit {
            pendingWasWritten = true
            commit()
        }
    }

    func commit() {
        pendingWasWritten = false
        if committed.count == 0 {
            // The held text becomes the committed text as it is, not copied.
            swap(&committed, &pending)
        } else {
            committed.append(pending.bytes)
        }
        pending.removeAll()
        if committed.count >= 1 << 16 { flush() }
    }

    /// Drops the text held since the last commit; false when part of it was written already.
    @discardableResult
    func discard() -> Bool {
        pending.removeAll()
        defer { pendingWasWritten = false }
        return !pendingWasWritten
    }

    /// Writes `text` to standard output now, as `print` would but checked: a write that fails ends the
    /// run with one line on standard error and exit status 1.
    static func writeNow(_ text: String) {
        let output = OutputBuffer()
        output.append(text)
        output.commit()
        output.flush()
    }

    /// Writes what was committed; a failed write ends the run with exit status 1 and one line, which
    /// ends with `done` when given: what the command did before printing (`the key was written to …`).
    func flush(done: String? = nil) {
        let bytes = committed.bytes
        var offset = 0
        while offset < bytes.count {
            let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                let failure = "cannot write to standard output: \(String(cString: strerror(errno)))"
                Diagnostics.warn(failure + (done.map { "; \($0)" } ?? ""))
                exit(1)
            }
            offset += written
        }
        committed.removeAll()
    }
}

/// Bytes in memory of their own, grown as needed: appending a listing's columns to an `Array` went
/// through its generic path, 100 instructions a column (190 for a `String`), for every line of a bundle.
/// The owner deallocates it; a copy shares the memory, so `OutputBuffer` keeps each in one place.
struct ByteStore {
    private var base: UnsafeMutablePointer<UInt8>?
    private(set) var count = 0
    private(set) var capacity = 0

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Whether `base` is a mapping of its own (see `reserve`), not from malloc.
    private var isMapped = false

    /// Room for `minimum` bytes in all, growing at least twofold so that appends stay amortised.
    @inline(__always)
    mutating func reserve(_ minimum: Int) {
        if minimum > capacity { grow(minimum) }
    }

    private mutating func grow(_ minimum: Int) {
        let grown = max(minimum, 2 * capacity, 256)
        // Room for a bundle's held lines is a mapping of its own in huge pages (when the kernel gives
        // them for the asking, as Debian's does): 2.7 MB of lines faulted in page by page on the thread
        // that prints took 650 of a bulk run's 1,620 page faults (60 paired runs of 13,900 certificates:
        // wall time median 27.8 ms to 26.0 ms).
        if grown >= Self.hugePage {
            let size = (grown + Self.hugePage - 1) / Self.hugePage * Self.hugePage
            guard let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                mapped != MAP_FAILED
            else {
                Diagnostics.warn("out of memory holding \(grown) bytes of output")
                exit(1)
            }
            #if os(Linux)
                _ = madvise(mapped, size, MADV_HUGEPAGE)
            #endif
            let moved = mapped.assumingMemoryBound(to: UInt8.self)
            if let base { moved.update(from: base, count: count) }
            release()
            base = moved
            capacity = size
            isMapped = true
            return
        }
        // (A mapped store is at least a huge page, so it grows by the branch above.)
        guard let moved = realloc(base, grown) else {
            Diagnostics.warn("out of memory holding \(grown) bytes of output")
            exit(1)
        }
        base = moved.assumingMemoryBound(to: UInt8.self)
        capacity = grown
    }

    private static let hugePage = 2 << 20

    private mutating func release() {
        if isMapped { _ = munmap(base, capacity) } else { free(base) }
        isMapped = false
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(count + bytes.count)
        (base! + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    mutating func removeAll() { count = 0 }

    mutating func deallocate() {
        release()
        base = nil
        count = 0
        capacity = 0
    }
}

/// A `--format` document written as its entries arrive (``PinDocumentStream``), so that a bundle of any
/// length is formatted in bounded memory. `mark()` before an input and `rollBack()` after one that
/// failed drop what it added, unless part of its text was written already.
final class DocumentOutput {
    private var stream: PinDocumentStream
    private let output: OutputBuffer
    private var saved: PinDocumentStream?

    init(_ formatter: PinFormatter, to output: OutputBuffer) throws {
        stream = try PinDocumentStream(formatter)
        self.output = output
    }

    func add(_ entry: PinnedEntry) { output.append(stream.add(entry)) }

    func mark() { saved = stream }

    func rollBack(textWasDiscarded: Bool) {
        if textWasDiscarded, let saved { stream = saved }
    }

    /// The end of the document; nothing when no input gave an entry. Its notes go to stderr.
    func finish() {
        if !stream.isEmpty { output.append(stream.finish()) }
        for note in stream.notes { Diagnostics.warn(note.commandLineMessage) }
    }
}

/// What one input prints: every object with --all, else its one pin (and a note when the first
/// certificate of a bundle is a CA while the leaf comes later). With a `document`, the objects go into
/// that `--format` document instead of being printed as lines.
final class InputReport {
    let file: String
    let showFile: Bool
    let all: Bool
    let document: DocumentOutput?
    private var representative = RepresentativePin()
    /// Warnings about the objects printed and notes about blocks skipped, told once the input has been
    /// read whole (an input that fails part-way gets its one error line only).
    private var warnings: [String] = []

    /// The file's column on `PIN  FILE` lines, escaped once.
    private let fileColumn: (linePrefix: String, name: String)

    init(file: String, showFile: Bool, all: Bool, document: DocumentOutput? = nil) {
        self.fileColumn = Self.fileColumn(file)
        self.file = file
        self.showFile = showFile
        self.all = all
        self.document = document
    }

    /// Adds an object; `sentByServer` is false for a certificate of a client's chain that the server did
    /// not send, whose line ends in `(not sent)`.
    func add(_ object: PinnedObject, sentByServer: Bool? = nil, to output: OutputBuffer) {
        if all { noteWarnings(of: object) }
        if all, let document {
            document.add(PinnedEntry(object, source: file, sentByServer: sentByServer))
            return
        }
        if all {
            if showFile { output.append(fileColumn.linePrefix) }
            object.pin.withBase64 { output.append($0) }
            // Appended piece by piece: an interpolated string would be built (and freed) for each line.
            if showFile {
                output.appendLiteral("  ")
                output.append(fileColumn.name)
            }
            output.appendLiteral("  ")
            output.append(object.label)
            output.appendLiteral("  ")
            object.withDetail { output.append($0) }
            if let note = CACatalogue.builtInNote(for: object.pin) {
                output.appendLiteral("  ")
                output.append(note)
            }
            // Expiry is what people check next; `check` words it the same way.
            object.withNotAfter { notAfter in
                guard let notAfter else { return }
                output.appendLiteral("  until ")
                output.append(notAfter)
            }
            if sentByServer == false { output.appendLiteral("  (not sent)") }
            output.appendLiteral("\n")
            return
        }
        representative.add(object)
    }

    /// A block the reader passed over.
    func skipped(_ block: SkippedBlock) {
        warnings.append("\(InputName.displayName(of: file)): note: \(block)")
    }

    private func noteWarnings(of object: PinnedObject) {
        for warning in object.warnings {
            warnings.append(
                "\(InputName.displayName(of: file)): warning: object \(object.position) (\(object.label)): \(warning)"
            )
        }
    }

    /// The file column of a `PIN  FILE` line, as sha256sum writes it: a name with a backslash or a
    /// control character is escaped (`\\`, `\n`, and `\xHH` for the other control characters) and its
    /// line starts with a backslash, so that no name can forge a line; any other name is written as it is.
    static func fileColumn(_ file: String) -> (linePrefix: String, name: String) {
        guard file.utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 < 0x20 || $0 == 0x7F }) else {
            return ("", file)
        }
        var doubled = ""
        for character in file { doubled += character == "\\" ? "\\\\" : String(character) }
        return ("\\", InputName.escapingControlCharacters(doubled))
    }

    func finish(to output: OutputBuffer) {
        defer {
            warnings.forEach(Diagnostics.warn)
            warnings.removeAll()
        }
        guard !all, let chosen = representative.object else { return }
        noteWarnings(of: chosen)
        if let document {
            document.add(PinnedEntry(chosen, source: file))
        } else {
            if showFile {
                output.append("\(fileColumn.linePrefix)\(chosen.pin.base64)  \(fileColumn.name)\n")
            } else {
                output.append("\(chosen.pin.base64)\n")
            }
        }
        if let note = representative.leafComesLater {
            let authority = note.authority.role == .root ? "a root" : "an intermediate"
            Diagnostics.warn(
                "\(InputName.displayName(of: file)): note: the first certificate is \(authority) CA "
                    + "(\(note.authority.subject ?? "")); the leaf (\(note.leaf.subject ?? "")) is object "
                    + "\(note.leaf.position): --all prints every pin")
        }
    }
}
