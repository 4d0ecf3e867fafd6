/* claim_lock.c: whether a claim on a submission stops the current user (see
 * claim_lock.h). Below scoring, which asks it before every write; claim.c,
 * which takes and gives up claims, is above scoring. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcassess/claim_lock.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

int claim_idle_minutes(struct store *s, int *minutes, struct mc_error *err)
{
	char *v = NULL;
	*minutes = CLAIM_IDLE_DEFAULT;
	if (store_meta_get(s, "claim_idle_minutes", &v, err) != MC_OK)
		return MC_FAIL;
	if (v) {
		char *end;
		long m = strtol(v, &end, 10);
		if (*v && !*end && m > 0 && m <= CLAIM_IDLE_MAX)
			*minutes = (int)m;
		free(v);
	}
	return MC_OK;
}

int claim_expired(const char *seen_at, int minutes)
{
	time_t seen, now = time(NULL);
	if (!seen_at || mc_time_parse(seen_at, &seen) != 0)
		return 1;
	return now - seen >= (time_t)minutes * 60;
}

static int held_by_other(const char *id, const struct store_claim_row *k, int minutes, struct mc_error *err)
{
	return mc_error_set(err, MC_FAIL,
			    "%s is being scored by %s since %s (last active %s); it is free when they leave "
			    "it, or after %d minutes without activity", id, k->user, k->claimed_at,
			    k->seen_at, minutes);
}

int claim_check_rowid(struct store *s, long long rowid, const char *id, struct mc_error *err)
{
	int minutes;
	if (claim_idle_minutes(s, &minutes, err) != MC_OK)
		return MC_FAIL;
	struct store_claim_row k;
	if (store_claim_get(s, rowid, &k, err) != MC_OK)
		return MC_FAIL;
	int rc = MC_OK;
	if (k.user && strcmp(k.user, session_user(s)) != 0 && !claim_expired(k.seen_at, minutes))
		rc = held_by_other(id, &k, minutes, err);
	store_claim_row_free(&k);
	return rc;
}
