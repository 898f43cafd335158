/// Collects the hosts an import finds: entries for the same name, port and subdomain rule are merged
/// into one host (each pin once), in the order first seen.
struct PinSetBuilder {
    /// The input's name, for each entry's `source`.
    let source: String
    private(set) var hosts: [PinnedHost] = []
    private(set) var notes: [PinSetImportNote] = []

    init(source: String) { self.source = source }

    /// An entry for `pin` found at `line` (nil for a format without lines), labelled with the CA
    /// catalogue's name when it is a known CA key (imported formats carry no labels of their own).
    func entry(_ pin: Pin, line: Int?, role: PinSetRole? = nil) -> PinSetEntry {
        PinSetEntry(
            pin: pin, label: CACatalogue.builtInLabel(for: pin),
            role: role, source: line.map { "\(source):\($0)" } ?? source)
    }

    mutating func note(_ line: Int?, _ message: String) {
        notes.append(PinSetImportNote(line: line, message))
    }

    /// Adds `host` with `entries`, merged into a host already found with the same name, port and
    /// subdomain rule; a host with no pin is refused, since it would pin nothing.
    mutating func add(_ host: PinnedHost, _ entries: [PinSetEntry]) throws(PinHashError) {
        guard !entries.isEmpty else {
            throw PinHashError(.malformedInput, "\(host.name) has no pin")
        }
        var host = host
        host.pins = entries
        merge(host)
    }

    /// Adds `host`, merged into a host already found with the same name, port and subdomain rule.
    mutating func merge(_ host: PinnedHost) {
        let entries = host.pins
        guard
            let index = hosts.firstIndex(where: {
                $0.name == host.name && $0.port == host.port
                    && $0.includesSubdomains == host.includesSubdomains
            })
        else {
            var new = host
            new.pins = []
            append(entries, to: &new)
            hosts.append(new)
            return
        }
        append(entries, to: &hosts[index])
        for uri in host.reportURIs where !hosts[index].reportURIs.contains(uri) {
            hosts[index].reportURIs.append(uri)
        }
        if hosts[index].expiration == nil { hosts[index].expiration = host.expiration }
    }

    private func append(_ entries: [PinSetEntry], to host: inout PinnedHost) {
        for entry in entries where !host.pins.contains(where: { $0.pin == entry.pin }) {
            host.pins.append(entry)
        }
    }
}
