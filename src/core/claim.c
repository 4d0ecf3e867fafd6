/* claim.c: claims on submissions (see claim.h). A claim lives while its holder
 * is active: seen_at is refreshed by claim_touch, and a claim idle longer than
 * the expiry may be taken by anyone. Acquire and release are audited. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/access.h"
#include "mcassess/audit.h"
#include "mcassess/claim.h"
#include "mcassess/people.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

static int idle_set_in_tx(struct store *s, int minutes, int *changed, struct mc_error *err)
{
	int was;
	int rc = people_require(s, ROLE_ADMIN, "setting how long an idle claim lasts", err);
	if (rc == MC_OK)
		rc = claim_idle_minutes(s, &was, err);
	if (rc != MC_OK || was == minutes)
		return rc;
	char value[16], before[32], after[32];
	snprintf(value, sizeof value, "%d", minutes);
	snprintf(before, sizeof before, "{\"value\":%d}", was);
	snprintf(after, sizeof after, "{\"value\":%d}", minutes);
	rc = store_meta_set(s, "claim_idle_minutes", value, err);
	if (rc == MC_OK)
		rc = audit_append(s, "config", "setting:claim_idle_minutes", before, after, err);
	if (rc == MC_OK)
		*changed = 1;
	return rc;
}

int claim_idle_minutes_set(struct store *s, int minutes, int *changed, struct mc_error *err)
{
	*changed = 0;
	if (minutes < 1 || minutes > CLAIM_IDLE_MAX)
		return mc_error_set(err, MC_USAGE, "claim-idle-minutes is a whole number of minutes from 1 to %d, "
				    "not %d", CLAIM_IDLE_MAX, minutes);
	if (store_begin(s, err) != MC_OK)
		return MC_FAIL;
	int rc = idle_set_in_tx(s, minutes, changed, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*changed = 0;
	}
	return rc;
}

static char *claim_json(const char *user, const char *claimed_at)
{
	return audit_json(json_pack("{s:s, s:s}", "user", user, "claimed_at", claimed_at));
}

static int find_sub(struct store *s, const char *id, long long *rowid, struct mc_error *err)
{
	return scoring_find(s, id, rowid, err);
}

static int acquire_in_tx(struct store *s, const char *id, struct mc_error *err)
{
	long long rowid;
	if (find_sub(s, id, &rowid, err) != MC_OK)
		return MC_FAIL;
	int minutes;
	if (claim_idle_minutes(s, &minutes, err) != MC_OK)
		return MC_FAIL;
	struct store_claim_row k;
	if (store_claim_get(s, rowid, &k, err) != MC_OK)
		return MC_FAIL;
	const char *me = session_user(s);
	char at[MC_TIME_LEN], uid[MC_UUID_LEN];
	mc_now(at);
	int rc;
	if (k.user && strcmp(k.user, me) == 0) {
		int changed;
		rc = store_claim_touch(s, rowid, me, at, &changed, err);
	} else if (k.user && !claim_expired(k.seen_at, minutes)) {
		rc = claim_check_rowid(s, rowid, id, err); /* refused: says who holds it */
	} else {
		rc = mc_uuid(uid, err);
		if (rc == MC_OK)
			rc = store_claim_put(s, rowid, uid, me, at, at, err);
		if (rc == MC_OK) {
			char *subject = mc_xasprintf("submission:%s", id);
			char *before = k.user ? claim_json(k.user, k.claimed_at) : NULL;
			char *after = claim_json(me, at);
			rc = audit_append(s, "claim", subject, before, after, err);
			free(subject);
			free(before);
			free(after);
		}
	}
	store_claim_row_free(&k);
	return rc;
}

