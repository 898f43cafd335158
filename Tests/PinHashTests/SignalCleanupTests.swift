import Foundation
import Testing

@testable import PinHash

#if canImport(Glibc)
    import Glibc
#endif

/// What a signal removes, tried in a child process (an exit test) that dies of the signal; the files are
/// looked at afterwards from this process.
@Suite("Signals: files armed for removal")
struct SignalCleanupTests {
    /// A fresh directory (removed afterwards) and the path of `name` in it.
    private func withDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-signal-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory.path)
    }

    private func contents(of directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    @Test("SIGTERM, SIGINT or SIGHUP while a file is armed removes it, and the process dies of that signal")
    func armedFileIsRemoved() async throws {
        for signalNumber in [SIGTERM, SIGINT, SIGHUP] {
            try await withDirectory { directory in
                await #expect(processExitsWith: .signal(signalNumber)) {
                    [directory = directory as String, signalNumber = signalNumber as Int32] in
                    unblockSignals()
                    let path = directory + "/secret.key"
                    let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
                    SignalCleanup.removing(path, ifItIs: SignalCleanup.FileIdentity(descriptor: descriptor)) {
                        _ = raise(signalNumber)
                    }
                }
                #expect(contents(of: directory) == [])
            }
        }
    }

    @Test("A name that no longer names the armed file is left alone")
    func replacedFileIsKept() async throws {
        try await withDirectory { directory in
            await #expect(processExitsWith: .signal(SIGTERM)) { [directory = directory as String] in
                unblockSignals()
                let path = directory + "/backup.key"
                let ours = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
                let identity = SignalCleanup.FileIdentity(descriptor: ours)
                SignalCleanup.removing(path, ifItIs: identity) {
                    // Another process puts its own file at the name.
                    _ = unlink(path)
                    _ = close(open(directory + "/theirs", O_CREAT | O_WRONLY, 0o600))
                    _ = rename(directory + "/theirs", path)
                    _ = raise(SIGTERM)
                }
            }
            #expect(contents(of: directory) == ["backup.key"])
        }
    }

    @Test(
        "Without unnamed files (hard links, or neither): a signal before the write returns removes the file",
        arguments: [true, false])
    func fallbacksAreRemoved(hardLinks: Bool) async throws {
        try await withDirectory { directory in
            await #expect(processExitsWith: .signal(SIGINT)) {
                [directory = directory as String, hardLinks = hardLinks as Bool] in
                unblockSignals()
                OutputFile.raisingWhileNew(
                    SIGINT, at: directory + "/backup.key", in: directory, hardLinks: hardLinks)
            }
            #expect(contents(of: directory) == [])
        }
    }

    @Test("When the work is done the default action is back: nothing is installed outside")
    func handlerRemovedAfterwards() {
        var before = sigaction()
        sigaction(SIGHUP, nil, &before)
        SignalCleanup.removing("/nonexistent/pinhash", ifItIs: .init(device: 0, inode: 0)) {
            var during = sigaction()
            sigaction(SIGHUP, nil, &during)
            #expect(unsafeBitCast(during.__sigaction_handler.sa_handler, to: Int.self) != 0)
        }
        var after = sigaction()
        sigaction(SIGHUP, nil, &after)
        #expect(
            unsafeBitCast(after.__sigaction_handler.sa_handler, to: Int.self)
                == unsafeBitCast(before.__sigaction_handler.sa_handler, to: Int.self))
    }
}

extension OutputFile {
    /// Creates `path` without an unnamed file (by a hard link or in place) and raises `signal` from
    /// `whileNew`, as the file exists under its name.
    static func raisingWhileNew(_ signal: Int32, at path: String, in directory: String, hardLinks: Bool) {
        let text = Array("-----BEGIN PRIVATE KEY-----\n".utf8)
        text.withUnsafeBytes { bytes in
            let file = NewFile(
                path: path, directory: directory, contents: bytes, mode: 0o600, exactMode: 0o600,
                what: "a key")
            let raising = { () throws(PinHashError) in
                guard access(path, F_OK) == 0 else { exit(3) }
                _ = raise(signal)
            }
            do {
                if hardLinks { _ = try file.linkNamed(raising) } else { try file.writeInPlace(raising) }
            } catch {
                exit(4)
            }
        }
    }
}

/// The test runner's threads block some signals, and an exit test's process inherits the mask.
func unblockSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    for signal in SignalCleanup.signals { sigaddset(&set, signal) }
    pthread_sigmask(SIG_UNBLOCK, &set, nil)
}
