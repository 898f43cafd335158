/* Expat, for XML (PinHash/PinSets/XML: Android's network security config, XML property lists). */
#include "CPinhashDelayLoad.h"

#ifdef PINHASH_DELAY_LOAD

#include <expat.h>

#define EXPAT_FUNCTIONS(F, V)                                                                                \
    F(const XML_LChar *, XML_ErrorString, (enum XML_Error code), (code))                                    \
    F(XML_Size, XML_GetCurrentLineNumber, (XML_Parser parser), (parser))                                     \
    F(enum XML_Error, XML_GetErrorCode, (XML_Parser parser), (parser))                                       \
    F(enum XML_Status, XML_Parse, (XML_Parser parser, const char *s, int len, int isFinal),                  \
        (parser, s, len, isFinal))                                                                           \
    F(XML_Parser, XML_ParserCreate, (const XML_Char *encoding), (encoding))                                  \
    V(XML_ParserFree, (XML_Parser parser), (parser))                                                         \
    V(XML_SetCharacterDataHandler, (XML_Parser parser, XML_CharacterDataHandler handler), (parser, handler)) \
    V(XML_SetElementHandler, (XML_Parser parser, XML_StartElementHandler start, XML_EndElementHandler end),  \
        (parser, start, end))                                                                                \
    V(XML_SetEntityDeclHandler, (XML_Parser parser, XML_EntityDeclHandler handler), (parser, handler))       \
    F(int, XML_SetParamEntityParsing, (XML_Parser parser, enum XML_ParamEntityParsing parsing),              \
        (parser, parsing))                                                                                   \
    V(XML_SetUserData, (XML_Parser parser, void *userData), (parser, userData))                              \
    F(enum XML_Status, XML_StopParser, (XML_Parser parser, XML_Bool resumable), (parser, resumable))

/* Expat 2's soname has been libexpat.so.1 throughout. */
#if XML_MAJOR_VERSION != 2
#error "Expat 2 expected: check the soname below"
#endif
PINHASH_DELAY_LOADED_LIBRARY("xml", "libexpat.so.1", "XML files", EXPAT_FUNCTIONS)

#endif
