/* jwt.h: the issuer's RSA key and RS256 signatures (RFC 7515/7519) through
 * nettle's hogweed: base64url, the key as a JWK, its RFC 7638 thumbprint as the
 * key id, and compact JWS signing and checking. Randomness comes from
 * getrandom(2) only. */
#ifndef MCASSESS_JWT_H
#define MCASSESS_JWT_H
#include <stddef.h>

#include "mcassess/error.h"

struct jwt_key;

/* Base64url without padding (RFC 4648 §5); heap string. */
char *jwt_b64url(const void *data, size_t len);
/* Decode base64url (no padding, no other characters): heap bytes, *len their
 * count; NULL when `s` is not base64url. */
unsigned char *jwt_b64url_decode(const char *s, size_t *len);

/* A new RSA key of `bits` (2048 to 4096) with e = 65537. */
int jwt_key_generate(unsigned bits, struct jwt_key **out, struct mc_error *err);
/* The key from a private JWK (kty RSA, n e d p q dp dq qi); errors name `where`. */
int jwt_key_from_jwk(const char *json, const char *where, struct jwt_key **out, struct mc_error *err);
/* The private JWK, JSON text on the heap (for the key file). */
char *jwt_key_private_jwk(const struct jwt_key *k);
/* The public JWK: {"kty","n","e","kid","alg":"RS256","use":"sig"}, JSON text on the heap. */
char *jwt_key_public_jwk(const struct jwt_key *k);
/* The RFC 7638 SHA-256 thumbprint, base64url (43 characters). */
const char *jwt_key_id(const struct jwt_key *k);
unsigned jwt_key_bits(const struct jwt_key *k);
void jwt_key_free(struct jwt_key **k);

/* header.payload.signature: RS256 over the two JSON texts as given. Heap. */
char *jwt_sign(const struct jwt_key *k, const char *header_json, const char *payload_json);
/* 1 when `jwt` is header.payload.signature with a valid RS256 signature by k. */
int jwt_verify(const struct jwt_key *k, const char *jwt);
#endif
