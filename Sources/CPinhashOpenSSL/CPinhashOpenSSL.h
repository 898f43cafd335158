#ifndef CPINHASH_OPENSSL_H
#define CPINHASH_OPENSSL_H

/* SHA256_Init/Update/Final are deprecated in OpenSSL 3 but run the same SHA-NI code without fetching
 * a provider (as EVP_Digest and even the one-shot SHA256() do on every call): about 20,000 fewer
 * instructions a certificate, and no provider start-up for a single one. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#endif
