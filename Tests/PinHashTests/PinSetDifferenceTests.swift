import PinHash
import PinHashTestSupport
import Testing

/// `PinSetDifference` and `PinSetWeakness` on pin sets written here by hand from the fixture manifest.
@Suite("Pin-set difference and weaknesses")
struct PinSetDifferenceTests {
    @Test("equal sets have no difference, whatever the order, labels and sources of their pins")
    func equal() throws {
        let leaf = try PinSetFileTests.pin("certs/leaf.pem")
        let spare = try PinSetFileTests.pin("keys/ec-p256.pkcs8.pem")
        let a = PinSet(hosts: [
            PinnedHost(name: "a.example", pins: [PinSetEntry(pin: leaf), PinSetEntry(pin: spare)])
        ])
        let b = PinSet(hosts: [
            PinnedHost(
                name: "a.example",
                pins: [
                    PinSetEntry(pin: spare, label: "spare", role: .backup),
                    PinSetEntry(pin: leaf, source: "x"),
                ])
        ])
        #expect(PinSetDifference(between: a, and: b).isEmpty)
    }

    @Test("each kind of drift is one change, named by host, in the first set's host order")
    func drift() throws {
        let leaf = try PinSetFileTests.pin("certs/leaf.pem")
        let spare = try PinSetFileTests.pin("keys/ec-p256.pkcs8.pem")
        let intermediate = try PinSetFileTests.pin("certs/chain.pem", 2)
        let truth = PinSet(hosts: [
            PinnedHost(
                name: "a.example", includesSubdomains: true,
                pins: [PinSetEntry(pin: leaf, label: "leaf"), PinSetEntry(pin: spare)],
                expiration: CalendarDate(year: 2027, month: 1, day: 1)),
            PinnedHost(name: "gone.example", pins: [PinSetEntry(pin: leaf)]),
            PinnedHost(name: "b.example", port: 8443, pins: [PinSetEntry(pin: leaf)]),
        ])
        let app = PinSet(hosts: [
            PinnedHost(name: "new.example", pins: [PinSetEntry(pin: leaf)]),
            PinnedHost(
                name: "a.example", pins: [PinSetEntry(pin: spare), PinSetEntry(pin: intermediate)],
                enforcement: .reportOnly, reportURIs: ["https://example.com/r"]),
            PinnedHost(name: "b.example", port: 443, pins: [PinSetEntry(pin: leaf)]),
        ])
        let lines = PinSetDifference(between: truth, and: app).changes.map {
            $0.describe(first: "pins.yaml", second: "app")
        }
        #expect(
            lines == [
                "a.example: pin only in pins.yaml: \(leaf.base64) (leaf)",
                "a.example: pin only in app: \(intermediate.base64)",
                "a.example: include-subdomains: true in pins.yaml, false in app",
                "a.example: expiration: 2027-01-01 in pins.yaml, none in app",
                "a.example: enforcement: enforce in pins.yaml, report-only in app",
                "a.example: report-uris: none in pins.yaml, https://example.com/r in app",
                "gone.example: host only in pins.yaml",
                "b.example:8443: host only in pins.yaml",
                "new.example: host only in app",
                "b.example: host only in app",
            ])
        // Compared on what an app's format can say (no port, no expiration): fewer changes.
        let fields: Set<PinSetDifference.Field> = [.pins, .includeSubdomains]
        let narrow = PinSetDifference(between: truth, and: app, comparing: fields).changes
        #expect(narrow.count == 5)
        #expect(!narrow.contains { $0.host.hasPrefix("b.example") })
    }

    @Test("weaknesses: fewer than two pins, no pin of the chain, no backup outside it (BackupPinRule)")
    func weaknesses() throws {
        let leaf = try PinSetFileTests.pin("certs/leaf.pem")
        let intermediate = try PinSetFileTests.pin("certs/chain.pem", 2)
        let spare = try PinSetFileTests.pin("keys/ec-p256.pkcs8.pem")
        func host(_ pins: [Pin]) -> PinnedHost {
            PinnedHost(name: "a.example", pins: pins.map { PinSetEntry(pin: $0) })
        }
        #expect(host([leaf]).weaknesses(chain: [leaf]) == [.fewerThanTwoPins(1)])
        #expect(host([leaf, leaf]).weaknesses(chain: [leaf]) == [.fewerThanTwoPins(1)])
        #expect(host([]).weaknesses(chain: [leaf]) == [.fewerThanTwoPins(0), .noPinInChain])
        #expect(host([leaf, intermediate]).weaknesses(chain: [leaf, intermediate]) == [.noBackupPin])
        #expect(host([spare, intermediate]).weaknesses(chain: [leaf]) == [.noPinInChain])
        #expect(host([leaf, spare]).weaknesses(chain: [leaf, intermediate]).isEmpty)
    }
}
