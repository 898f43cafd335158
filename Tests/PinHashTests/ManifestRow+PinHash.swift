import PinHash
import PinHashTestSupport

/// A manifest row in the library's terms: what `PinReader` should report for the row's object.
extension ManifestRow {
    /// What the library should call the object; PKCS#12 rows are certificates.
    var expectedKind: ObjectKind {
        switch kind {
        case "key": .privateKey
        case "pubkey": .publicKey
        case "csr": .certificateRequest
        default: .certificate
        }
    }

    /// The input type that names this row's file.
    var inputType: InputType {
        switch kind {
        case "key": .privateKey
        case "pubkey": .publicKey
        case "csr": .certificateRequest
        case "cert": .certificate
        default: .pkcs12
        }
    }

    var expectedRole: CertificateRole? { CertificateRole(rawValue: role) }

    var expectedSubject: String? { subject == "-" ? nil : subject }

    /// The passphrase the row needs: `empty` PKCS#12 files open without one.
    var passphrase: PassphraseSource? {
        encrypted == "yes" ? .literal(Fixtures.passphrase) : nil
    }

    /// A reader for this row's file, auto-detecting or forced to the row's type.
    func reader(forcingType: Bool = false) -> PinReader {
        PinReader(inputType: forcingType ? inputType : .auto, passphrase: passphrase)
    }
}
