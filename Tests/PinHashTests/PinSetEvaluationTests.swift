import PinHash
import PinHashTestSupport
import Testing

/// The pure evaluation of a pinned host, without a server: the findings that depend on the pin set alone,
/// at the edges of its expiration. Pins come from the fixture manifest (openssl).
@Suite("PinSetEvaluation")
struct PinSetEvaluationTests {
    static func pin(_ path: String) throws -> Pin {
        let row = try #require(try Fixtures.file(path).rows.first)
        return try #require(Pin(base64: row.pin))
    }

    /// 2026-11-26T12:00:00Z, as `date -u -d 2026-11-26T12:00:00Z +%s` prints it.
    static let noon: Int64 = 1_795_694_400

    static func kinds(_ host: PinnedHost, now: Int64 = noon, warnDays: Int = 30) -> [PinSetFinding.Kind] {
        PinSetEvaluation(host: host, served: nil, now: now, warnDays: warnDays).findings.map(\.kind)
    }

    @Test("two real pins and no expiration: nothing to say")
    func clean() throws {
        let host = PinnedHost(
            name: "www.example.com",
            pins: [
                PinSetEntry(pin: try Self.pin("certs/leaf.pem")),
                PinSetEntry(pin: try Self.pin("keys/ec-p256.pkcs8.pem")),
            ])
        #expect(Self.kinds(host).isEmpty)
    }

    @Test("placeholders: the empty-input hash and a digest of one byte repeated; a pin listed twice")
    func placeholders() throws {
        let leaf = try Self.pin("certs/leaf.pem")
        let zeros = try #require(Pin(base64: "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="))
        let host = PinnedHost(
            name: "www.example.com",
            pins: [leaf, Pin.ofNothing, zeros, leaf].map { PinSetEntry(pin: $0) })
        #expect(Self.kinds(host) == [.placeholderPin, .placeholderPin, .repeatedPin, .fewerThanTwoPins])
    }

    @Test("the expiration: passed on its day, a warning within warnDays, nothing beyond")
    func expiration() throws {
        var host = PinnedHost(
            name: "www.example.com",
            pins: [
                PinSetEntry(pin: try Self.pin("certs/leaf.pem")),
                PinSetEntry(pin: try Self.pin("keys/ec-p256.pkcs8.pem")),
            ])
        host.expiration = CalendarDate(year: 2026, month: 11, day: 26)
        #expect(Self.kinds(host) == [.pinSetExpired])
        host.expiration = CalendarDate(year: 2026, month: 11, day: 27)
        #expect(Self.kinds(host) == [.pinSetExpiresSoon])
        host.expiration = CalendarDate(year: 2026, month: 12, day: 26)
        #expect(Self.kinds(host) == [.pinSetExpiresSoon])
        host.expiration = CalendarDate(year: 2026, month: 12, day: 27)
        #expect(Self.kinds(host).isEmpty)
    }
}
