import Foundation
import PinHashTestSupport
import Testing

/// The completion scripts `make install` installs, driven as the shells drive them, and the help text the
/// man pages are generated from. The expected values are the README's lists, not pinhash's types.
@Suite("Shell completions and man page text")
struct ShellCompletionTests {
    /// What bash offers for `pinhash WORDS… <TAB>`: the generated script sourced, then its `_pinhash`
    /// called as bash's programmable completion calls it (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT;
    /// the command, the current word and the previous word as arguments).
    static func bashCompletions(_ words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws
        -> [String]
    {
        let script = """
            set -e
            source <("$0" --generate-completion-script bash)
            COMP_WORDS=(pinhash "$@" "")
            COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"
            COMP_POINT=${#COMP_LINE}
            COMPREPLY=()
            _pinhash pinhash "" "${COMP_WORDS[COMP_CWORD - 1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try runProcess(
            "/bin/bash", ["-c", script, PackagePaths.pinhash] + words, stdin: nil, environment: [:],
            timeout: 30,
            sourceLocation: sourceLocation)
        #expect(result.status == 0, "bash: \(result.stderr)", sourceLocation: sourceLocation)
        return result.stdoutLines.filter { !$0.isEmpty }
    }

    static let formats = [
        "base64", "hex", "hpkp", "curl", "okhttp", "android", "ios", "tlsa", "chrome", "json",
    ]

    @Test("bash: pinhash pins --format <TAB> offers the formats")
    func bashFormats() throws {
        #expect(try Self.bashCompletions(["pins", "--format"]).sorted() == Self.formats.sorted())
    }

    @Test(
        "bash: the values of --format, --server, --starttls and --algorithm on every command that takes them",
        arguments: [
            (["backup", "--format"], formats),
            (["header", "--server"], ["raw", "apache", "nginx", "iis"]),
            (["hsts", "--server"], ["raw", "apache", "nginx", "iis"]),
            (["pins", "--connect", "mail.example.com", "--starttls"], ["smtp", "imap", "pop3"]),
            (["verify", "--starttls"], ["smtp", "imap", "pop3"]),
            (["check", "--starttls"], ["smtp", "imap", "pop3"]),
            (["backup", "--algorithm"], ["rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519"]),
            (
                ["rotate", "plan", "--algorithm"],
                ["rsa2048", "rsa3072", "rsa4096", "p256", "p384", "ed25519"]
            ),
            (["audit", "--format"], ["text", "json", "jsonl"]),
            (["check", "--format"], ["text", "json", "jsonl", "html"]),
            (
                ["pinset", "export", "--format"],
                [
                    "okhttp", "okhttp-java", "android", "ios", "trustkit", "tlsa", "hpkp", "curl", "chrome",
                    "base64",
                    "hex", "json",
                ]
            ),
        ])
    func bashValues(words: [String], values: [String]) throws {
        #expect(try Self.bashCompletions(words).sorted() == values.sorted())
    }

    @Test("bash: a partly typed value completes to the values it begins")
    func bashPrefix() throws {
        let script = """
            source <("$0" --generate-completion-script bash)
            COMP_WORDS=(pinhash pins --format ok)
            COMP_CWORD=3
            COMP_LINE="pinhash pins --format ok"
            COMP_POINT=${#COMP_LINE}
            _pinhash pinhash ok --format
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try runProcess(
            "/bin/bash", ["-c", script, PackagePaths.pinhash], stdin: nil, environment: [:], timeout: 30,
            sourceLocation: #_sourceLocation)
        #expect(result.stdoutLines == ["okhttp"], "\(result.stdout)\(result.stderr)")
    }

    @Test("zsh and fish scripts list the formats too", arguments: ["zsh", "fish"])
    func otherShells(shell: String) throws {
        let result = try run(["--generate-completion-script", shell])
        #expect(result.status == 0)
        let formatLines = result.stdoutLines.filter { $0.contains("format") && $0.contains("tlsa") }
        #expect(!formatLines.isEmpty, "no line of the \(shell) script offers --format's values")
        for line in formatLines.prefix(1) {
            for format in Self.formats { #expect(line.contains(format), "\(format) missing: \(line)") }
        }
    }

    @Test("Every help text is ASCII: generate-manual drops any other character from the man pages")
    func helpIsASCII() throws {
        let result = try run(["--experimental-dump-help"])
        #expect(result.status == 0)
        let other = Set(result.stdout.unicodeScalars.filter { !$0.isASCII }.map { String($0) })
        #expect(other.isEmpty, "non-ASCII in the help: \(other.sorted())")
    }

    @Test("Each command's help ends in its exit statuses, which the man page moves to EXIT STATUS")
    func exitStatusInEveryCommand() throws {
        let dump = try run(["--experimental-dump-help"])
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var missing: [String] = []
        func visit(_ command: [String: Any], path: String) {
            let name = path.isEmpty ? "pinhash" : path
            let subcommands = command["subcommands"] as? [[String: Any]] ?? []
            let discussion = command["discussion"] as? String ?? ""
            // Commands with subcommands of their own (pinset, rotate) and help describe no run.
            if subcommands.isEmpty, command["commandName"] as? String != "help",
                !discussion.contains("Exit status: ")
            {
                missing.append(name)
            }
            for sub in subcommands { visit(sub, path: name + " " + (sub["commandName"] as? String ?? "?")) }
        }
        visit(try #require(json["command"] as? [String: Any]), path: "")
        #expect(missing.isEmpty, "no \"Exit status: \" paragraph: \(missing)")
    }
}
