import Foundation
import PinHashTestSupport
import Testing

@Suite("Several files, and standard input")
struct SeveralInputsTests {
    /// `PIN  FILE`, the line each of several files prints.
    private func pinLine(_ path: String) throws -> String {
        "\(try Fixtures.file(path).expectedPin)  \(path)"
    }

    /// `PIN  ROLE  SUBJECT` as the manifest has it, with the file after the pin when `showFile`.
    private func allLines(_ path: String, showFile: Bool = false) throws -> [String] {
        try Fixtures.file(path).rows.map { row in
            let role = row.kind == "csr" ? "csr" : row.role
            return ([row.pin] + (showFile ? [path] : []) + [role, row.subject]).joined(separator: "  ")
                + row.untilColumn
        }
    }

    @Test("Several files print `PIN  FILE` lines in argument order")
    func severalFiles() throws {
        let paths = [
            "csr/ed25519.csr.der", "certs/chain.pem", "keys/ec-p384.pkcs8.pem", "public/rsa2048.pkcs1.pem",
        ]
        let result = try run(paths)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines == (try paths.map(pinLine)))
        #expect(result.stdout.hasSuffix("\n"))
    }

    @Test(
        "A bad file between two good ones: one error line, the other two pins, exit 1",
        arguments: ["malformed/garbage-der.pem", "no-such-file.pem", "certs"])
    func badFileInTheMiddle(bad: String) throws {
        let result = try run(["certs/leaf.der", bad, "keys/ed25519.pkcs8.pem"])
        #expect(result.status == 1)
        #expect(result.stdoutLines == [try pinLine("certs/leaf.der"), try pinLine("keys/ed25519.pkcs8.pem")])
        #expect(result.stderrIsOneLine, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("pinhash: \(bad): "))
    }

    @Test("--all with several files prints `PIN  FILE  ROLE  SUBJECT`")
    func allObjectsOfSeveralFiles() throws {
        let result = try run(["--all", "certs/chain.pem", "csr/ec-p256.csr.pem"])
        #expect(result.status == 0)
        #expect(result.stderr == "")
        let expected =
            try allLines("certs/chain.pem", showFile: true) + allLines("csr/ec-p256.csr.pem", showFile: true)
        #expect(result.stdoutLines == expected)
    }

    @Test("`pinhash -` reads a bundle from standard input: the first certificate's pin")
    func bundleFromStandardInput() throws {
        let result = try run(["-"], stdin: try Fixtures.contents(of: "certs/chain.pem"))
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdout == "\(try Fixtures.file("certs/chain.pem").expectedPin)\n")
    }

    @Test("`pinhash --cert - --all` prints every certificate of a piped bundle, as for the file")
    func everyCertificateFromStandardInput() throws {
        let result = try run(["--cert", "-", "--all"], stdin: try Fixtures.contents(of: "certs/chain.pem"))
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(result.stdoutLines == (try allLines("certs/chain.pem")))
    }

    @Test(
        "DER arrives intact through standard input",
        arguments: [
            "certs/leaf.der", "csr/rsa2048.csr.der", "public/ed25519.spki.der", "p12/leaf-empty-password.p12",
        ])
    func derFromStandardInput(path: String) throws {
        let result = try run(["-"], stdin: try Fixtures.contents(of: path))
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout == "\(try Fixtures.file(path).expectedPin)\n")
    }

    @Test("An error on standard input names it `standard input`")
    func errorOnStandardInput() throws {
        let result = try run(["-"], stdin: try Fixtures.contents(of: "malformed/garbage-der.pem"))
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrIsOneLine)
        #expect(result.stderr.hasPrefix("pinhash: standard input: "))
    }

    @Test("Empty standard input is an error, not a hang")
    func emptyStandardInput() throws {
        let result = try run(["-"], stdin: Data(), timeout: 10)
        #expect(result.status == 1)
        #expect(result.stdout == "")
        #expect(result.stderrIsOneLine)
        #expect(result.stderr.hasPrefix("pinhash: standard input: "))
    }

    @Test("A bundle of 300 certificates on standard input prints every pin in order")
    func longBundle() throws {
        let chain = try Fixtures.contents(of: "certs/chain.pem")
        let result = try run(["--all", "-"], stdin: Data(Array(repeating: chain, count: 100).joined()))
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(
            result.stdoutLines == Array(repeating: try allLines("certs/chain.pem"), count: 100).flatMap { $0 }
        )
    }

    @Test("A request deep in a long --cert bundle is named by its block number, and nothing is printed")
    func requestDeepInLongBundle() throws {
        let chain = try Fixtures.contents(of: "certs/chain.pem")
        let request = try Fixtures.contents(of: "csr/rsa2048.csr.pem")
        let bundle = Data(
            (Array(repeating: chain, count: 60) + [request] + Array(repeating: chain, count: 30)).joined())
        let result = try run(["--cert", "--all", "-"], stdin: bundle)
        expectRejected(result, naming: "standard input")
        #expect(result.stderr.contains("block 181 is a CERTIFICATE REQUEST, not a certificate"))
    }

    @Test("With --all, the objects read before an error in the same file are not printed")
    func noPartialOutput() throws {
        let path = "malformed/bundle-with-csr.pem"
        let result = try run(["--all", "--cert", "certs/leaf.pem", path])
        #expect(result.status == 1)
        #expect(result.stdoutLines == (try allLines("certs/leaf.pem", showFile: true)))
        #expect(result.stderrIsOneLine && result.stderr.hasPrefix("pinhash: \(path): "))
    }
}

@Suite("The last END line without a line break")
struct LastLineWithoutBreakTests {
    /// Sixty certificates then the root without its final line break: more than the 64 KiB read at the
    /// start, so the end of input is found by a later read. (The fuzzer's `pem` target found that this
    /// refused the last block as "block 61 (?) has no END line".)
    private func bundle() throws -> Data {
        let leaf = try Data(contentsOf: Fixtures.directory.appendingPathComponent("certs/leaf.pem"))
        var root = try Data(contentsOf: Fixtures.directory.appendingPathComponent("certs/root.pem"))
        try #require(root.last == 0x0A)
        root.removeLast()
        return (0..<60).reduce(into: Data()) { data, _ in data += leaf } + root
    }

    @Test("A long bundle whose last END line has no line break gives every pin, from a file and a pipe")
    func longBundleWithoutFinalLineBreak() throws {
        let data = try bundle()
        #expect(data.count > 64 << 10)
        let expected =
            Array(repeating: try Fixtures.file("certs/leaf.pem").expectedPin, count: 60)
            + [try Fixtures.file("certs/root.pem").expectedPin]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "pinhash-no-final-break-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bundle.pem")
        try data.write(to: file)
        for result in [try run(["--all", file.path]), try run(["--all", "-"], stdin: data)] {
            #expect(result.status == 0, "stderr: \(result.stderr)")
            #expect(result.stderr == "")
            #expect(result.stdoutLines.map { String($0.prefix(44)) } == expected)
        }
    }
}
