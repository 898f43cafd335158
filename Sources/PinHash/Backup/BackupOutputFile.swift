#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

#if os(Linux)
    /// `O_TMPFILE`, which Swift does not import (it is `__O_TMPFILE | O_DIRECTORY`, and `__O_TMPFILE` is
    /// 0o20000000 on x86_64 and arm64 alike). A kernel without it sees `O_DIRECTORY` and fails (EISDIR).
    private let unnamedFile = Int32(0o20000000) | O_DIRECTORY
#endif

/// Creates the files pinhash writes (backup keys and their requests): never replacing anything, never
/// visible half-written, never left behind by a signal, and for keys with mode exactly 0600 from the
/// moment the file exists.
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

    /// Creates `path` holding `contents`, never visible half-written and never left behind by a signal
    /// (SIGINT, SIGTERM, SIGHUP; see ``SignalCleanup``), with `mode` (`exactMode`: set with `fchmod` too,
    /// past the umask). The first of these ways that the file system allows:
    /// 1. (Linux) an unnamed file (`O_TMPFILE`) in the same directory, written, synced, then linked to
    ///    `path`: the contents have no name at all until they are whole and in place.
    /// 2. A temporary file `DIRECTORY/.pinhash-XXXXXXXXXXXX`, written, synced, then hard-linked to `path`;
    ///    a signal meanwhile removes it.
    /// 3. Without hard links (FAT on a USB stick), `path` itself, created exclusively and written in
    ///    place; a signal or a failure meanwhile removes it.
    /// Linking fails if anything is at `path` by then. `whileNew` runs once the file is in place, with
    /// the file still removed if a signal comes or `whileNew` throws: so a key and its request appear
    /// together or not at all.
    static func create(
        at path: String, contents: UnsafeRawBufferPointer, mode: mode_t, exactMode: Bool, what: String,
        whileNew: () throws(PinHashError) -> Void = {}
    ) throws(PinHashError) {
        let file = NewFile(
            path: path, directory: directory(of: path), contents: contents, mode: mode,
            exactMode: exactMode ? mode : nil, what: what)
        if try file.linkUnnamed(whileNew) { return }
        if try file.linkNamed(whileNew) { return }
        try file.writeInPlace(whileNew)
    }

    /// One file being created, and the three ways of doing it.
    struct NewFile {
        let path: String
        let directory: String
        let contents: UnsafeRawBufferPointer
        let mode: mode_t
        let exactMode: mode_t?
        let what: String

        /// False when there are no unnamed files here: another system, a file system without
        /// `O_TMPFILE`, or no /proc to link one from.
        func linkUnnamed(_ whileNew: () throws(PinHashError) -> Void) throws(PinHashError) -> Bool {
            #if os(Linux)
                let descriptor = open(directory, unnamedFile | O_WRONLY | O_CLOEXEC, mode)
                guard descriptor >= 0 else { return false }
                // Synced before the link; closing after it cannot lose what fsync reported written.
                defer { _ = close(descriptor) }
                try fill(descriptor)
                let identity = SignalCleanup.FileIdentity(descriptor: descriptor)
                return try SignalCleanup.removing(path, ifItIs: identity) { () throws(PinHashError) -> Bool in
                    // linkat(AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH; the descriptor's /proc name does not.
                    guard
                        linkat(AT_FDCWD, "/proc/self/fd/\(descriptor)", AT_FDCWD, path, AT_SYMLINK_FOLLOW)
                            == 0
                    else {
                        if errno == EEXIST { throw exists(path, what) }
                        return false
                    }
                    try finish(whileNew)
                    return true
                }
            #else
                return false
            #endif
        }

        /// False when the file system has no hard links.
        func linkNamed(_ whileNew: () throws(PinHashError) -> Void) throws(PinHashError) -> Bool {
            let (temporary, descriptor) = try createTemporary(in: directory, mode: mode)
            let identity = SignalCleanup.FileIdentity(descriptor: descriptor)
            return try SignalCleanup.removing(temporary, ifItIs: identity) {
                () throws(PinHashError) -> Bool in
                defer { _ = unlink(temporary) }
                try fillAndClose(descriptor)
                return try SignalCleanup.removing(path, ifItIs: identity) { () throws(PinHashError) -> Bool in
                    guard link(temporary, path) == 0 else {
                        let linkError = errno
                        if linkError == EEXIST { throw exists(path, what) }
                        if [EPERM, EOPNOTSUPP, ENOSYS, EMLINK].contains(linkError) { return false }
                        throw PinHashError(
                            .unwritableOutput, "cannot create \(path): \(errnoText(linkError))")
                    }
                    _ = unlink(temporary)
                    try finish(whileNew)
                    return true
                }
            }
        }

        func writeInPlace(_ whileNew: () throws(PinHashError) -> Void) throws(PinHashError) {
            let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, mode)
            guard descriptor >= 0 else {
                if errno == EEXIST { throw exists(path, what) }
                throw PinHashError(.unwritableOutput, "cannot create \(path): \(errnoText())")
            }
            let identity = SignalCleanup.FileIdentity(descriptor: descriptor)
            try SignalCleanup.removing(path, ifItIs: identity) { () throws(PinHashError) in
                do throws(PinHashError) {
                    try fillAndClose(descriptor)
                } catch {
                    _ = unlink(path)
                    throw error
                }
                try finish(whileNew)
            }
        }

        /// Makes the new name durable, then runs `whileNew`; removes the file again if it throws.
        private func finish(_ whileNew: () throws(PinHashError) -> Void) throws(PinHashError) {
            syncDirectory(directory)
            do {
                try whileNew()
            } catch {
                _ = unlink(path)
                throw error
            }
        }

        private func failure(_ doing: String) -> PinHashError {
            PinHashError(.unwritableOutput, "cannot \(doing) \(path): \(errnoText())")
        }

        /// Sets the mode (when exact), writes all of `contents` and syncs.
        private func fill(_ descriptor: Int32) throws(PinHashError) {
            if let exactMode, fchmod(descriptor, exactMode) != 0 { throw failure("set the mode of") }
            var offset = 0
            while offset < contents.count {
                let written = write(descriptor, contents.baseAddress! + offset, contents.count - offset)
                if written < 0, errno == EINTR { continue }
                guard written > 0 else { throw failure("write") }
                offset += written
            }
            guard fsync(descriptor) == 0 else { throw failure("sync") }
        }

        func fillAndClose(_ descriptor: Int32) throws(PinHashError) {
            var closed = false
            defer { if !closed { _ = close(descriptor) } }
            try fill(descriptor)
            closed = true
            guard close(descriptor) == 0 else { throw failure("close") }
        }
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
        let file = NewFile(
            path: path, directory: directory, contents: contents, mode: mode, exactMode: nil, what: "the file"
        )
        try file.fillAndClose(descriptor)
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
