#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads keys, certificate requests, certificates and PKCS#12 files, in PEM or DER, and returns the pin of
/// every public key in them.
///
/// ```swift
/// let reader = PinReader(inputType: .certificate)
/// for object in try reader.pins(inFileAt: "chain.pem") {
///     print(object.pin.base64, object.role?.rawValue ?? "-", object.subject ?? "")
/// }
/// ```
public struct PinReader: Sendable {
    /// The type the input must be; `.auto` accepts any and mixes.
    public var inputType: InputType
    /// Where the passphrase of encrypted keys and PKCS#12 files comes from; nil fails on encrypted input.
    public var passphrase: PassphraseSource?
    public var limits: InputLimits
    /// Whether a self-issued certificate's role may be decided by the system trust store (off while the
    /// store itself is read).
    var consultsSystemTrustStore = true

    public init(
        inputType: InputType = .auto, passphrase: PassphraseSource? = nil, limits: InputLimits = .default
    ) {
        self.inputType = inputType
        self.passphrase = passphrase
        self.limits = limits
    }

    /// The pins of every object in `bytes`, in order; `source` names the input in errors.
    public func pins(in bytes: [UInt8], source: String = "input") throws(PinHashError) -> [PinnedObject] {
        var objects: [PinnedObject] = []
        try read(ByteSource(bytes: bytes), name: source) { objects.append($0) }
        return objects
    }

    /// The pins of every object in the file at `path` (`-` reads standard input), in order.
    public func pins(inFileAt path: String) throws(PinHashError) -> [PinnedObject] {
        var objects: [PinnedObject] = []
        try forEachPin(inFileAt: path) { objects.append($0) }
        return objects
    }

    /// Calls `body` with each object's pin as soon as it is read, so an input of any length is read in
    /// bounded memory. Objects before an error have been delivered when the error is thrown.
    ///
    /// `skipped` hears of each block passed over unread (the private key in a file read for its
    /// certificates), after the last object.
    public func forEachPin(
        inFileAt path: String, skipped: (SkippedBlock) -> Void = { _ in }, _ body: (PinnedObject) -> Void
    ) throws(PinHashError) {
        let source: ByteSource
        do { source = try ByteSource.open(path) } catch { throw error.naming(path) }
        try read(source, name: path, skipped: skipped, body)
    }

    private func read(
        _ source: ByteSource, name: String, skipped: (SkippedBlock) -> Void = { _ in },
        _ body: (PinnedObject) -> Void
    ) throws(PinHashError) {
        let session = ReadSession(reader: self, name: name)
        // Roles can depend on the certificates that follow, so the resolver may hold some back.
        let roles = RoleResolver(consultsTrustStore: consultsSystemTrustStore)
        defer { roles.finish(body) }
        do {
            try session.read(source) { roles.add($0, body) }
        } catch {
            throw error.naming(name)
        }
        session.skippedBlocks.forEach(skipped)
    }
}

/// The state of reading one input: its name, the name cache, and how many objects were read.
final class ReadSession {
    let reader: PinReader
    let name: String
    /// What decrypting this input's parts may cost in key derivation, all told.
    var derivationBudget: KeyDerivationBudget
    var delivered = 0
    /// The blocks passed over: private keys in a file read for its certificates.
    var skippedBlocks: [SkippedBlock] = []

    init(reader: PinReader, name: String) {
        self.derivationBudget = KeyDerivationBudget(limit: reader.limits.maximumKeyDerivationIterations)
        self.reader = reader
        self.name = name
    }

    func read(_ source: ByteSource, _ body: (consuming PinnedObject) -> Void) throws(PinHashError) {
        let limits = reader.limits
        try source.ensure(64 << 10)
        guard source.available > 0 else { throw .malformed("is empty") }
        if source.buffer[source.start] == DERTag.sequence, !windowHasPEMMarker(source) {
            try readDER(source, body)
            return
        }
        var scanner = PEMScanner(source: source, limits: limits)
        // The batch decoded last, delivered while the next one decodes.
        var decoded: DecodedBatch?
        var next = locateBatch(&scanner)
        while true {
            let batch: [PEMLocation]
            switch next {
            case .success(let located): batch = located
            case .failure(let error):
                // The objects before the faulty text are delivered before its error.
                if let decoded { try deliver(decoded, source: source, body) }
                throw error
            }
            if batch.isEmpty { break }
            let located: Result<[PEMLocation], PinHashError>?
            (decoded, located) = try withUnsafeMutablePointer(to: &scanner) { scanner throws(PinHashError) in
                try decode(
                    batch, in: source.buffer, delivering: decoded, scanner: scanner, source: source, body)
            }
            next = located ?? locateBatch(&scanner)
        }
        if let decoded { try deliver(decoded, source: source, body) }
        if scanner.blockCount == 0 {
            throw .malformed("holds no PEM block (no -----BEGIN line) and is not DER")
        }
        if delivered == 0, let first = skippedBlocks.first {
            throw PinHashError(
                .wrongType,
                "block \(first.position) is \(withArticle(first.label)), not \(reader.inputType.noun)")
        }
        if delivered == 0 { throw PinHashError(.unsupportedInput, "holds no key, certificate or request") }
    }

