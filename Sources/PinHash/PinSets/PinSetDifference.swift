/// How two pin sets differ, host by host: the drift between the pin set kept as the truth and what an
/// app's configuration (another pin set, or one imported from a client's format) says.
///
/// ```swift
/// let difference = PinSetDifference(between: truth, and: app)
/// for change in difference.changes { print(change) }
/// ```
public struct PinSetDifference: Sendable, Hashable {
    /// What is compared. A format that cannot say some of these (Android has no report URIs, iOS no
    /// expiration) is compared on the rest.
    public enum Field: Sendable, Hashable, CaseIterable {
        case port, pins, includeSubdomains, expiration, enforcement, reportURIs
    }

    /// One difference about one host; `first` and `second` are the two sets' values, in the order given.
    public struct Change: Sendable, Hashable, CustomStringConvertible {
        public enum Kind: Sendable, Hashable {
            case hostOnlyInFirst
            case hostOnlyInSecond
            case pinOnlyInFirst(PinSetEntry)
            case pinOnlyInSecond(PinSetEntry)
            case includeSubdomains(first: Bool, second: Bool)
            case expiration(first: CalendarDate?, second: CalendarDate?)
            case enforcement(first: PinEnforcement, second: PinEnforcement)
            case reportURIs(first: [String], second: [String])
        }

        /// The host's name, with `:PORT` when ports are compared and it is not 443.
        public let host: String
        public let kind: Kind

        public var description: String { describe(first: "the first", second: "the second") }

        /// The change in words, naming the two sets `first` and `second` (their files, say).
        public func describe(first: String, second: String) -> String {
            let what: String =
                switch kind {
                case .hostOnlyInFirst: "host only in \(first)"
                case .hostOnlyInSecond: "host only in \(second)"
                case .pinOnlyInFirst(let entry):
                    "pin only in \(first): \(entry.pin.base64)\(Self.about(entry))"
                case .pinOnlyInSecond(let entry):
                    "pin only in \(second): \(entry.pin.base64)\(Self.about(entry))"
                case .includeSubdomains(let a, let b):
                    "include-subdomains: \(a) in \(first), \(b) in \(second)"
                case .expiration(let a, let b):
                    "expiration: \(a?.description ?? "none") in \(first), \(b?.description ?? "none") in \(second)"
                case .enforcement(let a, let b):
                    "enforcement: \(a.rawValue) in \(first), \(b.rawValue) in \(second)"
                case .reportURIs(let a, let b):
                    "report-uris: \(Self.list(a)) in \(first), \(Self.list(b)) in \(second)"
                }
            return "\(host): \(what)"
        }

        /// The entry's label and source, then the catalogue's name for a CA key unless its label already
        /// gives it (as `pinset init` and `import` write it).
        private static func about(_ entry: PinSetEntry) -> String {
            let summary = entry.summary.map { " (\(InputName.escapingControlCharacters($0)))" } ?? ""
            return summary + (entry.catalogueNote.map { " " + $0 } ?? "")
        }

        private static func list(_ uris: [String]) -> String {
            uris.isEmpty ? "none" : uris.map(InputName.escapingControlCharacters).joined(separator: " ")
        }
    }

    /// Every difference, host by host in the first set's order (then the hosts only in the second).
    public let changes: [Change]

    /// Whether the two sets agree on every field compared.
    public var isEmpty: Bool { changes.isEmpty }

    /// Compares `first` and `second` on `fields`. Hosts are matched by name, and by port too when the
    /// port is compared; pins are compared as sets (order, labels, roles and sources aside); report
    /// URIs as sets.
    public init(between first: PinSet, and second: PinSet, comparing fields: Set<Field> = Set(Field.allCases))
    {
        let byPort = fields.contains(.port)
        func key(_ host: PinnedHost) -> String {
            byPort && host.port != 443 ? "\(host.name):\(host.port)" : host.name
        }
        var remaining = second.hosts
        var changes: [Change] = []
        for host in first.hosts {
            guard let index = remaining.firstIndex(where: { key($0) == key(host) }) else {
                changes.append(Change(host: key(host), kind: .hostOnlyInFirst))
                continue
            }
            let other = remaining.remove(at: index)
            changes += Self.changes(key(host), host, other, fields)
        }
        changes += remaining.map { Change(host: key($0), kind: .hostOnlyInSecond) }
        self.changes = changes
    }

    /// Compares the pin set kept as the truth with an app's or server's configuration: only the hosts
    /// whose clients include the configuration's (every host when it names no clients), on the fields
    /// the configuration's format can say (those of every format it was read as).
    public init(between truth: PinSet, andImported configuration: PinSetImport) {
        let formats = configuration.formats
        let clients = Set(formats.map(\.client))
        // An Info.plist is read for iOS's and TrustKit's keys: what either can say is compared.
        let fields =
            formats.isEmpty
            ? Set(Field.allCases) : formats.reduce(into: Set<Field>()) { $0.formUnion($1.expressedFields) }
        var kept = truth
        kept.hosts = truth.hosts.filter { host in
            formats.isEmpty || host.clients.isEmpty || !clients.isDisjoint(with: host.clients)
        }
        self.init(between: kept, and: configuration.pinSet, comparing: fields)
    }

    private static func changes(_ name: String, _ a: PinnedHost, _ b: PinnedHost, _ fields: Set<Field>)
        -> [Change]
    {
        var changes: [Change] = []
        func add(_ kind: Change.Kind) { changes.append(Change(host: name, kind: kind)) }
        if fields.contains(.pins) {
            let inA = Set(a.pins.map(\.pin))
            let inB = Set(b.pins.map(\.pin))
            for entry in a.distinctEntries where !inB.contains(entry.pin) { add(.pinOnlyInFirst(entry)) }
            for entry in b.distinctEntries where !inA.contains(entry.pin) { add(.pinOnlyInSecond(entry)) }
        }
        if fields.contains(.includeSubdomains), a.includesSubdomains != b.includesSubdomains {
            add(.includeSubdomains(first: a.includesSubdomains, second: b.includesSubdomains))
        }
        if fields.contains(.expiration), a.expiration != b.expiration {
            add(.expiration(first: a.expiration, second: b.expiration))
        }
        if fields.contains(.enforcement), a.enforcement != b.enforcement {
            add(.enforcement(first: a.enforcement, second: b.enforcement))
        }
        if fields.contains(.reportURIs), Set(a.reportURIs) != Set(b.reportURIs) {
            add(.reportURIs(first: a.reportURIs, second: b.reportURIs))
        }
        return changes
    }
}
