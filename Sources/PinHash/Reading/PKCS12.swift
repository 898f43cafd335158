/// What a PKCS#12 file holds, in file order: every certificate's DER, and the public key of its private
/// key (which tells which certificate is the leaf).
struct PKCS12Contents {
    var certificates: [[UInt8]] = []
    var keySubjectPublicKeyInfos: [[UInt8]] = []
}

/// Opens a PKCS#12 (`.p12`, `.pfx`) file with OpenSSL, walking its safe bags in order.
///
/// With no passphrase given it tries the empty and absent passwords first, as Windows exports without
/// one use them, and asks `passphrase` only when those fail.
func readPKCS12(
    _ der: [UInt8], passphrase: (() throws(PinHashError) -> SecretBytes)?, budget: inout KeyDerivationBudget
) throws(PinHashError) -> PKCS12Contents {
    let file = try PKCS12File.decode(der)
    let password = try choosePassword(file, passphrase, budget: &budget)
    do {
        return try file.contents(with: password, budget: &budget)
    } catch let error where error.code == .wrongPassphrase && passphrase == nil {
        // A file without a MAC was opened with the empty password, which its key did not take.
        throw PinHashError(.passphraseRequired, "is encrypted", remedy: .givePassphrase(noTerminal: false))
    }
}

/// The password that opens the file: absent, empty, or the caller's.
enum PKCS12Password {
    case absent
    case empty
    case given(SecretBytes)

    func withPointer<T>(_ body: (UnsafePointer<CChar>?, Int32) throws(PinHashError) -> T) throws(PinHashError)
        -> T
    {
        switch self {
        case .absent: return try body(nil, 0)
        case .empty: return try body("", 0)
        case .given(let secret):
            // OpenSSL reads the password as a C string, so copy it with a terminator and wipe the copy.
            var copy = secret.withBytes { Array($0) } + [0]
            defer { SecretMemory.cleanse(&copy) }
            let result: Result<T, PinHashError> = copy.withUnsafeBufferPointer { buffer in
                let pointer = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
                do throws(PinHashError) { return .success(try body(pointer, Int32(buffer.count - 1))) } catch
                {
                    return .failure(error)
                }
            }
            return try result.get()
        }
    }
}

private func choosePassword(
    _ file: PKCS12File, _ passphrase: (() throws(PinHashError) -> SecretBytes)?,
    budget: inout KeyDerivationBudget
)
    throws(PinHashError) -> PKCS12Password
{
    guard file.hasMAC else {
        // No MAC to check the password against: use the caller's, else the empty one.
        if let passphrase { return .given(try passphrase()) }
        return .empty
    }
    let macDerivation = file.macKeyDerivation
    for candidate in [PKCS12Password.empty, .absent]
    where try file.macVerifies(with: candidate, derivation: macDerivation, budget: &budget) {
        return candidate
    }
    guard let passphrase else {
        throw PinHashError(.passphraseRequired, "is encrypted", remedy: .givePassphrase(noTerminal: false))
    }
    let given = PKCS12Password.given(try passphrase())
    guard try file.macVerifies(with: given, derivation: macDerivation, budget: &budget) else {
        throw PinHashError(.wrongPassphrase, "wrong passphrase (the PKCS#12 integrity check failed)")
    }
    return given
}
