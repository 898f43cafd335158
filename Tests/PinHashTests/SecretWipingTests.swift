import Foundation
import PinHashTestSupport
import Testing

@testable import PinHash

#if canImport(Glibc)
    import Glibc
#endif

/// Private keys are wiped from memory once their public key is derived: these tests pin a PEM key in a
/// fresh process (an exit test), then search every writable mapping of that process for a run of the
/// key's private bytes, which exist only in decoded form (the PEM text is base64).
// glibc's malloc.h, which Swift's Glibc module leaves out: M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let trimThreshold: Int32 = -1
private let mmapThreshold: Int32 = -3

/// Whether AddressSanitizer or ThreadSanitizer runs in this process (`make sanitize`).
private let underSanitizer = dlsym(nil, "__asan_init") != nil || dlsym(nil, "__tsan_init") != nil

@Suite(
    "Decoded private keys are wiped",
    .enabled(
        if: !underSanitizer,
        "a sanitizer's shadow memory is terabytes of writable mappings, too much to search"))
struct SecretWipingTests {
    /// The largest mapping searched: the test's heap is a few MiB; anything larger is reserved address
    /// space, not memory the key could be in.
    static let largestMapping: UInt = 1 << 30

    @Test(
        "After pinning a PEM or DER private key, no run of its private bytes, or of its PEM text, is left in the process's memory"
    )
    func decodedKeyIsWiped() async {
        await #expect(processExitsWith: .success) {
            // Each key file, the DER of the same key, and where in that DER a private run of 32 bytes
            // starts: in the middle of an RSA key (its private exponent or primes), at the private scalar
            // of a SEC1 EC key (after 30 77 02 01 01 04 20).
            for (key, der, offset) in [
                ("keys/rsa2048.pkcs8.pem", "keys/rsa2048.pkcs8.der", 600),
                ("keys/rsa2048.pkcs1.pem", "keys/rsa2048.pkcs1.der", 600),
                ("keys/rsa2048.pkcs8.der", "keys/rsa2048.pkcs8.der", 600),
                ("keys/ec-p256.sec1.pem", "keys/ec-p256.sec1.der", 7),
            ] {
                let needle = SecretWipingTests.privateRun(of: Fixtures.path(der), at: offset)
                defer { needle.deallocate() }
                // The key's text too: 32 characters from the middle of a PEM key's base64 are as secret as
                // its bytes (the file's size from stat, as reading it here would leave a copy).
                var status = stat()
                let textNeedle =
                    key.hasSuffix(".pem") && stat(Fixtures.path(key), &status) == 0
                    ? SecretWipingTests.privateRun(of: Fixtures.path(key), at: Int(status.st_size) / 2) : nil
                defer { textNeedle?.deallocate() }
                _ = try PinReader().pins(inFileAt: Fixtures.path(key))
                let found = SecretWipingTests.addresses(of: needle)
                if !found.isEmpty {
                    print("\(key): private bytes left at \(found.map { String($0, radix: 16) })")
                    exit(1)
                }
                if let textNeedle, case let found = SecretWipingTests.addresses(of: textNeedle),
                    !found.isEmpty
                {
                    print("\(key): its PEM text left at \(found.map { String($0, radix: 16) })")
                    exit(1)
                }
            }
        }
    }

    @Test(
        "A key among enough certificates to be decoded on all cores leaves no run of its PEM text, or of its private bytes, in memory"
    )
    func keyInBundleIsWiped() async {
        await #expect(processExitsWith: .success) {
            // Memory stays with the process when freed, as in a program whose heap is in use around it.
            guard mallopt(mmapThreshold, 1 << 30) == 1, mallopt(trimThreshold, 1 << 30) == 1 else { exit(2) }
            // 100 certificates then the key: a batch of blocks decoded together, whose key waits for the
            // delivery; the window the batch read from must not outlive it unwiped, nor may the key's DER
            // be decoded with the certificates' (where nothing wipes it).
            let key = Fixtures.path("keys/rsa2048.pkcs8.pem")
            var status = stat()
            guard stat(key, &status) == 0 else { exit(2) }
            let needle = SecretWipingTests.privateRun(of: key, at: Int(status.st_size) / 2)
            defer { needle.deallocate() }
            let derNeedle = SecretWipingTests.privateRun(of: Fixtures.path("keys/rsa2048.pkcs8.der"), at: 600)
            defer { derNeedle.deallocate() }
            let path = NSTemporaryDirectory() + "pinhash-wipe-\(getpid()).pem"
            defer { unlink(path) }
            SecretWipingTests.concatenate(
                Array(repeating: Fixtures.path("certs/leaf.pem"), count: 100) + [key], into: path)
            let objects = try PinReader().pins(inFileAt: path)
            guard objects.count == 101 else { exit(3) }
            let found = SecretWipingTests.addresses(of: needle)
            if !found.isEmpty {
                print("the key's PEM text left at \(found.map { String($0, radix: 16) })")
                exit(1)
            }
            let foundDER = SecretWipingTests.addresses(of: derNeedle)
            if !foundDER.isEmpty {
                print("the key's private bytes left at \(foundDER.map { String($0, radix: 16) })")
                exit(1)
            }
        }
    }

    @Test(
        "A key among certificates decoded on all cores is decoded once, by the delivery that wipes its DER, not with the certificates"
    )
    func keyInBundleIsDecodedOnce() async {
        await #expect(processExitsWith: .success) {
            // The characters decoded for the certificates and the key together must be those decoded for
            // them apart: a key decoded with a batch's certificates too (its DER freed unwiped, whatever
            // happened to that memory next) counts its text twice.
            let key = Fixtures.path("keys/rsa2048.pkcs8.pem")
            let certificates = Array(repeating: Fixtures.path("certs/leaf.pem"), count: 100)
            let path = NSTemporaryDirectory() + "pinhash-once-\(getpid()).pem"
            defer { unlink(path) }
            func charactersDecoded(reading paths: [String]) throws -> Int {
                SecretWipingTests.concatenate(paths, into: path)
                let before = Base64.charactersDecoded
                guard try PinReader().pins(inFileAt: path).count == paths.count else { exit(3) }
                return Base64.charactersDecoded - before
            }
            let together = try charactersDecoded(reading: certificates + [key] + certificates)
            let apart =
                try charactersDecoded(reading: certificates + certificates)
                + charactersDecoded(reading: [key])
            if together != apart {
                print("\(together) characters decoded together, \(apart) apart")
                exit(1)
            }
        }
    }

    @Test("A key whose text a read cuts in two leaves no run of its PEM text in memory: the file's first key")
    func firstKeyAcrossReadsIsWiped() async {
        await #expect(processExitsWith: .success) { try SecretWipingTests.keyAcrossReads(afterAKey: false) }
    }

    @Test("A key whose text a read cuts in two leaves no run of its PEM text in memory: a key after another")
    func keyAcrossReadsIsWiped() async {
        await #expect(processExitsWith: .success) { try SecretWipingTests.keyAcrossReads(afterAKey: true) }
    }

    /// Pins a file whose key's text the first read cuts in two, and exits 1 if any of that text is left.
    static func keyAcrossReads(afterAKey: Bool) throws {
        // Memory stays with the process when freed (no mapping of its own for the window, no trimming),
        // as in a program whose heap is in use around it: what a freed window held can still be read.
        guard mallopt(mmapThreshold, 1 << 30) == 1, mallopt(trimThreshold, 1 << 30) == 1 else { exit(2) }
        // Certificates and comment lines put the key's BEGIN line 800 bytes before the end of the first
        // read (256 KiB), so that its first 800 bytes move to a new window when the next read makes
        // room: after a key, from a window known to hold secrets; as the first key, from one not known
        // to yet (the old window is kept, for its capacity, as the next read's).
        let key = Fixtures.path("keys/rsa2048.pkcs8.pem")
        let certificate = Fixtures.path("certs/leaf.pem")
        var keyStatus = stat()
        var certificateStatus = stat()
        guard stat(key, &keyStatus) == 0, stat(certificate, &certificateStatus) == 0 else { exit(2) }
        let needle = SecretWipingTests.privateRun(of: key, at: 400)
        defer { needle.deallocate() }
        let keySize = Int(keyStatus.st_size)
        let certificateSize = Int(certificateStatus.st_size)
        let before = (1 << 18) - 800 - (afterAKey ? keySize : 0)
        let certificates = before / certificateSize
        var comment = ""
        var left = before - certificates * certificateSize
        while left > 0 {
            let line = min(left, 80)
            comment += String(repeating: "#", count: line - 1) + "\n"
            left -= line
        }
        let commentPath = NSTemporaryDirectory() + "pinhash-comment-\(getpid()).txt"
        let path = NSTemporaryDirectory() + "pinhash-wipe-\(getpid()).pem"
        defer {
            unlink(path)
            unlink(commentPath)
        }
        guard FileManager.default.createFile(atPath: commentPath, contents: Data(comment.utf8)) else {
            exit(2)
        }
        SecretWipingTests.concatenate(
            (afterAKey ? [key] : []) + Array(repeating: certificate, count: certificates) + [
                commentPath, key,
            ]
                + Array(repeating: certificate, count: 3), into: path)
        let objects = try PinReader().pins(inFileAt: path)
        guard objects.count == certificates + (afterAKey ? 5 : 4) else { exit(3) }
        let found = SecretWipingTests.addresses(of: needle)
        if !found.isEmpty {
            print("the key's PEM text left at \(found.map { String($0, radix: 16) })")
            exit(1)
        }
    }

    /// Writes the files at `paths`, one after another, to `path`, through memory wiped before it is freed.
    static func concatenate(_ paths: [String], into path: String) {
        let output = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(output >= 0, "cannot create \(path)")
        defer { close(output) }
        for source in paths {
            withWipedRead(of: source) { bytes in
                precondition(
                    !bytes.isEmpty && Glibc.write(output, bytes.baseAddress, bytes.count) == bytes.count,
                    "cannot copy \(source)")
            }
        }
    }

    /// Calls `body` with the first 64 KiB of the file at `path`, read with read(2) into memory that is
    /// wiped before it is freed.
    static func withWipedRead<Result>(of path: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let file = open(path, O_RDONLY)
        precondition(file >= 0, "cannot open \(path)")
        defer { close(file) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer {
            explicit_bzero(buffer.baseAddress!, buffer.count)
            buffer.deallocate()
        }
        let count = read(file, buffer.baseAddress, buffer.count)
        precondition(count >= 0, "cannot read \(path)")
        return body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    /// 32 bytes of a DER private key from `offset`, read into memory that is wiped before it is freed, so
    /// that the needle is the only copy this test makes.
    static func privateRun(of path: String, at offset: Int) -> UnsafeMutableRawBufferPointer {
        withWipedRead(of: path) { bytes in
            precondition(bytes.count >= offset + 32, "short read of \(path)")
            let needle = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 16)
            needle.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 32)]))
            return needle
        }
    }

    /// Where `needle`'s bytes stand in the process's writable memory, other than the needle itself.
    static func addresses(of needle: UnsafeMutableRawBufferPointer) -> [UInt] {
        // The scan reads into its own mapping, which it skips.
        let chunkSize = 1 << 20
        guard let chunk = mmap(nil, chunkSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
            chunk != MAP_FAILED
        else { return [0] }
        defer { munmap(chunk, chunkSize) }
        let chunkStart = UInt(bitPattern: chunk)
        let memory = open("/proc/self/mem", O_RDONLY)
        guard memory >= 0, let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8)
        else { return [0] }
        defer { close(memory) }
        var found: [UInt] = []
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[1].hasPrefix("rw") else { continue }
            let bounds = fields[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            guard bounds.count == 2, bounds[0] != chunkStart, bounds[1] - bounds[0] <= largestMapping else {
                continue
            }
            var address = bounds[0]
            while address < bounds[1] {
                // Overlap chunks by the needle's length so that a run across a boundary is seen.
                let length = min(UInt(chunkSize), bounds[1] - address)
                let got = pread(memory, chunk, Int(length), off_t(Int64(bitPattern: UInt64(address))))
                if got < needle.count { break }
                let bytes = UnsafeRawBufferPointer(start: chunk, count: got)
                let first = needle[0]
                for offset in 0...(got - needle.count)
                where bytes[offset] == first && memcmp(chunk + offset, needle.baseAddress!, needle.count) == 0
                {
                    let at = address + UInt(offset)
                    if at != UInt(bitPattern: needle.baseAddress) { found.append(at) }
                }
                address += length > UInt(needle.count) ? length - UInt(needle.count) : length
                if length < UInt(chunkSize) { break }
            }
        }
        return found
    }
}
