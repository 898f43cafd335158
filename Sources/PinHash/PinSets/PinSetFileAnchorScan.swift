internal import CYaml

/// Finds the first anchor or alias in YAML text with libyaml's event parser, before Yams composes the
/// nodes: composing resolves each alias to its anchored node, and Yams hashes every mapping key to find
/// duplicates, so an alias of an alias of … used as a key would take exponential time before any node
/// could be refused. The scan is one pass over the events, linear in the text.
enum PinSetFileAnchorScan {
    /// The line (from 1) of the first anchor or alias; nil when there is none or the text is not YAML
    /// (which Yams then reports with its own words).
    static func firstAnchorLine(in text: String) -> Int? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer -> Int? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT: return nil
                case YAML_ALIAS_EVENT: return line
                case YAML_SCALAR_EVENT where event.data.scalar.anchor != nil: return line
                case YAML_SEQUENCE_START_EVENT where event.data.sequence_start.anchor != nil: return line
                case YAML_MAPPING_START_EVENT where event.data.mapping_start.anchor != nil: return line
                default: continue
                }
            }
            return nil
        }
    }
}
