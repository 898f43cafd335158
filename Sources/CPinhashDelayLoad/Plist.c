/* libplist, for XML and binary property lists (PinHash/PinSets/PropertyList: Info.plist, TrustKit). */
#include "CPinhashDelayLoad.h"

#ifdef PINHASH_DELAY_LOAD

#include <plist/plist.h>

#define PLIST_FUNCTIONS(F, V)                                                                                \
    F(plist_t, plist_array_get_item, (plist_t node, uint32_t n), (node, n))                                  \
    F(uint32_t, plist_array_get_size, (plist_t node), (node))                                                \
    F(int, plist_bool_val_is_true, (plist_t boolnode), (boolnode))                                           \
    V(plist_dict_new_iter, (plist_t node, plist_dict_iter *iter), (node, iter))                              \
    V(plist_dict_next_item, (plist_t node, plist_dict_iter iter, char **key, plist_t *val),                  \
        (node, iter, key, val))                                                                              \
    V(plist_free, (plist_t plist), (plist))                                                                  \
    V(plist_from_memory, (const char *plist_data, uint32_t length, plist_t *plist),                          \
        (plist_data, length, plist))                                                                         \
    F(plist_type, plist_get_node_type, (plist_t node), (node))                                               \
    F(const char *, plist_get_string_ptr, (plist_t node, uint64_t *length), (node, length))

/* libplist 2.2 (Debian 12's libplist3). 2.3 and later are libplist-2.0.so.4, and there plist_from_memory
 * returns an error code: its forwarder no longer matches that header, so such a build fails to compile
 * rather than load the wrong file. The CLI tests also compare each soname here with the linker's. */
PINHASH_DELAY_LOADED_LIBRARY("plist", "libplist-2.0.so.3", "property lists", PLIST_FUNCTIONS)

#endif
