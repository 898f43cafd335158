import PinHash
import PinHashLive

/// `pinhash check --rotation`'s report on one host: the ``RotationAnalysis`` of every chain its addresses
/// served, as a table of event against kind of client and a line per break with its fixes.
struct HostRotation {
    let server: ServerAddress
    /// Nil when no address of the host could be checked.
    let analysis: RotationAnalysis?
    /// How many of the host's addresses served a chain.
    let addresses: Int
    let catalogue: CACatalogue
    let accepted: Set<RotationEvent>

    /// One report per host, from the results of `pinhash check` (every address of a host together).
    static func reports(
        for checks: [AddressCheck], hosts: [PinnedHost], catalogue: CACatalogue, accepted: Set<RotationEvent>
    ) -> [HostRotation] {
        hosts.indices.map { index in
            let host = hosts[index]
            let served = checks.filter { $0.hostIndex == index }.compactMap(\.chain).map { chain in
                ServedChain(
                    sent: chain.certificates, verified: chain.verifiedChain,
                    verificationFailure: chain.verification.isTrusted
                        ? nil : chain.verification.failure ?? "unknown reason")
            }
            return HostRotation(
                server: ServerAddress(host: host.name, port: host.port),
                analysis: served.isEmpty
                    ? nil : RotationAnalysis(host: host, served: served, catalogue: catalogue),
                addresses: served.count, catalogue: catalogue, accepted: accepted)
        }
    }

    /// Whether the pin set breaks on an event not accepted.
    var breaks: Bool { analysis?.breaks(accepting: accepted) ?? false }

    /// A pin with the catalogue's name for it: `jQJT…=  (Let's Encrypt R11)`.
    func named(_ pin: Pin) -> String {
        pin.base64 + (catalogue.entry(for: pin).map { " (\($0.name))" } ?? "")
    }

    /// A CA key of a chain after the event, by the catalogue's name when it has one.
    func short(_ pin: Pin?) -> String {
        // Nil is an intermediate no one can know before the CA issues from it.
        guard let pin else { return "another intermediate" }
        return catalogue.entry(for: pin)?.name ?? pin.base64
    }

    /// The fix in the command line's words.
    func words(_ fix: RotationFix) -> String {
        let list = fix.pins.map(named).joined(separator: ", ")
        return switch fix {
        case .addBackupKey:
            "add the pin of a spare key kept offline and renew with it (pinhash backup, then pinhash pinset "
                + "init --backup FILE)"
        case .addRoots(let pins): pins.count == 1 ? "add the root \(list)" : "add the roots \(list)"
        case .addIntermediates(let pins):
            pins.count == 1 ? "add the intermediate \(list)" : "add the intermediates \(list)"
        case .pinServedKey: "pin the server's key \(list)"
        }
    }

    /// The chain after the event, in words: `a new key, issued by R2, to Root A`.
    func words(_ chain: RotatedChain) -> String {
        let leaf =
            switch chain.leaf {
            case .kept: "the same key"
            case .newKey: "a new key"
            }
        let issuer = chain.authorities.count >= 2 ? ", issued by \(short(chain.authorities[0]))" : ""
        let root = chain.authorities.isEmpty ? "" : ", ending at \(short(chain.root))"
        if chain.authorities == [nil] { return "\(leaf) from another CA" }
        return leaf + issuer + root
    }

    /// The rows of the HTML page's rotation table: one per event and kind of client.
    var page: PinSetCheckPage.HostRotation {
        let rows =
            analysis?.outcomes.map { outcome in
                PinSetCheckPage.RotationRow(
                    event: outcome.event.rawValue + (accepted.contains(outcome.event) ? " (accepted)" : ""),
                    clients: outcome.clients.map(\.rawValue).joined(separator: ", "),
                    survives: outcome.survives,
                    fix: outcome.survives ? nil : outcome.fixes.map(words).joined(separator: ", or "))
            } ?? []
        return PinSetCheckPage.HostRotation(host: server.host, port: server.port, rows: rows)
    }