    /// Locates every complete block in the window (reading more only when there is none), at most 4,096.
    /// A block that fails to locate fails the batch: those located before it are not delivered.
    fileprivate func locateBatch(_ scanner: inout PEMScanner) -> Result<[PEMLocation], PinHashError> {
        var batch: [PEMLocation] = []
        do throws(PinHashError) {
            while batch.count < 4096, let location = try scanner.nextLocation(mayRead: batch.isEmpty) {
                // A block can arrive whole within one read, before the scanner's own size check applies.
                if location.range.count > reader.limits.maximumObjectSize {
                    throw PinHashError(
                        .inputTooLarge,
                        "block \(location.index) is larger than \(InputLimits.describe(bytes: reader.limits.maximumObjectSize))"
                    )
                }
                batch.append(location)
            }
        } catch {
            return .failure(error)
        }
        return .success(batch)
    }

    private func windowHasPEMMarker(_ source: ByteSource) -> Bool {
        firstOccurrence(
            of: Array("-----BEGIN ".utf8), in: source.buffer, range: source.start..<source.buffer.count)
            != nil
    }

    private func readDER(_ source: ByteSource, _ body: (consuming PinnedObject) -> Void) throws(PinHashError)
    {
        let limit = reader.limits.maximumObjectSize
        let header = try source.buffer.withUnsafeBufferPointer { buffer throws(PinHashError) in
            let available = buffer.count - source.start
            // Parse the header against an unlimited end so a short input reads as truncated.
            guard available >= 2 else { throw PinHashError.malformed("is too short to be DER") }
            return try DERCursor.header(
                in: buffer, at: source.start, limit: Int.max / 2, naming: "the DER object")
        }
        let total = header.end - header.start
        guard total <= limit else {
            throw PinHashError(
                .inputTooLarge,
                "the DER object claims \(total) bytes, more than the \(InputLimits.describe(bytes: limit)) limit"
            )
        }
        try source.ensure(total + 1)
        guard source.available >= total else {
            throw .malformed(
                "is truncated: the DER object claims \(total) bytes but only \(source.available) are there")
        }
        guard source.available == total else {
            let extra = source.isAtEnd ? "\(source.available - total) bytes of" : "more"
            throw .malformed("has \(extra) trailing data after the DER object")
        }
        var der = Array(source.buffer[source.start..<(source.start + total)])
        source.start += total
        let content = try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
            guard let content = try classifyDER(buffer) else {
                throw .malformed(
                    "is DER but not a key, certificate, request or PKCS#12 file (it is "
                        + "\(describeDERShape(buffer)))")
            }
            return content
        }
        if content.holdsSecrets { source.holdsSecrets = true }
        // This copy of the input is the last reference to it once the key is read: wipe it then.
        defer { if content.holdsSecrets { SecretMemory.cleanse(&der) } }
        try checkType(content, "is \(content.derDescription)")
        try produce(content, der: der, position: 1) {
            body($0); delivered += 1
        }
    }

    /// Decodes `batch` on every core, certificates, requests and public keys (see
    /// `decodeWithoutSecrets`), and meanwhile, on the same threads, delivers `previous` (delivering a
    /// bundle's lines is work as long as decoding a part of it) and, when every block of `batch` is a
    /// certificate, request or public key, locates the next batch. A batch with other blocks, or a small
    /// one, is delivered here, before anything more is read: its keys may ask for a passphrase, and a
    /// key's text must stay in the source's own window, which is wiped, not in a copy of it that a read
    /// made while the batch held on to the window.
    ///
    /// Returns the batch to deliver next, and the next batch when it was located here (nil: locate it
    /// once this returns, when nothing holds on to the window).
    private func decode(
        _ batch: [PEMLocation], in buffer: [UInt8], delivering previous: DecodedBatch?,
        scanner: UnsafeMutablePointer<PEMScanner>, source: ByteSource,
        _ body: (consuming PinnedObject) -> Void
    ) throws(PinHashError) -> (DecodedBatch?, Result<[PEMLocation], PinHashError>?) {
        var current = DecodedBatch(locations: batch, buffer: buffer)
        guard batch.count >= 64 else {
            if let previous { try deliver(previous, source: source, body) }
            try deliver(current, source: source, body)
            return (nil, nil)
        }
        let inputType = reader.inputType
        let readsAhead = batch.allSatisfy { $0.hasPublicLabel(in: buffer) }
        // Several slices per thread, so that a thread that finishes early (or delivers, or reads) takes
        // more; the delivery and the reading are the first iterations, which are handed out first. Each
        // slice takes a share of the blocks left, so the last are small: the threads end the batch
        // together rather than one waiting for the other's last slice.
        let sliceEnds = Self.sliceEnds(count: batch.count, threads: ProcessorCount.available)
        let slices = sliceEnds.count
        let firstSlice = (previous == nil ? 0 : 1) + (readsAhead ? 1 : 0)
        var failure: PinHashError?
        var next: Result<[PEMLocation], PinHashError>?
        var leftUndecoded = [Bool](repeating: false, count: slices)
        withoutActuallyEscaping(body) { body in
            leftUndecoded.withUnsafeMutableBufferPointer { leftUndecoded in
                let work = BatchWork(
                    session: self, waiting: previous, body: body, source: source,
                    scanner: readsAhead ? scanner : nil, allPublic: readsAhead, batch: batch, buffer: buffer,
                    inputType: inputType, slots: current.results, sliceEnds: sliceEnds,
                    leftUndecoded: leftUndecoded)
                if work.consultsTrustStore { SystemTrustStore.prepareEarly() }
                ParallelWork.shared.run(iterations: firstSlice + slices) { work.run($0) }
                failure = work.shared.deliveryError
                next = work.shared.next
            }
        }
        if let failure { throw failure }
        guard !leftUndecoded.contains(true) else {
            try deliver(current, source: source, body)
            return (nil, next)
        }
        // Held on, the window would be copied by the next read into it.
        current.buffer = []
        return (current, next)
    }

    /// Where each decoding slice of a batch of `count` blocks ends: a quarter of the blocks left per thread,
    /// at least 6 (a slice's objects share one allocation). For 170 blocks on two cores, 18 slices of 21
    /// blocks down to 6, where ten of 17 left one thread waiting for the other's last slice at the end of
    /// every batch (wall time 0.96, medians of 80 paired runs).
    static func sliceEnds(count: Int, threads: Int) -> [Int] {
        var ends: [Int] = []
        var start = 0
        while start < count {
            let size = max(6, (count - start) / (4 * max(threads, 1)))
            start = min(count, start + size)
            ends.append(start)
        }
        return ends
    }

    /// `deliver`, with its error returned.
    fileprivate func deliverCatching(
        _ batch: DecodedBatch, source: ByteSource, _ body: (consuming PinnedObject) -> Void
    )
        -> PinHashError?
    {
        do {
            try deliver(batch, source: source, body)
            return nil
        } catch {
            return error
        }
    }

    /// Delivers a batch's objects in order, decoding (and asking for the passphrases of) the blocks that
    /// were not decoded with the others.
    private func deliver(_ batch: DecodedBatch, source: ByteSource, _ body: (consuming PinnedObject) -> Void)
        throws(PinHashError)
    {
        for (index, location) in batch.locations.enumerated() {
            // A block decoded with the others: its object moved straight to `body`.
            switch try batch.results.take(index, { body($0) }) {
            case .delivered:
                delivered += 1
                continue
            case .nothing: continue
            case .undecoded: break
            }
            var block = try location.decode(in: batch.buffer)
            try handle(&block, source: source, body)
        }
    }

    /// Decodes a certificate, request or public key block, the kinds that need neither OpenSSL's key
    /// decoders nor a passphrase and so may run on any thread, into its slot; false for every other block,
    /// which is left undecoded (a key's DER, written beside the certificates' where nothing wipes it, would
    /// outlive the read). `labelIsPublic`: the caller has seen the BEGIN line name a public object.
    fileprivate static func decodeWithoutSecrets(
        _ location: PEMLocation, in buffer: [UInt8], _ inputType: InputType, labelIsPublic: Bool,
        writer: inout SharedBytesWriter, into slots: DecodedSlots, at index: Int,
        then inspect: (borrowing PinnedObject) -> Void = { _ in }
    ) -> Bool {
        guard labelIsPublic || location.hasPublicLabel(in: buffer) else { return false }
        do throws(PinHashError) {
            let (label, der, encryptedText) = try location.decode(in: buffer, into: &writer)
            let content = Content(pemLabel: label, encryptedText: encryptedText)
            guard content.isPublicObject else { return false }
            try check(content, is: inputType, "block \(location.index) is \(withArticle(label))")
            do {
                guard
                    let object = try publicObject(
                        content, der: der, position: location.index, writer: &writer)
                else {
                    slots.storeNothing(at: index)
                    return true
                }
                // Seen where it is and moved into its slot: `if let` and a copy retained every reference
                // the object holds, for every certificate of a bundle.
                inspect(object)
                slots.store(object, at: index)
            } catch {
                throw error.within(PEMBlock.name(index: location.index, label: label))
            }
        } catch {
            slots.store(error, at: index)
        }
        return true
    }

    /// Pins one block; a block holding secrets has its decoded DER wiped before it is freed (`block`
    /// owns that DER, so this is the place where no other reference to it is left).
    private func handle(_ block: inout PEMBlock, source: ByteSource, _ body: (consuming PinnedObject) -> Void)
        throws(PinHashError)
    {
        let content = Content(pemLabel: block.label, encryptedText: block.encryptedText)
        if content.holdsSecrets { source.holdsSecrets = true }
        defer { if content.holdsSecrets { SecretMemory.cleanse(&block.der) } }
        if case .ecParameters = content, reader.inputType == .auto || reader.inputType == .privateKey {
            return
        }
        // A certificate and its key in one file (HAProxy's): the certificates are read, as `openssl x509`
        // reads them, and the key is left undecoded.
        if reader.inputType == .certificate, content.isPassedOverByCertificateReads {
            skippedBlocks.append(SkippedBlock(position: block.index, label: block.label))
            return
        }
        if case .unsupported(let label) = content {
            throw PinHashError(
                .unsupportedInput,
                "block \(block.index) is \(withArticle(label)), which holds no public key pinhash reads")
        }
        try checkType(content, "block \(block.index) is \(withArticle(block.label))")
        do {
            try produce(content, der: block.der, position: block.index) {
                body($0); delivered += 1
            }
        } catch {
            throw error.within(block.name)
        }
    }

    /// Fails unless `content` is what the caller asked for; `subject` is `block 2 is a CSR` or `is a …`.
    private func checkType(_ content: Content, _ subject: @autoclosure () -> String) throws(PinHashError) {
        try Self.check(content, is: reader.inputType, subject())
    }

    /// `subject` is made only for a failure: a bundle's every block passes here.
    private static func check(_ content: Content, is wanted: InputType, _ subject: @autoclosure () -> String)
        throws(PinHashError)
    {
        guard wanted != .auto, content.inputType != wanted else { return }
        throw PinHashError(.wrongType, "\(subject()), not \(wanted.noun)")
    }

    private func produce(
        _ content: Content, der: [UInt8], position: Int, _ body: (consuming PinnedObject) -> Void
    )
        throws(PinHashError)
    {
        switch content {
        case .certificate, .certificateRequest, .subjectPublicKeyInfo, .rsaPublicKey:
            if let object = try Self.publicObject(content, der: der, position: position) { body(object) }
        case .privateKey(let format):
            // OpenSSL's decoders recurse over the DER and compute DSA public keys whatever the prime's size.
            try checkNestingDepth(der, limit: reader.limits.maximumNestingDepth)
            // The derivation is paid for before a passphrase is asked for, and again if OpenSSL retries it.
            var derivation: KeyDerivation?
            switch format {
            case .encryptedPKCS8:
                derivation = try PasswordBasedEncryption.keyDerivation(ofEncryptedPrivateKeyInfo: der)
                try derivationBudget.spend(derivation!)
            case .pkcs8: try checkKeyParameters(ofPrivateKeyInfo: der)
            default: break
            }
            // The caller, which owns `der`, wipes it (a copy here would be wiped instead of it).
            let spki = try subjectPublicKeyInfo(
                ofPrivateKey: der, format: format,
                passphrase: { () throws(PinHashError) in try self.passphraseBytes() },
                beforeRetry: { () throws(PinHashError) in
                    if let derivation { try self.derivationBudget.spend(derivation) }
                })
            body(.privateKey(subjectPublicKeyInfo: spki, position: position))
        case .pkcs12:
            try checkNestingDepth(der, limit: reader.limits.maximumNestingDepth)
            try produceFromPKCS12(der, body)
        case .ecParameters:
            return
        case .unsupported(let label):
            throw PinHashError(
                .unsupportedInput, "is \(withArticle(label)), which holds no public key pinhash reads")
        }
    }

    private func passphraseBytes() throws(PinHashError) -> SecretBytes {
        guard let source = reader.passphrase else {
            throw PinHashError(
                .passphraseRequired, "is encrypted", remedy: .givePassphrase(noTerminal: false))
        }
        return try source.bytes(for: name)
    }

    private func produceFromPKCS12(_ der: [UInt8], _ body: (consuming PinnedObject) -> Void)
        throws(PinHashError)
    {
        let contents = try readPKCS12(
            der,
            passphrase: reader.passphrase == nil
                ? nil : { () throws(PinHashError) in try self.passphraseBytes() },
            budget: &derivationBudget)
        guard !contents.certificates.isEmpty else {
            throw PinHashError(.unsupportedInput, "holds no certificate")
        }
        for (index, certificateDER) in contents.certificates.enumerated() {
            do {
                body(
                    try Self.certificate(
                        certificateDER, position: index + 1, trusted: false,
                        keys: contents.keySubjectPublicKeyInfos))
            } catch {
                throw error.within("certificate \(index + 1)")
            }
        }
    }

    /// The pin of a certificate, request or public key: pure Swift and SHA-256, safe on any thread.
    static func publicObject(_ content: Content, der: [UInt8], position: Int) throws(PinHashError)
        -> PinnedObject?
    {
        var writer = SharedBytesWriter(minimumCapacity: der.count + 256)
        return try publicObject(content, der: writer.copy(der), position: position, writer: &writer)
    }

    /// `publicObject(_:der:position:)`, with the DER `writer` wrote (or copied), and the subject's text
    /// written beside it.
    static func publicObject(
        _ content: Content, der shared: SharedBytes, position: Int, writer: inout SharedBytesWriter
    ) throws(PinHashError) -> PinnedObject? {
        switch content {
        case .certificate(let trusted):
            return try certificate(shared, position: position, trusted: trusted, writer: &writer)
        case .certificateRequest:
            return try request(shared, position: position, writer: &writer)
        default: break
        }
        let der = shared.array
        switch content {
        case .subjectPublicKeyInfo:
            return try publicKey(der, position: position)
        case .rsaPublicKey:
            // openssl and pyca also read an RSA SubjectPublicKeyInfo under this label.
            if let spki = try rsaSubjectPublicKeyInfoUnderPKCS1Label(der) {
                return try publicKey(spki, position: position)
            }
            let spki = try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
                try subjectPublicKeyInfo(wrappingPKCS1: buffer)
            }
            return try publicKey(spki, position: position)
        default:
            return nil
        }
    }

    /// A public key, checked as strictly as DER is and decoded by OpenSSL (a single key costs little).
    private static func publicKey(_ spki: [UInt8], position: Int) throws(PinHashError) -> PinnedObject {
        let warnings = try spki.withUnsafeBufferPointer { buffer throws(PinHashError) in
            var top = DERCursor(buffer)
            let element = try top.next(naming: "the SubjectPublicKeyInfo")
            try top.expectEnd("the SubjectPublicKeyInfo")
            let encoding = try inspectSubjectPublicKeyInfo(element, in: buffer)
            return try keyWarnings(subjectPublicKeyInfo: element.range, in: buffer, encoding, always: true)
        }
        var object = PinnedObject.publicKey(subjectPublicKeyInfo: spki, position: position)
        object.warnings = warnings
        return object
    }

    /// The DER of an `RSA PUBLIC KEY` block that holds an RSA SubjectPublicKeyInfo rather than an
    /// RSAPublicKey; nil when it holds the latter (its first field an INTEGER).
    private static func rsaSubjectPublicKeyInfoUnderPKCS1Label(_ der: [UInt8]) throws(PinHashError)
        -> [UInt8]?
    {
        try der.withUnsafeBufferPointer { buffer throws(PinHashError) -> [UInt8]? in
            var top = DERCursor(buffer)
            guard let outer = try? top.next(), outer.tag == DERTag.sequence else { return nil }
            var fields = DERCursor(contentOf: outer, in: buffer)
            guard fields.peekTag() == DERTag.sequence, let algorithm = try? fields.next() else { return nil }
            var inner = DERCursor(contentOf: algorithm, in: buffer)
            guard let oid = try? inner.next(DERTag.objectIdentifier, "the algorithm") else { return nil }
            let identifier = buffer.slice(oid.contentRange)
            guard
                identifier.elementsEqual(KeyAlgorithmOID.rsaEncryption)
                    || identifier.elementsEqual(KeyAlgorithmOID.rsassaPSS)
            else {
                throw .malformed(
                    "holds a SubjectPublicKeyInfo of algorithm \(dottedOID(identifier)), not an RSA public key"
                )
            }
            return der
        }
    }

    static func certificate(_ der: [UInt8], position: Int, trusted: Bool, keys: [[UInt8]] = [])
        throws(PinHashError) -> PinnedObject
    {
        var writer = SharedBytesWriter(minimumCapacity: der.count + 256)
        return try certificate(
            writer.copy(der), position: position, trusted: trusted, keys: keys, writer: &writer)
    }

    private static func certificate(
        _ der: SharedBytes, position: Int, trusted: Bool, keys: [[UInt8]] = [],
        writer: inout SharedBytesWriter
    ) throws(PinHashError) -> PinnedObject {
        try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
            let summary = try summarizeCertificate(buffer, allowTrailingAux: trusted)
            let spki = buffer.slice(summary.spki)
            // OpenSSL only where the key's shape proves nothing: most certificates never call it.
            var warnings = try keyWarnings(
                subjectPublicKeyInfo: summary.spki, in: buffer, summary.keyEncoding)
            if !summary.unreadableExtensions.isEmpty {
                warnings += summary.unreadableExtensions.names.map { .unreadableExtension(name: $0) }
            }
            let (role, awaitsLinks) = RoleResolver.role(of: summary, in: buffer)
            // Made in the call, not in a variable first: the variable was copied into the object (a
            // retain and a release of each reference it holds).
            var object = PinnedObject.certificate(
                SignedObjectFields(
                    // OpenSSL's trust settings after a TRUSTED CERTIFICATE are not part of the certificate.
                    der: summary.certificate.count == der.count ? der : der.slice(summary.certificate),
                    spki: summary.spki, subject: summary.subject, issuer: summary.issuer,
                    notAfter: summary.notAfter, subjectKeyIdentifier: summary.subjectKeyIdentifier,
                    authorityKeyIdentifier: summary.authorityKeyIdentifier, roleAwaitsLinks: awaitsLinks,
                    writer: &writer),
                pin: Pin(hashing: spki), position: position, role: role,
                hasMatchingPrivateKey: keys.contains { $0.elementsEqual(spki) })
            object.warnings = warnings
            return object
        }
    }

    private static func request(_ der: SharedBytes, position: Int, writer: inout SharedBytesWriter)
        throws(PinHashError) -> PinnedObject
    {
        try der.withUnsafeBufferPointer { buffer throws(PinHashError) in
            let summary = try summarizeCertificationRequest(buffer)
            let spki = buffer.slice(summary.spki)
            var object = PinnedObject.certificateRequest(
                SignedObjectFields(der: der, spki: summary.spki, subject: summary.subject, writer: &writer),
                pin: Pin(hashing: spki), position: position)
            object.warnings = try keyWarnings(
                subjectPublicKeyInfo: summary.spki, in: buffer, summary.keyEncoding, always: true)
            return object
        }
    }
}

