import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

/// The built-in CA catalogue against the certificates its script read: every pin recomputed by the openssl
/// pipeline, never by pinhash; names, pools and roots from the CAs' own documentation (hand-written here).
@Suite("CA catalogue")
struct CACatalogueTests {
    static let intermediates = PackagePaths.root.appendingPathComponent("Catalogue/intermediates")
    static let trustStore = "/etc/ssl/certs/ca-certificates.crt"

    /// What the CAs publish about each committed certificate (letsencrypt.org/certificates, pki.goog,
    /// amazontrust.com/repository): file, catalogue name, kind, pool, and the names of the roots it chains
    /// to, cross-signs included.
    static let published:
        [(file: String, name: String, kind: CatalogueEntry.Kind, pool: String?, roots: [String])] =
            [
                (
                    "letsencrypt/r10.pem", "Let's Encrypt R10", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r11.pem", "Let's Encrypt R11", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r12.pem", "Let's Encrypt R12", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r13.pem", "Let's Encrypt R13", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/r14.pem", "Let's Encrypt R14", .intermediate, "Let's Encrypt RSA 2024",
                    ["ISRG Root X1"]
                ),
                (
                    "letsencrypt/e5.pem", "Let's Encrypt E5", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e6.pem", "Let's Encrypt E6", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e7.pem", "Let's Encrypt E7", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e8.pem", "Let's Encrypt E8", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/e9.pem", "Let's Encrypt E9", .intermediate, "Let's Encrypt ECDSA 2024",
                    ["ISRG Root X2"]
                ),
                (
                    "letsencrypt/yr1.pem", "Let's Encrypt YR1", .intermediate, "Let's Encrypt Gen Y RSA",
                    ["ISRG Root X1", "ISRG Root YR"]
                ),
                (
                    "letsencrypt/yr2.pem", "Let's Encrypt YR2", .intermediate, "Let's Encrypt Gen Y RSA",
                    ["ISRG Root X1", "ISRG Root YR"]
                ),
                (
                    "letsencrypt/yr3.pem", "Let's Encrypt YR3", .intermediate, "Let's Encrypt Gen Y RSA",
                    ["ISRG Root X1", "ISRG Root YR"]
                ),
                (
                    "letsencrypt/ye1.pem", "Let's Encrypt YE1", .intermediate, "Let's Encrypt Gen Y ECDSA",
                    ["ISRG Root X2", "ISRG Root YE"]
                ),
                (
                    "letsencrypt/ye2.pem", "Let's Encrypt YE2", .intermediate, "Let's Encrypt Gen Y ECDSA",
                    ["ISRG Root X2", "ISRG Root YE"]
                ),
                (
                    "letsencrypt/ye3.pem", "Let's Encrypt YE3", .intermediate, "Let's Encrypt Gen Y ECDSA",
                    ["ISRG Root X2", "ISRG Root YE"]
                ),
                ("letsencrypt/root-yr-by-x1.pem", "ISRG Root YR", .root, nil, ["ISRG Root X1"]),
                ("letsencrypt/root-ye-by-x2.pem", "ISRG Root YE", .root, nil, ["ISRG Root X2"]),
                (
                    "google/wr2.pem", "Google Trust Services WR2", .intermediate,
                    "Google Trust Services RSA 2023",
                    ["GlobalSign Root CA", "GTS Root R1"]
                ),
                ("google/gts-root-r1-by-globalsign.pem", "GTS Root R1", .root, nil, ["GlobalSign Root CA"]),
                (
                    "amazon/m03.pem", "Amazon RSA 2048 M03", .intermediate, "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/m04.pem", "Amazon RSA 2048 M04", .intermediate, "Amazon RSA 2048",
                    ["Amazon Root CA 1", "Starfield Services Root Certificate Authority - G2"]
                ),
                (
                    "amazon/amazon-root-ca-1-by-starfield-g2.pem", "Amazon Root CA 1", .root, nil,
                    ["Starfield Services Root Certificate Authority - G2"]
                ),
            ]

    /// The pin of the first certificate in `pem` by the openssl pipeline the README gives.
    static func opensslPin(ofCertificate pem: String) throws -> Pin {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("catalogue-\(UUID()).pem")
        try Data(pem.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ExternalCommand.run(
            ExternalCommand.shell,
            [
                "-c",
                "openssl x509 -pubkey -noout -in \"$1\" | openssl pkey -pubin -outform der "
                    + "| openssl dgst -sha256 -binary | base64",
                "sh", file.path,
            ])
        try #require(result.succeeded, "openssl: \(result.firstErrorLine)")
        return try #require(Pin(base64: result.text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func certificates(in text: String) -> [String] {
        text.components(separatedBy: "-----END CERTIFICATE-----").compactMap { part in
            part.range(of: "-----BEGIN CERTIFICATE-----").map {
                String(part[$0.lowerBound...]) + "-----END CERTIFICATE-----\n"
            }
        }
    }

    @Test("every generated row reads, and no key has two rows")
    func everyRowReads() {
        let catalogue = CACatalogue.builtIn
        #expect(catalogue.entries.count == CACatalogueData.rows.count)
        #expect(Set(catalogue.entries.map(\.pin)).count == catalogue.entries.count)
        #expect(CACatalogueData.sortedPins == catalogue.entries.map(\.pin.base64).sorted())
        #expect(catalogue.generated.contains(CACatalogueData.trustStoreVersion))
    }

    @Test(
        "each committed CA certificate has the entry its CA documents, under the pin openssl computes",
        .enabled(if: ExternalCommand.hasOpenSSL), arguments: published.map(\.file))
    func publishedCertificate(file: String) throws {
        let expected = try #require(Self.published.first { $0.file == file })
        let pem = try String(contentsOf: Self.intermediates.appendingPathComponent(file), encoding: .utf8)
        let pin = try Self.opensslPin(ofCertificate: pem)
        let entry = try #require(
            CACatalogue.builtIn.entry(for: pin), "\(file): its key is not in the catalogue")
        #expect(entry.name == expected.name)
        #expect(entry.kind == expected.kind)
        #expect(entry.pool == expected.pool)
        let rootNames = entry.roots.map { CACatalogue.builtIn.entry(for: $0)?.name ?? $0.base64 }
        #expect(Set(rootNames) == Set(expected.roots))
        #expect(CACatalogue.builtInMayHold(pin))
    }

