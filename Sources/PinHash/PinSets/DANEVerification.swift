/// What OpenSSL's DANE verifier (RFC 6698, RFC 7671) made of the chain one address served, given the
/// TLSA records a host's pins imply (``PinnedHost/tlsaRecords``): which record authenticated it, or why
/// none did.
public struct DANEVerification: Sendable, Hashable {
    /// The records the chain was checked against.
    public let records: [TLSARecordData]
    /// The record that authenticated the chain; nil when none did.
    public let authority: TLSARecordData?
    /// Where in the chain the certificate the record matched is: 0 the server's own, 1 the CA after it,
    /// and so on; nil when no record authenticated the chain.
    public let depth: Int?
    /// Why no record authenticated the chain, in OpenSSL's words (`No matching DANE TLSA records`); nil
    /// when one did.
    public let failure: String?

    public init(records: [TLSARecordData], authority: TLSARecordData?, depth: Int?, failure: String?) {
        self.records = records
        self.authority = authority
        self.depth = depth
        self.failure = failure
    }

    /// Whether a record authenticated the chain.
    public var isAuthenticated: Bool { authority != nil && failure == nil }

    /// `DANE-EE 3 1 1 HEX matched the server's own key`,
    /// `DANE-TA 2 1 1 HEX matched the key of the CA at depth 1`, or
    /// `no TLSA record of the pin set authenticates the chain (No matching DANE TLSA records)`.
    public var summary: String {
        guard let authority, failure == nil else {
            return "no TLSA record of the pin set authenticates the chain (\(failure ?? "none matched"))"
        }
        let what =
            depth == 0 || authority.usage == 3
            ? "the server's own key" : "the key of the CA at depth \(depth.map(String.init) ?? "?")"
        return "\(authority.usageName) \(authority) matched \(what)"
    }
}
