import Foundation
import Testing

/// The fixture directory and the two tables `make-fixtures.sh` writes, with expected values computed by
/// the openssl command line, never by pinhash.
public enum Fixtures {
    public static let directory = PackagePaths.root.appendingPathComponent("Fixtures")

    public static func url(_ relativePath: String) -> URL { directory.appendingPathComponent(relativePath) }
    public static func path(_ relativePath: String) -> String { url(relativePath).path }
    public static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: path(relativePath))
    }
    public static func contents(of relativePath: String) throws -> Data {
        try Data(contentsOf: url(relativePath))
    }
    public static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try contents(of: relativePath))
    }

    /// The passphrase of every encrypted fixture, read from `passphrase.txt` (which has no trailing
    /// newline) rather than repeated here.
    public static let passphrase: String = {
        (try? String(contentsOf: url("passphrase.txt"), encoding: .utf8)) ?? ""
    }()

    /// The rows of `manifest.tsv` in file order, or the reason it could not be read.
    public static func manifest() throws -> [ManifestRow] {
        try manifestTable.get()
    }

    /// The rows of `malformed.tsv`.
    public static func malformed() throws -> [MalformedRow] {
        try malformedTable.get()
    }

    /// The rows of `der.tsv`: inputs that break DER's rules, keys OpenSSL cannot decode or does not know,
    /// and files that once got a misleading error (`make-der-fixtures.py`).
    public static func derCases() throws -> [DERCaseRow] {
        try derTable.get()
    }

    /// The rows of `kdf/kdf.tsv`: encrypted keys and PKCS#12 files whose key derivation is hostile (hidden
    /// behind BER, a long scrypt salt, scrypt over OpenSSL's memory limit) or ordinary
    /// (`kdf/make-kdf-fixtures.py`).
    public static func keyDerivationCases() throws -> [DERCaseRow] {
        try keyDerivationTable.get()
    }

    /// The rows of `schema.tsv` (der.tsv's columns): certificates and requests that break or bend the X.509
    /// schema as OpenSSL's `d2i_X509` and `d2i_X509_REQ` read it (`make-schema-fixtures.py`).
    public static func schemaCases() throws -> [DERCaseRow] {
        try schemaTable.get()
    }

    /// The comment lines of `manifest.tsv`, where the generator records what openssl said about a file.
    public static func manifestComments() throws -> [String] {
        try readTable("manifest.tsv", header: ManifestRow.header).comments
    }

    /// Every file the manifest names, in order of first appearance; empty when the manifest cannot be
    /// read (a test reports why), so that it can stand in a test's arguments.
    public static let files: [FixtureFile] = {
        var order: [String] = []
        var rows: [String: [ManifestRow]] = [:]
        for row in (try? manifest()) ?? [] {
            if rows[row.file] == nil { order.append(row.file) }
            rows[row.file, default: []].append(row)
        }
        return order.map { path in
            FixtureFile(path: path, rows: rows[path]!.sorted { $0.position < $1.position })
        }
    }()

    /// The manifest's entry for `path`; a failed requirement when the manifest lacks it.
    public static func file(
        _ path: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> FixtureFile {
        let file = files.first { $0.path == path }
        return try #require(file, "\(path) is not in manifest.tsv", sourceLocation: sourceLocation)
    }

    /// The notAfter (`YYYY-MM-DDTHH:MM:SSZ`) of the certificate whose key has `pin` in the fixture `path`,
    /// as `openssl x509 -enddate` gives it (`not-after.tsv`, written by `make-not-after.sh`); nil for a key
    /// or request, which has none.
    public static func notAfter(of pin: String, in path: String) -> String? {
        ((try? notAfterTable.get()) ?? [:])[path + "\t" + pin]
    }

    private static let notAfterTable = Result { () throws -> [String: String] in
        let rows = try readTable("not-after.tsv", header: ["file", "pin", "notAfter"]).rows
        return Dictionary(rows.map { ($0["file"]! + "\t" + $0["pin"]!, $0["notAfter"]!) }) { first, _ in first
        }
    }

    private static let manifestTable = Result { () throws -> [ManifestRow] in
        try readTable("manifest.tsv", header: ManifestRow.header).rows.map(ManifestRow.init(fields:))
    }

    private static let malformedTable = Result { () throws -> [MalformedRow] in
        try readTable("malformed.tsv", header: MalformedRow.header).rows.map(MalformedRow.init(fields:))
    }

    private static let derTable = Result { () throws -> [DERCaseRow] in
        try readTable("der.tsv", header: DERCaseRow.header).rows.map(DERCaseRow.init(fields:))
    }

    private static let keyDerivationTable = Result { () throws -> [DERCaseRow] in
        try readTable("kdf/kdf.tsv", header: DERCaseRow.header).rows.map(DERCaseRow.init(fields:))
    }

    private static let schemaTable = Result { () throws -> [DERCaseRow] in
        try readTable("schema.tsv", header: DERCaseRow.header).rows.map(DERCaseRow.init(fields:))
    }

    /// Splits a tab-separated table: line 1 must be `header`, lines starting with `#` are comments wherever
    /// they are, every other line must have as many fields as the header. Fields are taken exactly
    /// (subjects hold backslashes and spaces).
    private static func readTable(_ name: String, header: [String]) throws
        -> (rows: [[String: String]], comments: [String])
    {
        let text = try String(contentsOf: url(name), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.components(separatedBy: "\t") == header else {
            throw FixtureError("\(name): line 1 is not the header \(header.joined(separator: " "))")
        }
        var rows: [[String: String]] = []
        var comments: [String] = []
        for (index, line) in lines.enumerated().dropFirst() {
            if line.hasPrefix("#") {
                comments.append(line)
                continue
            }
            let fields = line.components(separatedBy: "\t")
            guard fields.count == header.count else {
                throw FixtureError(
                    "\(name): line \(index + 1) has \(fields.count) fields, not \(header.count)")
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
        return (rows, comments)
    }
}
