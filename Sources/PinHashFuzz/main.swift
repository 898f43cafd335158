import PinHash

#if canImport(Glibc)
    import Glibc
#endif

// The libFuzzer target of `make fuzz`, built with `-sanitize=fuzzer,address`. SwiftPM renames an
// executable target's entry point and links `main` to it, so libFuzzer's own `main` cannot be the entry;
// this one hands the command line to libFuzzer's driver instead, which then calls `fuzzOneInput` with
// each input. Any trap, sanitizer report or broken invariant in `FuzzedInput` is a crash that libFuzzer
// saves; each one found is kept in `Fixtures/fuzz-regressions/`.

@_extern(c, "LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

/// libFuzzer's entry point, under the name libFuzzer and other fuzzing engines look for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    FuzzedInput(bytes: bytes).exercise()
    return 0
}

var argumentCount = CommandLine.argc
var arguments = CommandLine.unsafeArgv
exit(runFuzzerDriver(&argumentCount, &arguments, fuzzOneInput))
