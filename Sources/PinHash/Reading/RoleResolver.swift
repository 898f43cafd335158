/// Gives the certificates of one input their roles (the rule is ``CertificateRole``'s) as they are read,
/// without holding the input: a certificate's own fields decide its role, except for a self-issued
/// certificate that might be a root or a server's own. That one is a root if an earlier certificate
/// named it as issuer (remembered as small digests), or if its key is a system trust store CA's; else it
/// and the objects after it are held until a later certificate names it (a root) or the input ends (it
/// is `selfSigned`). At most ``heldObjectLimit`` objects are held: past that, the oldest certificate
/// still waiting is `selfSigned`, as its own fields say.
package final class RoleResolver {
    /// The most objects held back while a certificate's role waits for the rest of its input; a chain or
    /// bundle of a few thousand certificates is decided as a whole.
    static let heldObjectLimit = 4096
    /// The most distinct issuers remembered (a digest each), so that memory stays bounded on any stream.
    static let issuerLimit = 65_536

    private let consultsTrustStore: Bool
    /// The objects held back, in order of reading; `heldBase` is the sequence number of the first.
    private var held: [PinnedObject] = []
    private var heldBase = 0
    /// Sequence numbers of the held certificates whose role waits, ascending.
    private var waiting: [Int] = []
    private var issuers = IssuerDigests()

    init(consultsTrustStore: Bool = true) {
        self.consultsTrustStore = consultsTrustStore
    }

    /// Takes the input's next object; calls `deliver` with every object whose role is now known, in
    /// order.
    func add(_ object: consuming PinnedObject, _ deliver: (PinnedObject) -> Void) {
        var object = object
        if object.kind == .certificate, let fields = object.signedObject {
            if fields.roleAwaitsLinks {
                if issuers.nameAsIssuer(fields)
                    || (consultsTrustStore
                        && SystemTrustStore.shared.containsCA(
                            subject: fields.bytes(fields.subject) ?? fields.der.slice(0..<0), key: object.pin))
                {
                    object.settleRole(.root)
                } else {
                    waiting.append(heldBase + held.count)
                }
            } else if object.role == .leaf || object.role == .intermediate {
                issuers.record(fields)
                settleWaiting(issuedBy: fields)
            }
        }
        if held.isEmpty, !(object.signedObject?.roleAwaitsLinks ?? false) {
            heldBase += 1
            deliver(object)
            return
        }
        held.append(object)
        while held.count > Self.heldObjectLimit, let oldest = waiting.first {
            held[oldest - heldBase].settleRole(.selfSigned)
            waiting.removeFirst()
            release(deliver)
        }
        release(deliver)
    }

    /// The input ended (or failed): every certificate still waiting is `selfSigned`; delivers the rest.
    func finish(_ deliver: (PinnedObject) -> Void) {
        for sequence in waiting { held[sequence - heldBase].settleRole(.selfSigned) }
        waiting.removeAll()
        release(deliver)
    }

    /// Makes a root of every waiting certificate that `child` names as its issuer.
    private func settleWaiting(issuedBy child: SignedObjectFields) {
        guard !waiting.isEmpty, let issuer = child.issuer else { return }
        waiting.removeAll { sequence in
            let candidate = held[sequence - heldBase]
            guard let fields = candidate.signedObject, let subject = fields.subject,
                fields.der.slice(subject) == child.der.slice(issuer),
                Self.keyIdentifiersAgree(
                    fields.bytes(fields.subjectKeyIdentifier),
                    child.bytes(child.authorityKeyIdentifier))
            else { return false }
            held[sequence - heldBase].settleRole(.root)
            return true
        }
    }

    /// Delivers the held objects before the first that still waits.
    private func release(_ deliver: (PinnedObject) -> Void) {
        let count = (waiting.first ?? (heldBase + held.count)) - heldBase
        guard count > 0 else { return }
        for object in held[0..<count] { deliver(object) }
        held.removeFirst(count)
        heldBase += count
    }

    /// Key identifiers contradict a link only when both are there and differ.
    static func keyIdentifiersAgree(_ lhs: SharedBytes?, _ rhs: SharedBytes?) -> Bool {
        guard let lhs, let rhs else { return true }
        return lhs == rhs
    }

    /// A certificate's role from its own fields, and whether it waits for the rest of its input (a
    /// self-issued certificate that is a root only if something links to it).
    static func role(of summary: SignedObjectSummary, in der: UnsafeBufferPointer<UInt8>)
        -> (role: CertificateRole, awaitsLinks: Bool)
    {
        let selfIssued =
            summary.issuer.map { issuer in
                der.equal(issuer, summary.subject)
                    && (summary.authorityKeyIdentifier == nil || summary.subjectKeyIdentifier == nil
                        || der.equal(summary.authorityKeyIdentifier!, summary.subjectKeyIdentifier!))
            } ?? false
        guard selfIssued else { return (summary.isCA ? .intermediate : .leaf, false) }
        // CA:FALSE said outright: it can issue nothing.
        if summary.hasBasicConstraints, !summary.isCA { return (.selfSigned, false) }
        if summary.isCA, summary.allowsCertificateSigning == true, !summary.namesAServer {
            return (.root, false)
        }
        // CA:TRUE as `openssl req -x509` sets it, or no basicConstraints at all (version 1).
        return (.selfSigned, true)
    }
}