    /// The report as text, every line indented under a title line.
    ///
    ///     rotation of www.example.com:443 (1 address):
    ///       event         curl      okhttp, android, ios, trustkit, chrome, hpkp
    ///       leaf-rekey    breaks    survives
    ///       …
    ///       leaf-rekey breaks for curl (a new key, …): fix: add the pin of a spare key …
    var text: String {
        let addressCount = "\(addresses) address\(addresses == 1 ? "" : "es")"
        let title = "rotation of \(server) (\(addressCount))"
        guard let analysis, !analysis.outcomes.isEmpty else {
            return "\(title): not analysed, no address served a chain\n"
        }
        let scopes = PinMatch.Scope.allCases.compactMap { scope in
            analysis.outcomes.first { $0.scope == scope }
        }
        var rows = [["event"] + scopes.map { $0.clients.map(\.rawValue).joined(separator: ", ") }]
        for event in RotationEvent.allCases {
            rows.append(
                [event.rawValue]
                    + analysis.outcomes(of: event).map { outcome in
                        outcome.survives
                            ? "survives" : accepted.contains(event) ? "breaks (accepted)" : "breaks"
                    })
        }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        var lines = ["\(title):"]
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1
                    ? cell : cell + String(repeating: " ", count: widths[column] - cell.count)
            }
            lines.append("  " + cells.joined(separator: "  "))
        }
        for outcome in analysis.outcomes where !outcome.survives {
            let clients = outcome.clients.map(\.rawValue).joined(separator: ", ")
            let chains = outcome.breakingChains.map(words).joined(separator: "; ")
            let fixes = outcome.fixes.map(words).joined(separator: ", or ")
            lines.append(
                "  \(outcome.event.rawValue) breaks for \(clients) (\(chains))"
                    + (accepted.contains(outcome.event) ? ", accepted" : "") + ": fix: \(fixes)")
        }
        return lines.map { InputName.escapingControlCharacters($0) }.joined(separator: "\n") + "\n"
    }

    /// The report as one JSON object: `host`, `port`, `rotation` ({`addresses`, `catalogue`, `breaks`
    /// (on an event not accepted), `events`: [{`event`, `scope`, `clients`, `survives`, `accepted`,
    /// `breakingChains`: [{`leaf`: `kept` or `new`, `leafPin`, `authorities`: [pin or null]}], `fixes`:
    /// [{`kind`, `pins`, `fix`}]}]}, null when no address served a chain).
    var json: String {
        let string = PinFormatEscaping.jsonString
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        let head = "{\"host\": \(string(server.host)), \"port\": \(server.port), \"rotation\": "
        guard let analysis, !analysis.outcomes.isEmpty else { return head + "null}" }
        let events = analysis.outcomes.map { outcome in
            let chains = outcome.breakingChains.map { chain in
                let leaf: (String, String) =
                    switch chain.leaf {
                    case .kept(let pin): ("kept", string(pin.base64))
                    case .newKey: ("new", "null")
                    }
                return "{\"leaf\": \(string(leaf.0)), \"leafPin\": \(leaf.1), \"authorities\": "
                    + list(chain.authorities.map { $0.map { string($0.base64) } ?? "null" }) + "}"
            }
            let fixes = outcome.fixes.map { fix in
                "{\"kind\": \(string(fix.kind)), \"pins\": \(list(fix.pins.map { string($0.base64) })), "
                    + "\"fix\": \(string(words(fix)))}"
            }
            return
                "{\"event\": \(string(outcome.event.rawValue)), \"scope\": \(string(outcome.scope.rawValue)), "
                + "\"clients\": \(list(outcome.clients.map { string($0.rawValue) })), "
                + "\"survives\": \(outcome.survives), \"accepted\": \(accepted.contains(outcome.event)), "
                + "\"breakingChains\": \(list(chains)), \"fixes\": \(list(fixes))}"
        }
        return head + "{\"addresses\": \(addresses), \"catalogue\": \(string(catalogue.generated)), "
            + "\"breaks\": \(breaks), \"events\": \(list(events))}}"
    }
}
