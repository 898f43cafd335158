@testable import PinHash

/// The DER walkers on their own: nesting depth, the strict-DER rules, the classifier, and the readers of
/// certificates, requests and public keys, each given the input whatever the classifier says it is.
/// Pure Swift except for the rare key whose shape proves nothing (then OpenSSL decodes it).
enum DERTarget {
    static func run(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { der in
            _ = try? checkNestingDepth(der, limit: 64)
            _ = describeDERShape(der)
            var cursor = DERCursor(der)
            if let top = try? cursor.next() {
                require(top.range.upperBound <= der.count, "the top element ends past the input")
                outcome { () throws(PinHashError) in try checkDERRules(top, in: der, "the object") }
            }
            outcome { () throws(PinHashError) in _ = try classifyDER(der) }
            for trailing in [false, true] {
                outcome { () throws(PinHashError) in
                    let summary = try summarizeCertificate(der, allowTrailingAux: trailing)
                    inBounds(summary, der.count)
                }
            }
            outcome { () throws(PinHashError) in inBounds(try summarizeCertificationRequest(der), der.count) }
            // The in-place RSA key check accepts only what the full one does.
            if rsaPublicKeyHolds(der) {
                require(
                    (try? checkRSAPublicKeyFully(der, "")) != nil,
                    "the in-place RSA key check accepted what the full one refuses")
            }
            // The one-pass reading gives the full reading's summary, or nothing.
            if let quick = quickCertificateSummary(der) {
                require(
                    quick == (try? fullCertificateSummary(der)),
                    "the quick reading of a certificate differs from the full reading")
            }
        }
        let checks = ReadChecks(bytes: bytes)
        let kinds: [Content] = [
            .certificate(trusted: false), .certificate(trusted: true), .certificateRequest,
            .subjectPublicKeyInfo, .rsaPublicKey,
        ]
        for content in kinds {
            do {
                if let object = try ReadSession.publicObject(content, der: bytes, position: 1) {
                    checks.inspect(object)
                }
            } catch {
                checks.check(error)
            }
        }
    }

    private static func outcome(_ body: () throws(PinHashError) -> Void) {
        do {
            try body()
        } catch {
            require(!error.reason.isEmpty, "empty error reason")
            require(!hasControlCharacter(error.reason), "control character in error: \(error.reason)")
            require(error.code != .internalFailure, "internal failure: \(error.reason)")
        }
    }

    private static func inBounds(_ summary: SignedObjectSummary, _ count: Int) {
        let ranges =
            [summary.certificate, summary.spki, summary.subject]
            + [
                summary.issuer, summary.notAfter, summary.subjectKeyIdentifier,
                summary.authorityKeyIdentifier,
            ].compactMap { $0 }
        for range in ranges { require(range.upperBound <= count, "a field at \(range) of \(count) bytes") }
        if !summary.certificate.isEmpty {
            require(summary.certificate.contains(summary.spki.lowerBound), "the key outside the certificate")
        }
    }
}
