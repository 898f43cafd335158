// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "pinhash",
    products: [
        .library(name: "PinHash", targets: ["PinHash"]),
        .executable(name: "pinhash", targets: ["PinHashCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .systemLibrary(
            name: "CPinhashOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(
            name: "PinHash",
            dependencies: ["CPinhashOpenSSL"]
        ),
        .executableTarget(
            name: "PinHashCLI",
            dependencies: [
                "PinHash",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "PinHashTests",
            dependencies: ["PinHash"]
        ),
        .testTarget(
            name: "PinHashCLITests",
            dependencies: ["PinHash"]
        ),
    ]
)
