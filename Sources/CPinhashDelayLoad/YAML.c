/* libyaml, for the pin-set file (PinHash/PinSets/YAML: its parser and emitter). */
#include "CPinhashDelayLoad.h"

#ifdef PINHASH_DELAY_LOAD

#include <yaml.h>

#define YAML_FUNCTIONS(F, V)                                                                                 \
    F(int, yaml_document_end_event_initialize, (yaml_event_t *event, int implicit), (event, implicit))       \
    F(int, yaml_document_start_event_initialize,                                                             \
        (yaml_event_t *event, yaml_version_directive_t *version_directive,                                  \
            yaml_tag_directive_t *tag_directives_start, yaml_tag_directive_t *tag_directives_end,           \
            int implicit),                                                                                   \
        (event, version_directive, tag_directives_start, tag_directives_end, implicit))                     \
    V(yaml_emitter_delete, (yaml_emitter_t *emitter), (emitter))                                             \
    F(int, yaml_emitter_emit, (yaml_emitter_t *emitter, yaml_event_t *event), (emitter, event))              \
    F(int, yaml_emitter_initialize, (yaml_emitter_t *emitter), (emitter))                                    \
    V(yaml_emitter_set_break, (yaml_emitter_t *emitter, yaml_break_t line_break), (emitter, line_break))     \
    V(yaml_emitter_set_encoding, (yaml_emitter_t *emitter, yaml_encoding_t encoding), (emitter, encoding))   \
    V(yaml_emitter_set_indent, (yaml_emitter_t *emitter, int indent), (emitter, indent))                     \
    V(yaml_emitter_set_output, (yaml_emitter_t *emitter, yaml_write_handler_t *handler, void *data),         \
        (emitter, handler, data))                                                                            \
    V(yaml_emitter_set_unicode, (yaml_emitter_t *emitter, int unicode), (emitter, unicode))                  \
    V(yaml_emitter_set_width, (yaml_emitter_t *emitter, int width), (emitter, width))                        \
    V(yaml_event_delete, (yaml_event_t *event), (event))                                                     \
    F(int, yaml_mapping_end_event_initialize, (yaml_event_t *event), (event))                                \
    F(int, yaml_mapping_start_event_initialize,                                                              \
        (yaml_event_t *event, const yaml_char_t *anchor, const yaml_char_t *tag, int implicit,              \
            yaml_mapping_style_t style),                                                                     \
        (event, anchor, tag, implicit, style))                                                               \
    V(yaml_parser_delete, (yaml_parser_t *parser), (parser))                                                 \
    F(int, yaml_parser_initialize, (yaml_parser_t *parser), (parser))                                        \
    F(int, yaml_parser_parse, (yaml_parser_t *parser, yaml_event_t *event), (parser, event))                 \
    V(yaml_parser_set_input_string, (yaml_parser_t *parser, const unsigned char *input, size_t size),        \
        (parser, input, size))                                                                               \
    F(int, yaml_scalar_event_initialize,                                                                     \
        (yaml_event_t *event, const yaml_char_t *anchor, const yaml_char_t *tag, const yaml_char_t *value,  \
            int length, int plain_implicit, int quoted_implicit, yaml_scalar_style_t style),                 \
        (event, anchor, tag, value, length, plain_implicit, quoted_implicit, style))                        \
    F(int, yaml_sequence_end_event_initialize, (yaml_event_t *event), (event))                               \
    F(int, yaml_sequence_start_event_initialize,                                                             \
        (yaml_event_t *event, const yaml_char_t *anchor, const yaml_char_t *tag, int implicit,              \
            yaml_sequence_style_t style),                                                                    \
        (event, anchor, tag, implicit, style))                                                               \
    F(int, yaml_stream_end_event_initialize, (yaml_event_t *event), (event))                                 \
    F(int, yaml_stream_start_event_initialize, (yaml_event_t *event, yaml_encoding_t encoding),              \
        (event, encoding))

/* libyaml 0.1 and 0.2 (pkg-config yaml-0.1) are both libyaml-0.so.2. */
PINHASH_DELAY_LOADED_LIBRARY("yaml", "libyaml-0.so.2", "pin-set files", YAML_FUNCTIONS)

#endif
