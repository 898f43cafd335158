import Foundation
import PinHashTestSupport
import Testing

@Suite("The fixture tables the CLI tests are driven by")
struct FixtureTableTests {
    @Test("manifest.tsv parses and every file it names exists")
    func manifestParses() throws {
        let rows = try Fixtures.manifest()
        #expect(rows.count > 50)
        for file in Set(rows.map(\.file)) {
            #expect(Fixtures.exists(file), "\(file)")
        }
        #expect(Fixtures.files.count == Set(rows.map(\.file)).count)
    }

    @Test("malformed.tsv parses, names more than 20 distinct existing inputs, and forces only known types")
    func malformedParses() throws {
        let inputs = try Fixtures.malformed()
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