int claim_acquire(struct store *s, const char *id, struct mc_error *err)
{
	if (scoring_may_write(s, id, err) != MC_OK)
		return MC_FAIL;
	if (store_begin(s, err) != MC_OK)
		return MC_FAIL;
	int rc = acquire_in_tx(s, id, err);
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

int claim_touch(struct store *s, const char *id, struct mc_error *err)
{
	long long rowid;
	if (find_sub(s, id, &rowid, err) != MC_OK)
		return MC_FAIL;
	char at[MC_TIME_LEN];
	mc_now(at);
	int changed = 0;
	if (store_begin(s, err) != MC_OK)
		return MC_FAIL;
	if (store_claim_touch(s, rowid, session_user(s), at, &changed, err) != MC_OK) {
		store_rollback(s);
		return MC_FAIL;
	}
	if (store_commit(s, err) != MC_OK)
		return MC_FAIL;
	return changed ? MC_OK
		       : mc_error_set(err, MC_FAIL, "your claim on %s has lapsed (someone else may hold "
				      "it now); open it again to claim it", id);
}

static int release_in_tx(struct store *s, const char *id, long long rowid, struct mc_error *err)
{
	struct store_claim_row k;
	if (store_claim_get(s, rowid, &k, err) != MC_OK)
		return MC_FAIL;
	const char *me = session_user(s);
	const struct mc_session *sess = session_of(s);
	enum people_role role = sess ? sess->actor.role : ROLE_NONE; /* read once, by the session */
	int rc = MC_OK, other = k.user && strcmp(k.user, me) != 0;
	if (!k.user)
		rc = mc_error_set(err, MC_FAIL, "%s is not claimed by anyone", id);
	else if (other && role != ROLE_ADMIN)
		rc = mc_error_set(err, MC_FAIL, "%s is claimed by %s, not by you (%s); only they or an "
				  "admin can release it, or it lapses when they are idle", id, k.user, me);
	else
		rc = store_claim_del(s, rowid, err);
	if (rc == MC_OK) {
		char *subject = mc_xasprintf("submission:%s", id);
		char *before = claim_json(k.user, k.claimed_at);
		/* An admin releasing another's claim is on record as such. */
		char *after = other ? audit_json(json_pack("{s:s}", "released_by", me)) : NULL;
		rc = audit_append(s, "release", subject, before, after, err);
		free(after);
		free(subject);
		free(before);
	}
	store_claim_row_free(&k);
	return rc;
}

int claim_release(struct store *s, const char *id, struct mc_error *err)
{
	long long rowid;
	if (find_sub(s, id, &rowid, err) != MC_OK)
		return MC_FAIL;
	if (store_begin(s, err) != MC_OK)
		return MC_FAIL;
	int rc = release_in_tx(s, id, rowid, err);
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

/* Release another person's claim and claim it, in one transaction: nobody can
 * slip in between, and a refusal (not an admin, decided) leaves both as they were. */
static int take_in_tx(struct store *s, const char *id, long long rowid, struct mc_error *err)
{
	struct store_claim_row k;
	if (store_claim_get(s, rowid, &k, err) != MC_OK)
		return MC_FAIL;
	int rc = MC_OK;
	if (k.user && strcmp(k.user, session_user(s)) == 0)
		rc = mc_error_set(err, MC_FAIL, "you hold %s already", id);
	else if (k.user)
		rc = release_in_tx(s, id, rowid, err); /* refuses anyone but an admin */
	store_claim_row_free(&k);
	if (rc == MC_OK) /* with the other claim gone, may this user score it at all? */
		rc = scoring_may_write(s, id, err);
	return rc == MC_OK ? acquire_in_tx(s, id, err) : rc;
}

int claim_take(struct store *s, const char *id, struct mc_error *err)
{
	long long rowid;
	if (find_sub(s, id, &rowid, err) != MC_OK || store_begin(s, err) != MC_OK)
		return MC_FAIL;
	int rc = take_in_tx(s, id, rowid, err);
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

int claim_check(struct store *s, const char *id, struct mc_error *err)
{
	long long rowid;
	if (find_sub(s, id, &rowid, err) != MC_OK)
		return MC_FAIL;
	return claim_check_rowid(s, rowid, id, err);
}

struct list_ctx {
	struct claim_info *l;
	int n, minutes;
};

static int list_one(void *ctx, long long rowid, const char *id, const char *user, const char *claimed_at,
		    const char *seen_at)
{
	(void)rowid;
	struct list_ctx *c = ctx;
	c->l = mc_xrealloc(c->l, (size_t)(c->n + 1) * sizeof *c->l);
	c->l[c->n++] = (struct claim_info){ mc_xstrdup(id), mc_xstrdup(user), mc_xstrdup(claimed_at),
					    mc_xstrdup(seen_at), claim_expired(seen_at, c->minutes) };
	return 0;
}

int claim_list(struct store *s, struct claim_info **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	struct list_ctx c = { NULL, 0, CLAIM_IDLE_DEFAULT };
	if (access_refresh(s, err) != MC_OK || claim_idle_minutes(s, &c.minutes, err) != MC_OK)
		return MC_FAIL;
	if (store_claim_each(s, NULL, list_one, &c, err) != MC_OK) {
		claim_list_free(&c.l, c.n);
		return MC_FAIL;
	}
	*out = c.l;
	*n = c.n;
	return MC_OK;
}

void claim_list_free(struct claim_info **list, int n)
{
	if (!*list)
		return;
	for (int i = 0; i < n; i++) {
		free((*list)[i].submission);
		free((*list)[i].user);
		free((*list)[i].claimed_at);
		free((*list)[i].seen_at);
	}
	free(*list);
	*list = NULL;
}
