import PinHash

/// The results of a pin-set check as one self-contained HTML page, for people who would rather look
/// than read: per host, its pins with the CA catalogue's names and which kinds of client each matches
/// at which address, what each address served and what is wrong, the rotation table when there is one,
/// and a timeline of the days that matter (certificates' notAfter, the pin set's expiration, how long a
/// header served today is cached, when TLSA records published today allow a switch).
///
/// The page loads nothing: no script, font, image or style sheet from elsewhere (its one style sheet is
/// in the page, the timeline is inline SVG), and its Content-Security-Policy forbids any. Every text
/// that comes from a server, a file or the pin set is escaped.
///
/// ```swift
/// let page = PinSetCheckPage(results: results, catalogue: catalogue, now: Int64(time(nil)))
/// print(page.html(fix: { $0.remedy.description }))
/// ```
public struct PinSetCheckPage: Sendable {
    /// One row of a host's rotation table: what happens to the pin set on one event (another
    /// analysis fills these in; the page only draws them).
    public struct RotationRow: Sendable, Hashable {
        /// The event: `the leaf is renewed with a new key`.
        public var event: String
        /// The clients the row is about: `okhttp, android, ios`.
        public var clients: String
        public var survives: Bool
        /// The smallest change to the pin set that makes it survive, for a row that breaks.
        public var fix: String?

        public init(event: String, clients: String, survives: Bool, fix: String? = nil) {
            self.event = event
            self.clients = clients
            self.survives = survives
            self.fix = fix
        }
    }

    /// The rotation table of one host.
    public struct HostRotation: Sendable, Hashable {
        public var host: String
        public var port: Int
        public var rows: [RotationRow]

        public init(host: String, port: Int, rows: [RotationRow]) {
            self.host = host
            self.port = port
            self.rows = rows
        }
    }

    public let results: [AddressCheck]
    public let catalogue: CACatalogue
    /// The moment of the check, in seconds since 1970-01-01 UTC: the timeline's start.
    public let now: Int64
    /// The max-age of the HPKP header the timeline shows for hosts whose clients include HPKP.
    public let headerMaxAge: UInt64
    /// The TTL of the TLSA records the timeline shows for hosts whose clients include DANE.
    public let tlsaTTL: UInt64
    /// Rotation tables by host; a host without one has no rotation section.
    public let rotation: [HostRotation]

    public init(
        results: [AddressCheck], catalogue: CACatalogue, now: Int64,
        headerMaxAge: UInt64 = HPKPHeader.defaultMaxAge,
        tlsaTTL: UInt64 = RotationPlan.Options.defaultTLSATTL,
        rotation: [HostRotation] = []
    ) {
        self.results = results
        self.catalogue = catalogue
        self.now = now
        self.headerMaxAge = headerMaxAge
        self.tlsaTTL = tlsaTTL
        self.rotation = rotation
    }

    /// One dated event on a host's timeline.
    struct TimelineEvent: Hashable {
        let date: CalendarDate
        let what: String
        /// The CSS class of its mark: `now`, `certificate`, `expiration`, `header`, `records`.
        let kind: String
    }

