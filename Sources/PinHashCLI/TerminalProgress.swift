#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A count on a terminal's stderr, rewritten in place as work ends (`pinhash: audited 12 of 40 sites`),
/// and wiped when all is done; nothing at all when stderr is not a terminal.
final class TerminalProgress: @unchecked Sendable {
    private let line: (Int) -> String
    private var done = 0

    /// `line(n)` words the count after the n-th piece of work.
    private init(line: @escaping (Int) -> String) { self.line = line }

    /// A progress line when stderr is a terminal, else nil.
    static func onTerminal(_ line: @escaping (Int) -> String) -> TerminalProgress? {
        isatty(STDERR_FILENO) == 1 ? TerminalProgress(line: line) : nil
    }

    func advance() {
        done += 1
        write("\rpinhash: \(line(done))\u{1B}[K")
    }

    func finish() { if done > 0 { write("\r\u{1B}[K") } }

    private func write(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer {
            #if canImport(Glibc)
                Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count - 1)
            #else
                Darwin.write(STDERR_FILENO, $0.baseAddress, $0.count - 1)
            #endif
        }
    }
}
