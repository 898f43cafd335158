import Foundation
import PinHashTestSupport
import Testing

/// The Makefile installs what the tests run, and the README says what that is.
@Suite("Test set-up")
struct TestSetUpTests {
    /// The packages a Makefile variable (`NAME := …`, with `\` continuation lines) names, with
    /// `$(BUILD_PACKAGES)` expanded.
    private func packages(_ variable: String, in makefile: String) throws -> [String] {
        let joined = makefile.replacingOccurrences(of: "\\\n", with: " ")
        let line = try #require(
            joined.split(separator: "\n").first { $0.hasPrefix("\(variable) := ") },
            "the Makefile sets no \(variable)")
        return try line.dropFirst("\(variable) := ".count).split(whereSeparator: \.isWhitespace).flatMap {
            $0 == "$(BUILD_PACKAGES)" ? try packages("BUILD_PACKAGES", in: makefile) : [String($0)]
        }
    }

    @Test("The README's \"Build, run, test\" names exactly the Debian packages `make test` installs")
    func readmeNamesTheTestPackages() throws {
        let root = PackagePaths.root
        let makefile = try String(contentsOf: root.appendingPathComponent("Makefile"), encoding: .utf8)
        let installed = try packages("TEST_PACKAGES", in: makefile)
        #expect(installed.contains("chromium") && installed.contains("libokhttp-java"))

        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = "Both install the Debian packages they need when missing ("
        let list = try #require(
            readme.components(separatedBy: start).dropFirst().first?.components(
                separatedBy: ") with `apt-get`"
            )
            .first, "README.md has no `\(start)…) with `apt-get`` sentence")
        let named = list.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(
            \.element)
        #expect(named.sorted() == installed.sorted())
    }
}
