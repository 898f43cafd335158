import Foundation
import PinHashTestSupport
import Testing

/// A listing longer than what pinhash holds back for one input (8 MiB of lines, held so that an input
/// failing part-way prints nothing, written as it goes past that): the held lines live in memory of the
/// output's own, a mapping in huge pages once they pass 2 MiB, then are written and held anew.
@Suite("Listings longer than the output held for one input")
struct LongListingTests {
    /// Every line of `pinhash --all` over 26,000 copies of the fixture chain (78,000 certificates, 10 MB
    /// of lines) is the line openssl's figures give: pin and subject from `manifest.tsv`, notAfter from
    /// `not-after.tsv`, the role the manifest gives, in the order of the input.
    @Test("78,000 certificates through standard input: every line as openssl's figures give it, in order")
    func longListing() throws {
        let rows = try Fixtures.manifest().filter { $0.file == "certs/chain.pem" }.sorted {
            $0.position < $1.position
        }
        try #require(rows.map(\.position) == [1, 2, 3])
        let expected = rows.map { "\($0.pin)  \($0.role)  \($0.subject)\($0.untilColumn)" }
        try #require(rows.allSatisfy { $0.notAfter != nil })

        let copies = 26_000
        let chain = try Data(contentsOf: Fixtures.url("certs/chain.pem"))
        var input = Data(capacity: chain.count * copies)
        for _ in 0..<copies { input.append(chain) }
        let result = try run(["--all", "-"], stdin: input, timeout: 600)

        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        // More than the 8 MiB held, so that some of it was written before the input ended.
        #expect(result.stdout.utf8.count > 8 << 20)
        let lines = result.stdoutLines
        #expect(lines.count == 3 * copies)
        let wrong = lines.enumerated().filter { $0.element != expected[$0.offset % 3] }
        #expect(
            wrong.isEmpty, "\(wrong.count) lines differ, the first: line \((wrong.first?.offset ?? 0) + 1)")
    }
}