extension RoleResolver {
    /// The certificates a server sent (in the order sent) with their roles: the first is the server's
    /// own, `leaf` or (when it issued itself) `selfSigned`, whatever its flags; the others by
    /// ``CertificateRole``'s rule over the chain sent, without the trust store.
    package static func rolesOfSentChain(_ sent: [PinnedObject]) -> [PinnedObject] {
        let resolver = RoleResolver(consultsTrustStore: false)
        var chain: [PinnedObject] = []
        for (index, certificate) in sent.enumerated() {
            var certificate = certificate
            if index == 0 {
                let issuedItself = certificate.role == .root || certificate.role == .selfSigned
                certificate.settleRole(issuedItself ? .selfSigned : .leaf)
            }
            resolver.add(certificate) { chain.append($0) }
        }
        resolver.finish { chain.append($0) }
        return chain
    }

    /// The certificates of the chain a client built and verified (leaf first, trust anchor last) that the
    /// server did not send, by key: what a client that checks pins against its own chain (OkHttp, Android,
    /// iOS, browsers under RFC 7469) also matches. Numbered after the `sent` ones; the trust anchor is a
    /// `root`, any other an `intermediate`.
    package static func certificatesNotSent(sent: [PinnedObject], verified: [PinnedObject]) -> [PinnedObject]
    {
        let sentKeys = Set(sent.map(\.pin))
        var notSent: [PinnedObject] = []
        for (index, certificate) in verified.enumerated() where !sentKeys.contains(certificate.pin) {
            var certificate = certificate
            certificate.settleRole(index == verified.count - 1 && index > 0 ? .root : .intermediate)
            certificate.position = sent.count + notSent.count + 1
            notSent.append(certificate)
        }
        return notSent
    }
}

/// Digests of the issuers named by the certificates read so far, to tell whether a self-issued
/// certificate read later issued one of them: by name, and by name and key identifier.
private struct IssuerDigests {
    private var names = Set<Int>()
    private var namesWithoutKeyIdentifier = Set<Int>()
    private var namesWithKeyIdentifier = Set<Int>()

    mutating func record(_ child: SignedObjectFields) {
        guard names.count < RoleResolver.issuerLimit, let issuer = child.issuer else { return }
        let name = child.der.slice(issuer)
        names.insert(Self.digest(name))
        if let key = child.bytes(child.authorityKeyIdentifier) {
            namesWithKeyIdentifier.insert(Self.digest(name, key))
        } else {
            namesWithoutKeyIdentifier.insert(Self.digest(name))
        }
    }

    /// Whether a certificate recorded names `candidate` as its issuer.
    func nameAsIssuer(_ candidate: SignedObjectFields) -> Bool {
        guard !names.isEmpty, let subject = candidate.subject else { return false }
        let name = candidate.der.slice(subject)
        guard let key = candidate.bytes(candidate.subjectKeyIdentifier) else {
            return names.contains(Self.digest(name))
        }
        return namesWithKeyIdentifier.contains(Self.digest(name, key))
            || namesWithoutKeyIdentifier.contains(Self.digest(name))
    }

    private static func digest(_ name: SharedBytes, _ key: SharedBytes? = nil) -> Int {
        var hasher = Hasher()
        name.withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        if let key { key.withUnsafeBufferPointer { hasher.combine(bytes: UnsafeRawBufferPointer($0)) } }
        return hasher.finalize()
    }
}

extension SignedObjectFields {
    /// The bytes of one of the object's fields, or nil when it has none.
    func bytes(_ range: Range<Int>?) -> SharedBytes? { range.map { der.slice($0) } }
}
