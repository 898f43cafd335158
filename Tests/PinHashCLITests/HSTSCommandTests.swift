import Testing

@Suite("HSTS command: pinhash hsts")
struct HSTSCommandTests {
    @Test("The default is one year, on stdout, with nothing on stderr")
    func defaults() throws {
        let result = try run(["hsts"])
        #expect(result.status == 0)
        #expect(result.stdout == "Strict-Transport-Security: max-age=31536000\n")
        #expect(result.stderr == "")
    }

    @Test("A header the preload list accepts is printed, with a note on submitting it")
    func preloadable() throws {
        let result = try run(["hsts", "--max-age", "63072000", "--include-subdomains", "--preload"])
        #expect(result.status == 0)
        #expect(result.stdout == "Strict-Transport-Security: max-age=63072000; includeSubDomains; preload\n")
        #expect(result.stderr.contains("pinhash: note: "))
        #expect(result.stderr.contains("hstspreload.org"))
    }

    @Test("--preload without includeSubDomains or a year is refused, naming each missing rule")
    func preloadRefused() throws {
        let result = try run(["hsts", "--max-age", "300", "--preload"])
        #expect(result.status == 1)
        #expect(result.stdout == "")
        let errors = result.stderrLines.filter { $0.hasPrefix("pinhash: error: ") }
        #expect(errors.count == 2, "\(result.stderr)")
        #expect(errors.contains { $0.contains("at least 31536000") && $0.contains("--max-age 31536000") })
        #expect(errors.contains { $0.contains("includeSubDomains") && $0.contains("--include-subdomains") })

        let missingSubdomains = try run(["hsts", "--preload"])
        #expect(missingSubdomains.status == 1)
        #expect(missingSubdomains.stdout == "")
        #expect(missingSubdomains.stderrLines.filter { $0.hasPrefix("pinhash: error: ") }.count == 1)
    }

    @Test("A short max-age is printed and explained as a test value")
    func testValue() throws {
        let result = try run(["hsts", "--max-age", "300", "--include-subdomains"])
        #expect(result.status == 0)
        #expect(result.stdout == "Strict-Transport-Security: max-age=300; includeSubDomains\n")
        #expect(result.stderr.contains("pinhash: note: max-age=300 is a test value"))
        #expect(result.stderr.contains("5 minutes"))
    }

    @Test("--server writes Apache, nginx and IIS syntax")
    func serverSyntaxes() throws {
        let apache = try run(["hsts", "--include-subdomains", "--server", "apache"])
        #expect(
            apache.stdout
                == "Header always set Strict-Transport-Security \"max-age=31536000; includeSubDomains\"\n")
        let nginx = try run(["hsts", "--server", "nginx"])
        #expect(nginx.stdout == "add_header Strict-Transport-Security 'max-age=31536000' always;\n")
        let iis = try run(["hsts", "--server", "iis"])
        #expect(iis.stdout.contains("<add name=\"Strict-Transport-Security\" value=\"max-age=31536000\" />"))
    }

    @Test(
        "A bad --max-age or --server is a usage error",
        arguments: [
            ["hsts", "--max-age", "-1"], ["hsts", "--max-age", "1y"], ["hsts", "--server", "lighttpd"],
        ])
    func usageError(arguments: [String]) throws {
        let result = try run(arguments, timeout: 15)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stdout == "")
    }
}
