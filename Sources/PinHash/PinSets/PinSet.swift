/// The pins every client of a set of servers is built with, kept in one file (`pins.yaml`) from which
/// each client's configuration is generated, against which each client's configuration is compared, and
/// which is checked against what every server really serves.
///
/// A value: reading and writing the file, importing other formats and checking live servers are done
/// elsewhere.
public struct PinSet: Sendable, Hashable {
    /// The version of the file format this value was read from or is written as.
    public static let currentVersion = 1

    public var version: Int
    /// The pinned hosts, in the order of the file.
    public var hosts: [PinnedHost]

    public init(version: Int = PinSet.currentVersion, hosts: [PinnedHost] = []) {
        self.version = version
        self.hosts = hosts
    }
}

/// One host's pins and how its clients apply them.
public struct PinnedHost: Sendable, Hashable {
    /// The DNS name (lower case, no trailing dot) or IP address the pins apply to.
    public var name: String
    /// The TCP port a live check connects to; 443 unless the host serves elsewhere.
    public var port: Int
    /// Whether the pins apply to every subdomain of `name` too.
    public var includesSubdomains: Bool
    /// The pins, in order; a client accepts a chain that holds any one of them.
    public var pins: [PinSetEntry]
    /// The day after which clients stop enforcing the pins (Android's `<pin-set expiration>`,
    /// TrustKit's `kTSKExpirationDate`); nil for none.
    public var expiration: CalendarDate?
    /// Whether a mismatch fails the connection or is only reported.
    public var enforcement: PinEnforcement
    /// Where clients that can report a mismatch send the report.
    public var reportURIs: [String]
    /// The clients whose configuration is generated from this host's pins; empty means every one.
    public var clients: [PinClient]

    public init(
        name: String, port: Int = 443, includesSubdomains: Bool = false, pins: [PinSetEntry] = [],
        expiration: CalendarDate? = nil, enforcement: PinEnforcement = .enforce, reportURIs: [String] = [],
        clients: [PinClient] = []
    ) {
        self.name = name
        self.port = port
        self.includesSubdomains = includesSubdomains
        self.pins = pins
        self.expiration = expiration
        self.enforcement = enforcement
        self.reportURIs = reportURIs
        self.clients = clients
    }
}

/// One pin of a host, with what it is and where it came from.
public struct PinSetEntry: Sendable, Hashable {
    public var pin: Pin
    /// A person's name for the key: `leaf 2026`, `spare key in the safe`.
    public var label: String?
    /// The key's place: in the chain served (leaf, intermediate, root) or a backup kept outside it.
    public var role: PinSetRole?
    /// Where the pin was taken from: a file, a server (`example.com:443`), an imported configuration.
    public var source: String?

    public init(pin: Pin, label: String? = nil, role: PinSetRole? = nil, source: String? = nil) {
        self.pin = pin
        self.label = label
        self.role = role
        self.source = source
    }

    /// The CA catalogue's note for this key (`[catalogue: …]`) when it is a CA key the label does not
    /// already name, as `init` and `import` write it; nil otherwise.
    public var catalogueNote: String? {
        guard let note = CACatalogue.builtInNote(for: pin), let name = CACatalogue.builtInLabel(for: pin),
            !(label?.contains(name) ?? false)
        else { return nil }
        return note
    }
}

/// A pinned key's place.
public enum PinSetRole: String, Sendable, Hashable, CaseIterable {
    case leaf, intermediate, root, backup
}

/// Whether clients enforce a host's pins or only report a mismatch.
public enum PinEnforcement: String, Sendable, Hashable, CaseIterable {
    case enforce
    case reportOnly = "report-only"
}

/// The clients a pin set's configuration is generated for.
public enum PinClient: String, Sendable, Hashable, CaseIterable {
    case okhttp, android, ios, trustkit, curl, chrome, hpkp, tlsa
}

/// A day of the Gregorian calendar, as `YYYY-MM-DD`: what pin-set expirations are given in.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil unless `year`-`month`-`day` is a real day from year 1 to 9999.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...Self.days(inMonth: month, of: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Reads `YYYY-MM-DD`, exactly (ISO 8601's calendar date, as the pin-set file and Android write it).
    public init?(iso8601 text: String) {
        var text = text
        guard let (year, month, day) = text.withUTF8(Self.fields(ofISO8601:)) else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// The numbers of `YYYY-MM-DD`: ten bytes, dashes at 4 and 7, digits elsewhere. Read as bytes: the
    /// built-in catalogue reads two dates a row, and splitting Strings cost 7,600 instructions a date.
    private static func fields(ofISO8601 bytes: UnsafeBufferPointer<UInt8>) -> (Int, Int, Int)? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            return nil
        }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else {
            return nil
        }
        return (year, month, day)
    }

    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Days since 1970-01-01 (negative before), for counting the days to an expiration.
    public var daysSinceUnixEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146097 + dayOfEra - 719468
    }

    /// The day `days` after 1970-01-01 (before it when negative); nil outside years 1 to 9999.
    public init?(daysSinceUnixEpoch days: Int) {
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719468
        let era = (shifted >= 0 ? shifted : shifted - 146096) / 146097
        let dayOfEra = shifted - era * 146097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
    }

    /// The UTC day of a moment given in seconds since 1970-01-01; nil outside years 1 to 9999.
    public init?(secondsSinceUnixEpoch seconds: Int64) {
        self.init(daysSinceUnixEpoch: Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400))
    }

    /// The day `days` later (earlier when negative); nil past year 9999 or before year 1.
    public func adding(days: Int) -> CalendarDate? {
        CalendarDate(daysSinceUnixEpoch: daysSinceUnixEpoch + days)
    }

    private static func days(inMonth month: Int, of year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

extension PinnedHost {
    /// `name` as a pin set keeps it: a DNS name in lower case without a trailing dot, or an IP address;
    /// throws (``PinHashError/Code-swift.struct/invalidHost``) for anything else, a wildcard included.
    public static func checkedName(_ name: String) throws(PinHashError) -> String {
        try PinFormatHost(name).text
    }
}
