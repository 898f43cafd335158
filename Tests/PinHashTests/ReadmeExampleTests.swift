// swift-format-ignore-file: OrderedImports
// The README's example begins with `import PinHash`, so that import sits below the others, with the code.

import Foundation
import PinHashTestSupport
import Testing

// README example begins
import PinHash

func printChainPins(of path: String) throws {
    let reader = PinReader(inputType: .certificate)
    for certificate in try reader.pins(inFileAt: path) {
        let role = certificate.role?.rawValue ?? "-"
        print(certificate.pin.base64, role, certificate.subject ?? "")
    }
}
// README example ends

/// The README's library example is this file's, and it prints what the manifest says.
@Suite("README example")
struct ReadmeExampleTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("README.md")

    /// The lines from the one after `start` up to the one before `end`, each without its indentation.
    static func lines(of text: String, after start: (String) -> Bool, before end: (String) -> Bool)
        -> [String]?
    {
        let all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let first = all.firstIndex(where: start),
            let last = all[(first + 1)...].firstIndex(where: end)
        else { return nil }
        return all[(first + 1)..<last].map { String($0.drop { $0 == " " || $0 == "\t" }) }
    }

    @Test("The README's library example is the code in this file")
    func readmeShowsThisExample() throws {
        let here = try String(contentsOfFile: #filePath, encoding: .utf8)
        let example = try #require(
            Self.lines(
                of: here, after: { $0.hasPrefix("// README example begins") },
                before: { $0.hasPrefix("// README example ends") }))
        #expect(example.count >= 3)

        let readme = try String(contentsOf: Self.readme, encoding: .utf8)
        let afterMarker = try #require(
            readme.components(separatedBy: "<!-- library example -->").dropFirst().first,
            "README.md has no <!-- library example --> line")
        let shown = try #require(
            Self.lines(
                of: afterMarker, after: { $0.trimmingCharacters(in: .whitespaces) == "```swift" },
                before: { $0.trimmingCharacters(in: .whitespaces) == "```" }),
            "README.md has no ```swift block after <!-- library example -->")
        #expect(shown == example)
    }

    @Test("The example prints each certificate of the chain with its pin, role and subject")
    func examplePrintsTheChain() throws {
        let file = "certs/chain.pem"
        let rows = try Fixtures.manifest().filter { $0.file == file }.sorted { $0.position < $1.position }
        #expect(rows.count == 3)
        let expected = rows.map { "\($0.pin) \($0.role) \($0.subject)" }
        let printed = try capturingStandardOutput { try printChainPins(of: Fixtures.path(file)) }
        #expect(printed == expected)
    }
}
