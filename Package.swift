// swift-tools-version:6.0
import PackageDescription

// On Linux, libcrypto, libssl, libyaml, Expat and libplist are loaded by the first call into them
// (CPinhashDelayLoad), not at start-up by the dynamic loader, which every run paid for whether it used them
// or not (README, "Dependencies"): nothing links them, so their module maps say no `link` and pkg-config,
// whose `--libs` would add `-lssl`, is not asked. Elsewhere they are linked as before.
#if os(Linux)
    let delayLoading = true
#else
    let delayLoading = false
#endif

// A release build of the two programs links the C++ runtime (which the static Swift runtime needs) from GCC's
// archive rather than libstdc++.so.6: the dynamic loader resolved that library's 1,666 symbol references
// at every start, about half the instructions of pinning one certificate (README, "Start-up"). The Swift
// toolchain's static link names `-lstdc++` itself, after any flag given here, so the folder searched first
// holds a linker script of that name that reads the archive; lld, because it takes an archive's members
// for references that come after it, as the Swift runtime's do. Debug builds (the tests, the sanitizers,
// which bring C++ runtimes of their own) link as before.
#if os(Linux)
    let staticCPlusPlusRuntime: [LinkerSetting] = [
        .unsafeFlags(
            ["-use-ld=lld", "-L\(Context.packageDirectory)/Packaging/static-libstdc++"],
            .when(configuration: .release))
    ]
#else
    let staticCPlusPlusRuntime: [LinkerSetting] = []
#endif

// Every program here binds its dynamic symbols at start-up (`-z now`), not at each one's first call: the
// dynamic loader's lazy-binding trampoline saves the vector registers on the stack, and when they held a
// private key's text (from memchr or memcpy over it) that text was left on the stack of the thread that read
// it, unwiped (SecretWipingTests found it there in one run of five, 16 KB below the reader's frame). Full
// RELRO is the usual hardening besides; the cost is some 270,000 instructions at start-up.
#if os(Linux)
    let bindNow: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "-z", "-Xlinker", "now"])]
#else
    let bindNow: [LinkerSetting] = []
#endif

