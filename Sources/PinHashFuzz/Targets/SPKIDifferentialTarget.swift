@testable import PinHash

/// pinhash's pin of a DER certificate against OpenSSL's strict reading of the same bytes. Either both
/// refuse the certificate; or both read it and pinhash's pin is the pin of OpenSSL's SubjectPublicKeyInfo
/// (or pinhash warns that OpenSSL re-encodes the key, giving that pin); or pinhash refuses where its
/// encoding audit says why: the certificate breaks DER's rules, or the key OpenSSL read is not in its
/// canonical form. Anything else is a pin one of them gets wrong, and a crash here.
enum SPKIDifferentialTarget {
    static func run(_ bytes: [UInt8]) {
        let reference = OpenSSLCertificateReading(certificate: bytes)
        let pinned: Result<PinnedObject, PinHashError>
        do throws(PinHashError) {
            pinned = .success(try ReadSession.certificate(bytes, position: 1, trusted: false))
        } catch {
            pinned = .failure(error)
        }
        switch (pinned, reference) {
        case (.failure, .refused):
            return
        case (.success(let object), .read(let spki)):
            let openSSLPin = Pin(subjectPublicKeyInfo: spki)
            let warned = object.warnings.contains { warning in
                if case .reencoded(_, let reencoded) = warning { return reencoded == openSSLPin }
                return false
            }
            require(
                object.pin == openSSLPin || warned,
                "pinhash pins \(object.pin.base64), OpenSSL's key has pin \(openSSLPin.base64)")
        case (.success(let object), .refused(let reason)):
            require(
                false, "pinhash pins \(object.pin.base64) where OpenSSL refuses the certificate: \(reason)")
        case (.failure(let error), .read(let spki)):
            require(
                breaksDERRules(bytes) || keyIsNotCanonical(spki),
                "pinhash refuses what OpenSSL reads as DER, with a canonical key: \(error.reason)")
        }
    }

    private static func breaksDERRules(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { der in
            var cursor = DERCursor(der)
            guard let top = try? cursor.next() else { return true }
            do throws(PinHashError) {
                try checkDERRules(top, in: der, "the certificate")
            } catch {
                return true
            }
            return hasConstructedUniqueIdentifier(top, in: der)
        }
    }

    /// A constructed `[1]` or `[2]` in tbsCertificate: a unique identifier (an IMPLICIT BIT STRING) in the
    /// constructed form DER forbids, which `checkDERRules` cannot tell from any other context tag.
    private static func hasConstructedUniqueIdentifier(
        _ certificate: DERElement, in der: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        var outer = DERCursor(contentOf: certificate, in: der)
        guard let tbs = try? outer.next(), tbs.isConstructed else { return false }
        var fields = DERCursor(contentOf: tbs, in: der)
        while !fields.isAtEnd, let field = try? fields.next() {
            if field.tag == DERTag.contextSpecific(1) || field.tag == DERTag.contextSpecific(2) {
                return true
            }
        }
        return false
    }

    private static func keyIsNotCanonical(_ spki: [UInt8]) -> Bool {
        (try? ReadSession.publicObject(.subjectPublicKeyInfo, der: spki, position: 1)) == nil
    }
}
