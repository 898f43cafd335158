import PinHash
import Testing

/// Import after export gives back the pin set, on every field the format can say: each export read
/// by the importer of the same client (whose own tests hold it to hand-written expectations of each
/// format's documented syntax, and the export's to the clients' own parsers).
@Suite("pin sets: import ∘ export")
struct PinSetRoundTripTests {
    static func pin(_ base64: String) -> Pin { Pin(base64: base64)! }

    static let pinSet = PinSet(hosts: [
        PinnedHost(
            name: "www.example.com", includesSubdomains: true,
            pins: [
                PinSetEntry(
                    pin: pin("Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY="), label: "leaf", role: .leaf),
                PinSetEntry(
                    pin: pin("SdcRgk4P0N4mEMVGP7frGXX/BCcFIALMyj/0NR6YLFs="), label: "spare", role: .backup),
            ],
            expiration: CalendarDate(year: 2027, month: 6, day: 30), enforcement: .reportOnly,
            reportURIs: ["https://example.com/hpkp-report"]),
        PinnedHost(
            name: "api.example.com",
            pins: [
                PinSetEntry(pin: pin("E8JM9hfjhwFyik4l0u7e1iRQI8yFVjBaySJDsxcH3oc="), role: .intermediate),
                PinSetEntry(pin: pin("0wyjtTMxmqk1v5u9PofS9xLCiJnD5LiWYjXy5eBxzvY="), role: .backup),
            ]),
    ])

    @Test(
        "Every format a pin set is exported in imports back to the same hosts and pins",
        arguments: [
            (PinSetFormat.android, PinSetImportFormat.android), (.ios, .ios), (.trustkit, .trustkit),
            (.okhttp, .okhttp), (.okhttpJava, .okhttp), (.tlsa, .tlsa), (.hpkp, .hpkp), (.curl, .curl),
            (.chrome, .chrome),
        ])
    func roundTrip(export format: PinSetFormat, importedAs importFormat: PinSetImportFormat) throws {
        // A format that holds one host's pins is exported, and imported, for one named host.
        let host: String? = format.namesHosts ? nil : "www.example.com"
        let expected = format.namesHosts ? Self.pinSet : PinSet(hosts: [Self.pinSet.hosts[0]])
        let exported = try PinSetExport(Self.pinSet, format: format, host: host)
        // The plist exports are fragments, for the dictionary they name; pasted there as a user would.
        let document =
            switch format {
            case .ios: plist("<key>NSAppTransportSecurity</key><dict>\(exported.text)</dict>")
            case .trustkit: plist(exported.text)
            default: exported.text
            }
        let imported = try PinSetImporter.read(
            Array(document.utf8), format: importFormat, name: "exported.\(format.rawValue)", host: host)
        let difference = PinSetDifference(between: expected, andImported: imported)
        #expect(difference.isEmpty, "\(difference.changes)\n\(exported.text)")
        #expect(imported.pinSet.hosts.count == expected.hosts.count, "\(exported.text)")
    }

    private func plist(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <plist version="1.0">
        <dict>
        <key>CFBundleIdentifier</key>
        <string>com.example.app</string>
        \(body)
        </dict>
        </plist>

        """
    }
}
