import Foundation
import PinHashTestSupport
import Testing

/// Peers that keep the socket full or never finish what they send (Tests/Support/hostile-server.py): each
/// step must still end at its deadline, with one line naming the server and the step.
@Suite(
    "--timeout against peers that never stop sending",
    .enabled(if: LiveTools.python != nil, "python3 is not installed: apt-get install python3"))
struct HostilePeerTests {
    /// A hostile peer, the command that meets it and the line pinhash must end with.
    struct Case: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let mode: HostilePeerServer.Mode
        let arguments: @Sendable (_ target: String) -> [String]
        let reason: String

        static let all = [
            Case(
                testDescription: "an IMAP server flooding untagged * 1 EXISTS lines after STARTTLS",
                mode: .imapExistsFlood,
                arguments: { ["--connect", $0, "--starttls", "imap", "--timeout", "2"] },
                reason: "timed out after 2 s waiting for the STARTTLS reply"),
            Case(
                testDescription: "a TLS server answering the ClientHello with endless HelloRequests",
                mode: .tlsHelloRequestFlood, arguments: { ["--connect", $0, "--timeout", "2"] },
                reason: "timed out after 2 s waiting for the TLS handshake"),
            Case(
                testDescription: "an HTTPS server whose response head trickles and never ends",
                mode: .httpsTrickledHead,
                arguments: {
                    ["audit", "https://\($0)/", "--cafile", "certs/root.pem", "--no-http", "--timeout", "2"]
                },
                reason: "timed out after 2 s waiting for the HTTP response"),
        ]
    }

    @Test("The step ends at its deadline: one line naming the server and the step", arguments: Case.all)
    func stepEndsAtItsDeadline(_ hostile: Case) throws {
        let server = try HostilePeerServer(hostile.mode)
        defer { server.stop() }
        let target = "127.0.0.1:\(server.port)"
        // Generous: the point is that it ends, not how precisely; without the fix it runs until killed.
        let result = try run(hostile.arguments(target), timeout: 15)
        #expect(!result.timedOut, "still running after 15 s")
        #expect(result.status == (hostile.mode == .httpsTrickledHead ? 2 : 1), "stderr: \(result.stderr)")
        #expect(result.stdout == "")
        #expect(result.stderr == "pinhash: \(target): \(hostile.reason)\n")
    }
}
