/* Reference baseline for `pinhash KEY.pem`: the least a C program on OpenSSL has to do to print a key's
 * SPKI pin. Reads a PEM private key, re-encodes its public half as DER SubjectPublicKeyInfo (i2d_PUBKEY),
 * hashes it with SHA-256 and prints the base64 digest on one line. No option parsing, no error details:
 * it shows how close pinhash's per-invocation cost is to OpenSSL's own floor (process start, library
 * initialisation, PEM decoding, key parsing). Built by Tests/Bench/bench.sh:
 *
 *     gcc -O2 minimal-key.c -o minimal-key -lcrypto
 *     ./minimal-key key.pem
 */
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s KEY.pem\n", argv[0]);
    return 2;
  }
  BIO *in = BIO_new_file(argv[1], "r");
  if (in == NULL) {
    perror(argv[1]);
    return 1;
  }
  EVP_PKEY *pkey = PEM_read_bio_PrivateKey(in, NULL, NULL, NULL);
  BIO_free(in);
  if (pkey == NULL) {
    fprintf(stderr, "%s: no PEM private key\n", argv[1]);
    return 1;
  }
  unsigned char *der = NULL;
  int len = i2d_PUBKEY(pkey, &der);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  if (len <= 0 || !EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL)) {
    fprintf(stderr, "%s: cannot encode or hash the public key\n", argv[1]);
    return 1;
  }
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  EVP_EncodeBlock(b64, md, (int)mdlen);
  puts((char *)b64);
  OPENSSL_free(der);
  EVP_PKEY_free(pkey);
  return 0;
}
