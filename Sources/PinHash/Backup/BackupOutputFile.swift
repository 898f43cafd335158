#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Creates the files pinhash writes (backup keys and their requests): never replacing anything, never
/// visible half-written, and for keys with mode exactly 0600 from the moment the file exists.
enum OutputFile {
    /// Fails unless nothing is at `path` (`lstat`, so a dangling symbolic link counts) and its directory
    /// exists. `what` ends the refusal: `backup.key exists; pinhash never overwrites a key`.
    static func checkNothingExists(at path: String, what: String) throws(PinHashError) {
        guard !path.isEmpty else { throw PinHashError(.unwritableOutput, "the output file name is empty") }
        var status = stat()
        if lstat(path, &status) == 0 { throw exists(path, what) }
        let directory = directory(of: path)
        guard stat(directory, &status) == 0 else {
            throw PinHashError(.unwritableOutput, "cannot create \(path): \(directory): \(errnoText())")
        }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw PinHashError(.unwritableOutput, "cannot create \(path): \(directory) is not a directory")
        }
    }

    /// Creates `path` holding `contents`: written to a temporary file in the same directory (created
    /// exclusively with `mode`; `exactMode` also sets it with `fchmod`, past the umask), synced, then
    /// hard-linked into place, which fails if anything is at `path` by then. On file systems without hard
    /// links (FAT on a USB stick) the file is created at `path` exclusively and written in place instead.
    static func create(
        at path: String, contents: UnsafeRawBufferPointer, mode: mode_t, exactMode: Bool, what: String
    ) throws(PinHashError) {
        let directory = directory(of: path)
        let (temporary, descriptor) = try createTemporary(in: directory, mode: mode)
        var linked = false
        defer { if !linked { _ = unlink(temporary) } }
        try fill(descriptor, path: path, contents: contents, mode: exactMode ? mode : nil)
        if link(temporary, path) == 0 {
            linked = true
            _ = unlink(temporary)
            syncDirectory(directory)
            return
        }
        let linkError = errno
        if linkError == EEXIST { throw exists(path, what) }
        guard linkError == EPERM || linkError == EOPNOTSUPP || linkError == ENOSYS || linkError == EMLINK
        else {
            throw PinHashError(.unwritableOutput, "cannot create \(path): \(errnoText(linkError))")
        }
        let direct = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
        guard direct >= 0 else {
            if errno == EEXIST { throw exists(path, what) }
            throw PinHashError(.unwritableOutput, "cannot create \(path): \(errnoText())")
        }
        do {
            try fill(direct, path: path, contents: contents, mode: exactMode ? mode : nil)
        } catch {
            _ = unlink(path)
            throw error
        }
        syncDirectory(directory)
    }

    /// Puts `contents` at `path`, replacing what is there: written to a temporary file in the same
    /// directory, synced, then renamed over `path`, so that a reader sees the old file or the new one.
    static func replace(at path: String, contents: UnsafeRawBufferPointer, mode: mode_t) throws(PinHashError)
    {
        guard !path.isEmpty else { throw PinHashError(.unwritableOutput, "the output file name is empty") }
        let directory = directory(of: path)
        let (temporary, descriptor) = try createTemporary(in: directory, mode: mode)
        var renamed = false
        defer { if !renamed { _ = unlink(temporary) } }
        try fill(descriptor, path: path, contents: contents, mode: nil)
        guard rename(temporary, path) == 0 else {
            throw PinHashError(.unwritableOutput, "cannot replace \(path): \(errnoText())")
        }
        renamed = true
        syncDirectory(directory)
    }

    private static func exists(_ path: String, _ what: String) -> PinHashError {
        PinHashError(.outputExists, "\(path) exists; pinhash never overwrites \(what)")
    }

    /// A new, empty file `DIRECTORY/.pinhash-XXXXXXXXXXXX` opened for writing.
    private static func createTemporary(in directory: String, mode: mode_t) throws(PinHashError)
        -> (String, Int32)
    {
        var attempts = 0
        while true {
            let suffix = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
            let temporary = "\(directory)/.pinhash-\(suffix)"
            let descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
            if descriptor >= 0 { return (temporary, descriptor) }
            attempts += 1
            guard errno == EEXIST, attempts < 100 else {
                throw PinHashError(
                    .unwritableOutput, "cannot create a temporary file in \(directory): \(errnoText())")
            }
        }
    }

    /// Sets the mode (when given), writes all of `contents`, syncs and closes `descriptor`.
    private static func fill(
        _ descriptor: Int32, path: String, contents: UnsafeRawBufferPointer, mode: mode_t?
    )
        throws(PinHashError)
    {
        var closed = false
        defer { if !closed { _ = close(descriptor) } }
        func fail(_ doing: String) -> PinHashError {
            PinHashError(.unwritableOutput, "cannot \(doing) \(path): \(errnoText())")
        }
        if let mode, fchmod(descriptor, mode) != 0 { throw fail("set the mode of") }
        var offset = 0
        while offset < contents.count {
            let written = write(descriptor, contents.baseAddress! + offset, contents.count - offset)
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw fail("write") }
            offset += written
        }
        guard fsync(descriptor) == 0 else { throw fail("sync") }
        closed = true
        guard close(descriptor) == 0 else { throw fail("close") }
    }

    /// Makes the new directory entry durable too; a failure here loses nothing already written.
    private static func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }

    /// The directory part of `path`: `.` for a bare name, `/` for a file in the root.
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let directory = path[..<slash]
        return directory.isEmpty ? "/" : String(directory)
    }
}
