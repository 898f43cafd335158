import PinHash

/// pinhash's version: the command prints it, and the HTTP requests of ``ServerConnector`` name it.
public let pinHashVersion = "0.1.0"

/// Connects to TLS servers to read the certificates they send, and fetches HTTP response heads for
/// `pinhash audit`.
///
/// Every step (resolving, connecting, STARTTLS, the handshake, the HTTP response) is bounded by
/// `options.timeout`, checked on every read and write so that a server that never stops sending is cut
/// off too, and connecting races the addresses of a name (RFC 8305) within that one timeout; errors are `PinHashError`s whose source is the server (`host:port`) and whose code
/// says which step failed.
public struct ServerConnector: Sendable {
    public var options: ConnectOptions

    public init(options: ConnectOptions = ConnectOptions()) {
        self.options = options
    }

    /// Runs the TLS handshake (after STARTTLS when the options ask for it) and returns the certificates
    /// the server sent and whether they verify. An untrusted chain is returned, not thrown.
    public func chain(of server: ServerAddress) throws(PinHashError) -> ServerChain {
        try named(server) { () throws(PinHashError) in
            let connection = try TCPConnection.connect(
                to: server, via: options.address, timeout: options.timeout)
            try options.startTLS?.negotiate(over: connection, timeout: options.timeout)
            let session = try handshake(over: connection, with: server)
            defer { session.close() }
            return try Self.chain(of: session, server: server, connection: connection)
        }
    }

    /// Runs the handshake again (after STARTTLS when the options ask for it) with OpenSSL's DANE
    /// verifier given `records` instead of the trust store, the server's name as the base domain, and
    /// returns which record authenticated the chain, or why none did. A chain no record authenticates is
    /// returned, not thrown.
    public func daneVerification(of server: ServerAddress, records: [TLSARecordData]) throws(PinHashError)
        -> DANEVerification
    {
        try named(server) { () throws(PinHashError) in
            let connection = try TCPConnection.connect(
                to: server, via: options.address, timeout: options.timeout)
            try options.startTLS?.negotiate(over: connection, timeout: options.timeout)
            let session = try handshake(over: connection, with: server, tlsaRecords: records)
            defer { session.close() }
            guard let verification = session.daneVerification else {
                throw OpenSSLErrors.internalFailure("the DANE session kept no records")
            }
            return verification
        }
    }

    /// Sends `GET url.path` and reads the response head (the body is not read). For `https` URLs the
    /// chain is returned as well; for `http` it is nil.
    public func responseHead(of url: HTTPURL) throws(PinHashError) -> (
        head: HTTPResponseHead, chain: ServerChain?
    ) {
        try named(url.server) { () throws(PinHashError) in
            let connection = try TCPConnection.connect(
                to: url.server, via: options.address, timeout: options.timeout)
            guard url.scheme == .https else {
                return (try HTTPResponseHead.fetch(url, over: connection, timeout: options.timeout), nil)
            }
            let session = try handshake(over: connection, with: url.server)
            defer { session.close() }
            let chain = try Self.chain(of: session, server: url.server, connection: connection)
            return (try HTTPResponseHead.fetch(url, over: session, timeout: options.timeout), chain)
        }
    }

    /// Checks the options: a positive timeout of at most an hour, an IP address for `address`, a DNS name
    /// for `serverName`. The error's source names the option: `timeout`, `address` or `serverName`.
    public func validate() throws(PinHashError) {
        guard options.timeout > 0, options.timeout <= 3600 else {
            throw PinHashError(
                .invalidArgument, "must be more than 0 and at most 3600 seconds", source: "timeout")
        }
        if let address = options.address, !isIPAddressLiteral(address) {
            throw PinHashError(
                .invalidArgument, "'\(address)' is not an IPv4 or IPv6 address", source: "address")
        }
        if let serverName = options.serverName {
            guard !serverName.isEmpty, !isIPAddressLiteral(serverName),
                serverName.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") })
            else {
                throw PinHashError(
                    .invalidArgument, "'\(serverName)' is not a DNS name", source: "serverName")
            }
        }
    }

    /// The name sent as SNI: ``ConnectOptions/serverName``, else the host unless it is an IP address (RFC 6066 §3).
    func serverName(for server: ServerAddress) -> String? {
        if let serverName = options.serverName { return Self.withoutTrailingDot(serverName) }
        return isIPAddressLiteral(server.host) ? nil : Self.withoutTrailingDot(server.host)
    }

    private static func withoutTrailingDot(_ name: String) -> String {
        name.hasSuffix(".") && name.count > 1 ? String(name.dropLast()) : name
    }

    private func handshake(
        over connection: TCPConnection, with server: ServerAddress, tlsaRecords: [TLSARecordData]? = nil
    ) throws(PinHashError) -> TLSClientSession {
        let name = serverName(for: server)
        let session = try TLSClientSession(
            over: connection, serverName: name, checkedName: name ?? server.host, caFile: options.caFile,
            tlsaRecords: tlsaRecords)
        try session.handshake(until: Deadline(seconds: options.timeout))
        return session
    }

    private static func chain(of session: TLSClientSession, server: ServerAddress, connection: TCPConnection)
        throws(PinHashError) -> ServerChain
    {
        let sent = session.peerCertificates()
        guard !sent.isEmpty else { throw PinHashError(.noCertificate, "the server sent no certificate") }
        return ServerChain(
            server: server, connectedAddress: connection.peer, serverName: session.serverName,
            protocolVersion: session.protocolVersion, cipher: session.cipher,
            certificates: try pinned(sent, what: "certificate"),
            verifiedChain: try pinned(session.verifiedChain(), what: "verified chain certificate"),
            verification: session.verification)
    }

    /// Pins the certificates by their stored SubjectPublicKeyInfo, as for a file.
    private static func pinned(_ certificates: [[UInt8]], what: String) throws(PinHashError) -> [PinnedObject]
    {
        var objects: [PinnedObject] = []
        for (index, der) in certificates.enumerated() {
            do throws(PinHashError) {
                objects.append(try PinnedObject.certificate(der: der, position: index + 1))
            } catch {
                throw PinHashError(.protocolFailure, "\(what) \(index + 1) from the server: \(error.reason)")
            }
        }
        return objects
    }

    /// Runs `body` with SIGPIPE held off, naming the server in any error it throws.
    private func named<T>(_ server: ServerAddress, _ body: () throws(PinHashError) -> T) throws(PinHashError)
        -> T
    {
        do {
            return try withSIGPIPEBlocked(body)
        } catch {
            throw error.naming(server.description)
        }
    }
}
