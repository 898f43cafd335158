import PinHash

extension SiteAudit {
    /// The report `pinhash audit` prints: what was fetched, the certificates sent (each as
    /// `PIN  ROLE  SUBJECT`, as the command lists a file's certificates, with the CA catalogue's name of a
    /// CA key) and those of the verified chain the server did not send (the same, ending in `(not sent)`), the findings one a line
    /// (`error: hsts: message; fix`), and a count.
    ///
    ///     url: https://www.example.com/
    ///     address: 192.0.2.10
    ///     tls: TLSv1.3 TLS_AES_256_GCM_SHA384
    ///     chain: trusted for www.example.com by the system trust store
    ///     Bay4mhFD61xnT1E2enNFduym0i2YEgKCsqAHPCtaUtY=  leaf  CN=www.example.com,O=Example,C=DE
    ///     https: HTTP/1.1 200 OK
    ///     http: http://www.example.com/: HTTP/1.1 301 Moved Permanently, Location: https://www.example.com/
    ///
    ///     note: hsts: without includeSubDomains …; add includeSubDomains once every subdomain serves HTTPS
    ///     0 errors, 0 warnings, 1 note
    public var text: String { text(rewording: { $0 }) }

    /// ``text`` with each finding passed through `rewording` first: a program words the findings'
    /// remedies in its own terms (pinhash names its options).
    public func text(rewording: (AuditFinding) -> AuditFinding) -> String {
        var lines = [
            "url: \(url)",
            "address: \(chain.connectedAddress)",
            "tls: \(chain.protocolVersion) \(chain.cipher)",
            "chain: \(chain.verification)",
        ]
        for entry in chain.entries(source: url.description) {
            let certificate = entry.object
            lines.append(
                "\(certificate.pin.base64)  \(certificate.label)  \(certificate.detail)"
                    + (CACatalogue.builtInNote(for: certificate.pin).map { "  \($0)" } ?? "")
                    + (entry.sentByServer == false ? "  (not sent)" : ""))
        }
        lines.append("https: \(Self.statusLine(of: response))")
        lines.append("http: \(plainHTTPSummary)")
        if let preload { lines.append("preload: \(Self.preloadSummary(preload))") }
        lines.append("")
        lines += findings.map { rewording($0).description }
        lines.append(summary)
        return lines.map(AuditText.oneLine).joined(separator: "\n") + "\n"
    }

    /// `1 error, 2 warnings, 3 notes`.
    public var summary: String {
        func counted(_ severity: HeaderFinding.Severity) -> String {
            let count = findings.count(of: severity)
            return "\(count) \(severity.rawValue)\(count == 1 ? "" : "s")"
        }
        return [HeaderFinding.Severity.error, .warning, .note].map(counted).joined(separator: ", ")
    }

    /// The report as one JSON object:
    /// `url`, `address`, `tls` {`version`, `cipher`, `verified`, `verification`}, `chain` [{`pin`, `role`,
    /// `subject`, `sent`, `catalogue`}] (as sent, then the verified chain's certificates not sent), `http` {`url`, `status`, `error`} (null when not checked), `headers` {`https`:
    /// [{`name`, `value`}], `http`: [...] or null}, `findings` [{`level`, `area`, `message`, `fix`}], and
    /// `errors`, `warnings`, `notes` (the counts); `preload` {`domain`, `check` (the policy or `removal`),
    /// `registrable_domain`, `header`, `codes`} or null, and each finding's `code` (null outside preload).
    public var json: String { json(rewording: { $0 }) }