extension PinnedObject {
    /// A certificate pinned as a file's would be (for the certificates a server sends).
    package static func certificate(der: [UInt8], position: Int) throws(PinHashError) -> PinnedObject {
        try ReadSession.certificate(der, position: position, trusted: false)
    }
}

/// `2049-12-31T23:59:59Z` from a DER UTCTime or GeneralizedTime element.
func formatTime(_ element: UnsafeBufferPointer<UInt8>) -> String? {
    var text = [UInt8](repeating: 0, count: timeLength)
    guard text.withUnsafeMutableBufferPointer({ writeTime(element, into: $0) }) else { return nil }
    return String(decoding: text, as: UTF8.self)
}

/// The length of `YYYY-MM-DDTHH:MM:SSZ`.
let timeLength = 20

/// Writes a UTCTime or GeneralizedTime element (header included) as `YYYY-MM-DDTHH:MM:SSZ` to the first
/// `timeLength` bytes of `out`; false when it is neither or its first 12 or 14 characters are not all
/// digits.
func writeTime(_ element: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
    guard element.count > 2, let base = element.baseAddress, let output = out.baseAddress,
        out.count >= timeLength
    else { return false }
    let text = base + 2
    let length = element.count - 2
    // The digits of YYYYMMDDHHMMSS; UTCTime has no century.
    let century: Int
    if element[0] == DERTag.utcTime, length >= 12 {
        century = 2
    } else if element[0] == DERTag.generalizedTime, length >= 14 {
        century = 0
    } else {
        return false
    }
    let digits = 14 - century
    for index in 0..<digits where text[index] &- UInt8(ascii: "0") > 9 { return false }
    // Written through pointers, each byte to its place: a bundle's every line has one, and the loop over
    // the characters with a switch on each place cost 600 instructions a line.
    if century == 2 {
        // UTCTime years 50 to 99 are 1950 to 1999 (RFC 5280).
        let late = text[0] >= UInt8(ascii: "5")
        output[0] = late ? UInt8(ascii: "1") : UInt8(ascii: "2")
        output[1] = late ? UInt8(ascii: "9") : UInt8(ascii: "0")
    } else {
        output[0] = text[0]
        output[1] = text[1]
    }
    let rest = text + (2 - century)
    // YY-MM-DDTHH:MM:SSZ after the century: each pair of digits, then what follows it.
    let separators = ("--T::Z" as StaticString).utf8Start
    for pair in 0..<6 {
        output[2 + 3 * pair] = rest[2 * pair]
        output[3 + 3 * pair] = rest[2 * pair + 1]
        output[4 + 3 * pair] = separators[pair]
    }
    return true
}

