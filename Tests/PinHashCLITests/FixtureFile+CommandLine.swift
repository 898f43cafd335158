import PinHashTestSupport

/// A fixture file in the command line's terms: the flags it needs and what `pinhash FILE` prints for it.
extension FixtureFile {
    /// The flag that forces the file's type: `--` and the manifest's kind.
    var typeFlag: String { "--\(kind)" }

    /// `--passin file:passphrase.txt` for files encrypted with the fixture passphrase (`empty` needs none).
    var passphraseArguments: [String] {
        rows[0].encrypted == "yes" ? ["--passin", "file:passphrase.txt"] : []
    }

    /// What `pinhash FILE` prints: a bundle's first certificate, a PKCS#12 file's leaf, else the one object.
    var expectedPin: String {
        if kind == "p12", let leaf = rows.first(where: { $0.role == "leaf" }) { return leaf.pin }
        return rows[0].pin
    }

    /// Whether `pinhash FILE` must add a note: the first certificate is a CA and a leaf comes later.
    var expectsCAFirstNote: Bool {
        kind == "cert" && rows[0].role != "leaf" && rows.dropFirst().contains { $0.role == "leaf" }
    }
}
