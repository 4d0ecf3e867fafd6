/* claim_lock.h: whether a claim on a submission stops the current user from
 * writing to it (scoring asks before every write), and the SQL side of claims
 * (store_claim.c). Taking and giving up claims: claim.h. */
#ifndef MCASSESS_CLAIM_LOCK_H
#define MCASSESS_CLAIM_LOCK_H
#include "mcassess/error.h"

struct store;

#define CLAIM_IDLE_DEFAULT 30 /* minutes */

/* The idle expiry in minutes (meta 'claim_idle_minutes', else the default). */
int claim_idle_minutes(struct store *s, int *minutes, struct mc_error *err);

/* 1 when a claim last seen at `seen_at` has been idle past the expiry. */
int claim_expired(const char *seen_at, int minutes);
/* MC_OK when nobody else holds a live claim on the submission (its rowid and
 * external id); else MC_FAIL with who holds it. */
int claim_check_rowid(struct store *s, long long rowid, const char *id, struct mc_error *err);

/* ---------------------------------------------------------------- SQL side (store_claim.c) */
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
/* Calls fn per claim (ext id, user, claimed_at, seen_at), oldest first; `user`
 * non-NULL limits to that user's claims. */
int store_claim_each(struct store *s, const char *user,
		     int (*fn)(void *ctx, long long rowid, const char *id, const char *user,
			       const char *claimed_at, const char *seen_at),
		     void *ctx, struct mc_error *err);
#endif
