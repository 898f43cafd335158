/// A node of a YAML document: what libyaml's parser events compose to, and what its emitter writes.
///
/// A scalar keeps its style, so that a quoted `"443"` stays text where a plain `443` is a number, and
/// its explicit tag (`!!str`) if it has one; a node read from a file keeps the line it starts on, for
/// errors that name it. Anchors and aliases have no node: the composer refuses them.
struct YAMLNode {
    enum ScalarStyle: Sendable, Equatable {
        case plain, singleQuoted, doubleQuoted, literal, folded
    }

    /// How a list or mapping is written: indented lines (`- item`) or brackets (`[a, b]`).
    enum CollectionStyle: Sendable, Equatable {
        case block, flow
    }

    enum Content {
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode], CollectionStyle)
        case mapping([(key: YAMLNode, value: YAMLNode)], CollectionStyle)
    }

    var content: Content
    /// The explicit tag as libyaml resolves it (`tag:yaml.org,2002:str` for `!!str`); nil when none.
    var tag: String?
    /// The line the node starts on, from 1; nil for a node made to be written.
    var line: Int?

    init(_ content: Content, tag: String? = nil, line: Int? = nil) {
        self.content = content
        self.tag = tag
        self.line = line
    }

    /// The scalar's text and style; nil for a list or mapping.
    var scalar: (text: String, style: ScalarStyle)? {
        guard case .scalar(let text, let style) = content else { return nil }
        return (text, style)
    }
}
