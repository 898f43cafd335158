/// Why the collector could not do something: a code to act on and a sentence naming the input and the
/// problem (`reports.db: database is locked`). One error type for the module.
public struct ReportsError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Backing: String, Sendable, Hashable {
            case database, databaseFull, invalidReport, unreadablePinSet, listen
        }
        private let backing: Backing

        /// The database could not be opened, read or written.
        public static let database = Code(backing: .database)
        /// The database reached its size limit: a new report cannot be stored.
        public static let databaseFull = Code(backing: .databaseFull)
        /// A report body that is not a pin-failure report: not JSON, a field of the wrong type, a chain
        /// that does not parse.
        public static let invalidReport = Code(backing: .invalidReport)
        /// The pin-set file could not be read.
        public static let unreadablePinSet = Code(backing: .unreadablePinSet)
        /// The server could not listen on the address.
        public static let listen = Code(backing: .listen)

        public var description: String { backing.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
