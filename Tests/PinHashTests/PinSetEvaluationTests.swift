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

    @Test("DANE: hosts listing tlsa, or listing no client on port 25; never an IP address")
    func checkedWithDANE() {
        #expect(PinnedHost(name: "www.example.com", clients: [.tlsa, .curl]).isCheckedWithDANE)
        #expect(PinnedHost(name: "mail.example.com", port: 25).isCheckedWithDANE)
        #expect(!PinnedHost(name: "www.example.com").isCheckedWithDANE)
        #expect(!PinnedHost(name: "mail.example.com", port: 25, clients: [.okhttp]).isCheckedWithDANE)
        #expect(!PinnedHost(name: "192.0.2.10", port: 25, clients: [.tlsa]).isCheckedWithDANE)
    }

    @Test("DANE: a CA's pin is a 2 1 1 record, any other 3 1 1, each pin once, its SHA-256 in hex")
    func tlsaRecords() throws {
        let leaf = try Self.pin("certs/leaf.pem")
        let intermediate = try Self.pin("certs/intermediate.pem")
        let root = try Self.pin("certs/root.pem")
        let spare = try Self.pin("keys/ec-p256.pkcs8.pem")
        let host = PinnedHost(
            name: "www.example.com",
            pins: [
                PinSetEntry(pin: leaf, role: .leaf), PinSetEntry(pin: intermediate, role: .intermediate),
                PinSetEntry(pin: root, role: .root), PinSetEntry(pin: spare, role: .backup),
                PinSetEntry(pin: spare), PinSetEntry(pin: leaf, role: .leaf),
            ])
        #expect(host.tlsaRecords.map(\.usage) == [3, 2, 2, 3])
        #expect(host.tlsaRecords.allSatisfy { $0.selector == 1 && $0.matchingType == 1 })
        // The manifest's base64 pins, read back from each record's data.
        #expect(try host.tlsaRecords.map { try $0.pin() } == [leaf, intermediate, root, spare])
    }

    @Test("DANE: no record authenticating the chain is an error; a record that does says nothing")
    func daneFinding() throws {
        let leaf = try Self.pin("certs/leaf.pem")
        let spare = try Self.pin("keys/ec-p256.pkcs8.pem")
        let host = PinnedHost(
            name: "www.example.com",
            pins: [PinSetEntry(pin: leaf, role: .leaf), PinSetEntry(pin: spare, role: .backup)],
            clients: [.tlsa])
        let served = ServedChain(sent: [], verified: [], verificationFailure: nil)
        let failed = DANEVerification(
            records: host.tlsaRecords, authority: nil, depth: nil, failure: "no matching DANE TLSA records")
        let refused = PinSetEvaluation(host: host, served: served, dane: failed, now: Self.noon, warnDays: 30)
        #expect(refused.findings.map(\.kind) == [PinSetFinding.Kind.noTLSARecordAuthenticates])
        #expect(refused.findings.first?.severity == .error)
        #expect(refused.findings.first?.remedy == .publishTLSAForServedKey)
        let passed = DANEVerification(
            records: host.tlsaRecords, authority: host.tlsaRecords[0], depth: 0, failure: nil)
        let accepted = PinSetEvaluation(
            host: host, served: served, dane: passed, now: Self.noon, warnDays: 30)
        #expect(accepted.findings.isEmpty)
        #expect(
            accepted.dane?.summary.hasPrefix("DANE-EE 3 1 1 \(leaf.hex) matched the server's own key") == true
        )
        // Without a served chain (the address could not be checked) there is no DANE verdict.
        #expect(
            PinSetEvaluation(host: host, served: nil, dane: failed, now: Self.noon, warnDays: 30).dane == nil)
    }
}