/// `a CERTIFICATE`, `an RSA PRIVATE KEY`, `an X509 CRL`: the article a PEM label is read with.
func withArticle(_ label: String) -> String {
    let spokenVowel = label.first.map { "AEIOX".contains($0) } ?? false || label.hasPrefix("RSA")
    return (spokenVowel ? "an " : "a ") + shownLabel(label)
}

/// A PEM label as a message shows it: at most 64 characters, so that a crafted label of megabytes makes
/// no line of megabytes (labels are printable ASCII, RFC 7468, so nothing else needs escaping).
func shownLabel(_ label: String) -> String {
    label.utf8.count <= 64 ? label : String(label.prefix(64)) + "… (\(label.utf8.count) characters)"
}

/// Blocks located in one window of the input, and what decoding them on all cores gave: nil for a block
/// left to be decoded as it is delivered (keys, PKCS#12), or for all of a small batch.
struct DecodedBatch {
    let locations: [PEMLocation]
    /// The window the locations are in, kept until the blocks not decoded with the others are delivered,
    /// which is before the source reads on.
    var buffer: [UInt8]
    let results: DecodedSlots

    init(locations: [PEMLocation], buffer: [UInt8]) {
        self.locations = locations
        self.buffer = buffer
        self.results = DecodedSlots(count: locations.count)
    }
}

