import Foundation

/// Where the package is: found from this file's place in the source tree, so the tests need no working
/// directory or environment to find their inputs.
public enum PackagePaths {
    /// The package root: this file is `Tests/PinHashTestSupport/PackagePaths.swift` under it.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
