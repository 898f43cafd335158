/// The schedule for moving a pinned host to its next key without locking a client out: publish a pin set
/// that lists the next key beside the current one, wait until every client has it, then switch the
/// server to the next key and drop the old leaf pin.
///
/// How long to wait is the longest of what each kind of client the host is for needs, counted from the
/// day the new pin set is published, each rounded up to whole days:
/// - apps and configurations built from the pin set (OkHttp, Android, iOS, TrustKit, curl, Chrome): the
///   app update window, the days given for users to install the release that carries the new pins;
/// - HPKP: the header's max-age, for a browser keeps the pins of the header it last saw that long;
/// - DANE: two TTLs of the TLSA records (RFC 7671 §8.1), for a resolver may hold the old record set
///   one TTL, and a record set fetched just before the change another.
///
/// A host with no client list is for every client, and waits for each.
///
/// ```swift
/// let next = PinSetEntry(pin: key.pin, label: "next key, generated 2026-05-01", role: .backup)
/// let plan = try RotationPlan(host: host, nextKey: next, options: .init(publishDate: today))
/// print(plan.switchDate, plan.recordsBeforeSwitch)
/// ```
public struct RotationPlan: Sendable, Hashable {
    public struct Options: Sendable, Hashable {
        /// The default app update window: 30 days.
        public static let defaultAppUpdateWindowDays = 30
        /// The default TTL of TLSA records: an hour, a common zone default.
        public static let defaultTLSATTL: UInt64 = 3_600

        /// The day the pin set with the next key is published: the release ships, the header is served
        /// with the new pins, the TLSA records are in the zone.
        public var publishDate: CalendarDate
        /// Days users are given to install the release that carries the new pins.
        public var appUpdateWindowDays: Int
        /// The HPKP header's max-age, in seconds.
        public var headerMaxAge: UInt64
        /// The TTL of the TLSA records, in seconds.
        public var tlsaTTL: UInt64

        public init(
            publishDate: CalendarDate, appUpdateWindowDays: Int = Options.defaultAppUpdateWindowDays,
            headerMaxAge: UInt64 = HPKPHeader.defaultMaxAge, tlsaTTL: UInt64 = Options.defaultTLSATTL
        ) {
            self.publishDate = publishDate
            self.appUpdateWindowDays = appUpdateWindowDays
            self.headerMaxAge = headerMaxAge
            self.tlsaTTL = tlsaTTL
        }
    }

    /// How a kind of client gets its pins.
    public enum Channel: String, Sendable, Hashable, CaseIterable {
        /// An app release or a configuration built from the pin set.
        case release
        /// The HPKP header a browser caches.
        case header
        /// TLSA records in DNS.
        case records

        /// The clients that get their pins this way.
        public var clients: [PinClient] {
            switch self {
            case .release: [.okhttp, .android, .ios, .trustkit, .curl, .chrome]
            case .header: [.hpkp]
            case .records: [.tlsa]
            }
        }
    }

    /// What one channel needs before the switch.
    public struct Wait: Sendable, Hashable {
        public let channel: Channel
        /// The host's clients that get their pins this way.
        public let clients: [PinClient]
        /// The wait in seconds: the window in days, max-age, or two TTLs.
        public let seconds: UInt64
        /// The wait in whole days, rounded up.
        public let days: Int
        /// The first day these clients all have the new pins.
        public let until: CalendarDate
    }

    /// The host as it is to be published now: its pins with the next key added.
    public let host: PinnedHost
    /// The next key's entry in `host`.
    public let nextKey: PinSetEntry
    /// The host once every server serves the next key: the next key is the leaf pin, and the old leaf
    /// pins (`retiredPins`) are gone.
    public let hostAfterSwitch: PinnedHost
    /// The leaf pins dropped after the switch.
    public let retiredPins: [PinSetEntry]
    public let publishDate: CalendarDate
    /// What each channel the host's clients use needs, in ``Channel`` order.
    public let waits: [Wait]
    /// The earliest day the server may switch to the next key: the latest of the waits, or the publish
    /// date when there is none.
    public let switchDate: CalendarDate
    /// The TLSA records to publish now (the current keys and the next), when the host is for DANE and
    /// named by DNS; empty otherwise.
    public let recordsBeforeSwitch: [String]
    /// The TLSA records after the switch (the next key and any CA's), when there are records.
    public let recordsAfterSwitch: [String]

    /// The plan for `host` with `nextKey` added to its pins (after the others; an entry with the same pin
    /// is replaced). Throws when a wait runs past year 9999 or the app window is negative.
    public init(host: PinnedHost, nextKey: PinSetEntry, options: Options) throws(PinHashError) {
        guard options.appUpdateWindowDays >= 0 else {
            throw PinHashError(
                .invalidArgument,
                "the app update window is \(options.appUpdateWindowDays) days; it cannot be negative")
        }
        var published = host
        published.pins.removeAll { $0.pin == nextKey.pin }
        published.pins.append(nextKey)
        self.host = published
        self.nextKey = nextKey
        publishDate = options.publishDate

        retiredPins = published.pins.filter { $0.role == .leaf }
        var after = published
        after.pins = published.pins.compactMap { entry in
            if entry.role == .leaf { return nil }
            guard entry.pin == nextKey.pin else { return entry }
            var promoted = entry
            promoted.role = .leaf
            return promoted
        }
        hostAfterSwitch = after

        let clients = host.clients.isEmpty ? PinClient.allCases : host.clients
        var waits: [Wait] = []
        for channel in Channel.allCases {
            let channelClients = channel.clients.filter(clients.contains)
            guard !channelClients.isEmpty else { continue }
            let seconds: UInt64 =
                switch channel {
                case .release: UInt64(options.appUpdateWindowDays) * 86_400
                case .header: options.headerMaxAge
                case .records: Self.twice(options.tlsaTTL)
                }
            let days = Self.wholeDays(seconds)
            guard let until = days.flatMap({ options.publishDate.adding(days: $0) }) else {
                throw PinHashError(
                    .invalidArgument,
                    "waiting \(seconds) seconds after \(options.publishDate) runs past the year 9999")
            }
            waits.append(
                Wait(channel: channel, clients: channelClients, seconds: seconds, days: days!, until: until))
        }
        self.waits = waits
        switchDate = waits.map(\.until).max() ?? options.publishDate

        let forDANE = clients.contains(.tlsa) && (try? PinFormatHost(host.name))?.isAddress == false
        recordsBeforeSwitch = forDANE ? Self.tlsaRecords(published) : []
        recordsAfterSwitch = forDANE ? Self.tlsaRecords(after) : []
    }

    /// The wait the switch date comes from: the longest.
    public var longestWait: Wait? { waits.max { $0.until < $1.until } }

    /// Two TTLs, or the largest number when that overflows (which no date can be reached by anyway).
    private static func twice(_ ttl: UInt64) -> UInt64 {
        let (doubled, overflow) = ttl.multipliedReportingOverflow(by: 2)
        return overflow ? .max : doubled
    }

    /// Seconds in whole days, rounded up; nil for more days than any date holds.
    private static func wholeDays(_ seconds: UInt64) -> Int? {
        let days = seconds / 86_400 + (seconds % 86_400 == 0 ? 0 : 1)
        return days <= 4_000_000 ? Int(days) : nil
    }

    /// The host's pins as the `tlsa` export writes them, one record a line.
    private static func tlsaRecords(_ host: PinnedHost) -> [String] {
        var writer = PinSetDocumentWriter(format: .tlsa)
        return writer.document([host]).split(separator: "\n").map(String.init)
    }
}
