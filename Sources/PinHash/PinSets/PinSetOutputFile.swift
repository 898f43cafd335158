/// Writes a pin-set document to a new file: never replacing anything, never visible half-written, mode
/// 0644 less the umask (a pin set holds no secret).
public enum PinSetOutputFile {
    public static func create(at path: String, text: String) throws(PinHashError) {
        try OutputFile.checkNothingExists(at: path, what: "a file")
        let bytes = Array(text.utf8)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        try OutputFile.create(
            at: path, contents: UnsafeRawBufferPointer(rebasing: buffer[..<bytes.count]), mode: 0o644,
            exactMode: false, what: "a file")
    }
}
