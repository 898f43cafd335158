/// Where a pin came from: a file and one key, request or certificate in it.
public struct PinOrigin: Sendable, Hashable {
    /// The file as the caller named it (`-` for standard input).
    public let file: String
    public let object: PinnedObject

    public init(file: String, object: PinnedObject) {
        self.file = file
        self.object = object
    }

    public var pin: Pin { object.pin }

    /// `certs/chain.pem: leaf CN=www.example.com,O=Example`, or `keys/spare.pem: private key EC P-256`.
    public var description: String {
        let name = file == "-" ? "standard input" : file
        let what: String
        switch object.kind {
        case .certificate: what = object.role?.rawValue ?? "certificate"
        case .certificateRequest: what = "certificate request"
        case .privateKey: what = "private key"
        case .publicKey: what = "public key"
        }
        return "\(name): \(what) \(object.subject ?? object.keyAlgorithm.description)"
    }
}
