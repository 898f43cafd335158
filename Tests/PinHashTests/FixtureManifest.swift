import Foundation
import PinHash
import Testing

/// The fixture directory and the two tables `make-fixtures.sh` writes, with expected values computed by
/// the openssl command line, never by pinhash.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ relativePath: String) -> String {
        directory.appendingPathComponent(relativePath).path
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    /// The passphrase of every encrypted fixture (the file has no trailing newline).
    static let passphrase: String = {
        (try? String(contentsOf: directory.appendingPathComponent("passphrase.txt"), encoding: .utf8)) ?? ""
    }()

    /// The rows of `manifest.tsv`, or the reason it could not be read.
    static func manifest() throws -> [ManifestRow] {
        try manifestTable.get()
    }

    /// The rows of `malformed.tsv`.
    static func malformed() throws -> [MalformedRow] {
        try malformedTable.get()
    }

    /// The comment lines of `manifest.tsv`, where the generator records what openssl said about a file.
    static func manifestComments() throws -> [String] {
        try readTable("manifest.tsv", header: ManifestRow.header).comments
    }

    private static let manifestTable = Result { () throws -> [ManifestRow] in
        try readTable("manifest.tsv", header: ManifestRow.header).rows.map(ManifestRow.init(fields:))
    }

    private static let malformedTable = Result { () throws -> [MalformedRow] in
        try readTable("malformed.tsv", header: MalformedRow.header).rows.map(MalformedRow.init(fields:))
    }

    /// Splits a tab-separated table: line 1 must be `header`, lines starting with `#` are comments, every
    /// other non-empty line must have as many fields as the header. Fields are taken as they are.
    private static func readTable(_ name: String, header: [String]) throws
        -> (rows: [[String: String]], comments: [String])
    {
        let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        guard let first = lines.first, first.split(separator: "\t").map(String.init) == header else {
            throw FixtureError("\(name): line 1 is not the header \(header.joined(separator: " "))")
        }
        var rows: [[String: String]] = []
        var comments: [String] = []
        for (index, line) in lines.enumerated().dropFirst() {
            if line.hasPrefix("#") {
                comments.append(line)
                continue
            }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count else {
                throw FixtureError(
                    "\(name): line \(index + 1) has \(fields.count) fields, not \(header.count)")
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
        return (rows, comments)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One (file, object) row of `manifest.tsv`.
struct ManifestRow: Sendable, Hashable, Codable, CustomTestStringConvertible {
    static let header = [
        "file", "kind", "format", "encrypted", "position", "pin", "algorithm", "bits", "role", "subject",
    ]

    let file: String
    /// `key`, `pubkey`, `csr`, `cert` or `p12`.
    let kind: String
    let format: String
    /// `yes`, `no` or `empty`.
    let encrypted: String
    let position: Int
    let pin: String
    let algorithm: String
    let bits: Int
    /// `leaf`, `intermediate`, `root`, or `-`.
    let role: String
    /// RFC 4514 text, or `-`.
    let subject: String

    init(fields: [String: String]) throws {
        func field(_ name: String) -> String { fields[name] ?? "" }
        file = field("file")
        kind = field("kind")
        format = field("format")
        encrypted = field("encrypted")
        pin = field("pin")
        algorithm = field("algorithm")
        role = field("role")
        subject = field("subject")
        guard let position = Int(field("position")), let bits = Int(field("bits")) else {
            throw FixtureError("manifest.tsv: \(field("file")): position or bits is not a number")
        }
        self.position = position
        self.bits = bits
    }

    var testDescription: String { position == 1 ? file : "\(file) #\(position)" }

    /// What the library should call the object; PKCS#12 rows are certificates.
    var expectedKind: ObjectKind {
        switch kind {
        case "key": .privateKey
        case "pubkey": .publicKey
        case "csr": .certificateRequest
        default: .certificate
        }
    }

    /// The input type that names this row's file.
    var inputType: InputType {
        switch kind {
        case "key": .privateKey
        case "pubkey": .publicKey
        case "csr": .certificateRequest
        case "cert": .certificate
        default: .pkcs12
        }
    }

    var expectedRole: CertificateRole? { CertificateRole(rawValue: role) }

    var expectedSubject: String? { subject == "-" ? nil : subject }

    /// The passphrase the row needs: `empty` PKCS#12 files open without one.
    var passphrase: PassphraseSource? {
        encrypted == "yes" ? .literal(Fixtures.passphrase) : nil
    }

    var path: String { Fixtures.path(file) }

    /// A reader for this row's file, auto-detecting or forced to the row's type.
    func reader(forcingType: Bool = false) -> PinReader {
        PinReader(inputType: forcingType ? inputType : .auto, passphrase: passphrase)
    }
}

/// One row of `malformed.tsv`: a file that must be rejected, read with the type flag in `force`.
struct MalformedRow: Sendable, Hashable, Codable, CustomTestStringConvertible {
    static let header = ["file", "force", "what"]

    let file: String
    let force: String
    let what: String

    init(fields: [String: String]) throws {
        file = fields["file"] ?? ""
        force = fields["force"] ?? ""
        what = fields["what"] ?? ""
        guard inputType != nil else { throw FixtureError("malformed.tsv: \(file): unknown force \(force)") }
    }

    var testDescription: String { "\(file) (\(force == "-" ? "auto" : force))" }

    /// The input type the `force` column names.
    var inputType: InputType? {
        switch force {
        case "-": .auto
        case "--cert": .certificate
        case "--csr": .certificateRequest
        case "--key": .privateKey
        case "--pubkey": .publicKey
        case "--p12": .pkcs12
        default: nil
        }
    }
}

extension PinHashError {
    /// Whether the error reads as one line of text a person can act on.
    var isOneNonEmptyLine: Bool {
        !reason.isEmpty && !reason.contains("\n") && !reason.contains("\r")
    }
}
