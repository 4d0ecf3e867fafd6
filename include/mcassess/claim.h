/* claim.h: who has a submission open for scoring right now, so that two
 * assessors never score the same submission at once. Opening a submission to
 * score claims it; another user is refused (told who holds it and since when)
 * until the holder leaves it, or until the holder has been idle longer than
 * the idle expiry (meta 'claim_idle_minutes', default 30). Acquiring and
 * releasing are audited ("claim", "release" on "submission:ID"). Every claim
 * row carries a uid and its user. */
#ifndef MCASSESS_CLAIM_H
#define MCASSESS_CLAIM_H
#include "mcassess/claim_lock.h"
#include "mcassess/error.h"

struct store;

/* Set the idle expiry (admins only; 1 .. CLAIM_IDLE_MAX, else MC_USAGE); audited
 * as "config" on "setting:claim_idle_minutes". *changed is 0 when it already had
 * that value. (claim_lock.h reads it.) */
int claim_idle_minutes_set(struct store *s, int minutes, int *changed, struct mc_error *err);

/* Claim submission `id` for the current OS user. Refused (MC_FAIL) when the user
 * may not score it (scoring_may_write's reason) or another user holds a claim
 * that has not expired: "S-1 is being scored by bob since T (last active T2); ...".
 * Holding it already just refreshes it. Taking over an expired claim is audited
 * with the old holder as "before". */
int claim_acquire(struct store *s, const char *id, struct mc_error *err);
/* Mark the current user's claim as still in use (not audited). MC_FAIL when the
 * user no longer holds it (expired and taken by someone else). */
int claim_touch(struct store *s, const char *id, struct mc_error *err);
/* Give the claim up. MC_FAIL when the current user does not hold it, unless the
 * user is an admin (who may release anyone's; the audit row's "after" says by whom). */
int claim_release(struct store *s, const char *id, struct mc_error *err);
/* An admin takes over another person's live claim: their claim is released and
 * the current user's made in one transaction (both audited, as release and
 * claim). Unclaimed: claims it. Refused (MC_FAIL) for anyone but an admin while
 * another person's claim is live, when the user holds it already, or when
 * scoring_may_write refuses. */
int claim_take(struct store *s, const char *id, struct mc_error *err);
/* MC_OK when nobody else holds a live claim on `id` (scoring is free for the
 * current user); else MC_FAIL with who holds it. */
int claim_check(struct store *s, const char *id, struct mc_error *err);

struct claim_info {
	char *submission, *user, *claimed_at, *seen_at;
	int expired;      /* idle longer than the expiry: anyone may take it */
};
/* Every claim on a submission the acting user may see (access.h), oldest first. */
int claim_list(struct store *s, struct claim_info **out, int *n, struct mc_error *err);
void claim_list_free(struct claim_info **list, int n);
#endif
