import Foundation
import Testing

/// One row of `Fixtures/manifest.tsv`: one object of one fixture file, with the pin openssl computed.
struct ManifestRow: Sendable, Hashable {
    let file: String
    let kind: String
    let format: String
    let encrypted: String
    let position: Int
    let pin: String
    let algorithm: String
    let bits: Int
    let role: String
    let subject: String
}

/// A fixture file with its manifest rows in position order.
struct FixtureFile: Sendable, Hashable, CustomTestStringConvertible {
    let path: String
    let rows: [ManifestRow]

    /// `key`, `pubkey`, `csr`, `cert` or `p12`: also the name of the flag that forces the type.
    var kind: String { rows[0].kind }
    var typeFlag: String { "--\(kind)" }
    var testDescription: String { path }

    /// `--passin file:passphrase.txt` for files encrypted with the fixture passphrase (`empty` needs none).
    var passphraseArguments: [String] {
        rows[0].encrypted == "yes" ? ["--passin", "file:passphrase.txt"] : []
    }

    /// What `pinhash FILE` prints: a bundle's first certificate, a PKCS#12 file's leaf, else the one object.
    var expectedPin: String {
        if kind == "p12", let leaf = rows.first(where: { $0.role == "leaf" }) { return leaf.pin }
        return rows[0].pin
    }

    /// Whether `pinhash FILE` must add a note: the first certificate is a CA and a leaf comes later.
    var expectsCAFirstNote: Bool {
        kind == "cert" && rows[0].role != "leaf" && rows.dropFirst().contains { $0.role == "leaf" }
    }
}

/// One row of `Fixtures/malformed.tsv`: an input that must be rejected.
struct MalformedInput: Sendable, Hashable, CustomTestStringConvertible {
    let file: String
    /// The type flag to pass, or nil for auto-detection (`-` in the table).
    let typeFlag: String?
    let what: String

    var typeArguments: [String] { typeFlag.map { [$0] } ?? [] }
    var testDescription: String { typeFlag.map { "\($0) \(file)" } ?? file }
}

enum Fixtures {
    static let manifestHeader = [
        "file", "kind", "format", "encrypted", "position", "pin", "algorithm", "bits", "role", "subject",
    ]
    static let malformedHeader = ["file", "force", "what"]

    /// Every manifest row, in file order; empty when the manifest cannot be read (a test reports why).
    static let manifest: [ManifestRow] = (try? readManifest()) ?? []

    /// Every file the manifest names, in order of first appearance.
    static let files: [FixtureFile] = {
        var order: [String] = []
        var rows: [String: [ManifestRow]] = [:]
        for row in manifest {
            if rows[row.file] == nil { order.append(row.file) }
            rows[row.file, default: []].append(row)
        }
        return order.map { path in
            FixtureFile(path: path, rows: rows[path]!.sorted { $0.position < $1.position })
        }
    }()

    static let malformed: [MalformedInput] = (try? readMalformed()) ?? []

    /// The passphrase of every encrypted fixture, read from `passphrase.txt` rather than repeated here.
    static let passphrase = String(decoding: (try? contents(of: "passphrase.txt")) ?? Data(), as: UTF8.self)

    /// The manifest's entry for `path`; a failed requirement when the manifest lacks it.
    static func file(
        _ path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> FixtureFile {
        let file = files.first { $0.path == path }
        return try #require(file, "\(path) is not in manifest.tsv", sourceLocation: sourceLocation)
    }

    static func url(_ path: String) -> URL { PackagePaths.fixtures.appendingPathComponent(path) }
    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: url(path).path) }
    static func contents(of path: String) throws -> Data { try Data(contentsOf: url(path)) }

    static func readManifest() throws -> [ManifestRow] {
        try readTable("manifest.tsv", header: manifestHeader).map { fields in
            guard let position = Int(fields[4]), let bits = Int(fields[7]) else {
                throw TableError(reason: "manifest.tsv: position or bits is not a number in \(fields)")
            }
            return ManifestRow(
                file: fields[0], kind: fields[1], format: fields[2], encrypted: fields[3], position: position,
                pin: fields[5], algorithm: fields[6], bits: bits, role: fields[8], subject: fields[9])
        }
    }

    static func readMalformed() throws -> [MalformedInput] {
        try readTable("malformed.tsv", header: malformedHeader).map { fields in
            MalformedInput(file: fields[0], typeFlag: fields[1] == "-" ? nil : fields[1], what: fields[2])
        }
    }

    /// The data rows of a tab-separated fixture table: line 1 must be `header`, `#` lines are skipped
    /// wherever they are, and fields are taken exactly (subjects hold backslashes and spaces).
    static func readTable(_ name: String, header: [String]) throws -> [[String]] {
        let text = try String(contentsOf: Fixtures.url(name), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.components(separatedBy: "\t") == header else {
            throw TableError(reason: "\(name): line 1 is not the header \(header.joined(separator: " "))")
        }
        return try lines.dropFirst().enumerated().compactMap { offset, line in
            if line.hasPrefix("#") { return nil }
            let fields = line.components(separatedBy: "\t")
            guard fields.count == header.count else {
                throw TableError(
                    reason: "\(name): line \(offset + 2) has \(fields.count) fields, not \(header.count)")
            }
            return fields
        }
    }

    struct TableError: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }
}

@Suite("The fixture tables the CLI tests are driven by")
struct FixtureTableTests {
    @Test("manifest.tsv parses and every file it names exists")
    func manifestParses() throws {
        let rows = try Fixtures.readManifest()
        #expect(rows.count > 50)
        for file in Set(rows.map(\.file)) {
            #expect(Fixtures.exists(file), "\(file)")
        }
        #expect(Fixtures.files.count == Set(rows.map(\.file)).count)
    }

    @Test("malformed.tsv parses, names more than 20 distinct existing inputs, and forces only known types")
    func malformedParses() throws {
        let inputs = try Fixtures.readMalformed()
        #expect(Set(inputs.map(\.file)).count > 20)
        for input in inputs {
            #expect(Fixtures.exists(input.file), "\(input.file)")
            let knownFlags = [nil, "--key", "--pubkey", "--csr", "--cert", "--p12"]
            #expect(knownFlags.contains(input.typeFlag), "\(input.file)")
        }
    }

    @Test("passphrase.txt holds a passphrase without a trailing newline")
    func passphraseReads() {
        #expect(!Fixtures.passphrase.isEmpty)
        #expect(!Fixtures.passphrase.hasSuffix("\n"))
    }
}
