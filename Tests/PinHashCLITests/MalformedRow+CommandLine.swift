import PinHashTestSupport

extension MalformedRow {
    /// The type flag as command-line arguments: none for auto-detection.
    var typeArguments: [String] { typeFlag.map { [$0] } ?? [] }
}