let package = Package(
    name: "pinhash",
    products: [
        .library(name: "PinHash", targets: ["PinHash"]),
        .library(name: "PinHashLive", targets: ["PinHashLive"]),
        .executable(name: "pinhash", targets: ["PinHashCLI"]),
        .library(name: "PinHashReports", targets: ["PinHashReports"]),
        .executable(name: "pinhash-reports", targets: ["PinHashReportsCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The report collector's HTTP server (pinhash-reports only): event loops, HTTP/1.1 parsing and
        // the idle timer, with every limit in our hands (README "Dependencies").
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // The collector's one-line-per-event log.
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // libcrypto: keys, PKCS#12, key generation, object names. libssl: the TLS client of PinHashLive only.
        // Debian's libssl-dev, or on macOS Homebrew's openssl@3 (keg-only: SwiftPM reads its pkg-config
        // files from the brew prefix; README, "macOS").
        .systemLibrary(
            name: "CPinhashOpenSSL",
            pkgConfig: delayLoading ? nil : "libcrypto",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .systemLibrary(
            name: "CPinhashLibSSL",
            pkgConfig: delayLoading ? nil : "libssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        // SQLite, the report collector's database: Debian's libsqlite3 through its C API.
        .systemLibrary(
            name: "CPinhashSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"]), .brew(["sqlite"])]
        ),
        // The pin-set file and the imported configurations, each through a well-kept C parser without
        // Foundation (whose start-up cost every run of pinhash paid): libyaml for pins.yaml, Expat for
        // Android's XML and XML plists, libplist for XML and binary plists. Only PinSets/YAML,
        // PinSets/XML and PinSets/PropertyList import them (.ci/check-boundaries).
        .systemLibrary(
            name: "CPinhashYAML",
            pkgConfig: delayLoading ? nil : "yaml-0.1",
            providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
        ),
        .systemLibrary(
            name: "CPinhashExpat",
            pkgConfig: delayLoading ? nil : "expat",
            providers: [.apt(["libexpat1-dev"]), .brew(["expat"])]
        ),
        .systemLibrary(
            name: "CPinhashPlist",
            pkgConfig: delayLoading ? nil : "libplist-2.0",
            providers: [.apt(["libplist-dev"]), .brew(["libplist"])]
        ),
        // SHA-256 for pins, in C with the x86-64 SHA extensions when present: pinning a certificate or a
        // plain key then needs nothing of libcrypto (README, "Speed").
        .target(name: "CPinhashSHA256"),
        // Whole PEM lines of base64 decoded 32 characters at a time with AVX2 (README, "Speed").
        .target(name: "CPinhashBase64"),
        // The spin-wait hint for the threads that decode a bundle while they look for the next batch.
        .target(name: "CPinhashCPU"),
        // The forwarders that load those libraries on first use (Linux; empty targets elsewhere): libcrypto,
        // libyaml, Expat and libplist for PinHash, libssl for PinHashLive alone. Nothing imports them: they only
        // define the libraries' functions the Swift code calls.
        .target(
            name: "CPinhashDelayLoad",
            cSettings: delayLoading ? [.define("PINHASH_DELAY_LOAD")] : []
        ),
        .target(
            name: "CPinhashLibSSLDelayLoad",
            dependencies: ["CPinhashDelayLoad"],
            cSettings: delayLoading ? [.define("PINHASH_DELAY_LOAD")] : []
        ),
        // Pins of files, formats, headers, verification, backup keys: libcrypto; pin sets and their
        // import: libyaml, Expat, libplist. No Foundation.
        .target(
            name: "PinHash",
            dependencies: [
                "CPinhashOpenSSL", "CPinhashSHA256", "CPinhashBase64", "CPinhashCPU", "CPinhashYAML",
                "CPinhashExpat",
                "CPinhashPlist",
                "CPinhashDelayLoad",
            ],
            linkerSettings: delayLoading
                ? []
                : [
                    .linkedLibrary("crypto"), .linkedLibrary("yaml"), .linkedLibrary("expat"),
                    .linkedLibrary("plist-2.0"),
                ]
        ),
        // Live servers (TCP, TLS, STARTTLS, HTTP) and the site audit: libssl as well.
        .target(
            name: "PinHashLive",
            dependencies: ["PinHash", "CPinhashOpenSSL", "CPinhashLibSSL", "CPinhashLibSSLDelayLoad"],
            linkerSettings: delayLoading ? [] : [.linkedLibrary("ssl")]
        ),
        .executableTarget(
            name: "PinHashCLI",
            dependencies: [
                "PinHash",
                "PinHashLive",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: staticCPlusPlusRuntime + bindNow
        ),
        // The pin-failure report collector: report decoding, storage, the summary, its page and the
        // HTTP server; only its SQLite/ folder imports the SQLite module.
        .target(
            name: "PinHashReports",
            dependencies: [
                "PinHash", "CPinhashSQLite",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: staticCPlusPlusRuntime
        ),
        // pinhash-reports: its own program, so pinhash does not pay for NIO and SQLite at start-up.
        .executableTarget(
            name: "PinHashReportsCLI",
            dependencies: [
                "PinHashReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            linkerSettings: bindNow
        ),
        // The fixture tables and paths both test targets read; no PinHash, so the CLI tests stay black-box.
        .target(
            name: "PinHashTestSupport",
            path: "Tests/PinHashTestSupport"
        ),
        .testTarget(
            name: "PinHashTests",
            dependencies: ["PinHash", "PinHashLive", "PinHashTestSupport", "CPinhashSHA256"],
            linkerSettings: bindNow
        ),
        .testTarget(
            name: "PinHashCLITests",
            dependencies: ["PinHash", "PinHashTestSupport"],
            linkerSettings: bindNow
        ),
    ]
)

// The libFuzzer target of `make fuzz` exists only when asked for (PINHASH_FUZZ=1): it links only with
// `-sanitize=fuzzer`, which brings libFuzzer, and a plain build or test run has no such flag.
if Context.environment["PINHASH_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "PinHashFuzz",
            dependencies: ["PinHash", "PinHashLive", "CPinhashOpenSSL"],
            exclude: ["Dictionaries"],
            // `@_extern(c)` declares libFuzzer's driver without a C module; lld lets the `main` SwiftPM
            // defines for the target take the place of libFuzzer's (gold fails on the pair).
            swiftSettings: [.unsafeFlags(["-enable-experimental-feature", "Extern"])],
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]
        ))
}
