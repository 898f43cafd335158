/// The pin-set file, `pins.yaml`: YAML read and written with libyaml, schema version 1.
///
/// ```yaml
/// # pinhash pin set, schema version 1 (README: Pin sets); pins are base64 SPKI SHA-256
/// version: 1
/// hosts:
/// - name: www.example.com
///   port: 443
///   include-subdomains: false
///   pins:
///   - pin: kZRRfF0ZNrPAj8aD8Xvw/Gl0s5qYNIWuMoJxMtKMBpE=
///     label: "leaf CN=www.example.com"
///     role: leaf
///     source: "certs/chain.pem"
///   expiration: 2027-06-30
///   enforcement: enforce
/// ```
///
/// Reading is strict, so that a typo cannot silently drop a pin: an unknown key, a value of the wrong
/// type or out of range, a version other than 1, anchors and aliases are each an error naming the line
/// and the field (`line 7: hosts[0].pins[1].pin: "abc" is not the base64 of a SHA-256 (32 bytes)`).
/// Writing is deterministic and reads back to the same value.
public enum PinSetFile {
    /// The largest pin-set file read: a million bytes is some ten thousand pins.
    public static let maximumSize = 1 << 20

    /// The pin set in the file at `path` (`-` reads standard input). Errors name the file.
    public static func read(fileAt path: String) throws(PinHashError) -> PinSet {
        do throws(PinHashError) {
            let source = try ByteSource.open(path)
            try source.readAll(limit: maximumSize, what: "the pin-set file")
            return try read(Array(source.buffer[source.start...]))
        } catch {
            throw error.naming(path)
        }
    }

    /// The pin set in `bytes`, the UTF-8 text of a pin-set file. Errors carry no source: name it with
    /// the file's.
    public static func read(_ bytes: [UInt8]) throws(PinHashError) -> PinSet {
        guard !bytes.contains(0) else {
            throw PinHashError(.malformedInput, "is not text (it holds NUL bytes)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PinHashError(.malformedInput, "is not UTF-8 text")
        }
        guard let root = try YAMLComposer.document(in: text) else {
            throw PinHashError(.malformedInput, "line 1: is empty; a pin set starts with version: 1")
        }
        return try PinSetFileReader().pinSet(root)
    }

    /// The file's text for `pinSet`: a comment line, then the version and every host in order, each
    /// field in the order the schema lists it; optional fields that are empty are left out.
    public static func text(of pinSet: PinSet) -> String {
        let header =
            "# pinhash pin set, schema version \(pinSet.version) (README: Pin sets); "
            + "pins are base64 SHA-256 of a SubjectPublicKeyInfo\n"
        let body = YAMLEmitter.text(of: PinSetFileWriter.node(pinSet))
        return header + body + (body.hasSuffix("\n") ? "" : "\n")
    }

    /// Writes `pinSet` to `path` through a temporary file renamed into place, so that no reader ever
    /// sees half a file. Refuses to replace an existing file unless `replacing` is true.
    public static func write(_ pinSet: PinSet, toFileAt path: String, replacing: Bool) throws(PinHashError) {
        try writeText(text(of: pinSet), toFileAt: path, replacing: replacing)
    }

    /// Writes `text` (a pin set, or a client's configuration exported from one) as ``write(_:toFileAt:replacing:)``
    /// writes a pin set.
    public static func writeText(_ text: String, toFileAt path: String, replacing: Bool) throws(PinHashError)
    {
        let bytes = Array(text.utf8)
        let what = "a file without being told to"
        let failure: PinHashError? = bytes.withUnsafeBytes { contents in
            do throws(PinHashError) {
                if replacing {
                    try OutputFile.replace(at: path, contents: contents, mode: 0o644)
                } else {
                    try OutputFile.checkNothingExists(at: path, what: what)
                    try OutputFile.create(
                        at: path, contents: contents, mode: 0o644, exactMode: false, what: what)
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
    }
}
