import Dispatch
import Foundation
import PinHash
import PinHashLive
import PinHashTestSupport
import Testing

/// The chains of a CA that rotates keys, made now by Tests/Support/make-rotation-chains.sh with the openssl
/// command line: root A with a pool of three intermediates (R1–R3), root B cross-signing R1's key, a leaf
/// issued by R1, a re-keyed leaf issued by R2, a spare key, and another CA. Every pin is computed by the
/// openssl pipeline; the catalogue is built from those pins.
final class RotationChains: @unchecked Sendable {
    static let names = [
        "root-a", "root-b", "int1", "int2", "int3", "leaf", "rekeyed", "backup", "root-c", "int-c", "moved",
    ]
    let directory: URL
    /// The pin of each certificate's (or key's) public key, by the file's name without its extension.
    private(set) var pins: [String: Pin] = [:]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-rotation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = PackagePaths.root.appendingPathComponent("Tests/Support/make-rotation-chains.sh").path
        let made = try ExternalCommand.run(ExternalCommand.shell, [script, directory.path])
        guard made.succeeded else { throw FixtureError("make-rotation-chains.sh: \(made.firstErrorLine)") }
        for name in Self.names {
            let key =
                name == "backup"
                ? "openssl pkey -in backup.key -pubout" : "openssl x509 -in \(name).pem -pubkey -noout"
            let text = try LiveOpenSSLTests.pin(
                printedBy: key
                    + " | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | openssl enc -base64",
                in: directory)
            pins[name] = try Pin(base64: text)
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func pin(_ name: String) -> Pin { pins[name]! }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// The certificates of `files`, in order, as the library reads them.
    func objects(_ files: String...) throws -> [PinnedObject] {
        try files.flatMap { try PinReader().pins(inFileAt: path($0 + ".pem")) }
    }

    /// What a server sending the leaf and R1 serves, verified to root A.
    func servedNow() throws -> ServedChain {
        let verified = try objects("leaf", "int1", "root-a")
        return ServedChain(sent: Array(verified.prefix(2)), verified: verified, verificationFailure: nil)
    }

    /// The pool R1–R3 of "Rotation Test CA" under root A, R1 cross-signed by root B; the other CA's root and
    /// issuer. `rootACrossSignedBy` lists root A as cross-signed (its key then stays in the chain).
    func catalogue(rootACrossSignedBy: [Pin] = []) -> CACatalogue {
        let organization = "Rotation Test CA"
        let pool = "Rotation Test 2026"
        return CACatalogue(
            entries: [
                CatalogueEntry(
                    pin: pin("root-a"), name: "Rotation Test Root A", organization: organization, kind: .root,
                    roots: rootACrossSignedBy, source: "test"),
                CatalogueEntry(
                    pin: pin("root-b"), name: "Rotation Test Root B", organization: organization, kind: .root,
                    source: "test"),
                CatalogueEntry(
                    pin: pin("int1"), name: "Rotation Test R1", organization: organization,
                    kind: .intermediate,
                    pool: pool, roots: [pin("root-a"), pin("root-b")], source: "test"),
                CatalogueEntry(
                    pin: pin("int2"), name: "Rotation Test R2", organization: organization,
                    kind: .intermediate,
                    pool: pool, roots: [pin("root-a")], source: "test"),
                CatalogueEntry(
                    pin: pin("int3"), name: "Rotation Test R3", organization: organization,
                    kind: .intermediate,
                    pool: pool, roots: [pin("root-a")], source: "test"),
                CatalogueEntry(
                    pin: pin("root-c"), name: "Other Test Root", organization: "Other Test CA", kind: .root,
                    source: "test"),
                CatalogueEntry(
                    pin: pin("int-c"), name: "Other Test Issuer", organization: "Other Test CA",
                    kind: .intermediate, roots: [pin("root-c")], source: "test"),
            ], generated: "test")
    }

    /// A host pinning the keys of `names`, each with its role as `pinhash pinset init` would give it.
    func host(_ names: [String], clients: [PinClient] = []) -> PinnedHost {
        func role(_ name: String) -> PinSetRole {
            name.hasPrefix("root")
                ? .root : name.hasPrefix("int") ? .intermediate : name == "backup" ? .backup : .leaf
        }
        return PinnedHost(
            name: "www.example.com", pins: names.map { PinSetEntry(pin: pin($0), role: role($0)) },
            clients: clients)
    }
}

@Suite(
    "RotationAnalysis",
    .enabled(if: ExternalCommand.hasOpenSSL, "/usr/bin/openssl is missing: no rotation chains"))
struct RotationAnalysisTests {
    /// Each event's outcome per scope: `true` survives.
    static func table(_ analysis: RotationAnalysis) -> [String: Bool] {
        Dictionary(
            uniqueKeysWithValues: analysis.outcomes.map {
                ("\($0.event.rawValue) \($0.scope.rawValue)", $0.survives)
            })
    }

