import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// Differential tests against GnuTLS, a second implementation no one here wrote: certtool prints a
/// `pin-sha256:BASE64` line for every certificate, key and public key it reads.
@Suite(
    "Live GnuTLS certtool",
    .enabled(
        if: ExternalCommand.certtool != nil,
        "certtool (GnuTLS, Debian package gnutls-bin) is missing: no GnuTLS comparison; `make test` installs it"
    ))
struct LiveGnuTLSTests {
    /// Files where certtool hashes its own re-encoding of the key, not the SPKI bytes in the file, so it
    /// cannot be compared: GnuTLS 3.7 writes RSA-PSS parameters without the NULL parameters of their hash
    /// algorithms (`openssl asn1parse` shows the difference).
    static func certtoolReencodes(_ row: ManifestRow) -> Bool {
        row.algorithm == "RSA-PSS" && row.file.contains("params")
    }

    /// Every unencrypted certificate, private key and public key file, once.
    static func files() throws -> [ManifestRow] {
        var seen: Set<String> = []
        return try Fixtures.manifest().filter {
            ["cert", "key", "pubkey"].contains($0.kind) && $0.encrypted == "no"
                && seen.insert($0.file).inserted
        }
    }

    /// The `pin-sha256:` values certtool prints for `row`'s file, or why it could not read it.
    static func certtoolPins(for row: ManifestRow) throws -> Result<[String], FixtureError> {
        let certtool = try #require(ExternalCommand.certtool)
        let option = ["cert": "--certificate-info", "key": "--key-info", "pubkey": "--pubkey-info"][row.kind]!
        var arguments = [option, "--infile", row.path]
        if row.format == "der" { arguments.append("--inder") }
        let result = try ExternalCommand.run(certtool, arguments)
        let marker = "pin-sha256:"
        let pins = result.text.split(separator: "\n").compactMap { line -> String? in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.hasPrefix(marker) ? String(text.dropFirst(marker.count)) : nil
        }
        guard result.succeeded, !pins.isEmpty else {
            let reason =
                result.errorOutput.split(separator: "\n").last.map(String.init) ?? "no pin-sha256 line"
            return .failure(FixtureError("certtool \(option) cannot read it: \(reason)"))
        }
        return .success(pins)
    }

    @Test("Every certificate, key and public key certtool reads has certtool's pin")
    func pinsAgreeWithCerttool() throws {
        var compared: [String] = []
        var skipped: [String] = []
        for row in try Self.files() {
            if Self.certtoolReencodes(row) {
                skipped.append("\(row.file): certtool hashes its re-encoding of the RSA-PSS parameters")
                continue
            }
            switch try Self.certtoolPins(for: row) {
            case .failure(let reason):
                skipped.append("\(row.file): \(reason)")
            case .success(let expected):
                let objects = try PinReader(inputType: row.inputType).pins(inFileAt: row.path)
                #expect(objects.map(\.pin.base64) == expected, "\(row.file)")
                compared.append(row.file)
            }
        }
        let note = "compared \(compared.count) files with certtool; skipped \(skipped.count):\n"
        FileHandle.standardError.write(
            Data((note + skipped.map { "  " + $0 }.joined(separator: "\n") + "\n").utf8))
        #expect(compared.count >= 15, "only \(compared.count) files compared; skipped: \(skipped)")
        // Each kind is among the compared files.
        let rows = try Self.files()
        for kind in ["cert", "key", "pubkey"] {
            #expect(rows.contains { $0.kind == kind && compared.contains($0.file) }, "no \(kind) compared")
        }
    }

    @Test("certtool and the manifest agree where certtool reads the file, so the manifest is right")
    func manifestAgreesWithCerttool() throws {
        for row in try Self.files() where !Self.certtoolReencodes(row) {
            guard case .success(let pins) = try Self.certtoolPins(for: row) else { continue }
            let rows = try Fixtures.manifest().filter { $0.file == row.file }.sorted {
                $0.position < $1.position
            }
            #expect(pins == rows.map(\.pin), "\(row.file)")
        }
    }
}