    @Test("the pools hold the committed siblings and nothing else")
    func pools() {
        let catalogue = CACatalogue.builtIn
        func names(_ pool: String) -> [String] { catalogue.pool(pool).map(\.name).sorted() }
        #expect(names("Let's Encrypt RSA 2024") == (10...14).map { "Let's Encrypt R\($0)" })
        #expect(names("Let's Encrypt ECDSA 2024") == (5...9).map { "Let's Encrypt E\($0)" })
        #expect(names("Let's Encrypt Gen Y RSA") == (1...3).map { "Let's Encrypt YR\($0)" })
        #expect(names("Let's Encrypt Gen Y ECDSA") == (1...3).map { "Let's Encrypt YE\($0)" })
        #expect(names("Amazon RSA 2048") == ["Amazon RSA 2048 M03", "Amazon RSA 2048 M04"])
        #expect(catalogue.entries.filter { $0.kind == .root }.allSatisfy { $0.pool == nil })
    }

    /// The store the catalogue was generated from is the one CI has (a fresh Debian 12 with the same
    /// ca-certificates): then its roots and the catalogue's must be the same keys. Another version only
    /// reports the difference, since the catalogue is committed data of its own date.
    @Test(
        "every root of the system trust store is in the catalogue (exactly, when the store's version matches)",
        .enabled(if: ExternalCommand.hasOpenSSL && FileManager.default.fileExists(atPath: trustStore)))
    func trustStoreRoots() throws {
        let store = try String(contentsOfFile: Self.trustStore, encoding: .utf8)
        var storePins = Set<Pin>()
        for pem in Self.certificates(in: store) { storePins.insert(try Self.opensslPin(ofCertificate: pem)) }
        try #require(!storePins.isEmpty)
        let version = try ExternalCommand.run(
            "/usr/bin/dpkg-query", ["-W", "-f", "${Version}", "ca-certificates"])
        let catalogueStorePins = Set(
            CACatalogue.builtIn.entries.filter { $0.source.hasPrefix("ca-certificates ") }.map(\.pin))
        let missing = storePins.subtracting(catalogueStorePins)
        let gone = catalogueStorePins.subtracting(storePins)
        if version.text == CACatalogueData.trustStoreVersion {
            #expect(missing.isEmpty, "store roots not in the catalogue: \(missing.map(\.base64).sorted())")
            #expect(gone.isEmpty, "catalogue roots not in the store: \(gone.map(\.base64).sorted())")
        } else if !missing.isEmpty || !gone.isEmpty {
            print(
                "note: ca-certificates \(version.text) here, \(CACatalogueData.trustStoreVersion) at generation: "
                    + "\(missing.count) roots new since (run `make catalogue`), \(gone.count) removed")
        }
        for pin in storePins.intersection(catalogueStorePins) {
            #expect(CACatalogue.builtIn.entry(for: pin)?.kind == .root)
        }
    }

    @Test("a key the catalogue does not hold is not named, and does not build the catalogue's entries")
    func unknownKey() {
        let pin = Pin(subjectPublicKeyInfo: [0x30, 0x00])
        #expect(!CACatalogue.builtInMayHold(pin))
        #expect(CACatalogue.builtInNote(for: pin) == nil)
        #expect(CACatalogue.builtInJSON(for: pin) == "null")
    }

    @Test("a CA key's note and label name it and its pool", .enabled(if: ExternalCommand.hasOpenSSL))
    func note() throws {
        let pem = try String(
            contentsOf: Self.intermediates.appendingPathComponent("letsencrypt/r11.pem"), encoding: .utf8)
        let r11 = try Self.opensslPin(ofCertificate: pem)
        #expect(
            CACatalogue.builtInNote(for: r11) == "(catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024)"
        )
        #expect(
            CACatalogue.builtInLabel(for: r11) == "catalogue: Let's Encrypt R11, pool Let's Encrypt RSA 2024")
        let json = CACatalogue.builtInJSON(for: r11)
        let object = try #require(
            JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not JSON: \(json)")
        #expect(object["name"] as? String == "Let's Encrypt R11")
        #expect((object["roots"] as? [[String: Any]])?.first?["name"] as? String == "ISRG Root X1")
    }
}