/// A batch's decoded objects, one slot per block (empty: not decoded with the others), each written by
/// one decoding thread and moved out once by the delivery. Neither hands an object over by copying it: a
/// copy retains every reference the object holds, and costs as much as decoding its name. An object is
/// written where it stays and moved out once: held as a `Result<PinnedObject?, PinHashError>?` (265
/// bytes), it was copied 13 times on its way from the decoder to the delivery, for every certificate.
final class DecodedSlots: @unchecked Sendable {
    /// What a slot holds.
    enum State: UInt8 {
        /// Not decoded with the others: the delivery decodes its block.
        case empty
        case object
        /// A block that pins nothing.
        case nothing
        case failure
    }

    private let count: Int
    private let states: UnsafeMutablePointer<State>
    /// Initialized where the state is `object`.
    private let objects: UnsafeMutablePointer<PinnedObject>
    /// Initialized (nil or not) throughout: failures are rare, and this is written only for them.
    private let failures: UnsafeMutablePointer<PinHashError?>

    init(count: Int) {
        self.count = count
        states = .allocate(capacity: count)
        states.initialize(repeating: .empty, count: count)
        objects = .allocate(capacity: count)
        failures = .allocate(capacity: count)
        failures.initialize(repeating: nil, count: count)
    }

    /// Fills an empty slot with what decoding its block gave.
    func store(_ object: consuming PinnedObject, at index: Int) {
        (objects + index).initialize(to: object)
        states[index] = .object
    }

