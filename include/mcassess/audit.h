/* audit.h: the append-only, hash-chained audit log. Every write in core adds a
 * row inside its own transaction: who, when, what, before and after. */
#ifndef MCASSESS_AUDIT_H
#define MCASSESS_AUDIT_H
#include <stdint.h>

#include "mcassess/error.h"
#include "mcassess/hash.h"
#include "mcassess/store_audit.h"

struct store;

/* Append a row as the current OS user, now. `subject` names what changed
 * ("submission:HX-101", "credential:TEAM-QUES"); before/after are JSON or NULL.
 * Must be called inside store_begin/store_commit. */
int audit_append(struct store *s, const char *action, const char *subject, const char *before,
		 const char *after, struct mc_error *err);
/* A before/after image: the compact text (keys sorted) of j, which it takes, on
 * our heap. Out of memory aborts. */
struct json_t;
char *audit_json(struct json_t *j);

/* Append a row written elsewhere (a review packet merged back): its uid, time,
 * actor, action, subject, before and after as given; seq and prev_hash are this
 * chain's next. hash_out (may be NULL) gets the new row's hash. */
int audit_append_row(struct store *s, const struct audit_row *r, char hash_out[MC_SHA256_HEX],
		     struct mc_error *err);

/* A chain written row after row by a bulk writer (demo: each row with its own
 * actor and time; no archive event), inside its transaction: open reads the last
 * row; add fills r's seq, prev_hash and hash (pointing into c, valid until the
 * next add) and inserts it; close records the head in meta (before each commit). */
struct audit_chain {
	long long seq;
	char head[MC_SHA256_HEX], row_prev[MC_SHA256_HEX], row_hash[MC_SHA256_HEX];
};
int audit_chain_open(struct store *s, struct audit_chain *c, struct mc_error *err);
int audit_chain_add(struct store *s, struct audit_chain *c, struct audit_row *r, struct mc_error *err);
int audit_chain_close(struct store *s, const struct audit_chain *c, struct mc_error *err);

/* The hash a row must carry, from its fields and prev_hash. */
void audit_row_hash(const struct audit_row *r, char out[MC_SHA256_HEX]);

/* Walk the chain: every row's hash recomputed, each prev_hash equal to the
 * previous row's hash, no gaps in seq, and the head recorded in meta equal to
 * the last row (so a deleted newest row shows). Each problem goes to report();
 * *problems counts them. Returns MC_OK unless the walk itself failed. */
int audit_verify(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx,
		 long *problems, struct mc_error *err);
/* The same from row `seq` on (0: from the start), that row being the one whose
 * hash was `hash` when last verified (check --since-last). */
int audit_verify_from(struct store *s, long long seq, const char *hash,
		      void (*report)(void *ctx, const char *problem), void *ctx, long *problems,
		      struct mc_error *err);

/* The chain's check in any order of the rows (check reads the log once, by
 * subject, for the records and the chain both). Every row's own hash is
 * recomputed, and each link (row k's prev_hash is row k-1's hash) is checked
 * through a sum that does not depend on the order: the rows' (seq, prev_hash)
 * and (seq + 1, hash), each hash read as a 256-bit number times an odd number
 * drawn from its seq, added in and taken out modulo 2^256. When row 1 follows
 * nothing, row N (the head in meta) has the head's hash, there are N rows and
 * the sum is 0, the rows' seqs are 1 to N and each follows the one before it:
 * audit_verify would find nothing. When it does not hold, audit_verify walks
 * the chain in seq order for its messages. A sum of 0 by chance is a 2^-256
 * event; forging one takes what forging the chain takes (the chain has no
 * secret: whoever can edit the log can recompute every hash). */
struct audit_sum {
	uint32_t v[8]; /* the sum, 32 bits a limb, least significant first */
	long long rows, head_seq;
	char head_hash[MC_SHA256_HEX];
	int broken, first_seen, head_seen;
};
/* The head from meta (inside the walk's read transaction). */
int audit_sum_start(struct store *s, struct audit_sum *sum, struct mc_error *err);
void audit_sum_row(struct audit_sum *sum, const struct audit_row *r);
/* A hash (64 lowercase hex digits) as 8 32-bit limbs, least significant first; 0
 * if it is not such a hash. */
int audit_hash_limbs(const char *hex, uint32_t x[8]);
/* Non-zero: the chain is whole (audit_verify would report nothing). */
int audit_sum_holds(const struct audit_sum *sum);

/* A row's JSON (before or after), for the fields check compares with the
 * records. What mcassess writes (an object of strings, nulls and booleans,
 * each key once, printable ASCII with no escapes) is read in place; anything
 * else by jansson, whose reading this gives in every case. */
#define AUDIT_JSON_KEYS 16
struct audit_json {
	char *buf; /* the text, each string ended in place */
	size_t cap;
	int n;
	const char *key[AUDIT_JSON_KEYS], *val[AUDIT_JSON_KEYS]; /* val NULL: not a string */
	struct json_t *j; /* jansson's reading, when not read in place */
};
/* Non-zero when text is a JSON object. */
int audit_json_load(struct audit_json *a, const char *text);
/* The member named key: its string, or NULL (absent, or not a string);
 * *present (if given) whether there is such a member. */
const char *audit_json_get(const struct audit_json *a, const char *key, int *present);
/* The last text's, and the buffer. */
void audit_json_free(struct audit_json *a);
#endif
