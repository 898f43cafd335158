import Foundation
import PinHash
import PinHashTestSupport
import Testing

/// Every input `make fuzz` found a crash, leak, hang or broken invariant with, kept in
/// `Fixtures/fuzz-regressions/` so that none comes back. Each is read the ways the fuzz target reads it.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static let directory = Fixtures.directory.appendingPathComponent("fuzz-regressions")

    /// The kept inputs, by file name; none at all is fine, but the directory must be there.
    static let inputs: [String] =
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        .filter { !$0.hasPrefix(".") }.sorted()

    @Test("The regression directory exists, so make fuzz has somewhere to keep what it finds")
    func directoryExists() {
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: Self.directory.path, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
    }

    @Test(
        "Every kept fuzz input now gives pins or a usable error, whatever type is forced", arguments: inputs)
    func keptInputIsHandled(file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(file)))
        let passphrases: [PassphraseSource?] = [nil, .literal(Fixtures.passphrase)]
        for inputType in InputType.allCases {
            for passphrase in passphrases {
                let reader = PinReader(inputType: inputType, passphrase: passphrase)
                do {
                    for object in try reader.pins(in: bytes, source: file) {
                        #expect(object.pin.sha256.count == 32)
                        _ = (object.subject, object.issuer, object.notAfter, object.keyAlgorithm)
                    }
                } catch {
                    #expect(error.code != .internalFailure, "\(file) as \(inputType): \(error)")
                    #expect(!error.reason.isEmpty, "\(file) as \(inputType): empty reason")
                    #expect(
                        !error.reason.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                        "\(file) as \(inputType): control character in \(error.reason)")
                }
            }
        }
    }

    @Test("The first crash make fuzz found, 30 82 with nothing after, reads as truncated DER")
    func derLengthBytesMissing() {
        for bytes: [UInt8] in [[0x30, 0x82], [0x30, 0x84, 0x00], [0x30, 0x81]] {
            let error = #expect(throws: PinHashError.self) { try PinReader().pins(in: bytes) }
            #expect(error?.code == .malformedInput)
            #expect(error?.reason == "the DER ends in the middle of an element header")
        }
    }
}
