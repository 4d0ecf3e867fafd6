/* access.c: the access policy (access.h). */
#include "config.h"

#include <stdlib.h>

#include "mcassess/suggest.h"
#include "mcassess/access.h"
#include "mcassess/people.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_calibration.h"
#include "mcassess/store_people.h"
#include "mcassess/store_scoring.h"

int access_refresh(struct store *s, struct mc_error *err)
{
	const char *user = session_user(s);
	struct person p;
	int found = 0;
	if (!*user) { /* no session: nobody, who sees nothing */
		store_set_scope(s, STORE_SCOPE_NONE, NULL, NULL);
		return MC_OK;
	}
	int rc = store_people_get(s, user, &p, &found, err);
	if (rc != MC_OK)
		return rc;
	enum people_role role = found ? p.role : ROLE_NONE;
	const char *district = found && p.district && *p.district ? p.district : NULL;
	if (role == ROLE_ADMIN || (role == ROLE_COORDINATOR && !district))
		store_set_scope(s, STORE_SCOPE_ALL, user, NULL);
	else if (role == ROLE_COORDINATOR)
		store_set_scope(s, STORE_SCOPE_DISTRICT, user, district);
	else if (role == ROLE_APPROVER)
		store_set_scope(s, STORE_SCOPE_APPROVAL, user, district);
	else
		store_set_scope(s, STORE_SCOPE_ASSIGNED, user, NULL);
	people_free(&p);
	return MC_OK;
}

/* "no submission 'wp-231'", with "did you mean 'WP-231'?" only when the
 * actor may see WP-231: a hint must not tell an assessor which ids exist. */
static int no_submission(struct store *s, const char *id, struct mc_error *err)
{
	char *near = NULL;
	struct mc_error ignored = MC_ERROR_INIT;
	struct store_access b = { 0 };
	if (store_submission_nocase(s, id, &near, &ignored) == MC_OK && near &&
	    store_access_submission(s, near, 0, &b, &ignored) == MC_OK && b.found && b.allowed)
		mc_error_set(err, MC_FAIL, "no submission '%s' (did you mean '%s'? ids are case-sensitive)", id,
			     near);
	else
		mc_error_set(err, MC_FAIL, "no submission '%s'", id);
	mc_error_clear(&ignored);
	free(b.your_district);
	free(near);
	return MC_FAIL;
}

int access_submission(struct store *s, const char *id, int mode, long long *rowid, struct mc_error *err)
{
	int rc = access_refresh(s, err);
	struct store_access a = { 0 };
	if (rc == MC_OK)
		rc = store_access_submission(s, id, mode == ACCESS_WRITE, &a, err);
	if (rc != MC_OK)
		return rc;
	if (!a.found)
		rc = no_submission(s, id, err);
	else if (!a.allowed && store_scope_kind(s) == STORE_SCOPE_DISTRICT)
		rc = mc_error_set(err, MC_FAIL, "%s is not in your district (%s)", id, a.your_district);
	else if (!a.allowed && store_scope_kind(s) == STORE_SCOPE_APPROVAL)
		rc = mc_error_set(err, MC_FAIL, "%s is not awaiting approval%s%s", id,
				  a.your_district && *a.your_district ? " in your district, " : "",
				  a.your_district && *a.your_district ? a.your_district : "");
	else if (!a.allowed)
		rc = mc_error_set(err, MC_FAIL, "%s is not assigned to you", id);
	if (rc == MC_OK && rowid)
		*rowid = a.rowid;
	free(a.your_district);
	return rc;
}

int access_assigned_only(struct store *s)
{
	return store_scope_kind(s) == STORE_SCOPE_ASSIGNED;
}

int access_calibration(struct store *s, const char *id, long long *rowid, struct mc_error *err)
{
	int rc = people_require(s, ROLE_ASSESSOR, "calibration", err);
	struct store_scoring_sub sub = { 0 };
	int found = 0;
	long long ex = 0;
	if (rc == MC_OK)
		rc = store_scoring_sub_get(s, id, 0, &sub, &found, err);
	if (rc == MC_OK && found)
		rc = store_calib_exemplar_of(s, sub.rowid, &ex, err);
	if (rc == MC_OK && !ex)
		rc = mc_error_set(err, MC_FAIL, "%s is not in a calibration set ('mcassess calibration list' shows "
				  "the exemplars)", id);
	if (rc == MC_OK && rowid)
		*rowid = sub.rowid;
	if (found)
		store_scoring_sub_free(&sub);
	return rc;
}