    static func fixes(_ analysis: RotationAnalysis, _ event: RotationEvent, _ scope: PinMatch.Scope)
        -> [RotationFix]
    {
        analysis.outcomes.first { $0.event == event && $0.scope == scope }?.fixes ?? []
    }

    @Test("a leaf-only pin set breaks on a re-key and a CA move; the fix is a backup key")
    func leafOnly() throws {
        let chains = try RotationChains()
        let analysis = RotationAnalysis(
            host: chains.host(["leaf"]), served: [try chains.servedNow()], catalogue: chains.catalogue())
        #expect(
            Self.table(analysis) == [
                "leaf-rekey leaf-key": false, "leaf-rekey verified-chain": false,
                "intermediate leaf-key": true, "intermediate verified-chain": true,
                "ca-move leaf-key": false, "ca-move verified-chain": false,
                "cross-sign leaf-key": true, "cross-sign verified-chain": true,
            ])
        #expect(Self.fixes(analysis, .leafRekey, .leafKey) == [.addBackupKey])
        #expect(
            Self.fixes(analysis, .leafRekey, .verifiedChain) == [
                .addBackupKey, .addRoots([chains.pin("root-a")]),
                .addIntermediates([chains.pin("int1"), chains.pin("int2"), chains.pin("int3")]),
            ])
        #expect(Self.fixes(analysis, .caMove, .verifiedChain) == [.addBackupKey])
        #expect(analysis.breakingEvents == [.leafRekey, .caMove])
        #expect(analysis.breaks(accepting: [.leafRekey]))
        #expect(!analysis.breaks(accepting: [.leafRekey, .caMove]))
        #expect(analysis.backupPins.isEmpty)
    }

    @Test("an intermediate pin breaks on the pool's rotation; the fix is the siblings or the root")
    func intermediatePin() throws {
        let chains = try RotationChains()
        let analysis = RotationAnalysis(
            host: chains.host(["int1", "leaf"], clients: [.android, .ios]), served: [try chains.servedNow()],
            catalogue: chains.catalogue())
        #expect(
            Self.table(analysis) == [
                "leaf-rekey verified-chain": false, "intermediate verified-chain": true,
                "ca-move verified-chain": false, "cross-sign verified-chain": true,
            ])
        let rekey = try #require(analysis.outcomes(of: .leafRekey).first)
        #expect(rekey.clients == [.android, .ios])
        #expect(rekey.breakingChains.map(\.issuer) == [chains.pin("int2"), chains.pin("int3")])
        #expect(
            rekey.fixes == [
                .addBackupKey, .addRoots([chains.pin("root-a")]),
                .addIntermediates([chains.pin("int2"), chains.pin("int3")]),
            ])
        // Without the leaf, moving to a sibling while keeping the key breaks too.
        let alone = RotationAnalysis(
            host: chains.host(["int1"], clients: [.android]), served: [try chains.servedNow()],
            catalogue: chains.catalogue())
        #expect(
            Self.fixes(alone, .intermediate, .verifiedChain) == [
                .addRoots([chains.pin("root-a")]),
                .addIntermediates([chains.pin("int2"), chains.pin("int3")]),
            ])
    }

    @Test(
        "a root pin survives a re-key and the pool's rotation; breaks for clients ending at the cross-signer")
    func rootPin() throws {
        let chains = try RotationChains()
        let analysis = RotationAnalysis(
            host: chains.host(["root-a", "backup"]), served: [try chains.servedNow()],
            catalogue: chains.catalogue())
        #expect(analysis.backupPins == [chains.pin("backup")])
        #expect(
            Self.table(analysis) == [
                "leaf-rekey leaf-key": true, "leaf-rekey verified-chain": true,
                "intermediate leaf-key": false, "intermediate verified-chain": true,
                "ca-move leaf-key": true, "ca-move verified-chain": true,
                "cross-sign leaf-key": false, "cross-sign verified-chain": false,
            ])
        let crossSign = try #require(analysis.outcomes(of: .crossSign).last)
        #expect(crossSign.breakingChains.map(\.root) == [chains.pin("root-b")])
        #expect(
            crossSign.fixes == [.addRoots([chains.pin("root-b")]), .addIntermediates([chains.pin("int1")])])
        // curl checks the server's key only, which the pin set does not hold: nothing but that key helps.
        #expect(Self.fixes(analysis, .crossSign, .leafKey) == [.pinServedKey(chains.pin("leaf"))])
    }

    @Test("a cross-signed root stays in the chain that ends at its cross-signer: a pin on it survives")
    func crossSignedRoot() throws {
        let chains = try RotationChains()
        let catalogue = chains.catalogue(rootACrossSignedBy: [chains.pin("root-b")])
        let analysis = RotationAnalysis(
            host: chains.host(["root-a", "backup"], clients: [.okhttp]), served: [try chains.servedNow()],
            catalogue: catalogue)
        #expect(analysis.breakingEvents.isEmpty)
        let chainsAfter = analysis.outcomes(of: .crossSign).flatMap(\.breakingChains)
        #expect(chainsAfter.isEmpty)
    }

    @Test("a backup pin of a held key survives a move to another CA, for every client")
    func backupPin() throws {
        let chains = try RotationChains()
        let analysis = RotationAnalysis(
            host: chains.host(["leaf", "backup"]), served: [try chains.servedNow()],
            catalogue: chains.catalogue())
        #expect(analysis.breakingEvents.isEmpty)
        #expect(analysis.outcomes.count == 8)
    }

    @Test(
        "an empty catalogue: an intermediate pin survives a re-key (its pool is unknown), not a move away from it"
    )
    func emptyCatalogue() throws {
        let chains = try RotationChains()
        let analysis = RotationAnalysis(
            host: chains.host(["int1", "leaf"], clients: [.android]), served: [try chains.servedNow()],
            catalogue: CACatalogue(entries: [], generated: "none"))
        #expect(Self.table(analysis)["leaf-rekey verified-chain"] == true)
        let rekey = try #require(analysis.outcomes(of: .caMove).first)
        #expect(!rekey.survives)
        #expect(rekey.fixes == [.addBackupKey])
    }

    @Test("two addresses, one serving a chain through R1, one a re-keyed leaf through R2, are merged")
    func mergedAddresses() throws {
        let chains = try RotationChains()
        let rekeyed = try chains.objects("rekeyed", "int2", "root-a")
        let second = ServedChain(sent: Array(rekeyed.prefix(2)), verified: rekeyed, verificationFailure: nil)
        let catalogue = CACatalogue(entries: [], generated: "none")
        let host = chains.host(["int1", "leaf"], clients: [.ios])
        let one = RotationAnalysis(host: host, served: [try chains.servedNow()], catalogue: catalogue)
        #expect(one.breakingEvents == [.caMove])
        // The second address already matches no pin: it breaks on every event.
        let both = RotationAnalysis(
            host: host, served: [try chains.servedNow(), second], catalogue: catalogue)
        #expect(both.breakingEvents == RotationEvent.allCases)
        #expect(RotationAnalysis(host: host, served: [], catalogue: catalogue).outcomes.isEmpty)
    }

    @Test("a CA pin the catalogue does not know is no backup when the pin set calls it a root")
    func unknownRootIsNoBackup() throws {
        let chains = try RotationChains()
        let catalogue = CACatalogue(entries: [], generated: "none")
        let labelled = RotationAnalysis(
            host: chains.host(["leaf", "root-c"]), served: [try chains.servedNow()], catalogue: catalogue)
        #expect(labelled.backupPins.isEmpty)
        let unlabelled = RotationAnalysis(
            host: PinnedHost(name: "www.example.com", pins: [PinSetEntry(pin: chains.pin("root-c"))]),
            served: [try chains.servedNow()], catalogue: catalogue)
        #expect(unlabelled.backupPins == [chains.pin("root-c")])
    }
}
