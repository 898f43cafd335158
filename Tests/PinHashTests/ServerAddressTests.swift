import PinHash
import PinHashLive
import Testing

@Suite("Server addresses and URLs as the command line takes them")
struct ServerAddressTests {
    @Test(
        "HOST[:PORT] forms parse to the host and port",
        arguments: [
            ("example.com", "example.com", 443, "example.com:443"),
            ("example.com:8443", "example.com", 8443, "example.com:8443"),
            ("127.0.0.1", "127.0.0.1", 443, "127.0.0.1:443"),
            ("127.0.0.1:25", "127.0.0.1", 25, "127.0.0.1:25"),
            ("::1", "::1", 443, "[::1]:443"),
            ("2001:db8::1", "2001:db8::1", 443, "[2001:db8::1]:443"),
            ("[::1]", "::1", 443, "[::1]:443"),
            ("[::1]:4433", "::1", 4433, "[::1]:4433"),
            ("[2001:db8::1]:65535", "2001:db8::1", 65535, "[2001:db8::1]:65535"),
            ("[fe80::1%lo]:8443", "fe80::1%lo", 8443, "[fe80::1%lo]:8443"),
            ("::ffff:127.0.0.1", "::ffff:127.0.0.1", 443, "[::ffff:127.0.0.1]:443"),
            ("_dmarc.example.com", "_dmarc.example.com", 443, "_dmarc.example.com:443"),
            // Brackets say which was meant; eight groups or a one-digit last group are no port.
            ("[::1:8444]", "::1:8444", 443, "[::1:8444]:443"),
            ("2001:db8:0:0:0:0:1:8443", "2001:db8:0:0:0:0:1:8443", 443, "[2001:db8:0:0:0:0:1:8443]:443"),
            ("2001:db8::5:1", "2001:db8::5:1", 443, "[2001:db8::5:1]:443"),
        ])
    func parses(text: String, host: String, port: Int, description: String) throws {
        let address = try ServerAddress(parsing: text, defaultPort: 443)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(address.description == description)
    }

    @Test(
        "Malformed addresses are refused with the reason",
        arguments: [
            ("", "no host name"),
            (":443", "no host name"),
            ("example.com:0", "the port '0' is not a number from 1 to 65535"),
            ("example.com:65536", "the port '65536' is not a number from 1 to 65535"),
            ("example.com:https", "the port 'https' is not a number from 1 to 65535"),
            ("example.com:+443", "the port '+443' is not a number from 1 to 65535"),
            ("example.com:", "the port '' is not a number from 1 to 65535"),
            ("[::1", "an IPv6 address in [ ] has no ]"),
            ("[::1]443", "expected :PORT after ]"),
            ("[example.com]:443", "[example.com] is not an IPv6 address"),
            // Found by the fuzzer's address target: these read as IPv6 addresses and printed as
            // [::[1]:.84]:443, which does not read back.
            ("::[1]:.84", "'::[1]:.84' is not an IPv6 address"),
            ("[::g]:443", "'::g' is not an IPv6 address"),
            ("1::2::3", "'1::2::3' is not an IPv6 address"),
            // inet_pton stops at a NUL and would read "::".
            ("::\u{0}x", "'::\\x00x' is not an IPv6 address"),
            ("[fe80::1%]:443", "'fe80::1%' is not an IPv6 address"),
            ("exa[mple.com", "'exa[mple.com' is not a host name or IP address"),
            // The text is quoted with its control characters escaped: the reason may reach a terminal.
            ("example.com\u{1B}[2J", "'example.com\\x1b[2J' is not a host name or IP address"),
            ("example.com:44\u{7}3", "the port '44\\x073' is not a number from 1 to 65535"),
            ("[\u{10}]", "[\\x10] is not an IPv6 address"),
            ("exa mple.com", "'exa mple.com' is not a host name or IP address"),
            ("user@example.com", "'user@example.com' is not a host name or IP address"),
            ("example.com/path", "'example.com/path' is not a host name or IP address"),
            (
                "::1:8444",
                "'::1:8444' may be an IPv6 address or ::1 with a port: an IPv6 address with a port needs "
                    + "brackets; write [::1]:8444 for port 8444, or [::1:8444] for the address"
            ),
            (
                "2001:db8::1:443",
                "'2001:db8::1:443' may be an IPv6 address or 2001:db8::1 with a port: an IPv6 address with a "
                    + "port needs brackets; write [2001:db8::1]:443 for port 443, or [2001:db8::1:443] for the address"
            ),
        ])
    func refuses(text: String, reason: String) {
        let error = #expect(throws: PinHashError.self) { try ServerAddress(parsing: text, defaultPort: 443) }
        #expect(error?.code == .invalidArgument)
        #expect(error?.reason == reason)
        #expect(error?.source == text)
    }

    @Test(
        "URLs give scheme, server, request target and Host header",
        arguments: [
            ("https://example.com", "https", "example.com", 443, "/", "example.com"),
            ("https://Example.COM/", "https", "example.com", 443, "/", "example.com"),
            (
                "https://example.com:8443/a/b?c=d#frag", "https", "example.com", 8443, "/a/b?c=d",
                "example.com:8443"
            ),
            ("http://example.com", "http", "example.com", 80, "/", "example.com"),
            ("http://example.com:443/", "http", "example.com", 443, "/", "example.com:443"),
            ("example.com/x", "https", "example.com", 443, "/x", "example.com"),
            ("https://[::1]:4433/", "https", "::1", 4433, "/", "[::1]:4433"),
            ("https://example.com?q", "https", "example.com", 443, "/?q", "example.com"),
        ])
    func parsesURL(text: String, scheme: String, host: String, port: Int, path: String, hostHeader: String)
        throws
    {
        let url = try HTTPURL(parsing: text)
        #expect(url.scheme.rawValue == scheme)
        #expect(url.server.host == host)
        #expect(url.server.port == port)
        #expect(url.path == path)
        #expect(url.hostHeader == hostHeader)
    }

    @Test(
        "URLs that cannot be fetched as given are refused",
        arguments: [
            ("ftp://example.com/", "the scheme 'ftp' is not http or https"),
            ("ft\u{1B}p://example.com/", "the scheme 'ft\\x1bp' is not http or https"),
            ("https://user:secret@example.com/", "a URL with a user name or password"),
            ("https://example.com/a b", "the path has spaces or characters that are not URL-encoded"),
            ("https:///", "no host name"),
        ])
    func refusesURL(text: String, reason: String) {
        let error = #expect(throws: PinHashError.self) { try HTTPURL(parsing: text) }
        #expect(error?.reason == reason)
    }

    @Test("Options are checked before any connection: timeout, --address, --servername")
    func optionsAreValidated() {
        let cases: [(ConnectOptions, String)] = [
            (ConnectOptions(timeout: 0), "timeout"),
            (ConnectOptions(timeout: 3601), "timeout"),
            (ConnectOptions(address: "example.com"), "address"),
            (ConnectOptions(address: "300.1.1.1"), "address"),
            (ConnectOptions(serverName: "192.0.2.1"), "serverName"),
            (ConnectOptions(serverName: "a b"), "serverName"),
        ]
        for (options, source) in cases {
            let error = #expect(throws: PinHashError.self) {
                try ServerConnector(options: options).validate()
            }
            #expect(error?.source == source)
        }
        #expect(throws: Never.self) {
            try ServerConnector(
                options: ConnectOptions(serverName: "www.example.com", address: "::1", timeout: 0.5)
            )
            .validate()
        }
    }
}
