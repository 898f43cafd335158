internal import CPinhashOpenSSL
import PinHash

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The BIO libssl reads and writes a socket through: as OpenSSL's socket BIO, except that every read and
/// write first checks the deadline of the step under way, and once it has passed answers "try again".
///
/// libssl keeps reading inside one SSL_connect or SSL_read for as long as records arrive that it skips or
/// handles itself (HelloRequests during a handshake, post-handshake messages), so a server that keeps the
/// socket full would never let the call return to the loop that checks the deadline. "Try again" makes it
/// return SSL_ERROR_WANT_READ (or WANT_WRITE) at once, and that loop then throws.
final class DeadlineSocketBIO {
    let descriptor: Int32
    /// The deadline of the step under way; nil between steps, when nothing is bounded here.
    var deadline: Deadline?
    /// Whether the server closed its side: libssl asks (BIO_CTRL_EOF) to tell a truncated record from a
    /// clean close, as it does of the socket BIO.
    private var atEndOfInput = false

    /// `descriptor` stays open and owned by the caller: freeing the BIO does not close it.
    init(descriptor: Int32) { self.descriptor = descriptor }

    /// A new BIO over the socket that calls back into this object, which must outlive it; the caller owns
    /// it until it hands it to an SSL (SSL_set_bio).
    func makeBIO() throws(PinHashError) -> OpaquePointer {
        guard let method = Self.method, let bio = BIO_new(method) else {
            throw OpenSSLErrors.internalFailure("OpenSSL could not make a BIO for the socket")
        }
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
        BIO_set_init(bio, 1)
        return bio
    }

    private static func owner(of bio: OpaquePointer?) -> DeadlineSocketBIO? {
        guard let bio, let data = BIO_get_data(bio) else { return nil }
        return Unmanaged<DeadlineSocketBIO>.fromOpaque(data).takeUnretainedValue()
    }

    /// The method, made once for the process; OpenSSL keeps it until exit.
    private nonisolated(unsafe) static let method: OpaquePointer? = {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "pinhash socket") else {
            return nil
        }
        BIO_meth_set_read(method) { bio, buffer, length in
            guard let bio, let buffer, let owner = owner(of: bio) else { return -1 }
            return owner.read(bio, into: buffer, length)
        }
        BIO_meth_set_write(method) { bio, bytes, length in
            guard let bio, let bytes, let owner = owner(of: bio) else { return -1 }
            return owner.write(bio, bytes, length)
        }
        BIO_meth_set_ctrl(method) { bio, command, _, _ in
            switch command {
            case BIO_CTRL_FLUSH: 1
            case BIO_CTRL_EOF: owner(of: bio)?.atEndOfInput == true ? 1 : 0
            default: 0
            }
        }
        return method
    }()

    private static let retryFlags =
        BIO_FLAGS_READ | BIO_FLAGS_WRITE | BIO_FLAGS_IO_SPECIAL | BIO_FLAGS_SHOULD_RETRY

    private func read(_ bio: OpaquePointer, into buffer: UnsafeMutablePointer<CChar>, _ length: Int32)
        -> Int32
    {
        BIO_clear_flags(bio, Self.retryFlags)
        if deadline?.hasPassed == true {
            BIO_set_flags(bio, BIO_FLAGS_READ | BIO_FLAGS_SHOULD_RETRY)
            return -1
        }
        let count = recv(descriptor, buffer, Int(max(0, length)), 0)
        if count == 0 { atEndOfInput = true }
        if count < 0 { retryIfWouldBlock(bio, BIO_FLAGS_READ) }
        return Int32(count)
    }

    private func write(_ bio: OpaquePointer, _ bytes: UnsafePointer<CChar>, _ length: Int32) -> Int32 {
        BIO_clear_flags(bio, Self.retryFlags)
        if deadline?.hasPassed == true {
            BIO_set_flags(bio, BIO_FLAGS_WRITE | BIO_FLAGS_SHOULD_RETRY)
            return -1
        }
        let count = send(descriptor, bytes, Int(max(0, length)), Int32(MSG_NOSIGNAL))
        if count < 0 { retryIfWouldBlock(bio, BIO_FLAGS_WRITE) }
        return Int32(count)
    }

    /// Marks the BIO "try again" after EAGAIN or EINTR, keeping errno for libssl's SSL_ERROR_SYSCALL.
    private func retryIfWouldBlock(_ bio: OpaquePointer, _ direction: Int32) {
        let code = errno
        if code == EAGAIN || code == EWOULDBLOCK || code == EINTR {
            BIO_set_flags(bio, direction | BIO_FLAGS_SHOULD_RETRY)
        }
        errno = code
    }
}