    /// The page, each finding's fix worded by `fix`.
    public func html(fix: (PinSetFinding) -> String) -> String {
        let today = CalendarDate(secondsSinceUnixEpoch: now) ?? CalendarDate(year: 1970, month: 1, day: 1)!
        var hostOrder: [Int] = []
        var byHost: [Int: [AddressCheck]] = [:]
        for result in results {
            if byHost[result.hostIndex] == nil { hostOrder.append(result.hostIndex) }
            byHost[result.hostIndex, default: []].append(result)
        }
        var body = "<h1>pinhash check</h1>\n"
        body += "<p class=\"summary\">Checked on \(today) (UTC): \(e(results.summary)).</p>\n"
        for (index, hostIndex) in hostOrder.enumerated() {
            body += hostSection(byHost[hostIndex]!, number: index, today: today, fix: fix)
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>pinhash check: \(e(results.summary))</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private func hostSection(
        _ checks: [AddressCheck], number: Int, today: CalendarDate, fix: (PinSetFinding) -> String
    ) -> String {
        let host = checks[0].host
        var html = "<section class=\"host\" id=\"host-\(number)\">\n"
        html += "<h2>\(e(checks[0].server.description))</h2>\n<p class=\"addresses\">"
        html +=
            checks.map {
                "<span class=\"status \($0.status)\">\(e($0.address ?? "not resolved")): \($0.status)</span>"
            }
            .joined(separator: " ") + "</p>\n"
        html += pinTable(host, checks)
        for check in checks { html += addressSection(check, fix: fix) }
        if let table = rotation.first(where: { $0.host == host.name && $0.port == host.port }) {
            html += rotationSection(table)
        }
        html += timelineSection(events(host, checks, today: today))
        return html + "</section>\n"
    }

    /// The host's pins, each with its catalogue name and, per kind of client, where it matches.
    private func pinTable(_ host: PinnedHost, _ checks: [AddressCheck]) -> String {
        var scopes: [PinMatch.Scope: [PinClient]] = [:]
        for check in checks { for match in check.evaluation.matches { scopes[match.scope] = match.clients } }
        let scopeOrder = PinMatch.Scope.allCases.filter { scopes[$0] != nil }
        var html =
            "<h3>Pins</h3>\n<table class=\"pins\">\n<tr><th>Pin</th><th>Role</th><th>Label</th><th>Key</th>"
        for scope in scopeOrder {
            let clients = scopes[scope]!.map(\.rawValue).joined(separator: ", ")
            html +=
                "<th>\(e(clients))<br><small>\(scope == .leafKey ? "server's own key" : "verified chain")</small></th>"
        }
        html += "</tr>\n"
        let checked = checks.filter { !$0.couldNotCheck }
        var seen = Set<Pin>()
        for entry in host.pins where seen.insert(entry.pin).inserted {
            html +=
                "<tr><td class=\"pin\">\(e(entry.pin.base64))</td><td>\(e(entry.role?.rawValue ?? "-"))</td>"
            html += "<td>\(e(entry.label ?? ""))</td><td>\(catalogueName(entry.pin))</td>"
            for scope in scopeOrder {
                let matchedAt = checked.filter { check in
                    check.evaluation.matches.contains { $0.scope == scope && $0.matching.contains(entry.pin) }
                }
                let cell: String
                if checked.isEmpty {
                    cell = "<td class=\"unknown\">not checked</td>"
                } else if matchedAt.isEmpty {
                    cell = "<td class=\"no\">no</td>"
                } else if matchedAt.count == checked.count {
                    cell =
                        "<td class=\"yes\">matches" + (checked.count > 1 ? " at every address" : "") + "</td>"
                } else {
                    cell =
                        "<td class=\"some\">matches at "
                        + e(matchedAt.compactMap(\.address).joined(separator: ", "))
                        + "</td>"
                }
                html += cell
            }
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// `Let's Encrypt R11 (intermediate, pool Let's Encrypt RSA 2024)`, or `not in the catalogue`.
    private func catalogueName(_ pin: Pin) -> String {
        guard let entry = catalogue.entry(for: pin) else {
            return "<span class=\"muted\">not in the catalogue</span>"
        }
        var detail = entry.kind.rawValue
        if let pool = entry.pool { detail += ", pool \(pool)" }
        return "<span class=\"ca\">\(e(entry.name))</span> <small>(\(e(detail)))</small>"
    }

    private func addressSection(_ check: AddressCheck, fix: (PinSetFinding) -> String) -> String {
        var html =
            "<h3>\(e(check.title)): <span class=\"status \(check.status)\">\(check.status)</span></h3>\n"
        if let failure = check.failure {
            html += "<p class=\"failure\">could not be checked: \(e(failure.reason))</p>\n"
        }
        if let chain = check.chain {
            html += "<p>chain: \(e(chain.verification.description)) (\(e(chain.protocolVersion)))</p>\n"
            html += "<table class=\"chain\">\n<tr><th>Pin</th><th>Role</th><th>Subject</th><th>Key</th>"
            html += "<th>Not after</th></tr>\n"
            for entry in chain.entries(source: check.server.description) {
                let certificate = entry.object
                html += "<tr><td class=\"pin\">\(e(certificate.pin.base64))</td>"
                html += "<td>\(e(certificate.label))\(entry.sentByServer == false ? " (not sent)" : "")</td>"
                html += "<td>\(e(certificate.detail))</td><td>\(catalogueName(certificate.pin))</td>"
                html += "<td>\(e(certificate.notAfter ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if !check.evaluation.findings.isEmpty {
            html += "<ul class=\"findings\">\n"
            for finding in check.evaluation.findings {
                html += "<li class=\"\(finding.severity.rawValue)\"><b>\(finding.severity.rawValue)</b>: "
                html += "\(e(finding.message)); <i>\(e(fix(finding)))</i></li>\n"
            }
            html += "</ul>\n"
        }
        return html
    }

    private func rotationSection(_ table: HostRotation) -> String {
        var html = "<h3>Rotation</h3>\n<table class=\"rotation\">\n"
        html += "<tr><th>Event</th><th>Clients</th><th>Outcome</th><th>Fix</th></tr>\n"
        for row in table.rows {
            html += "<tr><td>\(e(row.event))</td><td>\(e(row.clients))</td>"
            html +=
                "<td class=\"\(row.survives ? "yes" : "no")\">\(row.survives ? "survives" : "breaks")</td>"
            html += "<td>\(e(row.fix ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// The dates that matter for a host, earliest first: today, each certificate's notAfter, the pin
    /// set's expiration, and for HPKP and DANE hosts the end of a wait started today.
    func events(_ host: PinnedHost, _ checks: [AddressCheck], today: CalendarDate) -> [TimelineEvent] {
        var events = [TimelineEvent(date: today, what: "today", kind: "now")]
        var seen = Set<String>()
        for check in checks {
            for certificate in check.chain?.entries(source: "").map(\.object) ?? [] {
                guard let notAfter = certificate.notAfter,
                    let date = CalendarDate(iso8601: String(notAfter.prefix(10)))
                else { continue }
                let what = "\(certificate.label) \(certificate.detail) expires"
                if seen.insert(what + notAfter).inserted {
                    events.append(TimelineEvent(date: date, what: what, kind: "certificate"))
                }
            }
        }
        if let expiration = host.expiration {
            events.append(TimelineEvent(date: expiration, what: "the pin set expires", kind: "expiration"))
        }
        let clients = host.clients.isEmpty ? PinClient.allCases : host.clients
        if clients.contains(.hpkp), let until = today.adding(days: Self.wholeDays(headerMaxAge)) {
            events.append(
                TimelineEvent(
                    date: until,
                    what: "a Public-Key-Pins header served today is cached until (max-age \(headerMaxAge) s)",
                    kind: "header"))
        }
        let (twice, overflow) = tlsaTTL.multipliedReportingOverflow(by: 2)
        if clients.contains(.tlsa), !overflow, let until = today.adding(days: Self.wholeDays(twice)) {
            events.append(
                TimelineEvent(
                    date: until, what: "TLSA records published today allow a switch (2 × TTL \(tlsaTTL) s)",
                    kind: "records"))
        }
        return events.sorted { $0.date < $1.date }
    }

    private static func wholeDays(_ seconds: UInt64) -> Int {
        Int(min(seconds / 86_400 + (seconds % 86_400 == 0 ? 0 : 1), 4_000_000))
    }

    /// The events on a line drawn in SVG, and the same in a table.
    private func timelineSection(_ events: [TimelineEvent]) -> String {
        let first = events.first!.date.daysSinceUnixEpoch
        let span = max(1, events.last!.date.daysSinceUnixEpoch - first)
        let (left, width, rowHeight) = (20.0, 760.0, 18.0)
        let height = 40 + Double(events.count) * rowHeight
        var svg =
            "<svg class=\"timeline\" viewBox=\"0 0 800 \(Int(height))\" "
            + "role=\"img\" aria-label=\"timeline\">\n"
        svg += "<line x1=\"\(left)\" y1=\"20\" x2=\"\(left + width)\" y2=\"20\" class=\"axis\"/>\n"
        for (row, event) in events.enumerated() {
            let x = left + width * Double(event.date.daysSinceUnixEpoch - first) / Double(span)
            let y = 40 + Double(row) * rowHeight
            let anchor = x > left + width / 2 ? "end" : "start"
            svg +=
                "<line x1=\"\(Self.number(x))\" y1=\"20\" x2=\"\(Self.number(x))\" y2=\"\(Self.number(y - 4))\" "
            svg += "class=\"tick \(event.kind)\"/>"
            svg += "<circle cx=\"\(Self.number(x))\" cy=\"20\" r=\"5\" class=\"\(event.kind)\"/>"
            svg += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" text-anchor=\"\(anchor)\">"
            svg += "\(event.date) \(e(event.what))</text>\n"
        }
        svg += "</svg>\n"
        var table = "<table class=\"dates\">\n<tr><th>Date</th><th>What</th></tr>\n"
        for event in events {
            table += "<tr class=\"\(event.kind)\"><td>\(event.date)</td><td>\(e(event.what))</td></tr>\n"
        }
        return "<h3>Timeline</h3>\n" + svg + table + "</table>\n"
    }

    /// A coordinate with one decimal.
    private static func number(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }

    /// Text escaped for HTML character data and double-quoted attribute values.
    private func e(_ text: String) -> String { PinFormatEscaping.xml(text) }

    static let styleSheet = """
        body{font:14px/1.4 sans-serif;margin:1.5em;color:#222;max-width:1100px}
        h1{font-size:1.5em}h2{border-bottom:2px solid #446;padding-bottom:.2em;margin-top:2em}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.25em .5em;
        text-align:left;vertical-align:top}th{background:#eef}.pin{font-family:monospace;font-size:12px}
        .yes{background:#dfd}.no{background:#fdd}.some{background:#ffd}.unknown,.muted{color:#888}
        .status{padding:0 .4em;border-radius:3px}.status.ok{background:#dfd}.status.warning{background:#ffd}
        .status.error{background:#fdd}.status.unchecked{background:#ddd}
        li.error b{color:#a00}li.warning b{color:#a60}.ca{font-weight:bold}
        svg.timeline{width:100%;max-width:800px;display:block;font:11px sans-serif}
        svg .axis{stroke:#446;stroke-width:2}svg .tick{stroke:#bbb;stroke-dasharray:2 2}
        circle.now{fill:#226}circle.certificate{fill:#c60}circle.expiration{fill:#a00}
        circle.header{fill:#06a}circle.records{fill:#080}
        """
}
