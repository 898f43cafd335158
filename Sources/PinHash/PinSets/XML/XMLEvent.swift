/// What an XML document says, in order: a start tag with its attributes, an end tag, or the text between
/// tags (adjacent pieces joined); each with the line it is on, from 1.
enum XMLEvent: Equatable {
    case start(name: String, attributes: [String: String], line: Int)
    case end(name: String, line: Int)
    case text(String, line: Int)
}
