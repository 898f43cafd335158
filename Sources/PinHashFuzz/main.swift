import PinHash

#if canImport(Glibc)
    import Glibc
#endif

// The libFuzzer targets of `make fuzz`, built with `-sanitize=fuzzer,address`. SwiftPM renames an
// executable target's entry point and links `main` to it, so libFuzzer's own `main` cannot be the entry;
// this one hands the command line to libFuzzer's driver instead, which then calls `fuzzOneInput` with
// each input. `PINHASH_FUZZ_TARGET` names the target (`FuzzTarget`); any trap, sanitizer report or broken
// invariant is a crash that libFuzzer saves, and each one found is kept in `Fixtures/fuzz-regressions/`.

@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

nonisolated(unsafe) private var target = FuzzTarget.reader

/// libFuzzer's entry point, under the name libFuzzer and other fuzzing engines look for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    target.run(bytes)
    return 0
}

if let name = getenv("PINHASH_FUZZ_TARGET").map({ String(cString: $0) }), !name.isEmpty {
    guard let chosen = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        let message = Array("PinHashFuzz: no target \(name); the targets are \(names)\n".utf8)
        _ = write(STDERR_FILENO, message, message.count)
        exit(64)
    }
    target = chosen
}
var argumentCount = CommandLine.argc
var arguments = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argumentCount, &arguments, fuzzOneInput))
