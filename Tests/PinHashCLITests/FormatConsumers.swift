import Foundation
import PinHashTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The programs that consume what `--format` writes, where they are installed: python3 (its strict
/// XML and plist parsers), curl, openssl (a TLS server for the others to talk to, and s_client's DANE
/// verification), Chromium, and OkHttp with the JDK that compiles and runs a client of it.
enum FormatConsumers {
    static let python3 = InstalledProgram.path(of: "python3")
    static let curl = InstalledProgram.path(of: "curl")
    static let openssl = InstalledProgram.path(of: "openssl")
    static let chromium = InstalledProgram.path(of: "chromium")
    static let java = InstalledProgram.path(of: "java")
    static let javac = InstalledProgram.path(of: "javac")
    /// Debian's OkHttp 3 and the okio it needs (libokhttp-java, libokio-java), when both are installed.
    static let okHttpClassPath: [String]? = {
        let jars = ["/usr/share/java/okhttp.jar", "/usr/share/java/okio.jar"]
        return jars.allSatisfy { FileManager.default.fileExists(atPath: $0) } ? jars : nil
    }()

    /// Runs `python3 -c script` with `input` on standard input and returns what it printed, decoded as
    /// JSON; a failed requirement (with python's error) when it exits non-zero.
    static func python(
        _ script: String, input: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Any {
        let python3 = try #require(python3, "python3 is not installed", sourceLocation: sourceLocation)
        let result = try runProcess(
            python3, ["-c", script], stdin: Data(input.utf8), environment: [:], timeout: 60,
            sourceLocation: sourceLocation)
        try #require(
            result.status == 0, "python3 rejected the document: \(result.stderr)\n--- document:\n\(input)",
            sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
    }

    /// Reads an Android network security config with xml.dom.minidom and prints, as JSON, the domains
    /// (`name`, `includeSubdomains`) and pins (`digest`, `value`) it holds.
    static let androidReader = """
        import json, sys, xml.dom.minidom
        document = xml.dom.minidom.parseString(sys.stdin.buffer.read())
        def text(node):
            return "".join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE).strip()
        root = document.documentElement
        print(json.dumps({
            "root": root.tagName,
            "domains": [{"name": text(d), "includeSubdomains": d.getAttribute("includeSubdomains")}
                        for d in root.getElementsByTagName("domain")],
            "pins": [{"digest": p.getAttribute("digest"), "value": text(p)}
                     for p in root.getElementsByTagName("pin")],
        }))
        """

    /// Wraps the fragment on standard input in `<plist><dict>…</dict></plist>`, reads it with plistlib
    /// (expat: strict XML) and prints the property list as JSON.
    static let plistReader = """
        import json, plistlib, sys
        document = (b'<?xml version="1.0" encoding="UTF-8"?>\\n'
            b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
            b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\\n'
            b'<plist version="1.0">\\n<dict>\\n' + sys.stdin.buffer.read() + b'</dict>\\n</plist>\\n')
        print(json.dumps(plistlib.loads(document)))
        """
}
