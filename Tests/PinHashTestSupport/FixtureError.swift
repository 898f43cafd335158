/// A fixture or a tool the tests compare with did not say what the tests expect of it: a test setup
/// failure, not a finding about pinhash.
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
