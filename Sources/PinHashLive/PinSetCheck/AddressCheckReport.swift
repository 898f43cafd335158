import PinHash

extension AddressCheck {
    /// How the address came out: `unchecked` (it could not be checked), else the highest finding's level
    /// (`error`, `warning`), else `ok`.
    public var status: String {
        if couldNotCheck { return "unchecked" }
        return evaluation.findings.highestSeverity.map(\.rawValue) ?? "ok"
    }

    /// `www.example.com:443 at 192.0.2.10`, or `www.example.com:443` when the name did not resolve.
    public var title: String { server.description + (address.map { " at \($0)" } ?? "") }

    /// The report on the address, as `pinhash check` prints it: a title line with the status, then
    /// indented the chain's verification, each certificate (`PIN  ROLE  SUBJECT  notAfter`), which pins
    /// each kind of client finds, which TLSA record authenticated the chain (for a host checked with
    /// DANE), and the findings (`error: message; fix`), each finding's fix worded by
    /// `fix`.
    ///
    ///     www.example.com:443 at 192.0.2.10: error
    ///       chain: trusted for www.example.com by the system trust store (TLSv1.3)
    ///       Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=  leaf  CN=www.example.com  until 2027-01-01T00:00:00Z
    ///       curl: matches Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=
    ///       okhttp, android, ios, trustkit, chrome, hpkp: matches Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=
    ///       tlsa: DANE-EE 3 1 1 05a6b8… matched the server's own key
    ///       error: it has only one pin: …; add the pin of a spare key …
    public func text(fix: (PinSetFinding) -> String) -> String {
        var lines = ["\(title): \(status)"]
        if let failure {
            lines.append("  could not be checked: \(failure.reason)")
        }
        if let chain {
            lines.append("  chain: \(chain.verification) (\(chain.protocolVersion))")
            for entry in chain.entries(source: server.description) {
                let certificate = entry.object
                lines.append(
                    "  \(certificate.pin.base64)  \(certificate.label)  \(certificate.detail)"
                        + (CACatalogue.builtInNote(for: certificate.pin).map { "  \($0)" } ?? "")
                        + (certificate.notAfter.map { "  until \($0)" } ?? "")
                        + (entry.sentByServer == false ? "  (not sent)" : ""))
            }
        }
        for match in evaluation.matches {
            let clients = match.clients.map(\.rawValue).joined(separator: ", ")
            let pins = match.matching.map(\.base64).joined(separator: ", ")
            lines.append("  \(clients): " + (match.matches ? "matches \(pins)" : "no pin matches"))
        }
        if let dane = evaluation.dane {
            lines.append(
                "  tlsa: " + (dane.isAuthenticated ? dane.summary : "no record authenticates the chain"))
        }
        for finding in evaluation.findings {
            lines.append("  \(finding.severity.rawValue): \(finding.message); \(fix(finding))")
        }
        return lines.map(AuditText.oneLine).joined(separator: "\n") + "\n"
    }

