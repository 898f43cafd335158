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

/// `openssl s_server -www` on 127.0.0.1 and a port the kernel picks, serving a certificate and the chain
/// file given; stopped by `stop()`.
final class RotationTestServer {
    let process = Process()
    let port: Int

    init(_ chains: RotationChains, certificate: String, key: String, chain: String) throws {
        let log = chains.path("s_server-\(certificate)-\(chain).log")
        FileManager.default.createFile(atPath: log, contents: nil)
        process.executableURL = URL(fileURLWithPath: ExternalCommand.openSSL)
        process.arguments = [
            "s_server", "-accept", "127.0.0.1:0", "-cert", chains.path(certificate + ".pem"), "-key",
            chains.path(key + ".key"), "-cert_chain", chains.path(chain + ".pem"), "-www",
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardError = FileHandle.nullDevice
        try process.run()
        // s_server prints `ACCEPT 127.0.0.1:PORT` once it listens.
        for _ in 0..<200 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                self.port = port
                return
            }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw FixtureError(
            "openssl s_server did not start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// What the server serves, as a client trusting `root` verifies it.
    func served(trusting root: String, in chains: RotationChains) throws -> ServedChain {
        let connector = ServerConnector(
            options: ConnectOptions(address: "127.0.0.1", caFile: chains.path(root + ".pem"), timeout: 10))
        let chain = try connector.chain(of: ServerAddress(host: "www.example.com", port: port))
        return ServedChain(
            sent: chain.certificates, verified: chain.verifiedChain,
            verificationFailure: chain.verification.isTrusted
                ? nil : chain.verification.failure ?? "untrusted")
    }

    /// Kills the server: SIGKILL, as the child inherits the test thread's signal mask, which may block
    /// SIGTERM (LiveServerProcess spawns its servers with the mask emptied instead).
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// The analysis of a live server against what the changed chains really do: each predicted break is a
/// chain openssl s_server serves and the pins then fail to match, and each fix makes them match.
@Suite(
    "RotationAnalysis against openssl s_server", .serialized,
    .enabled(if: ExternalCommand.hasOpenSSL, "/usr/bin/openssl is missing: no rotation chains"))
struct RotationLiveTests {
    /// Which scopes of `host` match what `served` serves.
    static func matching(_ host: PinnedHost, _ served: ServedChain) -> [PinMatch.Scope: Bool] {
        let evaluation = PinSetEvaluation(
            host: host, served: served, now: Int64(Date().timeIntervalSince1970), warnDays: 0)
        return Dictionary(uniqueKeysWithValues: evaluation.matches.map { ($0.scope, $0.matches) })
    }

    @Test("root A pinned: the cross-signed chain to root B breaks as predicted; adding root B fixes it")
    func crossSign() throws {
        let chains = try RotationChains()
        let now = try RotationTestServer(chains, certificate: "leaf", key: "leaf", chain: "int1")
        defer { now.stop() }
        let host = chains.host(["root-a", "backup"], clients: [.android])
        let analysis = RotationAnalysis(
            host: host, served: [try now.served(trusting: "root-a", in: chains)],
            catalogue: chains.catalogue())
        let predicted = try #require(analysis.outcomes(of: .crossSign).first)
        #expect(!predicted.survives)
        #expect(predicted.fixes.first == .addRoots([chains.pin("root-b")]))
        #expect(Self.matching(host, try now.served(trusting: "root-a", in: chains)) == [.verifiedChain: true])

        let crossSigned = try RotationTestServer(chains, certificate: "leaf", key: "leaf", chain: "int1-by-b")
        defer { crossSigned.stop() }
        let served = try crossSigned.served(trusting: "root-b", in: chains)
        #expect(served.verificationFailure == nil)
        #expect(Self.matching(host, served) == [.verifiedChain: false])
        let fixed = chains.host(["root-a", "root-b", "backup"], clients: [.android])
        #expect(Self.matching(fixed, served) == [.verifiedChain: true])
    }

    @Test("R1 pinned: the re-keyed certificate from R2 breaks as predicted; adding root A fixes it")
    func poolRotation() throws {
        let chains = try RotationChains()
        let now = try RotationTestServer(chains, certificate: "leaf", key: "leaf", chain: "int1")
        defer { now.stop() }
        let host = chains.host(["int1", "leaf"], clients: [.curl, .okhttp])
        let analysis = RotationAnalysis(
            host: host, served: [try now.served(trusting: "root-a", in: chains)],
            catalogue: chains.catalogue())
        #expect(analysis.outcomes(of: .leafRekey).map(\.survives) == [false, false])
        #expect(
            analysis.outcomes(of: .leafRekey).last?.breakingChains.map(\.issuer) == [
                chains.pin("int2"), chains.pin("int3"),
            ])

        let renewed = try RotationTestServer(chains, certificate: "rekeyed", key: "rekeyed", chain: "int2")
        defer { renewed.stop() }
        let served = try renewed.served(trusting: "root-a", in: chains)
        #expect(Self.matching(host, served) == [.leafKey: false, .verifiedChain: false])
        let fixed = chains.host(["int1", "leaf", "root-a"], clients: [.curl, .okhttp])
        #expect(Self.matching(fixed, served)[.verifiedChain] == true)
    }

    @Test(
        "a backup key pinned: the move to another CA with that key survives, as predicted, for every client")
    func caMove() throws {
        let chains = try RotationChains()
        let now = try RotationTestServer(chains, certificate: "leaf", key: "leaf", chain: "int1")
        defer { now.stop() }
        let host = chains.host(["leaf", "backup"], clients: [.curl, .ios])
        let analysis = RotationAnalysis(
            host: host, served: [try now.served(trusting: "root-a", in: chains)],
            catalogue: chains.catalogue())
        #expect(analysis.outcomes(of: .caMove).map(\.survives) == [true, true])

        let moved = try RotationTestServer(chains, certificate: "moved", key: "backup", chain: "int-c")
        defer { moved.stop() }
        let served = try moved.served(trusting: "root-c", in: chains)
        #expect(served.verificationFailure == nil)
        #expect(Self.matching(host, served) == [.leafKey: true, .verifiedChain: true])
    }
}
