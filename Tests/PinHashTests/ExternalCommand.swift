import Dispatch
import Foundation
import PinHashTestSupport

/// What a finished command printed and how it exited.
struct CommandResult: Sendable {
    let status: Int32
    let output: [UInt8]
    let errorOutput: String

    var succeeded: Bool { status == 0 }
    var text: String { String(decoding: output, as: UTF8.self) }
    /// The first line of standard error, to say why a command failed.
    var firstErrorLine: String {
        errorOutput.split(separator: "\n").first.map(String.init) ?? "exit status \(status)"
    }
}

/// Runs tools no one here wrote (openssl, certtool), to compute the values pinhash must agree with.
enum ExternalCommand {
    static let openSSL = "/usr/bin/openssl"
    static let shell = "/bin/sh"

    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: openSSL) }

    /// certtool from GnuTLS, wherever `PATH` has it.
    static let certtool = InstalledProgram.path(of: "certtool")

    /// Runs `executable` with `arguments`, standard input from /dev/null, and collects both outputs.
    static func run(_ executable: String, _ arguments: [String], in directory: URL? = nil) throws
        -> CommandResult
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Drain standard error on a thread of its own (not a Dispatch queue, whose pool grows slowly
        // when many commands block it), so neither pipe fills and stalls the command.
        let errorText = LockedBox<Data>(Data())
        let drained = DispatchSemaphore(value: 0)
        let errorHandle = errors.fileHandleForReading
        Thread.detachNewThread {
            errorText.value = errorHandle.readDataToEndOfFile()
            drained.signal()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        drained.wait()
        process.waitUntilExit()
        return CommandResult(
            status: process.terminationStatus, output: [UInt8](data),
            errorOutput: String(decoding: errorText.value, as: UTF8.self))
    }

    static func openSSL(_ arguments: String..., in directory: URL? = nil) throws -> CommandResult {
        try run(openSSL, arguments, in: directory)
    }

    /// Runs `script` with /bin/sh. A pipeline's status is its last command's: callers check stderr too.
    static func pipeline(_ script: String, in directory: URL? = nil) throws -> CommandResult {
        try run(shell, ["-c", script], in: directory)
    }

    /// Quotes `text` for a POSIX shell.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A value shared between threads under a lock.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value

    init(_ value: Value) { stored = value }

    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }

    func mutate<T>(_ body: (inout Value) -> T) -> T {
        lock.withLock { body(&stored) }
    }
}

/// Makes a fresh directory under the system's temporary directory, passes it to `body`, and removes it
/// afterwards whatever happens.
func withTemporaryDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("pinhash-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}

/// The lines `body` prints to standard output, which points at a temporary file meanwhile. Swift Testing
/// reports progress on standard output too, from other tests running at the same time: its lines (which
/// do not start with a pin) are passed on to the real standard output afterwards.
func capturingStandardOutput(_ body: () throws -> Void) throws -> [String] {
    try withTemporaryDirectory { directory in
        let file = directory.appendingPathComponent("stdout").path
        let capture = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard capture >= 0 else { throw FixtureError("cannot create \(file)") }
        fflush(nil)
        let saved = dup(STDOUT_FILENO)
        dup2(capture, STDOUT_FILENO)
        close(capture)
        do {
            defer {
                fflush(nil)
                dup2(saved, STDOUT_FILENO)
                close(saved)
            }
            try body()
        }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        let isOurs = { (line: String) in line.count > 45 && line.split(separator: " ").first?.count == 44 }
        let others = lines.filter { !isOurs($0) }
        if !others.isEmpty {
            FileHandle.standardOutput.write(Data((others.joined(separator: "\n") + "\n").utf8))
        }
        return lines.filter(isOurs)
    }
}