    func storeNothing(at index: Int) { states[index] = .nothing }

    func store(_ failure: PinHashError, at index: Int) {
        failures[index] = failure
        states[index] = .failure
    }

    /// What `take` found in a slot.
    enum Taken { case delivered, nothing, undecoded }

    /// Empties the slot: calls `body` with its object, moved out; throws its failure; or says it held
    /// nothing (a block that pins nothing) or was not decoded with the others.
    func take(_ index: Int, _ body: (consuming PinnedObject) -> Void) throws(PinHashError) -> Taken {
        let state = states[index]
        states[index] = .empty
        switch state {
        case .empty: return .undecoded
        case .object:
            body((objects + index).move())
            return .delivered
        case .nothing: return .nothing
        case .failure: throw failures[index].take()!
        }
    }

    deinit {
        for index in 0..<count where states[index] == .object { (objects + index).deinitialize(count: 1) }
        failures.deinitialize(count: count)
        failures.deallocate()
        objects.deallocate()
        states.deallocate()
    }
}

/// What the delivery and the reading of one batch's work leave for the thread that waits for it.
private final class BatchOutcome: @unchecked Sendable {
    var deliveryError: PinHashError?
    var next: Result<[PEMLocation], PinHashError>?
}

/// One batch's work for all cores: the first iterations deliver the batch before (when there is one) and
/// locate the next (when `scanner` is given), the others decode a slice of this batch each, writing only
/// their own slots.
private struct BatchWork: @unchecked Sendable {
    let session: ReadSession
    let waiting: DecodedBatch?
    let body: (consuming PinnedObject) -> Void
    let source: ByteSource
    /// The scanner, when the next batch is located while this one decodes: its reads replace the
    /// source's window, while `buffer` keeps the one this batch is in.
    let scanner: UnsafeMutablePointer<PEMScanner>?
    /// Whether every block's label is a certificate's, a request's or a public key's.
    let allPublic: Bool
    let batch: [PEMLocation]
    let buffer: [UInt8]
    let inputType: InputType
    let slots: DecodedSlots
    /// Where each slice's blocks end (the first starts at 0).
    let sliceEnds: [Int]
    /// One flag per slice, set when the slice left a block undecoded.
    let leftUndecoded: UnsafeMutableBufferPointer<Bool>
    let shared = BatchOutcome()
    /// Whether the delivery's roles may consult the system trust store (see `askTrustStoreEarly`).
    var consultsTrustStore: Bool { session.reader.consultsSystemTrustStore }

