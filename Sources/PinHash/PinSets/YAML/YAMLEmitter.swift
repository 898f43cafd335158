internal import CPinhashYAML

/// Writes a ``YAMLNode`` tree as one YAML document with libyaml's emitter: two-space indents, no line
/// folding, UTF-8 as it is, each scalar and collection in the style its node asks for and no tags, so the
/// same tree always gives the same text.
final class YAMLEmitter {
    private var emitter = yaml_emitter_t()
    private var output: [UInt8] = []

    private init() {
        // Fails only when libyaml cannot allocate its buffers.
        guard yaml_emitter_initialize(&emitter) == 1 else {
            fatalError("libyaml could not allocate an emitter")
        }
        yaml_emitter_set_output(
            &emitter,
            { context, buffer, size in
                guard let context, let buffer else { return 0 }
                let emitter = Unmanaged<YAMLEmitter>.fromOpaque(context).takeUnretainedValue()
                emitter.output.append(contentsOf: UnsafeBufferPointer(start: buffer, count: size))
                return 1
            }, Unmanaged.passUnretained(self).toOpaque())
        yaml_emitter_set_encoding(&emitter, YAML_UTF8_ENCODING)
        yaml_emitter_set_indent(&emitter, 2)
        yaml_emitter_set_width(&emitter, -1)
        yaml_emitter_set_unicode(&emitter, 1)
        yaml_emitter_set_break(&emitter, YAML_LN_BREAK)
    }

    deinit {
        yaml_emitter_delete(&emitter)
    }

    /// The text of `node` as the one document of a stream, without `---` or `...` markers.
    static func text(of node: YAMLNode) -> String {
        let emitter = YAMLEmitter()
        var event = yaml_event_t()
        yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING)
        emitter.emit(&event)
        yaml_document_start_event_initialize(&event, nil, nil, nil, 1)
        emitter.emit(&event)
        emitter.emit(node)
        yaml_document_end_event_initialize(&event, 1)
        emitter.emit(&event)
        yaml_stream_end_event_initialize(&event)
        emitter.emit(&event)
        return String(decoding: emitter.output, as: UTF8.self)
    }

    /// Every node of the tree in document order; a list or mapping through an explicit stack of what is
    /// left to write, so that no depth strains the stack.
    private func emit(_ root: YAMLNode) {
        enum Step {
            case node(YAMLNode)
            case end(isMapping: Bool)
        }
        var steps: [Step] = [.node(root)]
        var event = yaml_event_t()
        while let step = steps.popLast() {
            switch step {
            case .end(let isMapping):
                if isMapping {
                    yaml_mapping_end_event_initialize(&event)
                } else {
                    yaml_sequence_end_event_initialize(&event)
                }
                emit(&event)
            case .node(let node):
                switch node.content {
                case .scalar(let text, let style):
                    // NUL-terminated, so that even empty text has an address (libyaml copies it).
                    var bytes = Array(text.utf8) + [0]
                    bytes.withUnsafeMutableBufferPointer { value in
                        _ = yaml_scalar_event_initialize(
                            &event, nil, nil, value.baseAddress, Int32(value.count - 1), 1, 1,
                            Self.style(style))
                    }
                    emit(&event)
                case .sequence(let items, let style):
                    yaml_sequence_start_event_initialize(
                        &event, nil, nil, 1,
                        style == .flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE)
                    emit(&event)
                    steps.append(.end(isMapping: false))
                    steps.append(contentsOf: items.reversed().map(Step.node))
                case .mapping(let pairs, let style):
                    yaml_mapping_start_event_initialize(
                        &event, nil, nil, 1,
                        style == .flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE)
                    emit(&event)
                    steps.append(.end(isMapping: true))
                    for pair in pairs.reversed() {
                        steps.append(.node(pair.value))
                        steps.append(.node(pair.key))
                    }
                }
            }
        }
    }

    /// One event; libyaml frees the event's copies of its strings whether or not it succeeds.
    private func emit(_ event: inout yaml_event_t) {
        // libyaml fails to emit only on allocation failure or an event out of order, which this type
        // never sends: every tree has a YAML form.
        guard yaml_emitter_emit(&emitter, &event) == 1 else {
            let problem = emitter.problem.map { String(cString: $0) } ?? "out of memory"
            fatalError("libyaml could not write YAML: \(problem)")
        }
    }

    private static func style(_ style: YAMLNode.ScalarStyle) -> yaml_scalar_style_t {
        switch style {
        case .plain: YAML_PLAIN_SCALAR_STYLE
        case .singleQuoted: YAML_SINGLE_QUOTED_SCALAR_STYLE
        case .doubleQuoted: YAML_DOUBLE_QUOTED_SCALAR_STYLE
        case .literal: YAML_LITERAL_SCALAR_STYLE
        case .folded: YAML_FOLDED_SCALAR_STYLE
        }
    }
}
