#ifndef CPINHASH_OPENSSL_H
#define CPINHASH_OPENSSL_H

/* The RSA codec (d2i_RSAPrivateKey, i2d_RSA_PUBKEY) is deprecated in OpenSSL 3 but skips the provider
 * layer a key decoder would start. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/opensslv.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#endif
