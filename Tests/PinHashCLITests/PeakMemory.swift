import Foundation
import PinHashTestSupport
import Testing

/// What a run of pinhash fed a long stream left: its exit status, its standard error, and its peak
/// resident memory as the kernel counted it.
struct PeakMemoryRun {
    var status: Int32
    var stderrLines: [String]
    var peakKiB: Int
}

/// The peak memory a long stream may cost: the limit `make bench` holds the 139,000-certificate stream to.
let streamMemoryLimitKiB = 64 << 10

/// Whether the pinhash under test was built with a sanitizer, whose shadow memory and quarantine of freed
/// blocks make its resident size say nothing about pinhash's own.
let pinhashIsSanitized: Bool = {
    guard let binary = FileManager.default.contents(atPath: PackagePaths.pinhash) else { return false }
    return ["__asan_init", "__tsan_init"].contains { binary.range(of: Data($0.utf8)) != nil }
}()

/// Runs pinhash with `arguments` and `copies` copies of the fixture `file` written to its standard input
/// by python3, which reports the child's peak resident size from `wait4` (its own rusage, not the test
/// process's other children). Standard output is discarded.
func runMeasuringPeakMemory(
    _ arguments: [String], stdinCopies copies: Int, of file: String, timeout: Double = 300,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> PeakMemoryRun {
    let script = """
        import os, subprocess, sys, tempfile
        binary, source, copies, arguments = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
        data = open(source, "rb").read()
        errors = tempfile.TemporaryFile()
        child = subprocess.Popen([binary] + arguments, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                 stderr=errors)
        try:
            for _ in range(copies):
                child.stdin.write(data)
            child.stdin.close()
        except BrokenPipeError:
            pass
        _, status, usage = os.wait4(child.pid, 0)
        errors.seek(0)
        lines = errors.read().decode("utf-8", "replace").splitlines()
        print(os.waitstatus_to_exitcode(status))
        print(usage.ru_maxrss)
        for line in lines:
            print(line)
        """
    let result = try runProcess(
        "/usr/bin/python3",
        ["-c", script, PackagePaths.pinhash, Fixtures.path(file), "\(copies)"] + arguments,
        stdin: nil, environment: [:], timeout: timeout, sourceLocation: sourceLocation)
    let lines = result.stdoutLines
    try #require(
        result.status == 0 && lines.count >= 2, "python3: \(result.stderr)", sourceLocation: sourceLocation)
    return PeakMemoryRun(
        status: try #require(Int32(lines[0])), stderrLines: Array(lines.dropFirst(2)),
        peakKiB: try #require(Int(lines[1])))
}
