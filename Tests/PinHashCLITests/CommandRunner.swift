import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension PackagePaths {
    /// The built `pinhash`: `PINHASH_BINARY` when set (a build in another scratch path), else
    /// `.build/debug/pinhash`.
    static var pinhash: String {
        if let path = ProcessInfo.processInfo.environment["PINHASH_BINARY"], !path.isEmpty { return path }
        return root.appendingPathComponent(".build/debug/pinhash").path
    }
}

/// What a finished child process left: exit status (128 + N when killed by signal N) and its output.
struct ProcessOutput: Sendable {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Whether the child outlived its time limit and was killed.
    var timedOut: Bool
    /// Seconds from start to exit.
    var seconds: Double

    var stdoutLines: [String] { Self.lines(of: stdout) }
    var stderrLines: [String] { Self.lines(of: stderr) }

    /// Whether standard error is exactly one newline-terminated line.
    var stderrIsOneLine: Bool { stderr.hasSuffix("\n") && stderrLines.count == 1 }

    private static func lines(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// Runs the built `pinhash` in `Fixtures/`, so fixture paths are relative and appear as given in messages.
///
/// `stdin` is written to the child's standard input, which is then closed; without it standard input is
/// a pipe held open and never written until the child has exited, so a child that waits on it hangs
/// until `timeout` instead of seeing end of input. A child still running after `timeout` seconds is
/// killed and the test records a failure.
func run(
    _ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], timeout: Double = 30,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ProcessOutput {
    let binary = PackagePaths.pinhash
    try #require(
        FileManager.default.isExecutableFile(atPath: binary),
        "no pinhash binary at \(binary): run `swift build --product pinhash` first (or set PINHASH_BINARY)",
        sourceLocation: sourceLocation)
    return try runProcess(
        binary, arguments, stdin: stdin, environment: environment, timeout: timeout,
        sourceLocation: sourceLocation)
}

/// Runs `/bin/sh -c script` in `Fixtures/` with `$0` = the pinhash binary and `$1`… = `arguments`.
func runShell(
    _ script: String, _ arguments: [String] = [], stdin: Data? = nil, timeout: Double = 30,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> ProcessOutput {
    try runProcess(
        "/bin/sh", ["-c", script, PackagePaths.pinhash] + arguments, stdin: stdin, environment: [:],
        timeout: timeout, sourceLocation: sourceLocation)
}

/// Writing to a child that has already exited must fail with EPIPE, not kill the test process.
private let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

func runProcess(
    _ executable: String, _ arguments: [String], stdin: Data?, environment: [String: String], timeout: Double,
    sourceLocation: SourceLocation
) throws -> ProcessOutput {
    ignoreBrokenPipes
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = Fixtures.directory
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let input = Pipe()
    let output = Pipe()
    let errors = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = errors
    let start = Date()
    try process.run()
    // The child has its own copies; the parent's would keep end-of-file from ever arriving.
    try? input.fileHandleForReading.close()
    try? output.fileHandleForWriting.close()
    try? errors.fileHandleForWriting.close()

    var streams = ChildStreams(
        input: stdin.map { [UInt8]($0) }, inputHandle: input.fileHandleForWriting,
        outputDescriptor: output.fileHandleForReading.fileDescriptor,
        errorDescriptor: errors.fileHandleForReading.fileDescriptor)
    var deadline = start.addingTimeInterval(timeout)
    var timedOut = false
    while streams.isOpen {
        let remaining = deadline.timeIntervalSinceNow
        if remaining <= 0 {
            if timedOut { break }  // killed, but a grandchild still holds the pipes: stop reading
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            deadline = Date().addingTimeInterval(5)
            continue
        }
        streams.pump(milliseconds: Int32(min(remaining, 1) * 1000))
    }
    if streams.inputIsOpen { try? input.fileHandleForWriting.close() }
    while process.isRunning {
        if deadline.timeIntervalSinceNow <= 0 {
            if timedOut { break }
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            deadline = Date().addingTimeInterval(5)
        }
        usleep(2000)
    }
    process.waitUntilExit()
    try? output.fileHandleForReading.close()
    try? errors.fileHandleForReading.close()

    let command = ([executable] + arguments).joined(separator: " ")
    if timedOut {
        Issue.record(
            "`\(command)` did not finish within \(timeout) s and was killed", sourceLocation: sourceLocation)
    }
    let status =
        process.terminationReason == .uncaughtSignal
        ? 128 + process.terminationStatus : process.terminationStatus
    return ProcessOutput(
        status: status, stdout: String(decoding: streams.output, as: UTF8.self),
        stderr: String(decoding: streams.errors, as: UTF8.self), timedOut: timedOut,
        seconds: Date().timeIntervalSince(start))
}

/// The parent's ends of a child's three pipes, served with `poll` on one thread: standard input written
/// without blocking (a child that never reads it cannot stall the test), both outputs read as they come.
private struct ChildStreams {
    var input: [UInt8]?
    var written = 0
    let inputHandle: FileHandle
    var outputDescriptor: Int32
    var errorDescriptor: Int32
    var output: [UInt8] = []
    var errors: [UInt8] = []
    var inputIsOpen = true

    init(input: [UInt8]?, inputHandle: FileHandle, outputDescriptor: Int32, errorDescriptor: Int32) {
        self.input = input
        self.inputHandle = inputHandle
        self.outputDescriptor = outputDescriptor
        self.errorDescriptor = errorDescriptor
        let descriptor = inputHandle.fileDescriptor
        if input != nil { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
    }

    var isOpen: Bool { outputDescriptor >= 0 || errorDescriptor >= 0 }

    mutating func pump(milliseconds: Int32) {
        if let input, written == input.count { closeInput() }
        let writing = input != nil && inputIsOpen
        let inputDescriptor = writing ? inputHandle.fileDescriptor : -1
        var descriptors = [
            pollfd(fd: outputDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: errorDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: inputDescriptor, events: Int16(POLLOUT), revents: 0),
        ]
        let ready = poll(&descriptors, nfds_t(descriptors.count), milliseconds)
        guard ready > 0 else { return }
        if descriptors[0].revents != 0 { drain(&outputDescriptor, into: &output) }
        if descriptors[1].revents != 0 { drain(&errorDescriptor, into: &errors) }
        if writing, descriptors[2].revents != 0, let input {
            let count = input.withUnsafeBytes {
                write(inputDescriptor, $0.baseAddress! + written, $0.count - written)
            }
            if count > 0 {
                written += count
            } else if count < 0, errno != EAGAIN, errno != EINTR {
                closeInput()  // the child closed its end (EPIPE): it has read all it wants
            }
        }
    }

    private mutating func closeInput() {
        guard inputIsOpen else { return }
        try? inputHandle.close()
        inputIsOpen = false
        input = nil
    }

    private func drain(_ descriptor: inout Int32, into bytes: inout [UInt8]) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            bytes.append(contentsOf: chunk[0..<count])
        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
            descriptor = -1  // end of output; the FileHandle closes the descriptor
        }
    }
}