    /// The result as one JSON object on one line: `host`, `port`, `address` (null when the name did not
    /// resolve), `status` (`ok`, `warning`, `error`, `unchecked`), `failure` (why it could not be checked, or
    /// null), `tls` ({`version`, `cipher`, `verified`, `verification`} or null), `chain` ([{`pin`, `role`,
    /// `subject`, `notAfter`, `sent`, `catalogue`}]), `matches` ([{`scope`: `leaf-key` or `verified-chain`, `clients`,
    /// `pins`, `matched`}]), `dane` (null unless the host is checked with DANE: {`authenticated`, `records`,
    /// `authority` (the record that authenticated the chain, or null), `usage` (`DANE-EE`, `DANE-TA`),
    /// `depth` (of the certificate it matched), `failure`}) and `findings` ([{`level`, `kind`, `message`, `fix`, `pin`}]); each finding's fix
    /// worded by `fix`.
    public func json(fix: (PinSetFinding) -> String) -> String {
        let string = PinFormatEscaping.jsonString
        func optional(_ text: String?) -> String { text.map(string) ?? "null" }
        func list(_ items: [String]) -> String { "[" + items.joined(separator: ", ") + "]" }
        var fields = [
            "\"host\": \(string(host.name))", "\"port\": \(host.port)", "\"address\": \(optional(address))",
            "\"status\": \(string(status))", "\"failure\": \(optional(failure?.reason))",
        ]
        if let chain {
            let verification = chain.verification
            fields.append(
                "\"tls\": {\"version\": \(string(chain.protocolVersion)), \"cipher\": \(string(chain.cipher)), "
                    + "\"verified\": \(verification.isTrusted), "
                    + "\"verification\": \(string(verification.description))}")
            fields.append(
                "\"chain\": "
                    + list(
                        chain.entries(source: server.description).map { entry in
                            let certificate = entry.object
                            return "{\"pin\": \(string(certificate.pin.base64)), "
                                + "\"role\": \(string(certificate.label)), "
                                + "\"subject\": \(string(certificate.detail)), "
                                + "\"notAfter\": \(optional(certificate.notAfter)), "
                                + "\"sent\": \(entry.sentByServer != false), "
                                + "\"catalogue\": \(CACatalogue.builtInJSON(for: certificate.pin))}"
                        }))
        } else {
            fields += ["\"tls\": null", "\"chain\": []"]
        }
        fields.append(
            "\"matches\": "
                + list(
                    evaluation.matches.map { match in
                        "{\"scope\": \(string(match.scope.rawValue)), "
                            + "\"clients\": \(list(match.clients.map { string($0.rawValue) })), "
                            + "\"pins\": \(list(match.matching.map { string($0.base64) })), "
                            + "\"matched\": \(match.matches)}"
                    }))
        if let dane = evaluation.dane {
            fields.append(
                "\"dane\": {\"authenticated\": \(dane.isAuthenticated), "
                    + "\"records\": \(list(dane.records.map { string($0.description) })), "
                    + "\"authority\": \(optional(dane.authority?.description)), "
                    + "\"usage\": \(optional(dane.authority?.usageName)), "
                    + "\"depth\": \(dane.depth.map(String.init) ?? "null"), \"failure\": \(optional(dane.failure))}"
            )
        } else {
            fields.append("\"dane\": null")
        }
        fields.append(
            "\"findings\": "
                + list(
                    evaluation.findings.map { finding in
                        "{\"level\": \(string(finding.severity.rawValue)), \"kind\": \(string(finding.kind.rawValue)), "
                            + "\"message\": \(string(finding.message)), \"fix\": \(string(fix(finding))), "
                            + "\"pin\": \(optional(finding.pin?.base64))}"
                    }))
        return "{" + fields.joined(separator: ", ") + "}"
    }
}

extension Sequence<AddressCheck> {
    /// `3 addresses: 1 ok, 0 with warnings, 1 with errors, 1 could not be checked`.
    public var summary: String {
        var counts = ["ok": 0, "warning": 0, "error": 0, "unchecked": 0]
        var total = 0
        for check in self {
            counts[check.status, default: 0] += 1
            total += 1
        }
        return
            "\(total) address\(total == 1 ? "" : "es"): \(counts["ok"]!) ok, \(counts["warning"]!) with warnings, "
            + "\(counts["error"]!) with errors, \(counts["unchecked"]!) could not be checked"
    }

    /// The results as one JSON document: `results` (each as ``AddressCheck/json(fix:)``), the counts
    /// `ok`, `warnings`, `errors`, `unchecked` (addresses by status), and when `hosts` is given a list
    /// `hosts` of those JSON objects (one a host, written by the caller).
    public func json(fix: (PinSetFinding) -> String, hosts: [String]? = nil) -> String {
        var counts = ["ok": 0, "warning": 0, "error": 0, "unchecked": 0]
        var items: [String] = []
        for check in self {
            counts[check.status, default: 0] += 1
            items.append("    " + check.json(fix: fix))
        }
        return "{\n  \"results\": [\n" + items.joined(separator: ",\n") + (items.isEmpty ? "" : "\n")
            + "  ],\n"
            + (hosts.map {
                "  \"hosts\": [\n" + $0.map { "    " + $0 }.joined(separator: ",\n")
                    + ($0.isEmpty ? "" : "\n") + "  ],\n"
            } ?? "")
            + "  \"ok\": \(counts["ok"]!), \"warnings\": \(counts["warning"]!), \"errors\": \(counts["error"]!), "
            + "\"unchecked\": \(counts["unchecked"]!)\n}\n"
    }
}
