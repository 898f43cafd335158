@testable import PinHash

#if canImport(Glibc)
    import Glibc
#endif

/// The PEM scanner and each block's base64, over the input in memory and again through a pipe read in
/// chunks of 1 to 64 bytes (the input's first byte picks the size), so that every block, marker and line
/// break is split across reads somewhere. Both must find the same blocks, or fail the same way: where
/// the reads fall changes nothing but the time taken.
enum PEMTarget {
    static func run(_ bytes: [UInt8]) {
        let whole = scan(ByteSource(bytes: bytes))
        let chunkSize = 1 + Int(bytes.first ?? 0) % 64
        guard let piped = throughPipe(bytes, chunkSize: chunkSize) else { return }
        let chunked = scan(piped)
        require(
            whole == chunked,
            "the PEM scanner reads \(chunkSize)-byte chunks differently:\n\(whole)\nagainst\n\(chunked)")
    }

    /// What the scanner found: each block's label and content or error, then how the input ended.
    private static func scan(_ source: ByteSource) -> [String] {
        var scanner = PEMScanner(source: source, limits: .default)
        var events: [String] = []
        do {
            while let location = try scanner.nextLocation(mayRead: true) {
                require(location.index == events.count + 1, "block \(location.index) after \(events.count)")
                require(
                    location.range.lowerBound >= 0 && location.range.upperBound <= source.buffer.count
                        && location.endLine >= location.range.lowerBound
                        && location.endLine < location.range.upperBound,
                    "block \(location.index) at \(location.range) (END line \(location.endLine)) in a window of "
                        + "\(source.buffer.count)")
                do {
                    let block = try location.decode(in: source.buffer)
                    events.append("\(block.index) \(block.label) \(block.der) \(block.encryptedText != nil)")
                } catch {
                    check(error)
                    events.append("\(location.index) error: \(error.reason)")
                }
            }
            events.append("end after \(scanner.blockCount)")
        } catch {
            check(error)
            events.append("error: \(error.reason)")
        }
        return events
    }

    private static func check(_ error: PinHashError) {
        require(!error.reason.isEmpty, "empty error reason")
        require(!hasControlCharacter(error.reason), "control character in error: \(error.reason)")
        require(error.code != .internalFailure, "internal failure: \(error.reason)")
    }

    /// A source reading `bytes` from a pipe `chunkSize` bytes at a time; the inputs (at most 16 KiB) fit in
    /// the pipe's buffer, so they are written whole before the first read.
    private static func throughPipe(_ bytes: [UInt8], chunkSize: Int) -> ByteSource? {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        let written = bytes.withUnsafeBytes { write(ends[1], $0.baseAddress, $0.count) }
        close(ends[1])
        guard written == bytes.count else {
            close(ends[0])
            return nil
        }
        return ByteSource(descriptor: ends[0], ownsDescriptor: true, chunkSize: chunkSize)
    }
}
