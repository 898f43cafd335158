import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the passphrase for encrypted keys and PKCS#12 files comes from, in the forms of openssl's
/// `-passin`. It is read at most once, when the first encrypted input needs it, and cleansed from memory
/// when the source is released.
public final class PassphraseSource: Sendable {
    enum Origin: Sendable {
        case literal
        case environment(String)
        case file(String)
        case descriptor(Int32)
        case standardInput
        case terminal
    }

    let origin: Origin
    private let cache: Mutex<SecretBytes?>

    private init(_ origin: Origin, value: [UInt8]? = nil) {
        self.origin = origin
        self.cache = Mutex(value.map(SecretBytes.init))
    }

    /// A passphrase given directly.
    public static func literal(_ passphrase: String) -> PassphraseSource {
        PassphraseSource(.literal, value: Array(passphrase.utf8))
    }

    /// Asks on the controlling terminal, without echo, when an encrypted input needs it; fails at once
    /// when there is no terminal.
    public static let terminal = PassphraseSource(.terminal)

    /// Parses openssl's `-passin` forms: `pass:TEXT`, `env:VAR`, `file:PATH`, `fd:N`, `stdin`.
    public convenience init(openSSLArgument argument: String) throws(PinHashError) {
        if argument == "stdin" {
            self.init(.standardInput)
        } else if argument.hasPrefix("pass:") {
            self.init(.literal, value: Array(argument.utf8.dropFirst(5)))
        } else if argument.hasPrefix("env:") {
            self.init(.environment(String(argument.dropFirst(4))))
        } else if argument.hasPrefix("file:") {
            self.init(.file(String(argument.dropFirst(5))))
        } else if argument.hasPrefix("fd:"), let number = Int32(argument.dropFirst(3)), number >= 0 {
            self.init(.descriptor(number))
        } else {
            throw PinHashError(
                .passphraseUnavailable,
                "passphrase source must be pass:TEXT, env:VAR, file:PATH, fd:N or stdin")
        }
    }

    /// Whether the source reads standard input (and so cannot share it with an input read from `-`).
    public var readsStandardInput: Bool {
        if case .standardInput = origin { return true }
        if case .descriptor(let number) = origin { return number == STDIN_FILENO }
        return false
    }

    /// Whether the source is a passphrase typed on the command line, visible to other users in `ps`.
    public var isVisibleInProcessList: Bool {
        if case .literal = origin { return true }
        return false
    }

    /// The passphrase bytes, read once; `inputName` is shown in a terminal prompt.
    func bytes(for inputName: String) throws(PinHashError) -> SecretBytes {
        try cache.withLock { (cached: inout SecretBytes?) throws(PinHashError) -> SecretBytes in
            if let cached { return cached }
            let secret = SecretBytes(try read(for: inputName))
            cached = secret
            return secret
        }
    }

    private func read(for inputName: String) throws(PinHashError) -> [UInt8] {
        switch origin {
        case .literal:
            return []
        case .environment(let name):
            guard let value = getenv(name) else {
                throw PinHashError(
                    .passphraseUnavailable, "environment variable \(name) is not set",
                    remedy: .setEnvironmentVariable(name))
            }
            return Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: strlen(value)))
        case .file(let path):
            let file: InputFile
            do { file = try InputFile.open(path) } catch {
                if case .cannotOpen(let code) = error {
                    throw PinHashError(
                        .passphraseUnavailable, "cannot open passphrase file \(path): \(errnoText(code))")
                }
                throw PinHashError(.passphraseUnavailable, "passphrase file \(path) \(error.reason)")
            }
            defer { _ = close(file.descriptor) }
            return try readFirstLine(file.descriptor, what: "passphrase file \(path)", after: file.firstBytes)
        case .descriptor(let number):
            return try readFirstLine(number, what: "passphrase descriptor \(number)")
        case .standardInput:
            return try readFirstLine(STDIN_FILENO, what: InputName.displayName(of: InputName.standardInput))
        case .terminal:
            return try TerminalPrompt.read(
                prompt: "Enter pass phrase for \(InputName.displayName(of: inputName)): ")
        }
    }
}

