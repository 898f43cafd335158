import PinHash

/// What the reports say, host by host: how many, when, from which apps, the pins clients noted against
/// the pins their chains had, and what to do.
public struct ReportSummary: Sendable, Hashable {
    /// Reports last received before this moment (seconds since 1970) are left out; 0 for none.
    public let since: Int64
    public let hosts: [HostSummary]

    public init(groups: [ReportGroup], since: Int64) {
        self.since = since
        var order: [String] = []
        var byHost: [String: [ReportGroup]] = [:]
        for group in groups {
            let key = "\(group.hostname)\u{0}\(group.port.map(String.init) ?? "")"
            if byHost[key] == nil { order.append(key) }
            byHost[key, default: []].append(group)
        }
        hosts = order.compactMap { byHost[$0].map(HostSummary.init) }
    }

    /// The summary of the database at `path`.
    public static func read(databaseAt path: String, since: Int64) throws(ReportsError) -> ReportSummary {
        let store = try ReportStore(readingAt: path)
        return ReportSummary(groups: try store.groups(since: since), since: since)
    }

    /// The reports in the database at `path`, counting repeats.
    public static func reportCount(databaseAt path: String) throws(ReportsError) -> Int {
        try ReportStore(readingAt: path).reportCount()
    }
}

/// A value and how many reports had it.
public struct Tally<Value: Sendable & Hashable>: Sendable, Hashable {
    public let value: Value
    public let count: Int
}

/// One host's reports.
public struct HostSummary: Sendable, Hashable {
    public let hostname: String
    /// The port reported; nil when reports gave none (TrustKit sends 0 for the default).
    public let port: Int?
    public let reports: Int
    public let firstSeen: Int64
    public let lastSeen: Int64
    /// `4.2 (IOS)`: app versions with their platform; RFC 7469 reports have none.
    public let appVersions: [Tally<String>]
    public let platforms: [Tally<String>]
    /// The pins clients held, most reported first.
    public let notedPins: [Tally<Pin>]
    /// The pins of the chains clients checked, most reported first.
    public let chainPins: [Tally<Pin>]
    /// The chain of the latest report: what the server sends now, as far as the reports tell.
    public let currentChain: [Pin]
    /// The pin set's view of the latest report that was checked against one.
    public let pinSetMatch: PinSetMatch?
    /// What to do, one sentence each.
    public let advice: [String]

    init(groups: [ReportGroup]) {
        let first = groups[0]
        hostname = first.hostname
        // TrustKit sends port 0 when the app did not name one.
        port = first.port == 0 ? nil : first.port
        reports = groups.reduce(0) { $0 + $1.count }
        firstSeen = groups.map(\.firstReceived).min() ?? 0
        lastSeen = groups.map(\.lastReceived).max() ?? 0
        let latest = groups.max { $0.lastReceived < $1.lastReceived } ?? first
        currentChain = latest.chainPins
        pinSetMatch =
            groups.filter { $0.pinSetMatch != nil }.max { $0.lastReceived < $1.lastReceived }?.pinSetMatch
        appVersions = Self.tally(groups) { group in
            group.appVersion.map { [Self.appName($0, platform: group.appPlatform)] } ?? []
        }
        platforms = Self.tally(groups) { group in group.appPlatform.map { [$0] } ?? [] }
        notedPins = Self.tally(groups) { $0.notedPins }
        chainPins = Self.tally(groups) { $0.chainPins }
        advice = Self.advice(groups, current: currentChain, pinSet: pinSetMatch)
    }

    private static func appName(_ version: String, platform: String?) -> String {
        platform.map { "\(version) (\($0))" } ?? version
    }

    /// Counts each value `values` finds in a group by the group's reports, most first, then in order of
    /// first appearance.
    private static func tally<Value: Hashable>(_ groups: [ReportGroup], _ values: (ReportGroup) -> [Value])
        -> [Tally<Value>]
    {
        var order: [Value] = []
        var counts: [Value: Int] = [:]
        for group in groups {
            var seen: Set<Value> = []
            for value in values(group) where seen.insert(value).inserted {
                if counts[value] == nil { order.append(value) }
                counts[value, default: 0] += group.count
            }
        }
        return order.enumerated()
            .sorted { (counts[$0.element]!, -$0.offset) > (counts[$1.element]!, -$1.offset) }
            .map { Tally(value: $0.element, count: counts[$0.element]!) }
    }

    /// For each app version (or the clients that name none), whether the pins they hold are still in the
    /// chain the server sends, and what the pin set would change.
    private static func advice(_ groups: [ReportGroup], current: [Pin], pinSet: PinSetMatch?) -> [String] {
        var advice: [String] = []
        var order: [String?] = []
        var noted: [String?: [Pin]] = [:]
        for group in groups {
            if noted[group.appVersion] == nil { order.append(group.appVersion) }
            for pin in group.notedPins where !noted[group.appVersion, default: []].contains(pin) {
                noted[group.appVersion, default: []].append(pin)
            }
        }
        let sends = current.isEmpty ? nil : PinNames.list(current, chain: current)
        for version in order {
            let who = version.map { "users on app \($0)" } ?? "clients without an app version"
            let pins = noted[version] ?? []
            if pins.isEmpty {
                advice.append("\(who) sent no pin they hold: their reports cannot tell which pin failed")
                continue
            }
            let held = PinNames.list(pins, chain: current)
            if current.isEmpty {
                advice.append("\(who) pin only \(held); their reports carry no chain to compare with")
            } else if !pins.contains(where: current.contains) {
                advice.append("\(who) pin only \(held); the server now sends \(sends!)")
            } else {
                advice.append(
                    "\(who) pin \(held), which the reported chain has: the failure is elsewhere (a clock, "
                        + "a trust store, or a proxy that intercepts TLS)")
            }
        }
        if let pinSet {
            if pinSet.matchingPins.isEmpty {
                advice.append(
                    "no pin of the current pin set (host \(pinSet.host)) is in the chain the server sends: "
                        + "pin one of its keys, with a backup, before the next release")
            } else {
                advice.append(
                    "the current pin set (host \(pinSet.host)) has \(PinNames.list(pinSet.matchingPins, chain: current)), "
                        + "which the server sends: ship it in the next release")
            }
            if !pinSet.failingClients.isEmpty {
                advice.append(
                    "with the current pin set these clients would still fail: "
                        + pinSet.failingClients.map(\.rawValue).joined(separator: ", "))
            }
        }
        return advice
    }
}

/// How the summary names a pin: the CA catalogue's name for a CA key, "the server's key" for the first
/// key of the chain, else the pin itself.
public enum PinNames {
    public static func name(_ pin: Pin, chain: [Pin] = []) -> String {
        if let entry = CACatalogue.builtInLabel(for: pin) != nil ? CACatalogue.builtIn.entry(for: pin) : nil {
            return entry.name
        }
        if pin == chain.first { return "the server's key \(pin.base64)" }
        return pin.base64
    }

    /// `A`, `A and B`, `A, B and C`.
    static func list(_ pins: [Pin], chain: [Pin]) -> String {
        let names = pins.map { name($0, chain: chain) }
        guard names.count > 1 else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + names.last!
    }
}
