internal import CPinhashYAML

/// Composes the one document of YAML text into a ``YAMLNode`` tree from libyaml's parser events.
///
/// Anchors and aliases are refused at the first event that has one: resolving an alias of an alias of
/// … takes time and memory exponential in the text (an alias bomb), and no pin-set file needs them. The
/// tree is built without recursion and nests at most ``maximumDepth`` deep, so no text can exhaust the
/// stack; every step is linear in the text.
final class YAMLComposer {
    /// Deeper than any pin-set file (which nests 4 deep), far below what would strain the stack.
    static let maximumDepth = 64

    private var parser = yaml_parser_t()
    private let input: UnsafeMutableBufferPointer<UInt8>

    private init(_ text: String) {
        input = .allocate(capacity: text.utf8.count)
        _ = input.initialize(from: text.utf8)
        // Fails only when libyaml cannot allocate its buffers.
        guard yaml_parser_initialize(&parser) == 1 else { fatalError("libyaml could not allocate a parser") }
        yaml_parser_set_input_string(&parser, input.baseAddress, input.count)
    }

    deinit {
        yaml_parser_delete(&parser)
        input.deallocate()
    }

    /// The document of `text`; nil when it holds none (nothing, or only comments). Errors carry the
    /// line and libyaml's words: `line 3: is not valid YAML: did not find expected node content`.
    static func document(in text: String) throws(PinHashError) -> YAMLNode? {
        try YAMLComposer(text).compose()
    }

    /// A list or mapping being filled: its start event's tag, line and style, and its items so far.
    private struct OpenCollection {
        var isMapping: Bool
        var style: YAMLNode.CollectionStyle
        var tag: String?
        var line: Int
        var items: [YAMLNode] = []
    }

    private func compose() throws(PinHashError) -> YAMLNode? {
        var open: [OpenCollection] = []
        var root: YAMLNode?
        var documents = 0
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else { throw syntaxError() }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            var finished: YAMLNode?
            switch event.type {
            case YAML_STREAM_END_EVENT:
                return root
            case YAML_DOCUMENT_START_EVENT:
                documents += 1
                guard documents == 1 else {
                    throw PinHashError(
                        .malformedInput, "line \(line): is not valid YAML: it holds a second document")
                }
            case YAML_ALIAS_EVENT:
                throw Self.anchorError(line)
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                guard scalar.anchor == nil else { throw Self.anchorError(line) }
                let text = String(
                    decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
                finished = YAMLNode(
                    .scalar(text, Self.style(scalar.style)), tag: Self.string(scalar.tag), line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let isMapping = event.type == YAML_MAPPING_START_EVENT
                let (anchor, tag, flow) =
                    isMapping
                    ? (
                        event.data.mapping_start.anchor, event.data.mapping_start.tag,
                        event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
                    )
                    : (
                        event.data.sequence_start.anchor, event.data.sequence_start.tag,
                        event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE
                    )
                guard anchor == nil else { throw Self.anchorError(line) }
                guard open.count < Self.maximumDepth else {
                    throw PinHashError(
                        .malformedInput,
                        "line \(line): nests lists and mappings more than \(Self.maximumDepth) deep")
                }
                open.append(
                    OpenCollection(
                        isMapping: isMapping, style: flow ? .flow : .block, tag: Self.string(tag), line: line)
                )
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let collection = open.popLast() else { continue }
                finished = try Self.node(collection)
            default:
                continue
            }
            guard let node = finished else { continue }
            if open.isEmpty {
                root = node
            } else {
                open[open.count - 1].items.append(node)
            }
        }
    }

    /// A closed collection as a node; a mapping's items alternate key and value, and a key given twice
    /// is an error at the line of its first use.
    private static func node(_ collection: OpenCollection) throws(PinHashError) -> YAMLNode {
        guard collection.isMapping else {
            return YAMLNode(
                .sequence(collection.items, collection.style), tag: collection.tag, line: collection.line)
        }
        var pairs: [(key: YAMLNode, value: YAMLNode)] = []
        var seen: [String: Int] = [:]
        for index in stride(from: 0, to: collection.items.count - 1, by: 2) {
            let key = collection.items[index]
            if let text = key.scalar?.text {
                if let first = seen[text] {
                    throw PinHashError(
                        .malformedInput,
                        "line \(first): is not valid YAML: the key \(text) is given twice in one mapping")
                }
                seen[text] = key.line ?? collection.line
            }
            pairs.append((key, collection.items[index + 1]))
        }
        return YAMLNode(.mapping(pairs, collection.style), tag: collection.tag, line: collection.line)
    }

    private static func anchorError(_ line: Int) -> PinHashError {
        PinHashError(.malformedInput, "line \(line): uses an anchor or alias, which a pin set does not use")
    }

    /// libyaml's error as one line; a reader error (bytes that are not YAML text) has no line.
    private func syntaxError() -> PinHashError {
        let problem = parser.problem.map { String(cString: $0) } ?? "libyaml ran out of memory"
        let line =
            parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR
            ? "line \(parser.problem_mark.line + 1): " : ""
        return PinHashError(.malformedInput, "\(line)is not valid YAML: \(problem)")
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLNode.ScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }

    private static func string(_ text: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        text.map { String(cString: $0) }
    }
}
