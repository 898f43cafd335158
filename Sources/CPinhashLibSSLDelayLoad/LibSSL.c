/* libssl, for the TLS client of PinHashLive (its OpenSSL/ folder); libcrypto is delay-loaded too
 * (CPinhashDelayLoad/Crypto.c), and is libssl's own dependency. */
#include "CPinhashDelayLoad.h"

#ifdef PINHASH_DELAY_LOAD

#include <openssl/opensslv.h>
#include <openssl/ssl.h>

#define LIBSSL_FUNCTIONS(F, V)                                                                               \
    F(const char *, SSL_CIPHER_get_name, (const SSL_CIPHER *c), (c))                                         \
    F(int, SSL_CTX_dane_enable, (SSL_CTX *ctx), (ctx))                                                       \
    V(SSL_CTX_free, (SSL_CTX *ctx), (ctx))                                                                   \
    F(X509_STORE *, SSL_CTX_get_cert_store, (const SSL_CTX *ctx), (ctx))                                     \
    F(int, SSL_CTX_load_verify_dir, (SSL_CTX *ctx, const char *CApath), (ctx, CApath))                       \
    F(int, SSL_CTX_load_verify_file, (SSL_CTX *ctx, const char *CAfile), (ctx, CAfile))                      \
    F(SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *meth), (meth))                                              \
    V(SSL_CTX_set_verify, (SSL_CTX *ctx, int mode, SSL_verify_cb callback), (ctx, mode, callback))           \
    F(int, SSL_connect, (SSL *ssl), (ssl))                                                                   \
    F(long, SSL_ctrl, (SSL *ssl, int cmd, long larg, void *parg), (ssl, cmd, larg, parg))                    \
    F(int, SSL_dane_enable, (SSL *s, const char *basedomain), (s, basedomain))                               \
    F(unsigned long, SSL_dane_set_flags, (SSL *ssl, unsigned long flags), (ssl, flags))                      \
    F(int, SSL_dane_tlsa_add,                                                                                \
        (SSL *s, uint8_t usage, uint8_t selector, uint8_t mtype, const unsigned char *data, size_t dlen),    \
        (s, usage, selector, mtype, data, dlen))                                                             \
    V(SSL_free, (SSL *ssl), (ssl))                                                                           \
    F(int, SSL_get0_dane_tlsa,                                                                               \
        (SSL *s, uint8_t *usage, uint8_t *selector, uint8_t *mtype, const unsigned char **data,             \
            size_t *dlen),                                                                                   \
        (s, usage, selector, mtype, data, dlen))                                                             \
    F(X509_VERIFY_PARAM *, SSL_get0_param, (SSL *ssl), (ssl))                                                \
    F(STACK_OF(X509) *, SSL_get0_verified_chain, (const SSL *s), (s))                                        \
    F(const SSL_CIPHER *, SSL_get_current_cipher, (const SSL *s), (s))                                       \
    F(int, SSL_get_error, (const SSL *s, int ret_code), (s, ret_code))                                       \
    F(STACK_OF(X509) *, SSL_get_peer_cert_chain, (const SSL *s), (s))                                        \
    F(long, SSL_get_verify_result, (const SSL *ssl), (ssl))                                                  \
    F(const char *, SSL_get_version, (const SSL *s), (s))                                                    \
    F(SSL *, SSL_new, (SSL_CTX *ctx), (ctx))                                                                 \
    F(int, SSL_read, (SSL *ssl, void *buf, int num), (ssl, buf, num))                                        \
    F(int, SSL_set1_host, (SSL *s, const char *hostname), (s, hostname))                                     \
    V(SSL_set_bio, (SSL *s, BIO *rbio, BIO *wbio), (s, rbio, wbio))                                          \
    V(SSL_set_hostflags, (SSL *s, unsigned int flags), (s, flags))                                           \
    F(int, SSL_shutdown, (SSL *s), (s))                                                                      \
    F(int, SSL_write, (SSL *ssl, const void *buf, int num), (ssl, buf, num))                                 \
    F(const SSL_METHOD *, TLS_client_method, (void), ())

/* The soname these headers' libssl has (libssl.so.3 for OpenSSL 3), as linking with -lssl would record. */
PINHASH_DELAY_LOADED_LIBRARY("tls", "libssl.so." PINHASH_STRING(OPENSSL_SHLIB_VERSION), "TLS connections",
    LIBSSL_FUNCTIONS)

#endif
