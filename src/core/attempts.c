/* attempts.c: the attempt limit and the attempts an admin grants beyond it
 * (see attempts.h). The setting and each grant are audited. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/attempts.h"
#include "mcassess/audit.h"
#include "mcassess/people.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_attempts.h"
#include "mcassess/util.h"

static const char META_LIMIT[] = "attempt_limit";

int attempts_limit(struct store *s, int *limit, struct mc_error *err)
{
	char *v = NULL;
	*limit = ATTEMPTS_DEFAULT;
	int rc = store_meta_get(s, META_LIMIT, &v, err);
	if (rc == MC_OK && v && atoi(v) >= 1)
		*limit = atoi(v);
	free(v);
	return rc;
}

static int limit_set_in_tx(struct store *s, int limit, int *changed, struct mc_error *err)
{
	int was;
	int rc = people_require(s, ROLE_ADMIN, "setting the attempt limit", err);
	if (rc == MC_OK)
		rc = attempts_limit(s, &was, err);
	if (rc != MC_OK || was == limit)
		return rc;
	char value[16], before[32], after[32];
	snprintf(value, sizeof value, "%d", limit);
	snprintf(before, sizeof before, "{\"value\":%d}", was);
	snprintf(after, sizeof after, "{\"value\":%d}", limit);
	rc = store_meta_set(s, META_LIMIT, value, err);
	if (rc == MC_OK)
		rc = audit_append(s, "config", "setting:attempt_limit", before, after, err);
	*changed = rc == MC_OK;
	return rc;
}

struct limit_arg {
	int limit;
	int *changed;
};

static int limit_fn(struct store *s, void *arg, struct mc_error *err)
{
	const struct limit_arg *a = arg;
	return limit_set_in_tx(s, a->limit, a->changed, err);
}

int attempts_limit_set(struct store *s, int limit, int *changed, struct mc_error *err)
{
	*changed = 0;
	if (limit < 1 || limit > ATTEMPTS_MAX)
		return mc_error_set(err, MC_USAGE, "attempts is a whole number from 1 to %d, not %d", ATTEMPTS_MAX,
				    limit);
	int rc = store_transact(s, limit_fn, &(struct limit_arg){ limit, changed }, err);
	if (rc != MC_OK)
		*changed = 0;
	return rc;
}

struct grant_arg {
	const char *educator, *credential, *reason;
};

static int grant_fn(struct store *s, void *arg, struct mc_error *err)
{
	const struct grant_arg *a = arg;
	long long edu, cred;
	int rc = people_require(s, ROLE_ADMIN, "granting another attempt", err);
	if (rc == MC_OK)
		rc = store_attempts_ids(s, a->educator, a->credential, &edu, &cred, err);
	if (rc != MC_OK)
		return rc;
	if (!edu)
		return mc_error_set(err, MC_INVALID, "no educator '%s' (the id from the submission platform, "
				    "as in 'mcassess show ID')", a->educator);
	if (!cred)
		return mc_error_set(err, MC_INVALID, "no credential '%s' (see 'mcassess catalog list')",
				    a->credential);
	char uid[MC_UUID_LEN], now[MC_TIME_LEN];
	mc_now(now);
	if (mc_uuid(uid, err) != MC_OK)
		return MC_FAIL;
	rc = store_attempts_grant_put(s, uid, edu, cred, session_user(s), a->reason, now, err);
	if (rc != MC_OK)
		return rc;
	json_t *j = json_pack("{s:s, s:s, s:s, s:s}", "educator", a->educator, "credential", a->credential,
			      "granted_by", session_user(s), "reason", a->reason);
	char *after = audit_json(j);
	char *subject = mc_xasprintf("educator:%s", a->educator);
	rc = audit_append(s, "attempt-grant", subject, NULL, after, err);
	free(subject);
	free(after);
	return rc;
}

int attempts_grant(struct store *s, const char *educator, const char *credential, const char *reason,
		   struct mc_error *err)
{
	int rc = scoring_text_check(reason ? reason : "", reason ? strlen(reason) : 0, "the reason", err);
	if (rc != MC_OK)
		return rc;
	return store_transact(s, grant_fn, &(struct grant_arg){ educator, credential, reason }, err);
}

int attempts_check(struct store *s, long long educator_rowid, long long credential_rowid, int attempt,
		   long long *grant, struct mc_error *err)
{
	int limit;
	*grant = 0;
	int rc = attempts_limit(s, &limit, err);
	if (rc != MC_OK || attempt <= limit)
		return rc;
	rc = store_attempts_grant_find(s, educator_rowid, credential_rowid, grant, err);
	if (rc != MC_OK || *grant)
		return rc;
	char *who = NULL, *earlier = NULL, *edu = NULL, *cred = NULL;
	rc = store_attempts_history(s, educator_rowid, credential_rowid, &who, &earlier, err);
	if (rc == MC_OK)
		rc = store_attempts_codes(s, educator_rowid, credential_rowid, &edu, &cred, err);
	if (rc == MC_OK)
		rc = mc_error_set(err, MC_INVALID, "%s has had %d attempts at %s (%s); the limit is %d: an admin "
				  "may grant another with 'mcassess attempts grant %s %s --reason TEXT'", who,
				  attempt - 1, cred, earlier, limit, edu, cred);
	free(who);
	free(earlier);
	free(edu);
	free(cred);
	return rc;
}

int attempts_grant_use(struct store *s, long long grant, long long submission_rowid, struct mc_error *err)
{
	return grant ? store_attempts_grant_use(s, grant, submission_rowid, err) : MC_OK;
}
