import Foundation
import PinHashTestSupport
import Testing

/// On Linux pinhash loads libcrypto, libssl, libyaml, Expat and libplist by its first call into each, not at start-up
/// (README, "Dependencies"). Which objects a run loads, and how, is what glibc's dynamic loader reports with
/// `LD_DEBUG=files`; the soname each must have is the one readelf finds in the file the linker would link
/// (`libssl.so` in pkg-config's libdir). A library that is missing or lacks a function ends the run with one
/// line and exit status 69. Linux only (glibc's loader; elsewhere the libraries are linked).
#if os(Linux)
    @Suite("Libraries loaded on first use")
    struct LibraryLoadingTests {
        /// A shared library, as pkg-config and the linker know it.
        struct Library: Sendable, Hashable, CustomStringConvertible, CustomTestStringConvertible {
            /// pkg-config's name for it: its libdir holds the linker's file.
            var package: String
            /// The file `-lNAME` links.
            var linkerFile: String
            /// What pinhash's error says it is needed for.
            var purpose: String
            /// A command that calls into it; `SERVER` stands for a loopback TLS server the test starts.
            var command: [String]

            var description: String { linkerFile }
            var testDescription: String { linkerFile }

            static let libssl = Library(
                package: "libssl", linkerFile: "libssl.so", purpose: "TLS connections",
                command: ["--connect", "SERVER"])
            static let yaml = Library(
                package: "yaml-0.1", linkerFile: "libyaml.so", purpose: "pin-set files",
                command: ["pinset", "import", "pinsets/import/curl.txt"])
            static let expat = Library(
                package: "expat", linkerFile: "libexpat.so", purpose: "XML files",
                command: ["pinset", "import", "pinsets/import/android-nested.xml"])
            static let plist = Library(
                package: "libplist-2.0", linkerFile: "libplist-2.0.so", purpose: "property lists",
                command: ["pinset", "import", "pinsets/import/ios-documentation.binary.plist"])
            // An EC key is decoded by OpenSSL (a plain RSA key or a certificate is not).
            static let libcrypto = Library(
                package: "libcrypto", linkerFile: "libcrypto.so", purpose: "keys, PKCS#12 files and TLS",
                command: ["keys/ec-p256.pkcs8.pem"])

            /// The five loaded on first use.
            static let delayLoaded = [libcrypto, libssl, yaml, expat, plist]

            /// The directory pkg-config names for it.
            func directory() throws -> String {
                let result = try runProcess(
                    "/usr/bin/env", ["pkg-config", "--variable=libdir", package], stdin: nil,
                    environment: [:],
                    timeout: 30, sourceLocation: #_sourceLocation)
                try #require(result.status == 0, "pkg-config \(package): \(result.stderr)")
                return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            }

            /// The soname linking with it records: the SONAME in the dynamic section of the linker's file.
            func soname() throws -> String {
                let path = "\(try directory())/\(linkerFile)"
                let result = try runProcess(
                    "/usr/bin/env", ["readelf", "--dynamic", path], stdin: nil, environment: [:], timeout: 30,
                    sourceLocation: #_sourceLocation)
                try #require(result.status == 0, "readelf --dynamic \(path): \(result.stderr)")
                let line = try #require(
                    result.stdoutLines.first { $0.contains("(SONAME)") }, "no SONAME in \(path)")
                let start = try #require(line.range(of: "Library soname: ["))
                return String(line[start.upperBound...].prefix { $0 != "]" })
            }
        }

        /// What the loader reported for a run: the objects loaded at start-up because the binary needs them,
        /// those loaded later by dlopen(), and the path each was loaded from.
        struct LoaderTrace {
            var needed: Set<String> = []
            var dynamicallyLoaded: Set<String> = []
            var paths: [String: String] = [:]
            var all: Set<String> { needed.union(dynamicallyLoaded) }

            /// Reads glibc's `LD_DEBUG=files` lines: `file=NAME [0];  needed by BINARY [0]`,
            /// `file=NAME [0];  dynamically loaded by BINARY [0]` and `calling init: PATH`.
            init(_ stderr: String) {
                for line in stderr.split(separator: "\n") {
                    if let start = line.range(of: "file=") {
                        let name = String(line[start.upperBound...].prefix { $0 != " " })
                        if line.contains(";  needed by ") { needed.insert(name) }
                        if line.contains(";  dynamically loaded by ") { dynamicallyLoaded.insert(name) }
                    } else if let start = line.range(of: "calling init: ") {
                        let path = String(line[start.upperBound...])
                        paths[String(path.split(separator: "/").last ?? "")] = path
                    }
                }
            }
        }

        /// Runs `command` (with `SERVER` replaced by an openssl s_server's address, started for the run).
        static func run(
            _ command: [String], environment: [String: String] = [:], wrappedIn wrapper: [String] = [],
            sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> ProcessOutput {
            var server: OpenSSLTLSServer?
            defer { server?.stop() }
            var arguments = command
            if let index = arguments.firstIndex(of: "SERVER") {
                try #require(LiveTools.openssl != nil, "openssl is not installed: apt-get install openssl")
                let started = try OpenSSLTLSServer()
                server = started
                arguments[index] = "127.0.0.1:\(started.port)"
            }
            guard !wrapper.isEmpty else {
                return try PinHashCLITests.run(
                    arguments, environment: environment, sourceLocation: sourceLocation)
            }
            return try runProcess(
                wrapper[0], Array(wrapper.dropFirst()) + [PackagePaths.pinhash] + arguments, stdin: nil,
                environment: environment, timeout: 30, sourceLocation: sourceLocation)
        }

        /// The run of `command` with the loader's trace on.
        static func traced(
            _ command: [String], sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> (result: ProcessOutput, trace: LoaderTrace) {
            let result = try run(command, environment: ["LD_DEBUG": "files"], sourceLocation: sourceLocation)
            return (result, LoaderTrace(result.stderr))
        }

        @Test(
            "Start-up loads none of the five, nor does pinning a certificate or a plain RSA key",
            arguments: [
                ["--version"], ["--cert", "certs/leaf.pem"], ["--all", "certs/chain.pem"],
                ["keys/rsa2048.pkcs8.pem"], ["keys/rsa2048.pkcs1.der"],
            ])
        func startUp(command: [String]) throws {
            let delayLoaded = try Library.delayLoaded.map { try $0.soname() }
            let (result, trace) = try Self.traced(command)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(trace.needed.contains("libc.so.6"), "the loader's trace is not there: \(result.stderr)")
            for soname in delayLoaded {
                #expect(!trace.all.contains(soname), "\(soname): \(result.stderr)")
            }
        }

        @Test(
            "A command loads the libraries it calls into, by dlopen and under the soname the linker records",
            arguments: [
                (Library.libcrypto, [Library.libcrypto]), (.libssl, [.libssl, .libcrypto]), (.yaml, [.yaml]),
                (.expat, [.expat, .yaml]), (.plist, [.plist, .yaml]),
            ])
        func loadedOnFirstUse(library: Library, loaded: [Library]) throws {
            let soname = try library.soname()
            let delayLoaded = Set(try Library.delayLoaded.map { try $0.soname() })
            let expected = Set(try loaded.map { try $0.soname() })
            let (result, trace) = try Self.traced(library.command)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(trace.all.intersection(delayLoaded) == expected, "\(result.stderr)")
            #expect(trace.dynamicallyLoaded.contains(soname), "\(result.stderr)")
        }

        /// Whether this process may make a user and mount namespace (unshare(1), util-linux), in which a
        /// directory of the system's libraries can be replaced by a view without one of them.
        static let mountNamespaces: Bool = {
            let result = try? runProcess(
                "/usr/bin/env", ["unshare", "--user", "--map-root-user", "--mount", "true"], stdin: nil,
                environment: [:], timeout: 30, sourceLocation: #_sourceLocation)
            return result?.status == 0
        }()

        /// In a mount namespace of its own, the directory holding `$2` is replaced by one of symbolic links to
        /// all its files but `$2` (the originals reached through a second mount, `$1/all`), and the rest of
        /// the arguments run there; the namespace and its mounts end with the process.
        static let hidingLibrary = """
            set -e
            directory=$(realpath "${2%/*}")
            mkdir "$1/all" "$1/view"
            mount --bind "$directory" "$1/all"
            ln -s "$1/all"/* "$1/view/"
            rm "$1/view/${2##*/}"
            mount --bind "$1/view" "$directory"
            shift 2
            exec "$@"
            """

        /// Runs `command` in a user and mount namespace where the library file at `path` is not there.
        static func run(
            _ command: [String], hiding path: String, sourceLocation: SourceLocation = #_sourceLocation
        ) throws -> ProcessOutput {
            let scratch = try makeLiveScratchDirectory()
            defer {
                // Only symbolic links and an empty mount point are left once the namespace is gone.
                try? FileManager.default.removeItem(at: scratch.appendingPathComponent("view"))
                rmdir(scratch.appendingPathComponent("all").path)
                rmdir(scratch.path)
            }
            return try run(
                command,
                wrappedIn: [
                    "/usr/bin/env", "unshare", "--user", "--map-root-user", "--mount", "/bin/sh", "-c",
                    hidingLibrary, "sh", scratch.path, path,
                ], sourceLocation: sourceLocation)
        }

        @Test(
            "A missing library: one line naming it, exit status 69, nothing on stdout",
            .enabled(if: mountNamespaces, "unshare cannot make a user and mount namespace here"),
            arguments: Library.delayLoaded)
        func missing(library: Library) throws {
            let soname = try library.soname()
            let (loaded, trace) = try Self.traced(library.command)
            #expect(loaded.status == 0, "\(loaded.stderr)")
            let path = try #require(trace.paths[soname], "\(soname) not loaded: \(loaded.stderr)")

            let result = try Self.run(library.command, hiding: path)
            #expect(result.status == 69, "\(result.stderr)")
            #expect(result.stdout == "")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            let line = result.stderrLines.first ?? ""
            #expect(
                line.hasPrefix("pinhash: cannot load \(soname), needed for \(library.purpose): \(soname): "),
                "\(line)")
            #expect(line.hasSuffix(": No such file or directory"), "\(line)")
        }

        @Test(
            "A missing libssl while check connects to four servers at once: still one line, exit status 69",
            .enabled(if: mountNamespaces, "unshare cannot make a user and mount namespace here"))
        func missingWhileConcurrent() throws {
            let soname = try Library.libssl.soname()
            let (loaded, trace) = try Self.traced(Library.libssl.command)
            let path = try #require(trace.paths[soname], "\(soname) not loaded: \(loaded.stderr)")
            // Servers that accept and never answer: every check thread gets as far as its first libssl call.
            let servers = try (0..<4).map { _ in try LoopbackTCPServer(.neverAnswers) }
            defer { servers.forEach { $0.stop() } }
            let hosts = servers.indices.map { "host\($0).example:\(servers[$0].port)" }
            let leaf = try CheckCommandTests.pin("certs/leaf.pem")
            let result = try Self.run(
                ["check", "--pins", leaf, "--jobs", "4"] + hosts.flatMap { ["--resolve", "\($0):127.0.0.1"] }
                    + hosts,
                hiding: path)
            #expect(result.status == 69, "\(result.stderr)")
            #expect(result.stdout == "")
            #expect(result.stderrIsOneLine, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("pinhash: cannot load \(soname), needed for TLS connections: "))
        }

        @Test(
            "A library without the functions pinhash calls: one line naming it, exit status 69",
            arguments: zip(Library.delayLoaded, [Library.yaml, .yaml, .expat, .plist, .yaml]))
        func lacksFunctions(library: Library, impostor: Library) throws {
            let soname = try library.soname()
            try withLiveScratchDirectory { directory in
                // The loader looks in LD_LIBRARY_PATH first: there, another real library under this soname.
                let impostorFile = "\(try impostor.directory())/\(try impostor.soname())"
                let copy = directory.appendingPathComponent(soname)
                try FileManager.default.copyItem(
                    at: URL(fileURLWithPath: impostorFile).resolvingSymlinksInPath(), to: copy)
                let result = try Self.run(library.command, environment: ["LD_LIBRARY_PATH": directory.path])
                #expect(result.status == 69, "\(result.stderr)")
                #expect(result.stdout == "")
                #expect(result.stderrIsOneLine, "\(result.stderr)")
                let line = result.stderrLines.first ?? ""
                #expect(
                    line.hasPrefix(
                        "pinhash: cannot load \(soname), needed for \(library.purpose): \(copy.path): "),
                    "\(line)")
                #expect(line.contains(": undefined symbol: "), "\(line)")
            }
        }
    }
#endif
