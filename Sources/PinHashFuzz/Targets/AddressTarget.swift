import PinHash
import PinHashLive

/// `HOST[:PORT]` and URL arguments: whatever is read must be a usable address that reads back as itself.
enum AddressTarget {
    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for error in [
            refusal { () throws(PinHashError) in try ServerAddress(parsing: text, defaultPort: 443) },
            refusal { () throws(PinHashError) in try HTTPURL(parsing: text) },
        ] {
            guard let error else { continue }
            require(!hasControlCharacter(error.reason), "control character in error: \(error.reason)")
        }
        if let address = try? ServerAddress(parsing: text, defaultPort: 443) {
            require((1...65535).contains(address.port), "port \(address.port) from \(text)")
            require(!address.host.isEmpty, "no host from \(text)")
            let again = try? ServerAddress(parsing: address.description, defaultPort: 1)
            require(again == address, "\(address) reads back as \(again.map(\.description) ?? "an error")")
        }
        if let url = try? HTTPURL(parsing: text) {
            require(url.path.hasPrefix("/"), "path \(url.path) from \(text)")
            let again = try? HTTPURL(parsing: url.description)
            require(again == url, "\(url) reads back as \(again.map(\.description) ?? "an error")")
        }
    }

    private static func refusal<T>(_ body: () throws(PinHashError) -> T) -> PinHashError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error
        }
    }
}
