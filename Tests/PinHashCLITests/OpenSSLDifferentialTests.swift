import Foundation
import PinHashTestSupport
import Testing

/// The openssl command line, computed live: the pipelines people use to make pins by hand.
enum OpenSSLPipeline {
    static let openssl = "/usr/bin/openssl"
    static var isInstalled: Bool { FileManager.default.isExecutableFile(atPath: openssl) }

    /// `openssl x509 -pubkey | openssl pkey -pubin -outform der | dgst | base64` on `$1`, or standard input.
    static let classic =
        #"/usr/bin/openssl x509 ${1:+-in "$1"} -pubkey -noout | /usr/bin/openssl pkey -pubin -outform der"#
        + #" | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl enc -base64"#

    /// The older recipe with `openssl rsa -pubin`, which only understands RSA keys.
    static let rsaOnly =
        #"/usr/bin/openssl x509 -in "$1" -pubkey -noout | /usr/bin/openssl rsa -pubin -outform der"#
        + #" | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl enc -base64"#

    /// The pin of no bytes at all: what a pipeline prints when its key step writes nothing.
    static let emptyInput =
        #"printf '' | /usr/bin/openssl dgst -sha256 -binary | /usr/bin/openssl enc -base64"#

    /// Runs `script` and returns the pin it printed.
    static func pin(_ script: String, _ arguments: [String] = [], stdin: Data? = nil) throws -> String {
        let result = try runShell(script, arguments, stdin: stdin)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite(
    "pinhash agrees with the openssl command line",
    .enabled(if: OpenSSLPipeline.isInstalled, "/usr/bin/openssl is missing"))
struct OpenSSLDifferentialTests {
    @Test(
        "For each certificate of the chain, pinhash --cert equals the x509 | pkey | dgst | enc pipeline",
        arguments: ["certs/leaf.pem", "certs/intermediate.pem", "certs/root.pem"])
    func chainCertificate(path: String) throws {
        let expected = try OpenSSLPipeline.pin(OpenSSLPipeline.classic, [path])
        #expect(expected.count == 44)
        let result = try run(["--cert", path])
        #expect(result.status == 0)
        #expect(result.stdout == "\(expected)\n")
    }

    @Test("Each block of chain.pem: pinhash --cert --all equals the pipeline run on that block alone")
    func chainBundle() throws {
        let text = String(decoding: try Fixtures.contents(of: "certs/chain.pem"), as: UTF8.self)
        let blocks = pemBlocks(in: text)
        try #require(blocks.count == 3)
        let expected = try blocks.map {
            try OpenSSLPipeline.pin(OpenSSLPipeline.classic, stdin: Data($0.utf8))
        }
        let result = try run(["--cert", "--all", "certs/chain.pem"])
        #expect(result.status == 0)
        #expect(result.stdoutLines.map { String($0.prefix { $0 != " " }) } == expected)
    }

    @Test("For the RSA leaf the openssl rsa -pubin recipe gives the same pin")
    func rsaRecipeOnRSALeaf() throws {
        let path = "certs/leaf.pem"
        let rsaOnly = try OpenSSLPipeline.pin(OpenSSLPipeline.rsaOnly, [path])
        #expect(rsaOnly == (try OpenSSLPipeline.pin(OpenSSLPipeline.classic, [path])))
        let result = try run(["--cert", path])
        #expect(result.stdout == "\(rsaOnly)\n")
    }

    @Test("For an EC leaf the rsa -pubin recipe hashes empty input, while pinhash prints the real pin")
    func rsaRecipeOnECLeaf() throws {
        let path = "certs/leaf-ec-p256-compressed.pem"
        let emptyInputPin = try OpenSSLPipeline.pin(OpenSSLPipeline.emptyInput)
        #expect(emptyInputPin == "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")
        #expect((try OpenSSLPipeline.pin(OpenSSLPipeline.rsaOnly, [path])) == emptyInputPin)
        let real = try OpenSSLPipeline.pin(OpenSSLPipeline.classic, [path])
        #expect(real != emptyInputPin)
        #expect(real == (try Fixtures.file(path).expectedPin))
        let result = try run(["--cert", path])
        #expect(result.status == 0)
        #expect(result.stdout == "\(real)\n")
    }

    /// The `CERTIFICATE` PEM blocks of `text`, each from its BEGIN line through its END line.
    private func pemBlocks(in text: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("-----BEGIN CERTIFICATE-----") { current = [] }
            current?.append(line)
            if line.hasPrefix("-----END CERTIFICATE-----"), let block = current {
                blocks.append(block.joined(separator: "\n") + "\n")
                current = nil
            }
        }
        return blocks
    }
}
