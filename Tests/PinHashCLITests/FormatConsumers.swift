import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The programs that consume what `--format` writes, where they are installed: python3 (its strict
/// XML and plist parsers), curl, and openssl as a TLS server for curl to talk to.
enum FormatConsumers {
    static let python3 = executable("python3")
    static let curl = executable("curl")
    static let openssl = executable("openssl")

    /// The first `name` on `PATH` that can be run.
    static func executable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// Runs `python3 -c script` with `input` on standard input and returns what it printed, decoded as
    /// JSON; a failed requirement (with python's error) when it exits non-zero.
    static func python(
        _ script: String, input: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Any {
        let python3 = try #require(python3, "python3 is not installed", sourceLocation: sourceLocation)
        let result = try runProcess(
            python3, ["-c", script], stdin: Data(input.utf8), environment: [:], timeout: 60,
            sourceLocation: sourceLocation)
        try #require(
            result.status == 0, "python3 rejected the document: \(result.stderr)\n--- document:\n\(input)",
            sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Reads an Android network security config with xml.dom.minidom and prints, as JSON, the domains
    /// (`name`, `includeSubdomains`) and pins (`digest`, `value`) it holds.
    static let androidReader = """
        import json, sys, xml.dom.minidom
        document = xml.dom.minidom.parseString(sys.stdin.buffer.read())
        def text(node):
            return "".join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE).strip()
        root = document.documentElement
        print(json.dumps({
            "root": root.tagName,
            "domains": [{"name": text(d), "includeSubdomains": d.getAttribute("includeSubdomains")}
                        for d in root.getElementsByTagName("domain")],
            "pins": [{"digest": p.getAttribute("digest"), "value": text(p)}
                     for p in root.getElementsByTagName("pin")],
        }))
        """

    /// Wraps the fragment on standard input in `<plist><dict>…</dict></plist>`, reads it with plistlib
    /// (expat: strict XML) and prints the property list as JSON.
    static let plistReader = """
        import json, plistlib, sys
        document = (b'<?xml version="1.0" encoding="UTF-8"?>\\n'
            b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\\n'
            b'<plist version="1.0">\\n<dict>\\n' + sys.stdin.buffer.read() + b'</dict>\\n</plist>\\n')
        print(json.dumps(plistlib.loads(document)))
        """
}

/// `openssl s_server -www` on a free loopback port, serving `certs/leaf.pem` with the intermediate, until
/// `stop()` (or deinit) kills it.
final class FormatTLSServer {
    let port: Int
    private let process: Process
    private let log: URL

    /// Starts the server and waits until it listens. A port taken between choosing and binding it (by
    /// another test run) makes s_server exit; then another port is tried.
    init() throws {
        let openssl = try #require(FormatConsumers.openssl, "openssl is not installed")
        var lastOutput = ""
        for _ in 0..<5 {
            let port = try Self.freePort()
            let log = FileManager.default.temporaryDirectory
                .appendingPathComponent("pinhash-s_server-\(UUID().uuidString).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = [
                "s_server", "-accept", "127.0.0.1:\(port)", "-cert", "certs/leaf.pem", "-key",
                "certs/leaf.key",
                "-cert_chain", "certs/intermediate.pem", "-www", "-naccept", "20",
            ]
            process.currentDirectoryURL = PackagePaths.fixtures
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            try? handle.close()
            let deadline = Date().addingTimeInterval(15)
            while Date() < deadline {
                lastOutput = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                if lastOutput.contains("ACCEPT") {
                    self.port = port
                    self.process = process
                    self.log = log
                    return
                }
                if !process.isRunning { break }
                usleep(20_000)
            }
            if process.isRunning {
                process.terminate()
            }
            process.waitUntilExit()
            try? FileManager.default.removeItem(at: log)
        }
        throw FormatServerError(description: "openssl s_server did not start: \(lastOutput)")
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }

    deinit { stop() }

    /// A loopback TCP port nothing listens on now: the one the kernel gives a socket bound to port 0.
    private static func freePort() throws -> Int {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw FormatServerError(description: "socket: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0
                    && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw FormatServerError(description: "bind to 127.0.0.1:0: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct FormatServerError: Error, CustomStringConvertible {
    let description: String
}
