import Foundation

/// Turns a request body into a ``PinFailureReport``: JSON, an object, every known field of its type.
/// Unknown fields are ignored (clients add their own); a wrong type is an error naming the field.
public enum ReportDecoder {
    /// The longest host name DNS allows; a longer one is no host's.
    static let maximumHostnameLength = 253
    /// More certificates or pins than any real chain or pin list has.
    static let maximumListLength = 32

    public static func decode(_ body: [UInt8]) throws(ReportsError) -> PinFailureReport {
        let fields: ReportFields
        do {
            fields = try JSONDecoder().decode(ReportFields.self, from: Data(body))
        } catch let error as DecodingError {
            throw ReportsError(.invalidReport, describe(error))
        } catch {
            throw ReportsError(.invalidReport, "the body is not JSON")
        }
        guard let hostname = fields.hostname, !hostname.isEmpty else {
            throw ReportsError(.invalidReport, "the report has no \"hostname\"")
        }
        guard hostname.utf8.count <= maximumHostnameLength else {
            throw ReportsError(.invalidReport, "\"hostname\" is longer than \(maximumHostnameLength) bytes")
        }
        if let port = fields.port, !(0...65535).contains(port) {
            throw ReportsError(.invalidReport, "\"port\" \(port) is not a TCP port")
        }
        for (name, list) in [
            ("served-certificate-chain", fields.servedChain),
            ("validated-certificate-chain", fields.validatedChain),
            ("known-pins", fields.knownPins),
        ] where (list?.count ?? 0) > maximumListLength {
            throw ReportsError(.invalidReport, "\"\(name)\" has more than \(maximumListLength) entries")
        }
        let appFields = [
            fields.appBundleID, fields.appVersion, fields.appPlatform, fields.appPlatformVersion,
            fields.appVendorID,
            fields.trustkitVersion,
        ]
        let isApp =
            appFields.contains { $0 != nil } || fields.enforcePinning != nil || fields.validationResult != nil
        return PinFailureReport(
            dateTime: fields.dateTime, hostname: hostname, port: fields.port,
            effectiveExpirationDate: fields.effectiveExpirationDate,
            includeSubdomains: fields.includeSubdomains,
            notedHostname: fields.notedHostname, servedCertificateChain: fields.servedChain ?? [],
            validatedCertificateChain: fields.validatedChain ?? [], knownPins: fields.knownPins ?? [],
            app: isApp
                ? AppReport(
                    bundleID: fields.appBundleID, version: fields.appVersion, platform: fields.appPlatform,
                    platformVersion: fields.appPlatformVersion, vendorID: fields.appVendorID,
                    trustkitVersion: fields.trustkitVersion, enforcePinning: fields.enforcePinning,
                    validationResult: fields.validationResult,
                    knownPinsExpirationDate: fields.knownPinsExpirationDate)
                : nil)
    }

    /// One line naming the field and what is wrong with it.
    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "the body" }
            var name = "\"\(first.stringValue)\""
            for key in path.dropFirst() {
                name += key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
            }
            return name
        }
        switch error {
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty { return "the body is not a JSON object" }
            return "\(field(context.codingPath)) is not \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "\(field(context.codingPath)) is not \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "the body is not JSON" }
            return "\(field(context.codingPath)) is not valid"
        case .keyNotFound(let key, _):
            return "the report has no \"\(key.stringValue)\""
        @unknown default:
            return "the body is not a pin-failure report"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        default:
            // Lists and objects arrive as containers the decoder names generically.
            "\(type)".contains("Array")
                ? "a list of strings" : "\(type)".contains("Dictionary") ? "an object" : "of the right type"
        }
    }
}

/// The JSON fields, by their names in RFC 7469 and TrustKit's reports.
private struct ReportFields: Decodable {
    var dateTime: String?
    var hostname: String?
    var port: Int?
    var effectiveExpirationDate: String?
    var includeSubdomains: Bool?
    var notedHostname: String?
    var servedChain: [String]?
    var validatedChain: [String]?
    var knownPins: [String]?
    var appBundleID: String?
    var appVersion: String?
    var appPlatform: String?
    var appPlatformVersion: String?
    var appVendorID: String?
    var trustkitVersion: String?
    var enforcePinning: Bool?
    var validationResult: Int?
    var knownPinsExpirationDate: String?

    enum CodingKeys: String, CodingKey {
        case dateTime = "date-time"
        case hostname
        case port
        case effectiveExpirationDate = "effective-expiration-date"
        case includeSubdomains = "include-subdomains"
        case notedHostname = "noted-hostname"
        case servedChain = "served-certificate-chain"
        case validatedChain = "validated-certificate-chain"
        case knownPins = "known-pins"
        case appBundleID = "app-bundle-id"
        case appVersion = "app-version"
        case appPlatform = "app-platform"
        case appPlatformVersion = "app-platform-version"
        case appVendorID = "app-vendor-id"
        case trustkitVersion = "trustkit-version"
        case enforcePinning = "enforce-pinning"
        case validationResult = "validation-result"
        case knownPinsExpirationDate = "known-pins-expiration-date"
    }
}
