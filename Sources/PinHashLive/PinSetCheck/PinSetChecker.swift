import PinHash

/// Checks every host of a pin set against what each of its addresses serves: every address a name
/// resolves to (or the ``ResolveOverride`` addresses) is connected to and evaluated by itself
/// (``PinSetEvaluation``), at most ``PinSetCheckOptions/jobs`` at once. A host that cannot be reached does
/// not stop the others: its result says why.
///
/// ```swift
/// let checker = PinSetChecker(options: PinSetCheckOptions(caFile: "ca.pem"))
/// let results = await checker.check(pinSet.hosts, now: Int64(time(nil))) { print($0.address ?? "-") }
/// ```
///
/// No process-wide state: each handshake has its own TLS context, and the blocking steps run on
/// threads of their own.
public struct PinSetChecker: Sendable {
    public var options: PinSetCheckOptions

    public init(options: PinSetCheckOptions = PinSetCheckOptions()) {
        self.options = options
    }

    /// Checks the options as ``ServerConnector/validate()`` does, and `jobs` (source `jobs`) and
    /// `warnDays` (source `warnDays`).
    public func validate() throws(PinHashError) {
        guard (1...1024).contains(options.jobs) else {
            throw PinHashError(.invalidArgument, "must be a number from 1 to 1024", source: "jobs")
        }
        guard (0...100_000).contains(options.warnDays) else {
            throw PinHashError(
                .invalidArgument, "must be a number of days from 0 to 100000", source: "warnDays")
        }
        try connector(address: nil).validate()
    }

    private enum Step: Sendable {
        case resolve(Int)
        case check(Int, String)
    }

    private enum Outcome: Sendable {
        case resolved(Int, [String])
        case checked(AddressCheck)
    }

    /// Checks every address of every host; `each` is called with each result as it is finished, one at a
    /// time. Returns the results in the order of `hosts`, each host's addresses in the resolver's order.
    public func check(
        _ hosts: [PinnedHost], now: Int64, each: (AddressCheck) -> Void = { _ in }
    ) async -> [AddressCheck] {
        var results: [AddressCheck] = []
        var addressOrder: [Int: [String]] = [:]
        await withTaskGroup(of: Outcome.self) { group in
            var pending = hosts.indices.map(Step.resolve)
            var next = 0
            var running = 0
            func startSteps() {
                while running < options.jobs, next < pending.count {
                    let step = pending[next]
                    next += 1
                    running += 1
                    group.addTask { await run(step, hosts: hosts, now: now) }
                }
            }
            startSteps()
            while let outcome = await group.next() {
                running -= 1
                switch outcome {
                case .resolved(let index, let addresses):
                    addressOrder[index] = addresses
                    pending += addresses.map { Step.check(index, $0) }
                case .checked(let result):
                    results.append(result)
                    each(result)
                }
                startSteps()
            }
        }
        return results.sorted { lhs, rhs in
            if lhs.hostIndex != rhs.hostIndex { return lhs.hostIndex < rhs.hostIndex }
            let order = addressOrder[lhs.hostIndex] ?? []
            return (lhs.address.flatMap(order.firstIndex) ?? -1)
                < (rhs.address.flatMap(order.firstIndex) ?? -1)
        }
    }

    private func run(_ step: Step, hosts: [PinnedHost], now: Int64) async -> Outcome {
        switch step {
        case .resolve(let index):
            let host = hosts[index]
            if let given = options.overriddenAddresses(host: host.name, port: host.port) {
                return .resolved(index, given)
            }
            if isIPAddressLiteral(host.name) { return .resolved(index, [host.name]) }
            let timeout = options.timeout
            let resolved = await BlockingThread.run { () -> Result<[String], PinHashError> in
                do throws(PinHashError) {
                    return .success(
                        try TCPConnection.resolve(host.name, port: host.port, timeout: timeout).map(\.numeric)
                    )
                } catch {
                    return .failure(error.naming(ServerAddress(host: host.name, port: host.port).description))
                }
            }
            switch resolved {
            case .success(let addresses) where !addresses.isEmpty: return .resolved(index, addresses)
            case .success:
                return .checked(
                    failed(
                        index, host, address: nil, PinHashError(.nameResolutionFailed, "no address"), now: now
                    ))
            case .failure(let error): return .checked(failed(index, host, address: nil, error, now: now))
            }
        case .check(let index, let address):
            let host = hosts[index]
            let connector = connector(address: address)
            let server = ServerAddress(host: host.name, port: host.port)
            let outcome = await BlockingThread.run { () -> Result<ServerChain, PinHashError> in
                do throws(PinHashError) {
                    return .success(try connector.chain(of: server))
                } catch {
                    return .failure(error)
                }
            }
            switch outcome {
            case .success(let chain):
                let served = ServedChain(
                    sent: chain.certificates, verified: chain.verifiedChain,
                    verificationFailure: chain.verification.isTrusted
                        ? nil : chain.verification.failure ?? "unknown reason")
                var dane: DANEVerification?
                var failure: PinHashError?
                if host.isCheckedWithDANE {
                    switch await daneVerification(of: host, server: server, connector: connector) {
                    case .success(let verification): dane = verification
                    case .failure(let error): failure = error
                    }
                }
                return .checked(
                    AddressCheck(
                        hostIndex: index, host: host, address: address, chain: chain, failure: failure,
                        evaluation: PinSetEvaluation(
                            host: host, served: served, dane: dane, now: now, warnDays: options.warnDays)))
            case .failure(let error):
                return .checked(failed(index, host, address: address, error, now: now))
            }
        }
    }

    /// The host's TLSA records checked by OpenSSL's DANE verifier in a handshake of its own (the first
    /// one verifies with the trust store, which the clients of the other pins use); a host without pins
    /// has no records, and nothing to connect for.
    private func daneVerification(of host: PinnedHost, server: ServerAddress, connector: ServerConnector)
        async -> Result<DANEVerification, PinHashError>
    {
        let records = host.tlsaRecords
        guard !records.isEmpty else {
            return .success(
                DANEVerification(records: [], authority: nil, depth: nil, failure: "the host has no pins"))
        }
        return await BlockingThread.run { () -> Result<DANEVerification, PinHashError> in
            do throws(PinHashError) {
                return .success(try connector.daneVerification(of: server, records: records))
            } catch {
                return .failure(
                    PinHashError(
                        error.code, "DANE handshake: \(error.reason)", source: error.source,
                        remedy: error.remedy))
            }
        }
    }

    private func failed(_ index: Int, _ host: PinnedHost, address: String?, _ error: PinHashError, now: Int64)
        -> AddressCheck
    {
        AddressCheck(
            hostIndex: index, host: host, address: address, chain: nil, failure: error,
            evaluation: PinSetEvaluation(host: host, served: nil, now: now, warnDays: options.warnDays))
    }

    private func connector(address: String?) -> ServerConnector {
        ServerConnector(
            options: ConnectOptions(
                address: address, caFile: options.caFile, timeout: options.timeout, startTLS: options.startTLS
            ))
    }
}
