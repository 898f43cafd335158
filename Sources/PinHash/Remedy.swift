/// What would fix a problem, as a value, so that each program can word it in its own terms: the
/// library's descriptions name its own API (``PassphraseSource``, connection options), and the pinhash
/// command names its options instead.
public enum Remedy: Sendable, Hashable {
    /// The input is encrypted and no passphrase could be had: give a ``PassphraseSource``. `noTerminal`
    /// when the terminal source was asked for one but there is no terminal to ask on.
    case givePassphrase(noTerminal: Bool)
    /// A passphrase source names this environment variable, which is not set; the reason ends with
    /// `environment variable NAME is not set`.
    case setEnvironmentVariable(String)
    /// A server did not answer with TLS: a mail server's port wants its protocol's STARTTLS first.
    case useStartTLS
    /// The server has no certificate for the name sent (given here) in SNI: send the name it serves.
    case checkServerName(String)
    /// The server wants a name in SNI and none was sent: send one.
    case giveServerName
    /// The handshake failed and no name was sent in SNI: sending one may help.
    case tryServerName

    /// The remedy in the library's words, to follow the problem after `; `.
    public var description: String {
        switch self {
        case .givePassphrase(let noTerminal):
            "give a passphrase source" + (noTerminal ? " (there is no terminal to ask on)" : "")
        case .setEnvironmentVariable(let name): "set \(name) or use another passphrase source"
        case .useStartTLS: "mail servers on ports 25, 587, 143 and 110 need STARTTLS first"
        case .checkServerName: "check the server name sent"
        case .giveServerName: "send a server name"
        case .tryServerName: "no server name was sent: try sending one"
        }
    }
}
