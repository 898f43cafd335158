import PinHash

extension CACatalogue {
    /// The catalogue the commands name CA pins from. Empty until the generated catalogue data is merged
    /// (issue 13): then this returns it, and every page and report names the CAs it knows.
    static var commandLine: CACatalogue { CACatalogue(entries: [], generated: "no catalogue data yet") }
}
