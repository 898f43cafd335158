import Foundation
import PinHash

/// The summary as text for a terminal, as JSON for programs, and as the collector's HTML page.
extension ReportSummary {
    public var text: String {
        guard !hosts.isEmpty else {
            return "no reports" + (since > 0 ? " since \(ReportTime.format(since))" : "") + "\n"
        }
        var lines: [String] = []
        for host in hosts {
            let name = InputName.escapingControlCharacters(host.hostname) + (host.port.map { ":\($0)" } ?? "")
            lines.append(
                "\(name): \(host.reports) report\(host.reports == 1 ? "" : "s"), first \(ReportTime.format(host.firstSeen)), "
                    + "last \(ReportTime.format(host.lastSeen))")
            if !host.appVersions.isEmpty {
                lines.append(
                    "  app versions: "
                        + host.appVersions.map { "\(escaped($0.value)) ×\($0.count)" }.joined(separator: ", ")
                )
            }
            if !host.platforms.isEmpty {
                lines.append(
                    "  platforms: "
                        + host.platforms.map { "\(escaped($0.value)) ×\($0.count)" }.joined(separator: ", "))
            }
            lines.append("  pins clients noted:")
            lines += host.notedPins.isEmpty ? ["    none"] : host.notedPins.map { "    " + pinLine($0, host) }
            lines.append("  pins of the chains they had:")
            lines += host.chainPins.isEmpty ? ["    none"] : host.chainPins.map { "    " + pinLine($0, host) }
            if let match = host.pinSetMatch {
                let matching =
                    match.matchingPins.isEmpty
                    ? "no pin in the chain"
                    : match.matchingPins.map { PinNames.name($0, chain: host.currentChain) }.joined(
                        separator: ", ")
                let failing =
                    match.failingClients.isEmpty
                    ? "none" : match.failingClients.map(\.rawValue).joined(separator: ", ")
                lines.append(
                    "  pin set (host \(escaped(match.host))): matches \(matching); fails for \(failing)")
            }
            for advice in host.advice { lines.append("  advice: " + escaped(advice)) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func escaped(_ text: String) -> String { InputName.escapingControlCharacters(text) }

    private func pinLine(_ tally: Tally<Pin>, _ host: HostSummary) -> String {
        let name = PinNames.name(tally.value, chain: host.currentChain)
        let label = name.contains(tally.value.base64) ? "" : "  \(name)"
        return "\(tally.value.base64) ×\(tally.count)\(label)"
    }

    /// One JSON object: `since` and `hosts`, each host with its counts, times (UTC), pins and advice.
    public var json: String {
        struct PinCount: Encodable {
            var pin: String
            var name: String?
            var count: Int
        }
        struct ValueCount: Encodable {
            var value: String
            var count: Int
        }
        struct PinSetJSON: Encodable {
            var host: String
            var matchingPins: [String]
            var failingClients: [String]
        }
        struct Host: Encodable {
            var hostname: String
            var port: Int?
            var reports: Int
            var firstSeen: String
            var lastSeen: String
            var appVersions: [ValueCount]
            var platforms: [ValueCount]
            var notedPins: [PinCount]
            var chainPins: [PinCount]
            var currentChain: [String]
            var pinSet: PinSetJSON?
            var advice: [String]
        }
        struct Document: Encodable {
            var since: String?
            var hosts: [Host]
        }
        func pins(_ tallies: [Tally<Pin>], _ host: HostSummary) -> [PinCount] {
            tallies.map { tally in
                let name = PinNames.name(tally.value, chain: host.currentChain)
                return PinCount(
                    pin: tally.value.base64, name: name.contains(tally.value.base64) ? nil : name,
                    count: tally.count)
            }
        }
        let document = Document(
            since: since > 0 ? ReportTime.format(since) : nil,
            hosts: hosts.map { host in
                Host(
                    hostname: host.hostname, port: host.port, reports: host.reports,
                    firstSeen: ReportTime.format(host.firstSeen), lastSeen: ReportTime.format(host.lastSeen),
                    appVersions: host.appVersions.map { ValueCount(value: $0.value, count: $0.count) },
                    platforms: host.platforms.map { ValueCount(value: $0.value, count: $0.count) },
                    notedPins: pins(host.notedPins, host), chainPins: pins(host.chainPins, host),
                    currentChain: host.currentChain.map(\.base64),
                    pinSet: host.pinSetMatch.map {
                        PinSetJSON(
                            host: $0.host, matchingPins: $0.matchingPins.map(\.base64),
                            failingClients: $0.failingClients.map(\.rawValue))
                    }, advice: host.advice)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = (try? encoder.encode(document)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
