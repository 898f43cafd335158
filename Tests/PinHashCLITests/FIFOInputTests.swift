import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Every file the command line opens may be a FIFO (made here with mkfifo) that no program opens for
/// writing: open() would wait for ever. pinhash waits 10 s for a writer, then says so in one line.
@Suite("FIFO inputs: a FIFO with no writer ends in one line, one whose writer comes is read")
struct FIFOInputTests {
    static let noWriter = "is a FIFO that no program opened for writing within 10 s"

    /// Runs `body` with the path of a new FIFO in a scratch directory.
    static func withFIFO<T>(_ body: (String) throws -> T) throws -> T {
        try withLiveScratchDirectory { directory in
            let path = directory.appendingPathComponent("input.fifo").path
            try #require(mkfifo(path, 0o600) == 0, "mkfifo: \(String(cString: strerror(errno)))")
            return try body(path)
        }
    }

    @Test("A file argument with no writer: exit 1 after the wait, one line naming it")
    func fileArgumentWithoutWriter() throws {
        try Self.withFIFO { fifo in
            let result = try run([fifo], timeout: 40)
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderr == "pinhash: \(fifo): \(Self.noWriter)\n")
        }
    }

    @Test("A file argument whose writer comes after a second is read whole")
    func fileArgumentWithLateWriter() throws {
        let leaf = try Fixtures.file("certs/leaf.pem").rows[0]
        try Self.withFIFO { fifo in
            let result = try runShell(
                #"(sleep 1; cat certs/leaf.pem > "$1") & exec "$0" "$1""#, [fifo], timeout: 40)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "\(leaf.pin)\n")
        }
    }

    @Test("A writer that opens the FIFO at once but writes only after the wait is waited for")
    func silentWriterIsWaitedFor() throws {
        let leaf = try Fixtures.file("certs/leaf.pem").rows[0]
        try Self.withFIFO { fifo in
            let script = #"(exec 3> "$1"; sleep 12; cat certs/leaf.pem >&3) & exec "$0" "$1""#
            let result = try runShell(script, [fifo], timeout: 40)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "\(leaf.pin)\n")
        }
    }

    @Test("--passin file: with no writer: exit 1, one line naming the passphrase file")
    func passphraseFileWithoutWriter() throws {
        try Self.withFIFO { fifo in
            let key = "keys/rsa2048.pkcs8.enc.pem"
            let result = try run(["--passin", "file:\(fifo)", key], timeout: 40)
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("pinhash: \(key): "), "\(result.stderr)")
            #expect(result.stderr.hasSuffix("passphrase file \(fifo) \(Self.noWriter)\n"), "\(result.stderr)")
        }
    }

    @Test("verify --pins with no writer: exit 64, one line naming --pins and the file")
    func pinFileWithoutWriter() throws {
        try Self.withFIFO { fifo in
            let result = try run(["verify", "--pins", fifo, "certs/leaf.pem"], timeout: 40)
            #expect(result.status == 64)
            #expect(result.stderr == "pinhash: --pins \(fifo): \(Self.noWriter)\n")
        }
    }

    @Test("--cafile with no writer: exit 1, one line naming the CA file")
    func caFileWithoutWriter() throws {
        let server = try LoopbackTCPServer(.neverAnswers)
        defer { server.stop() }
        try Self.withFIFO { fifo in
            let result = try run(["--connect", "127.0.0.1:\(server.port)", "--cafile", fifo], timeout: 40)
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(result.stderr.contains("\(fifo): \(Self.noWriter)"), "\(result.stderr)")
        }
    }
}
