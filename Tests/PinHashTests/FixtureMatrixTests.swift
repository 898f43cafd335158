import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// Every row of `Fixtures/manifest.tsv` read through the library: the expected values were computed by the
/// openssl command line when the fixtures were made.
@Suite("Fixture matrix")
struct FixtureMatrixTests {
    /// What OpenSSL's `EVP_PKEY_get_bits` returns for the keys `openssl pkey -text` prints no size for.
    static let openSSLBitsWithoutPrintedSize = ["Ed25519": 256, "X25519": 253, "Ed448": 456, "X448": 448]

    /// The object a row describes, from a file read the way the row says (auto-detected or forced).
    static func object(for row: ManifestRow, forcingType: Bool = false) throws -> PinnedObject {
        let objects = try row.reader(forcingType: forcingType).pins(inFileAt: row.path)
        let rowsOfFile = try Fixtures.manifest().filter { $0.file == row.file }
        #expect(
            objects.count == rowsOfFile.count,
            "\(row.file) holds \(rowsOfFile.count) objects per the manifest, the library read \(objects.count)"
        )
        return try #require(
            objects.dropFirst(row.position - 1).first, "no object \(row.position) in \(row.file)")
    }

    @Test("The manifest lists every kind of fixture")
    func manifestIsComplete() throws {
        let rows = try Fixtures.manifest()
        #expect(rows.count >= 100)
        #expect(Set(rows.map(\.kind)) == ["key", "pubkey", "csr", "cert", "p12"])
        #expect(Set(rows.map(\.file)).count >= 80)
        for row in rows {
            #expect(FileManager.default.fileExists(atPath: row.path), "\(row.file) is missing")
            #expect(Pin(base64: row.pin) != nil, "\(row.testDescription): \(row.pin) is not a pin")
        }
    }

    @Test("Each object's pin and kind are the manifest's", arguments: try Fixtures.manifest())
    func pinAndKindMatchTheManifest(row: ManifestRow) throws {
        let object = try Self.object(for: row)
        #expect(object.pin.base64 == row.pin)
        #expect(object.kind == row.expectedKind)
        #expect(object.pin == Pin(subjectPublicKeyInfo: object.subjectPublicKeyInfo))
    }

    @Test(
        "Each certificate's role and each certificate's and request's subject are the manifest's",
        arguments: try Fixtures.manifest())
    func roleAndSubjectMatchTheManifest(row: ManifestRow) throws {
        let object = try Self.object(for: row)
        #expect(object.role == row.expectedRole)
        #expect(object.subject == row.expectedSubject)
        if row.expectedKind == .certificate || row.expectedKind == .certificateRequest {
            #expect(object.derEncoded != nil)
        } else {
            #expect(object.derEncoded == nil)
            #expect(object.issuer == nil)
            #expect(object.notAfter == nil)
        }
    }

    @Test(
        "Each key's algorithm and size are the manifest's (OpenSSL's sizes for the 25519 and 448 keys)",
        arguments: try Fixtures.manifest())
    func keyAlgorithmMatchesTheManifest(row: ManifestRow) throws {
        let algorithm = try Self.object(for: row).keyAlgorithm
        #expect(algorithm.name == row.algorithm)
        #expect(algorithm.bits == Self.openSSLBitsWithoutPrintedSize[row.algorithm] ?? row.bits)
        if row.algorithm != "EC" {
            #expect(algorithm.curve == nil)
        }
    }

    @Test("The manifest's sizes of 25519 and 448 keys are OpenSSL's EVP_PKEY_get_bits")
    func manifestSizesAgreeWithOpenSSL() throws {
        let rows = try Fixtures.manifest().filter { Self.openSSLBitsWithoutPrintedSize[$0.algorithm] != nil }
        #expect(!rows.isEmpty)
        for row in rows {
            #expect(row.bits == Self.openSSLBitsWithoutPrintedSize[row.algorithm], "\(row.testDescription)")
        }
    }

    @Test("Forcing the type the row names gives the same pin", arguments: try Fixtures.manifest())
    func forcedTypeGivesTheSamePin(row: ManifestRow) throws {
        let object = try Self.object(for: row, forcingType: true)
        #expect(object.pin.base64 == row.pin)
        #expect(object.kind == row.expectedKind)
    }

    @Test(
        "Reading bytes, reading the file and streaming the file give the same objects",
        arguments: Set(try Fixtures.manifest().map(\.file)).sorted())
    func bytesAndFileAgree(file: String) throws {
        let row = try #require(try Fixtures.manifest().first { $0.file == file })
        let reader = row.reader()
        let fromFile = try reader.pins(inFileAt: row.path)
        let fromBytes = try reader.pins(in: try Fixtures.bytes(file), source: file)
        var streamed: [PinnedObject] = []
        try reader.forEachPin(inFileAt: row.path) { streamed.append($0) }
        #expect(!fromFile.isEmpty)
        #expect(fromBytes == fromFile)
        #expect(streamed == fromFile)
        #expect(fromFile.map(\.position) == fromFile.map(\.position).sorted())
    }

    @Test(
        "Objects are numbered by their PEM block, or their place in a PKCS#12 file",
        arguments: try Fixtures.manifest())
    func positionsAreTheObjectsPlaces(row: ManifestRow) throws {
        // The manifest does not count the EC PARAMETERS block before a key; the library numbers blocks.
        let parameterBlocks = row.file.hasSuffix("sec1-with-params.pem") ? 1 : 0
        #expect(try Self.object(for: row).position == row.position + parameterBlocks)
    }

    @Test(
        "Only a PKCS#12 leaf whose key is in the file has a matching private key",
        arguments: try Fixtures.manifest())
    func matchingPrivateKeyFollowsOpenSSL(row: ManifestRow) throws {
        let object = try Self.object(for: row)
        guard row.kind == "p12" else {
            #expect(!object.hasMatchingPrivateKey)
            return
        }
        // make-fixtures.sh records which positions `openssl pkcs12 -clcerts -nokeys` prints (those with a key).
        let marker =
            "\(row.file): 3 certificates, positions in 'openssl pkcs12 -nokeys' print order; "
            + "'openssl pkcs12 -clcerts -nokeys' prints: "
        let comment = try #require(try Fixtures.manifestComments().first { $0.hasPrefix("# " + marker) })
        let printed = comment.dropFirst(2 + marker.count)
        let positionsWithKey = printed == "none" ? [] : [Int(printed.split(separator: " ")[1]) ?? 0]
        #expect(object.hasMatchingPrivateKey == positionsWithKey.contains(row.position))
    }

    /// A DER fixture and the PEM file of the same object beside it.
    struct Encodings: Sendable, Hashable, Codable, CustomTestStringConvertible {
        let der: ManifestRow
        let pem: ManifestRow
        var testDescription: String { "\(der.file) and \(pem.file)" }
    }

    static func encodingPairs() throws -> [Encodings] {
        let rows = try Fixtures.manifest()
        return rows.filter { $0.format == "der" && $0.file.hasSuffix(".der") }.compactMap { der in
            let pemFile = String(der.file.dropLast(4)) + ".pem"
            return rows.first { $0.file == pemFile && $0.position == der.position }.map {
                Encodings(der: der, pem: $0)
            }
        }
    }

    @Test("There are DER and PEM files of keys, public keys, requests and certificates")
    func everyKindHasBothEncodings() throws {
        let pairs = try Self.encodingPairs()
        #expect(Set(pairs.map(\.der.kind)) == ["key", "pubkey", "csr", "cert"])
        #expect(pairs.count >= 15)
    }

    @Test(
        "testDerAndPemAreIdentical: DER and PEM files of one object give one pin",
        arguments: try encodingPairs())
    func derAndPemAreIdentical(pair: Encodings) throws {
        let der = try Self.object(for: pair.der)
        let pem = try Self.object(for: pair.pem)
        #expect(der.pin == pem.pin)
        #expect(der.pin.base64 == pair.der.pin)
        #expect(der.subjectPublicKeyInfo == pem.subjectPublicKeyInfo)
        #expect(der.kind == pem.kind)
        #expect(der.subject == pem.subject)
        #expect(der.derEncoded == pem.derEncoded)
    }

    @Test("A certificate's DER read back as bytes gives the same pin", arguments: try Fixtures.manifest())
    func certificateDERReadsBack(row: ManifestRow) throws {
        guard row.expectedKind == .certificate || row.expectedKind == .certificateRequest else { return }
        let der = try #require(try Self.object(for: row).derEncoded)
        let reader = PinReader(inputType: row.kind == "csr" ? .certificateRequest : .certificate)
        let again = try reader.pins(in: der, source: "der")
        #expect(again.map(\.pin.base64) == [row.pin])
        #expect(again.first?.subject == row.expectedSubject)
    }
}
