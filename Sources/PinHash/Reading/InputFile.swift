#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file opened for reading without blocking in `open()`, where a FIFO that no program has opened for
/// writing would wait for ever. A FIFO (or a pipe named as `/dev/fd/N`) then waits at most
/// ``writerWait`` for a writer: bytes arriving, or a writer that opened it and closed it, end the wait;
/// so does a writer that is there but silent at the deadline, as a pipe from a slow program is then read
/// as standard input is, for as long as the program writes.
package struct InputFile {
    /// How long a FIFO may wait for a program to open it for writing.
    static let writerWait: Double = 10

    let descriptor: Int32
    /// Bytes read while finding out whether a writer had come (at most one), which come before the rest.
    let firstBytes: [UInt8]

    /// Why a file could not be opened, for the caller to word.
    enum Failure: Error {
        case cannotOpen(errno: Int32)
        case isDirectory
        case noWriter(seconds: Double)

        /// `cannot open: No such file or directory`, `is a directory`, `is a FIFO that …`.
        var reason: String {
            switch self {
            case .cannotOpen(let code): "cannot open: \(errnoText(code))"
            case .isDirectory: "is a directory"
            case .noWriter(let seconds):
                "is a FIFO that no program opened for writing within "
                    + (seconds == seconds.rounded() ? "\(Int(seconds))" : "\(seconds)") + " s"
            }
        }
    }

    /// Opens `path` for reading, blocking in neither `open()` nor, beyond `writerWait`, the first read of a
    /// FIFO. The descriptor is the caller's to close.
    static func open(_ path: String, writerWait: Double = writerWait) throws(Failure) -> InputFile {
        let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw .cannotOpen(errno: errno) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = errno
            _ = close(descriptor)
            throw .cannotOpen(errno: error)
        }
        var firstBytes: [UInt8] = []
        do throws(Failure) {
            switch status.st_mode & S_IFMT {
            case S_IFDIR: throw .isDirectory
            case S_IFIFO: firstBytes = try awaitWriter(descriptor, seconds: writerWait)
            default: break
            }
        } catch {
            _ = close(descriptor)
            throw error
        }
        // Reads block from here on, as they do on standard input.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return InputFile(descriptor: descriptor, firstBytes: firstBytes)
    }

    /// Waits until a FIFO opened without blocking has a writer; returns a byte read while finding out.
    private static func awaitWriter(_ descriptor: Int32, seconds: Double) throws(Failure) -> [UInt8] {
        let deadline = monotonicSeconds() + seconds
        while true {
            // Linux reports neither readiness nor a hang-up on a FIFO that no writer has opened yet.
            var waiting = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let remaining = max(0, deadline - monotonicSeconds())
            let ready = poll(&waiting, 1, Int32((remaining * 1000).rounded(.up)))
            if ready < 0, errno == EINTR { continue }
            if ready != 0 { return [] }
            break
        }
        // At the deadline: a read tells a silent writer (EAGAIN) from none at all (end of input).
        var byte: UInt8 = 0
        var got = 0
        repeat { got = read(descriptor, &byte, 1) } while got < 0 && errno == EINTR
        if got == 1 { return [byte] }
        if got < 0 && errno == EAGAIN { return [] }
        throw .noWriter(seconds: seconds)
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

extension InputFile {
    /// The whole file at `path`, opened as ``open(_:writerWait:)`` opens it, failing past `limit` bytes;
    /// `what` names it in errors (`the CA file`), which name no path.
    package static func contents(ofFileAt path: String, limit: Int, what: String) throws(PinHashError)
        -> [UInt8]
    {
        let source = try ByteSource.open(path)
        try source.readAll(limit: limit, what: what)
        return Array(source.buffer[source.start...])
    }
}
