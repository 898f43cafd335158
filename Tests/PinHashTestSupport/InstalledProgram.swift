import Foundation

/// Programs no one here wrote, which the tests compare with or run as servers, where they are installed.
public enum InstalledProgram {
    /// The first executable `name` in a directory of `PATH`, then of `otherDirectories` (servers live in
    /// sbin directories, which a user's `PATH` may lack); nil when there is none.
    public static func path(of name: String, alsoSearching otherDirectories: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + otherDirectories
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