    /// Asks the system trust store now, on a decoding thread, about a certificate whose role may need it
    /// when delivered: the answer is kept, and the delivery (one thread, in order) does not wait for the
    /// store's first reading (libcrypto loaded for OpenSSL's default location when SSL_CERT_DIR is unset,
    /// the store's files read). A thread that finds another reading the store goes on decoding rather than
    /// wait for it.
    private static func askTrustStoreEarly(about object: borrowing PinnedObject) {
        guard object.signedObject?.roleAwaitsLinks == true,
            let subject = object.signedObject?.bytes(object.signedObject?.subject)
        else { return }
        SystemTrustStore.askEarly(subject: subject, key: object.pin)
    }

    func run(_ iteration: Int) {
        var slice = iteration
        if let waiting {
            if slice == 0 {
                shared.deliveryError = session.deliverCatching(waiting, source: source, body)
                return
            }
            slice -= 1
        }
        if let scanner {
            if slice == 0 {
                shared.next = session.locateBatch(&scanner.pointee)
                return
            }
            slice -= 1
        }
        let asksTrustStore = consultsTrustStore
        let blocks = (slice == 0 ? 0 : sliceEnds[slice - 1])..<sliceEnds[slice]
        // The slice's DER is at most three quarters of its text; its subjects' text is written beside it.
        let text = blocks.reduce(0) { $0 + batch[$1].range.count }
        var writer = SharedBytesWriter(minimumCapacity: text / 4 * 3 + blocks.count * 128)
        for index in blocks {
            // Moved into its slot, and seen by the trust-store question before: a copy would retain every
            // reference the object holds, from two threads.
            let decoded = ReadSession.decodeWithoutSecrets(
                batch[index], in: buffer, inputType, labelIsPublic: allPublic, writer: &writer,
                into: slots, at: index,
                then: { object in if asksTrustStore { Self.askTrustStoreEarly(about: object) } })
            if !decoded { leftUndecoded[slice] = true }
        }
    }
}

/// A PEM block a read passed over without decoding it: the private key in a file read for its
/// certificates (a certificate and its key in one file, as HAProxy keeps them).
public struct SkippedBlock: Sendable, Hashable, CustomStringConvertible {
    /// 1-based position among the input's blocks.
    public let position: Int
    /// The block's PEM label: `PRIVATE KEY`, `EC PRIVATE KEY`, ….
    public let label: String

    /// `block 2 (PRIVATE KEY) was skipped: it is not a certificate (the key was not read)`.
    public var description: String {
        "block \(position) (\(shownLabel(label))) was skipped: it is not a certificate (the key was not read)"
    }
}

extension Content {
    /// Whether a read for certificates passes over this block instead of failing on it.
    fileprivate var isPassedOverByCertificateReads: Bool {
        switch self {
        case .privateKey, .ecParameters: true
        default: false
        }
    }
}
