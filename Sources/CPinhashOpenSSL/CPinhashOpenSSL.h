#ifndef CPINHASH_OPENSSL_H
#define CPINHASH_OPENSSL_H

/* The one-shot SHA256() is deprecated in OpenSSL 3 but runs the same SHA-NI code without fetching a
 * provider, which keeps start-up for a single certificate well under a millisecond. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#endif
