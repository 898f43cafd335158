import PinHash

/// The collector's page: the summary as one self-contained HTML document. No script, font or image from
/// anywhere; the style is inline; every piece of report content is escaped.
extension ReportSummary {
    public var html: String {
        var body = ""
        if hosts.isEmpty {
            body += "<p class=\"empty\">No reports yet.</p>\n"
        }
        for host in hosts {
            let name = host.hostname + (host.port.map { ":\($0)" } ?? "")
            body += "<section class=\"host\">\n<h2>\(escapeHTML(name))</h2>\n"
            body += "<p class=\"counts\">\(host.reports) report\(host.reports == 1 ? "" : "s"), first seen "
            body +=
                "<time>\(ReportTime.format(host.firstSeen))</time>, last seen <time>\(ReportTime.format(host.lastSeen))</time></p>\n"
            if !host.advice.isEmpty {
                body += "<ul class=\"advice\">\n"
                for advice in host.advice { body += "<li>\(escapeHTML(advice))</li>\n" }
                body += "</ul>\n"
            }
            body += "<table>\n"
            if !host.appVersions.isEmpty {
                body += row(
                    "App versions",
                    host.appVersions.map { "\(escapeHTML($0.value)) ×\($0.count)" }.joined(separator: "<br>"))
            }
            if !host.platforms.isEmpty {
                body += row(
                    "Platforms",
                    host.platforms.map { "\(escapeHTML($0.value)) ×\($0.count)" }.joined(separator: "<br>"))
            }
            body += row("Pins clients noted", pins(host.notedPins, host))
            body += row("Pins of their chains", pins(host.chainPins, host))
            if let match = host.pinSetMatch {
                let matching =
                    match.matchingPins.isEmpty
                    ? "no pin in the chain"
                    : match.matchingPins.map { escapeHTML(PinNames.name($0, chain: host.currentChain)) }
                        .joined(separator: "<br>")
                let failing =
                    match.failingClients.isEmpty
                    ? "none" : match.failingClients.map(\.rawValue).joined(separator: ", ")
                body += row(
                    "Pin set (host \(escapeHTML(match.host)))",
                    "matches: \(matching)<br>fails for: \(escapeHTML(failing))")
            }
            body += "</table>\n</section>\n"
        }
        let scope = since > 0 ? " since \(ReportTime.format(since))" : ""
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Pin-failure reports</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 70em; }
            h1 { font-size: 1.5em; }
            section.host { border-top: 1px solid #ccc; padding-top: 0.5em; margin-top: 1.5em; }
            h2 { font-size: 1.2em; margin: 0.3em 0; }
            table { border-collapse: collapse; }
            th { text-align: left; vertical-align: top; padding: 0.3em 1em 0.3em 0; font-weight: 600; }
            td { padding: 0.3em 0; font-family: ui-monospace, monospace; font-size: 0.9em; }
            ul.advice li { margin: 0.2em 0; }
            ul.advice { background: #fff6dd; padding: 0.5em 0.5em 0.5em 2em; }
            </style>
            </head>
            <body>
            <h1>Pin-failure reports\(scope)</h1>
            \(body)</body>
            </html>

            """
    }

    private func row(_ header: String, _ html: String) -> String {
        "<tr><th>\(header)</th><td>\(html)</td></tr>\n"
    }

    private func pins(_ tallies: [Tally<Pin>], _ host: HostSummary) -> String {
        guard !tallies.isEmpty else { return "none" }
        return tallies.map { tally in
            let name = PinNames.name(tally.value, chain: host.currentChain)
            let label = name.contains(tally.value.base64) ? "" : " \(escapeHTML(name))"
            return "\(escapeHTML(tally.value.base64)) ×\(tally.count)\(label)"
        }.joined(separator: "<br>")
    }
}

/// Text made safe in HTML text and attribute values: the escaping every page and document pinhash writes
/// uses (`&`, `<`, `>`, both quotes; line ends and tabs as references; characters no page may carry as
/// U+FFFD).
func escapeHTML(_ text: String) -> String { PinFormatEscaping.xml(text) }
