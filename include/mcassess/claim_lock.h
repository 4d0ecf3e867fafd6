/* claim_lock.h: whether a claim on a submission stops the current user from
 * writing to it (scoring asks before every write). Taking and giving up
 * claims: claim.h; their SQL: store_claim.h. */
#ifndef MCASSESS_CLAIM_LOCK_H
#define MCASSESS_CLAIM_LOCK_H
#include "mcassess/error.h"
#include "mcassess/store_claim.h"

struct store;

#define CLAIM_IDLE_DEFAULT 30 /* minutes */
#define CLAIM_IDLE_MAX 10080  /* a week */

/* The idle expiry in minutes (meta 'claim_idle_minutes', else the default). */
int claim_idle_minutes(struct store *s, int *minutes, struct mc_error *err);

/* 1 when a claim last seen at `seen_at` has been idle past the expiry. */
int claim_expired(const char *seen_at, int minutes);
/* MC_OK when nobody else holds a live claim on the submission (its rowid and
 * external id); else MC_FAIL with who holds it. */
int claim_check_rowid(struct store *s, long long rowid, const char *id, struct mc_error *err);
#endif
