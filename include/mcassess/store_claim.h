/* store_claim.h: the SQL behind claims (store_claim.c): one claim row per
 * submission, with its holder and when it was last seen. */
#ifndef MCASSESS_STORE_CLAIM_H
#define MCASSESS_STORE_CLAIM_H
#include "mcassess/error.h"

struct store;

struct store_claim_row {
	long long submission_rowid;
	char *uid, *user, *claimed_at, *seen_at; /* heap; NULL user when there is none */
};
int store_claim_get(struct store *s, long long sub_rowid, struct store_claim_row *out, struct mc_error *err);
void store_claim_row_free(struct store_claim_row *r);
int store_claim_put(struct store *s, long long sub_rowid, const char *uid, const char *user,
		    const char *claimed_at, const char *seen_at, struct mc_error *err);
int store_claim_touch(struct store *s, long long sub_rowid, const char *user, const char *seen_at,
		      int *changed, struct mc_error *err);
int store_claim_del(struct store *s, long long sub_rowid, struct mc_error *err);
/* Calls fn per claim in the store's scope (ext id, user, claimed_at, seen_at),
 * oldest first; `user`
 * non-NULL limits to that user's claims. */
int store_claim_each(struct store *s, const char *user,
		     int (*fn)(void *ctx, long long rowid, const char *id, const char *user,
			       const char *claimed_at, const char *seen_at),
		     void *ctx, struct mc_error *err);
#endif
