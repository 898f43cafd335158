import Testing

/// A fixture file with its manifest rows in position order.
public struct FixtureFile: Sendable, Hashable, CustomTestStringConvertible {
    /// The path under `Fixtures/`.
    public let path: String
    public let rows: [ManifestRow]

    /// `key`, `pubkey`, `csr`, `cert` or `p12`.
    public var kind: String { rows[0].kind }
    public var testDescription: String { path }
}
