import PinHash

/// The mail protocols whose STARTTLS command `ServerConnector` speaks before the TLS handshake.
public enum StartTLSProtocol: String, Sendable, Hashable, CaseIterable {
    case smtp, imap, pop3

    /// The protocol's usual port for STARTTLS: 25, 143 or 110.
    public var defaultPort: Int {
        switch self {
        case .smtp: 25
        case .imap: 143
        case .pop3: 110
        }
    }
}

/// How `ServerConnector` reaches a server and what it trusts.
public struct ConnectOptions: Sendable, Hashable {
    /// The name sent as SNI and checked against the certificate; nil means the host, and no SNI when the
    /// host is an IP address (RFC 6066 allows names only).
    public var serverName: String?
    /// An IP address to connect to instead of resolving the host (as curl's --resolve), to check a server
    /// before DNS points at it; SNI, certificate checks and the HTTP Host still use the host name.
    public var address: String?
    /// A PEM file of the CA certificates to trust instead of the system's trust store.
    public var caFile: String?
    /// Seconds allowed for each step, whatever the server sends: resolving, connecting (one deadline for
    /// all of a name's addresses, which race), the STARTTLS exchange, the TLS handshake, an HTTP response.
    public var timeout: Double
    /// The STARTTLS exchange to run before the handshake, for mail servers.
    public var startTLS: StartTLSProtocol?

    public init(
        serverName: String? = nil, address: String? = nil, caFile: String? = nil, timeout: Double = 10,
        startTLS: StartTLSProtocol? = nil
    ) {
        self.serverName = serverName
        self.address = address
        self.caFile = caFile
        self.timeout = timeout
        self.startTLS = startTLS
    }
}

/// Whether the chain a server sent verifies, and against what.
public struct ChainVerification: Sendable, Hashable, CustomStringConvertible {
    /// The chain leads to a trusted CA and the leaf is valid for `checkedName`.
    public let isTrusted: Bool
    /// Why it is not trusted, in OpenSSL's words (`self-signed certificate in certificate chain`,
    /// `hostname mismatch`); nil when trusted.
    public let failure: String?
    /// The host name or IP address the leaf was checked against.
    public let checkedName: String
    /// The CA file trusted instead of the system's store, if one was given.
    public let caFile: String?

    public init(isTrusted: Bool, failure: String?, checkedName: String, caFile: String?) {
        self.isTrusted = isTrusted
        self.failure = failure
        self.checkedName = checkedName
        self.caFile = caFile
    }

    private var store: String { caFile.map { "the CAs in \($0)" } ?? "the system trust store" }

    /// `trusted for www.example.com by the system trust store`, or
    /// `not trusted for www.example.com by the system trust store: hostname mismatch`.
    public var description: String {
        if isTrusted { return "trusted for \(checkedName) by \(store)" }
        return "not trusted for \(checkedName) by \(store): \(failure ?? "unknown reason")"
    }
}

/// What a TLS handshake with a server showed: the certificates it sent and whether they verify.
public struct ServerChain: Sendable, Hashable {
    public let server: ServerAddress
    /// The IP address that answered.
    public let connectedAddress: String
    /// The SNI name sent, if any.
    public let serverName: String?
    /// The protocol version agreed: `TLSv1.3`, `TLSv1.2`.
    public let protocolVersion: String
    /// The cipher suite agreed, in OpenSSL's naming.
    public let cipher: String
    /// Every certificate the server sent, in the order sent, with roles: the first is the server's own
    /// (`leaf`, or `selfSigned` when it issued itself) whatever its flags; the others as
    /// `CertificateRole` says, from the links among them.
    public let certificates: [PinnedObject]
    /// The chain OpenSSL built from the leaf to a trust anchor, which may end in a root the server did not
    /// send; empty when the chain is not trusted.
    public let verifiedChain: [PinnedObject]
    /// The certificates of `verifiedChain` whose keys the server did not send (usually the root): clients
    /// that match pins against the chain they build (OkHttp, Android, iOS, browsers under RFC 7469) see
    /// them too. Numbered after the certificates sent; empty when the chain is not trusted.
    public let certificatesNotSent: [PinnedObject]
    public let verification: ChainVerification

    public init(
        server: ServerAddress, connectedAddress: String, serverName: String?, protocolVersion: String,
        cipher: String, certificates: [PinnedObject], verifiedChain: [PinnedObject],
        verification: ChainVerification
    ) {
        self.server = server
        self.connectedAddress = connectedAddress
        self.serverName = serverName
        self.protocolVersion = protocolVersion
        self.cipher = cipher
        let sent = RoleResolver.rolesOfSentChain(certificates)
        self.certificates = sent
        self.verifiedChain = verifiedChain
        self.certificatesNotSent = RoleResolver.certificatesNotSent(sent: sent, verified: verifiedChain)
        self.verification = verification
    }

    /// The leaf: the first certificate sent.
    public var leaf: PinnedObject? { certificates.first }

    /// The certificates sent, then those of the verified chain the server did not send, each as an entry
    /// of `source` that says whether it was sent.
    public func entries(source: String) -> [PinnedEntry] {
        certificates.map { PinnedEntry($0, source: source, sentByServer: true) }
            + certificatesNotSent.map { PinnedEntry($0, source: source, sentByServer: false) }
    }
}