    /// ``json`` with each finding passed through `rewording` first, as for ``text(rewording:)``.
    public func json(rewording: (AuditFinding) -> AuditFinding) -> String {
        let string = PinFormatEscaping.jsonString
        func fields(_ head: HTTPResponseHead) -> String {
            let items = head.fields.map { "{\"name\": \(string($0.name)), \"value\": \(string($0.value))}" }
            return "[" + items.joined(separator: ", ") + "]"
        }
        func optional(_ text: String?) -> String { text.map(string) ?? "null" }

        let verification = chain.verification
        var out = "{\n"
        out += "  \"url\": \(string(url.description)),\n"
        out += "  \"address\": \(string(chain.connectedAddress)),\n"
        out +=
            "  \"tls\": {\"version\": \(string(chain.protocolVersion)), \"cipher\": \(string(chain.cipher)), "
        out +=
            "\"verified\": \(verification.isTrusted), \"verification\": \(string(verification.description))},\n"
        let certificates = chain.entries(source: url.description).map { entry in
            "    {\"pin\": \(string(entry.object.pin.base64)), \"role\": \(string(entry.object.label)), "
                + "\"subject\": \(string(entry.object.detail)), \"sent\": \(entry.sentByServer != false), "
                + "\"catalogue\": \(CACatalogue.builtInJSON(for: entry.object.pin))}"
        }
        out += "  \"chain\": [\n" + certificates.joined(separator: ",\n") + (certificates.isEmpty ? "" : "\n")
        out += "  ],\n"
        if let plainHTTP {
            let response = plainHTTP.response
            var error: String?
            if case .failed(let failure) = plainHTTP.outcome { error = failure.reason }
            out += "  \"http\": {\"url\": \(string(plainHTTP.url.description)), "
            out +=
                "\"status\": \(response.map { String($0.statusCode) } ?? "null"), \"error\": \(optional(error))},\n"
        } else {
            out += "  \"http\": null,\n"
        }
        out += "  \"headers\": {\"https\": \(fields(response)), "
        out += "\"http\": \(plainHTTP?.response.map(fields) ?? "null")},\n"
        if let preload {
            let mode: String
            switch preload.mode {
            case .preload(let policy): mode = policy.rawValue
            case .removal: mode = "removal"
            }
            out += "  \"preload\": {\"domain\": \(string(preload.domain.name)), \"check\": \(string(mode)), "
            out += "\"registrable_domain\": \(optional(preload.domain.registrableDomain)), "
            out += "\"header\": \(optional(preload.header)), "
            out += "\"codes\": [" + preload.issues.codes.map(string).joined(separator: ", ") + "]},\n"
        } else {
            out += "  \"preload\": null,\n"
        }
        let items = findings.map(rewording).map { finding in
            "    {\"level\": \(string(finding.severity.rawValue)), \"area\": \(string(finding.area.rawValue)), "
                + "\"code\": \(optional(finding.code)), "
                + "\"message\": \(string(finding.message)), \"fix\": \(optional(finding.fix))}"
        }
        out += "  \"findings\": [\n" + items.joined(separator: ",\n") + (items.isEmpty ? "" : "\n") + "  ],\n"
        out += "  \"errors\": \(findings.count(of: .error)), \"warnings\": \(findings.count(of: .warning)), "
        out += "\"notes\": \(findings.count(of: .note))\n"
        return out + "}\n"
    }

    /// ``json(rewording:)`` on one line, for a file of one JSON object a line: the object's layout is the
    /// only white space between lines (strings hold no raw line ends).
    public func jsonLine(rewording: (AuditFinding) -> AuditFinding) -> String {
        json(rewording: rewording).split(separator: "\n").map { $0.trimmingPrefix(while: { $0 == " " }) }
            .joined() + "\n"
    }

    /// `example.com (bulk-1-year): 1 error, 0 warnings`.
    private static func preloadSummary(_ preload: PreloadCheck) -> String {
        let check: String
        switch preload.mode {
        case .preload(let policy): check = "hstspreload's preload check, policy \(policy.rawValue)"
        case .removal: check = "hstspreload's removal check"
        }
        let errors = preload.issues.errors.count
        let warnings = preload.issues.warnings.count
        return "\(preload.domain.name) (\(check)): \(errors) error\(errors == 1 ? "" : "s"), "
            + "\(warnings) warning\(warnings == 1 ? "" : "s")"
    }

    /// `http://www.example.com/: HTTP/1.1 301 Moved Permanently, Location: https://www.example.com/`,
    /// `http://www.example.com/: connection refused by …`, or `not checked`.
    private var plainHTTPSummary: String {
        guard let plainHTTP else { return "not checked" }
        switch plainHTTP.outcome {
        case .failed(let error):
            return "\(plainHTTP.url): \(error.reason)"
        case .response(let head):
            let location = head.values(of: "Location").first.map { ", Location: \($0)" } ?? ""
            return "\(plainHTTP.url): \(Self.statusLine(of: head))\(location)"
        }
    }

    private static func statusLine(of head: HTTPResponseHead) -> String {
        "\(head.version) \(head.statusCode)\(head.reason.isEmpty ? "" : " " + head.reason)"
    }
}
