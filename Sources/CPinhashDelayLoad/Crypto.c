/* libcrypto: key decoding and decryption, PKCS#12, key generation, object names, and (through libssl) TLS.
 * A run that pins a certificate or a plain RSA key calls none of it (SHA-256 is CPinhashSHA256's), so
 * libcrypto is loaded by the first call into it, as libssl is (LibSSL.c).
 *
 * The table is written by .ci/delay-load-table from the functions the Swift code calls (the pinhash,
 * pinhash-reports and fuzz binaries' undefined libcrypto symbols), each with its prototype as clang reads
 * it in CPinhashOpenSSL.h; a function added to the Swift code without a line here fails to link. */
#include "CPinhashDelayLoad.h"

#ifdef PINHASH_DELAY_LOAD

#include "../CPinhashOpenSSL/CPinhashOpenSSL.h"

#define LIBCRYPTO_FUNCTIONS(F, V) \
    F(int, ASN1_INTEGER_get_int64, (int64_t * a0, const ASN1_INTEGER * a1), (a0, a1)) \
    F(int, ASN1_INTEGER_get_uint64, (uint64_t * a0, const ASN1_INTEGER * a1), (a0, a1)) \
    V(ASN1_OBJECT_free, (ASN1_OBJECT * a0), (a0)) \
    F(int, ASN1_STRING_length, (const ASN1_STRING * a0), (a0)) \
    F(void *, ASN1_TYPE_unpack_sequence, (const ASN1_ITEM * a0, const ASN1_TYPE * a1), (a0, a1)) \
    V(BIO_clear_flags, (BIO * a0, int a1), (a0, a1)) \
    F(long, BIO_ctrl, (BIO * a0, int a1, long a2, void * a3), (a0, a1, a2, a3)) \
    F(int, BIO_free, (BIO * a0), (a0)) \
    F(void *, BIO_get_data, (BIO * a0), (a0)) \
    F(int, BIO_get_new_index, (void), ()) \
    F(BIO_METHOD *, BIO_meth_new, (int a0, const char * a1), (a0, a1)) \
    F(int, BIO_meth_set_ctrl, (BIO_METHOD * a0, __typeof__(long (*)(BIO *, int, long, void *)) a1), (a0, a1)) \
    F(int, BIO_meth_set_read, (BIO_METHOD * a0, __typeof__(int (*)(BIO *, char *, int)) a1), (a0, a1)) \
    F(int, BIO_meth_set_write, (BIO_METHOD * a0, __typeof__(int (*)(BIO *, const char *, int)) a1), (a0, a1)) \
    F(BIO *, BIO_new, (const BIO_METHOD * a0), (a0)) \
    F(BIO *, BIO_new_mem_buf, (const void * a0, int a1), (a0, a1)) \
    F(const BIO_METHOD *, BIO_s_mem, (void), ()) \
    V(BIO_set_data, (BIO * a0, void * a1), (a0, a1)) \
    V(BIO_set_flags, (BIO * a0, int a1), (a0, a1)) \
    V(BIO_set_init, (BIO * a0, int a1), (a0, a1)) \
    V(CRYPTO_free, (void * a0, const char * a1, int a2), (a0, a1, a2)) \
    F(const char *, EC_curve_nid2nist, (int a0), (a0)) \
    V(ERR_clear_error, (void), ()) \
    V(ERR_error_string_n, (unsigned long a0, char * a1, size_t a2), (a0, a1, a2)) \
    F(unsigned long, ERR_get_error, (void), ()) \
    F(unsigned long, ERR_peek_last_error, (void), ()) \
    F(const char *, ERR_reason_error_string, (unsigned long a0), (a0)) \
    F(int, EVP_CIPHER_get_iv_length, (const EVP_CIPHER * a0), (a0)) \
    F(int, EVP_CIPHER_get_key_length, (const EVP_CIPHER * a0), (a0)) \
    F(EVP_KEYMGMT *, EVP_KEYMGMT_fetch, (OSSL_LIB_CTX * a0, const char * a1, const char * a2), (a0, a1, a2)) \
    V(EVP_KEYMGMT_free, (EVP_KEYMGMT * a0), (a0)) \
    F(int, EVP_MD_get_size, (const EVP_MD * a0), (a0)) \
    F(int, EVP_PBE_find, (int a0, int a1, int * a2, int * a3, EVP_PBE_KEYGEN ** a4), (a0, a1, a2, a3, a4)) \
    F(int, EVP_PBE_scrypt, (const char * a0, size_t a1, const unsigned char * a2, size_t a3, uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7, unsigned char * a8, size_t a9), (a0, a1, a2, a3, a4, a5, a6, a7, a8, a9)) \
    F(EVP_PKEY *, EVP_PKCS82PKEY, (const PKCS8_PRIV_KEY_INFO * a0), (a0)) \
    V(EVP_PKEY_CTX_free, (EVP_PKEY_CTX * a0), (a0)) \
    F(EVP_PKEY_CTX *, EVP_PKEY_CTX_new_from_name, (OSSL_LIB_CTX * a0, const char * a1, const char * a2), (a0, a1, a2)) \
    F(int, EVP_PKEY_CTX_set_group_name, (EVP_PKEY_CTX * a0, const char * a1), (a0, a1)) \
    F(int, EVP_PKEY_CTX_set_rsa_keygen_bits, (EVP_PKEY_CTX * a0, int a1), (a0, a1)) \
    F(const EVP_PKEY_ASN1_METHOD *, EVP_PKEY_asn1_find, (ENGINE ** a0, int a1), (a0, a1)) \
    V(EVP_PKEY_free, (EVP_PKEY * a0), (a0)) \
    F(int, EVP_PKEY_generate, (EVP_PKEY_CTX * a0, EVP_PKEY ** a1), (a0, a1)) \
    F(const char *, EVP_PKEY_get0_type_name, (const EVP_PKEY * a0), (a0)) \
    F(int, EVP_PKEY_get_bits, (const EVP_PKEY * a0), (a0)) \
    F(int, EVP_PKEY_get_utf8_string_param, (const EVP_PKEY * a0, const char * a1, char * a2, size_t a3, size_t * a4), (a0, a1, a2, a3, a4)) \
    F(int, EVP_PKEY_keygen_init, (EVP_PKEY_CTX * a0), (a0)) \
    F(const EVP_CIPHER *, EVP_aes_256_cbc, (void), ()) \
    F(const EVP_CIPHER *, EVP_get_cipherbyname, (const char * a0), (a0)) \
    F(const EVP_MD *, EVP_get_digestbyname, (const char * a0), (a0)) \
    F(const EVP_MD *, EVP_sha256, (void), ()) \
    F(const char *, OBJ_nid2ln, (int a0), (a0)) \
    F(const char *, OBJ_nid2sn, (int a0), (a0)) \
    F(int, OBJ_obj2nid, (const ASN1_OBJECT * a0), (a0)) \
    F(int, OBJ_obj2txt, (char * a0, int a1, const ASN1_OBJECT * a2, int a3), (a0, a1, a2, a3)) \
    F(int, OBJ_sn2nid, (const char * a0), (a0)) \
    F(ASN1_OBJECT *, OBJ_txt2obj, (const char * a0, int a1), (a0, a1)) \
    F(int, OPENSSL_init_crypto, (uint64_t a0, const OPENSSL_INIT_SETTINGS * a1), (a0, a1)) \
    F(int, OPENSSL_sk_num, (const OPENSSL_STACK * a0), (a0)) \
    V(OPENSSL_sk_pop_free, (OPENSSL_STACK * a0, __typeof__(void (*)(void *)) a1), (a0, a1)) \
    F(void *, OPENSSL_sk_value, (const OPENSSL_STACK * a0, int a1), (a0, a1)) \
    V(OSSL_DECODER_CTX_free, (OSSL_DECODER_CTX * a0), (a0)) \
    F(OSSL_DECODER_CTX *, OSSL_DECODER_CTX_new_for_pkey, (EVP_PKEY ** a0, const char * a1, const char * a2, const char * a3, int a4, OSSL_LIB_CTX * a5, const char * a6), (a0, a1, a2, a3, a4, a5, a6)) \
    F(int, OSSL_DECODER_from_data, (OSSL_DECODER_CTX * a0, const unsigned char ** a1, size_t * a2), (a0, a1, a2)) \
    F(OSSL_PROVIDER *, OSSL_PROVIDER_load, (OSSL_LIB_CTX * a0, const char * a1), (a0, a1)) \
    V(PBE2PARAM_free, (PBE2PARAM * a0), (a0)) \
    F(const ASN1_ITEM *, PBE2PARAM_it, (void), ()) \
    V(PBEPARAM_free, (PBEPARAM * a0), (a0)) \
    F(const ASN1_ITEM *, PBEPARAM_it, (void), ()) \
    V(PBKDF2PARAM_free, (PBKDF2PARAM * a0), (a0)) \
    F(const ASN1_ITEM *, PBKDF2PARAM_it, (void), ()) \
    F(EVP_PKEY *, PEM_read_bio_PrivateKey, (BIO * a0, EVP_PKEY ** a1, pem_password_cb * a2, void * a3), (a0, a1, a2, a3)) \
    F(X509 *, PEM_read_bio_X509_AUX, (BIO * a0, X509 ** a1, pem_password_cb * a2, void * a3), (a0, a1, a2, a3)) \
    F(int, PEM_write_bio_PKCS8PrivateKey, (BIO * a0, const EVP_PKEY * a1, const EVP_CIPHER * a2, const char * a3, int a4, pem_password_cb * a5, void * a6), (a0, a1, a2, a3, a4, a5, a6)) \
    F(int, PEM_write_bio_X509_REQ, (BIO * a0, const X509_REQ * a1), (a0, a1)) \
    V(PKCS12_SAFEBAG_free, (PKCS12_SAFEBAG * a0), (a0)) \
    F(const PKCS8_PRIV_KEY_INFO *, PKCS12_SAFEBAG_get0_p8inf, (const PKCS12_SAFEBAG * a0), (a0)) \
    F(const X509_SIG *, PKCS12_SAFEBAG_get0_pkcs8, (const PKCS12_SAFEBAG * a0), (a0)) \
    F(X509 *, PKCS12_SAFEBAG_get1_cert, (const PKCS12_SAFEBAG * a0), (a0)) \
    F(int, PKCS12_SAFEBAG_get_bag_nid, (const PKCS12_SAFEBAG * a0), (a0)) \
    F(int, PKCS12_SAFEBAG_get_nid, (const PKCS12_SAFEBAG * a0), (a0)) \
    F(PKCS8_PRIV_KEY_INFO *, PKCS12_decrypt_skey, (const PKCS12_SAFEBAG * a0, const char * a1, int a2), (a0, a1, a2)) \
    V(PKCS12_free, (PKCS12 * a0), (a0)) \
    V(PKCS12_get0_mac, (const ASN1_OCTET_STRING ** a0, const X509_ALGOR ** a1, const ASN1_OCTET_STRING ** a2, const ASN1_INTEGER ** a3, const PKCS12 * a4), (a0, a1, a2, a3, a4)) \
    F(int, PKCS12_mac_present, (const PKCS12 * a0), (a0)) \
    F(struct stack_st_PKCS7 *, PKCS12_unpack_authsafes, (const PKCS12 * a0), (a0)) \
    F(struct stack_st_PKCS12_SAFEBAG *, PKCS12_unpack_p7data, (PKCS7 * a0), (a0)) \
    F(struct stack_st_PKCS12_SAFEBAG *, PKCS12_unpack_p7encdata, (PKCS7 * a0, const char * a1, int a2), (a0, a1, a2)) \
    F(int, PKCS12_verify_mac, (PKCS12 * a0, const char * a1, int a2), (a0, a1, a2)) \
    V(PKCS7_free, (PKCS7 * a0), (a0)) \
    V(PKCS8_PRIV_KEY_INFO_free, (PKCS8_PRIV_KEY_INFO * a0), (a0)) \
    F(PKCS8_PRIV_KEY_INFO *, PKCS8_decrypt, (const X509_SIG * a0, const char * a1, int a2), (a0, a1, a2)) \
    F(int, PKCS8_pkey_get0, (const ASN1_OBJECT ** a0, const unsigned char ** a1, int * a2, const X509_ALGOR ** a3, const PKCS8_PRIV_KEY_INFO * a4), (a0, a1, a2, a3, a4)) \
    V(RSA_free, (RSA * a0), (a0)) \
    V(SCRYPT_PARAMS_free, (SCRYPT_PARAMS * a0), (a0)) \
    F(const ASN1_ITEM *, SCRYPT_PARAMS_it, (void), ()) \
    V(X509_ALGOR_free, (X509_ALGOR * a0), (a0)) \
    F(int, X509_NAME_add_entry_by_txt, (X509_NAME * a0, const char * a1, int a2, const unsigned char * a3, int a4, int a5, int a6), (a0, a1, a2, a3, a4, a5, a6)) \
    V(X509_NAME_free, (X509_NAME * a0), (a0)) \
    F(unsigned long, X509_NAME_hash_ex, (const X509_NAME * a0, OSSL_LIB_CTX * a1, const char * a2, int * a3), (a0, a1, a2, a3)) \
    F(X509_NAME *, X509_NAME_new, (void), ()) \
    V(X509_REQ_free, (X509_REQ * a0), (a0)) \
    F(X509_REQ *, X509_REQ_new, (void), ()) \
    F(int, X509_REQ_set_pubkey, (X509_REQ * a0, EVP_PKEY * a1), (a0, a1)) \
    F(int, X509_REQ_set_subject_name, (X509_REQ * a0, const X509_NAME * a1), (a0, a1)) \
    F(int, X509_REQ_set_version, (X509_REQ * a0, long a1), (a0, a1)) \
    F(int, X509_REQ_sign, (X509_REQ * a0, EVP_PKEY * a1, const EVP_MD * a2), (a0, a1, a2)) \
    V(X509_SIG_free, (X509_SIG * a0), (a0)) \
    V(X509_SIG_get0, (const X509_SIG * a0, const X509_ALGOR ** a1, const ASN1_OCTET_STRING ** a2), (a0, a1, a2)) \
    F(int, X509_STORE_add_cert, (X509_STORE * a0, X509 * a1), (a0, a1)) \
    F(int, X509_VERIFY_PARAM_set1_ip_asc, (X509_VERIFY_PARAM * a0, const char * a1), (a0, a1)) \
    V(X509_free, (X509 * a0), (a0)) \
    F(X509_PUBKEY *, X509_get_X509_PUBKEY, (const X509 * a0), (a0)) \
    F(const char *, X509_get_default_cert_dir, (void), ()) \
    F(const char *, X509_get_default_cert_dir_env, (void), ()) \
    F(const char *, X509_get_default_cert_file, (void), ()) \
    F(const char *, X509_get_default_cert_file_env, (void), ()) \
    F(const char *, X509_verify_cert_error_string, (long a0), (a0)) \
    F(ASN1_OBJECT *, d2i_ASN1_OBJECT, (ASN1_OBJECT ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(EVP_PKEY *, d2i_AutoPrivateKey, (EVP_PKEY ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(PKCS12 *, d2i_PKCS12, (PKCS12 ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(EVP_PKEY *, d2i_PUBKEY, (EVP_PKEY ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(EVP_PKEY *, d2i_PrivateKey, (int a0, EVP_PKEY ** a1, const unsigned char ** a2, long a3), (a0, a1, a2, a3)) \
    F(RSA *, d2i_RSAPrivateKey, (RSA ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(X509 *, d2i_X509, (X509 ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(X509_ALGOR *, d2i_X509_ALGOR, (X509_ALGOR ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(X509_NAME *, d2i_X509_NAME, (X509_NAME ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(X509_SIG *, d2i_X509_SIG, (X509_SIG ** a0, const unsigned char ** a1, long a2), (a0, a1, a2)) \
    F(int, i2d_PUBKEY, (const EVP_PKEY * a0, unsigned char ** a1), (a0, a1)) \
    F(int, i2d_RSA_PUBKEY, (const RSA * a0, unsigned char ** a1), (a0, a1)) \
    F(int, i2d_X509, (const X509 * a0, unsigned char ** a1), (a0, a1)) \
    F(int, i2d_X509_ALGOR, (const X509_ALGOR * a0, unsigned char ** a1), (a0, a1)) \
    F(int, i2d_X509_PUBKEY, (const X509_PUBKEY * a0, unsigned char ** a1), (a0, a1))

/* The soname these headers' libcrypto has (libcrypto.so.3 for OpenSSL 3), as linking with -lcrypto would
 * record. */
PINHASH_DELAY_LOADED_LIBRARY("crypto", "libcrypto.so." PINHASH_STRING(OPENSSL_SHLIB_VERSION),
    "keys, PKCS#12 files and TLS", LIBCRYPTO_FUNCTIONS)

#endif
