/* hash.h: SHA-256 (through nettle) as lowercase hex. */
#ifndef MCASSESS_HASH_H
#define MCASSESS_HASH_H
#include <stddef.h>

#define MC_SHA256_HEX 65
void mc_sha256_hex(const void *data, size_t len, char out[MC_SHA256_HEX]);

/* Incremental form for chained or streamed input. */
struct mc_sha256 { _Alignas(16) unsigned char state[128]; };
void mc_sha256_init(struct mc_sha256 *h);
void mc_sha256_update(struct mc_sha256 *h, const void *data, size_t len);
void mc_sha256_final(struct mc_sha256 *h, char out[MC_SHA256_HEX]);

/* Hash a file; 0 ok, -1 with errno. *size receives its length when not NULL. */
int mc_sha256_file(const char *path, char out[MC_SHA256_HEX], long long *size);

/* The SHA-256 (hex) of text's normalised form (hash_norm.c): letters in lower case
 * (ASCII, Latin, Greek, Cyrillic), every run of white space one space, none at the
 * ends. Duplicate evidence is found by it (precheck.c, and store_precheck.c as
 * evidence is written). */
void precheck_norm_sha256(const char *text, size_t len, char out[MC_SHA256_HEX]);
#endif
