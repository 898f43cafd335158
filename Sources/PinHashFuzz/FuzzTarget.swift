/// The fuzz targets of `make fuzz`, one per parser, chosen by `PINHASH_FUZZ_TARGET`. The pure-Swift
/// parsers run on their own so that libFuzzer spends its executions there (thousands a second) rather
/// than in OpenSSL's key decoders, which have targets of their own.
enum FuzzTarget: String, CaseIterable {
    /// Whole inputs through `PinReader` with auto-detection, as `pinhash FILE` reads them.
    case reader
    /// Every input type forced, with the fixtures' passphrase: OpenSSL's key and PKCS#12 decoders.
    case keys
    /// The PEM scanner over a pipe read in chunks of every size, and each block's base64.
    case pem
    /// The DER walkers: strict DER rules, the classifier, certificates, requests, public keys.
    case der
    /// pinhash's SubjectPublicKeyInfo of a certificate against OpenSSL's strict decoding of it.
    case spki
    /// Header grammar: response heads' pinning fields, header lines, lint, pin lists, pins.
    case header
    /// HTTP response heads as servers send them.
    case http
    /// Host, port and URL arguments.
    case address

    func run(_ bytes: [UInt8]) {
        switch self {
        case .reader: ReaderTarget.run(bytes)
        case .keys: KeysTarget.run(bytes)
        case .pem: PEMTarget.run(bytes)
        case .der: DERTarget.run(bytes)
        case .spki: SPKIDifferentialTarget.run(bytes)
        case .header: HeaderTarget.run(bytes)
        case .http: HTTPTarget.run(bytes)
        case .address: AddressTarget.run(bytes)
        }
    }
}

/// C0 controls and DEL, which would let an input move the cursor or rewrite a terminal's screen.
func hasControlCharacter(_ text: String) -> Bool {
    text.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
}

/// The same, but a tab is allowed: HTTP field values may hold tabs, which move no cursor back.
func hasControlCharacterBesidesTab(_ text: String) -> Bool {
    text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
}

/// Stops the run with `message` on standard error: a crash libFuzzer saves. (`precondition` drops its
/// message in optimised builds.)
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    guard !condition else { return }
    fatalError("fuzz invariant broken: \(message())")
}