/// Reads one line, byte by byte so nothing after it is consumed from a shared descriptor.
/// `firstBytes` (at most one, none a line feed but the last) were read from it already. As openssl's
/// `-passin`, a source that ends before its first byte holds no passphrase (an empty line is the empty
/// one), and a passphrase holding a NUL byte is refused: openssl reads passphrases as C strings and would
/// take only the bytes before it, so a key written with the whole of it could never be opened there.
func readFirstLine(_ descriptor: Int32, what: String, after firstBytes: [UInt8] = [], limit: Int = 4096)
    throws(PinHashError) -> [UInt8]
{
    var line: [UInt8] = []
    var byte: UInt8 = 0
    var ended = false
    var firstBytes = firstBytes
    defer { SecretMemory.cleanse(&firstBytes) }
    if firstBytes.last == 0x0A { return Array(firstBytes.dropLast()) }
    line = firstBytes
    while line.count <= limit {
        let got = read(descriptor, &byte, 1)
        if got < 0, errno == EINTR { continue }
        if got < 0 {
            SecretMemory.cleanse(&line)
            throw PinHashError(
                .passphraseUnavailable, "cannot read the passphrase from \(what): \(errnoText())")
        }
        if got == 0 && line.isEmpty { ended = true }
        if got == 0 || byte == 0x0A { break }
        line.append(byte)
    }
    guard !ended else {
        throw PinHashError(.passphraseUnavailable, "no passphrase from \(what): it is empty")
    }
    // Like openssl, only the line feed ends the passphrase; a carriage return before it is part of it.
    guard line.count <= limit else {
        SecretMemory.cleanse(&line)
        throw PinHashError(
            .passphraseUnavailable, "the passphrase from \(what) is longer than \(limit) bytes")
    }
    guard !line.contains(0) else {
        SecretMemory.cleanse(&line)
        throw PinHashError(
            .passphraseUnavailable,
            "the passphrase from \(what) holds a NUL byte, which openssl cannot take in a passphrase")
    }
    return line
}

/// Passphrase bytes that are wiped when the last reference goes.
final class SecretBytes: @unchecked Sendable {  // immutable after init
    private let storage: UnsafeMutableBufferPointer<UInt8>

    init(_ bytes: [UInt8]) {
        var bytes = bytes
        storage = .allocate(capacity: max(bytes.count, 1))
        _ = storage.initialize(from: bytes)
        if !bytes.isEmpty { SecretMemory.cleanse(&bytes) }
        count = bytes.count
    }

    let count: Int

    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(rebasing: storage[0..<count]))
    }

    deinit {
        SecretMemory.cleanse(UnsafeMutableRawBufferPointer(storage))
        storage.deallocate()
    }
}

/// A prompt on the controlling terminal with echo turned off, as openssl's own prompt does.
enum TerminalPrompt {
    static func read(prompt: String) throws(PinHashError) -> [UInt8] {
        guard isatty(STDIN_FILENO) == 1 || isatty(STDERR_FILENO) == 1 else {
            throw PinHashError(.passphraseRequired, "is encrypted", remedy: .givePassphrase(noTerminal: true))
        }
        let terminal = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY)
        guard terminal >= 0 else {
            throw PinHashError(.passphraseRequired, "is encrypted", remedy: .givePassphrase(noTerminal: true))
        }
        defer { _ = close(terminal) }
        var saved = termios()
        guard tcgetattr(terminal, &saved) == 0 else { return try ask(prompt, on: terminal) }
        // Echo comes back however the prompt ends: returning, throwing, or a signal ending the process.
        return try SignalCleanup.restoring(terminal: terminal, to: saved) { () throws(PinHashError) in
            var silent = saved
            silent.c_lflag &= ~tcflag_t(ECHO)
            _ = tcsetattr(terminal, TCSAFLUSH, &silent)
            defer { _ = tcsetattr(terminal, TCSAFLUSH, &saved) }
            return try ask(prompt, on: terminal)
        }
    }

    private static func ask(_ prompt: String, on terminal: Int32) throws(PinHashError) -> [UInt8] {
        defer { _ = write(terminal, "\n", 1) }
        _ = prompt.utf8CString.withUnsafeBufferPointer { write(terminal, $0.baseAddress, $0.count - 1) }
        return try readFirstLine(terminal, what: "the terminal")
    }
}
