import PinHash
import PinHashTestSupport

extension MalformedRow {
    /// The input type the `force` column names.
    var inputType: InputType? {
        switch force {
        case "-": .auto
        case "--cert": .certificate
        case "--csr": .certificateRequest
        case "--key": .privateKey
        case "--pubkey": .publicKey
        case "--p12": .pkcs12
        default: nil
        }
    }
}
