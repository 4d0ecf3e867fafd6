/* people.c: who may do what. A person is an OS account with a role. */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/people.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_people.h"
#include "mcassess/util.h"

void people_list_free(struct person **list, int n)
{
	if (!list || !*list)
		return;
	for (int i = 0; i < n; i++)
		people_free(&(*list)[i]);
	free(*list);
	*list = NULL;
}

int people_user_ok(const char *user)
{
	size_t n = user ? strlen(user) : 0;
	if (n == 0 || n > 32 || !((user[0] >= 'a' && user[0] <= 'z') || user[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = user[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

/* "an assessor", "an admin", "a coordinator" */
static const char *with_article(enum people_role r)
{
	switch (r) {
	case ROLE_ASSESSOR: return "an assessor";
	case ROLE_APPROVER: return "an approver";
	case ROLE_COORDINATOR: return "a coordinator";
	case ROLE_ADMIN: return "an admin";
	default: return "not a person in this database";
	}
}

/* The name (GECOS, up to the first comma) and e-mail of an existing account. */
static void account_details(const char *user, char **name, char **email)
{
	*name = mc_xstrdup("");
	*email = mc_xstrdup("");
	struct passwd *pw = getpwnam(user);
	if (!pw)
		return;
	const char *g = pw->pw_gecos ? pw->pw_gecos : "";
	free(*name);
	*name = mc_xstrndup(g, strcspn(g, ","));
	char host[256];
	if (gethostname(host, sizeof host) == 0) {
		host[sizeof host - 1] = '\0';
		free(*email);
		*email = mc_xasprintf("%s@%s", user, host);
	}
}

static char *person_json(const struct person *p)
{
	json_t *o = json_pack("{s:s, s:o}", "role", people_role_name(p->role), "district",
			      p->district ? json_string(p->district) : json_null());
	char *s = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
	json_decref(o);
	return s;
}

int people_set_in_tx(struct store *s, const char *user, enum people_role role, const char *district,
		     enum people_change *what, struct mc_error *err)
{
	enum people_change dummy;
	if (!what)
		what = &dummy;
	*what = PEOPLE_UNCHANGED;
	if (!people_user_ok(user))
		return mc_error_set(err, MC_INVALID, "people: '%s' is not a login name (lower-case letters, "
				    "digits, '_', '.' and '-', starting with a letter or '_', at most 32)", user);
	if (role == ROLE_NONE)
		return mc_error_set(err, MC_USAGE, "people: unknown role (expected assessor, approver, coordinator or admin)");
	if (district && (!*district || strlen(district) > 200))
		return mc_error_set(err, MC_INVALID, "people: a district name must have 1 to 200 characters");
	struct person old;
	int found, rc;
	if ((rc = store_people_get(s, user, &old, &found, err)) != MC_OK)
		return rc;
	struct person p = { .user = (char *)user, .role = role,
			    .district = (char *)(district ? district : found ? old.district : NULL) };
	if (found && old.role == role &&
	    ((!p.district && !old.district) || (p.district && old.district && strcmp(p.district, old.district) == 0))) {
		people_free(&old);
		return MC_OK;
	}
	if (found && old.role == ROLE_ADMIN && role != ROLE_ADMIN) {
		int admins = 0;
		if ((rc = store_people_count(s, "admin", &admins, err)) != MC_OK)
			goto out;
		if (admins <= 1) {
			rc = mc_error_set(err, MC_FAIL, "people: %s is the only admin; make someone else admin "
					  "first, so the database keeps one", user);
			goto out;
		}
	}
	account_details(user, &p.name, &p.email);
	char now[MC_TIME_LEN];
	mc_now(now);
	rc = store_people_put(s, &p, now, err);
	if (rc == MC_OK) {
		char *subject = mc_xasprintf("person:%s", user);
		char *before = found ? person_json(&old) : NULL;
		char *after = person_json(&p);
		rc = audit_append(s, "people", subject, before, after, err);
		free(subject);
		free(before);
		free(after);
	}
	free(p.name);
	free(p.email);
	if (rc == MC_OK)
		*what = found ? PEOPLE_CHANGED : PEOPLE_ADDED;
out:
	people_free(&old);
	return rc;
}

int people_set(struct store *s, const char *user, enum people_role role, const char *district,
	       enum people_change *what, struct mc_error *err)
{
	if (what)
		*what = PEOPLE_UNCHANGED;
	if (!people_user_ok(user))
		return people_set_in_tx(s, user, role, district, what, err); /* the message */
	if (role == ROLE_NONE)
		return mc_error_set(err, MC_USAGE, "people: unknown role (expected assessor, approver, coordinator or admin)");
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	int n = 0;
	rc = store_people_count(s, NULL, &n, err);
	/* The very first person may be added by anyone: that is how a database gets its admin. */
	if (rc == MC_OK && n > 0)
		rc = people_require(s, ROLE_ADMIN, "adding or changing people", err);
	if (rc == MC_OK)
		rc = people_set_in_tx(s, user, role, district, what, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		if (what)
			*what = PEOPLE_UNCHANGED;
	}
	return rc;
}

int people_add(struct store *s, const char *user, enum people_role role, const char *district,
	       struct mc_error *err)
{
	return people_set(s, user, role, district, NULL, err);
}

int people_role(struct store *s, const char *user, enum people_role *out, struct mc_error *err)
{
	struct person p;
	int found;
	*out = ROLE_NONE;
	int rc = store_people_get(s, user, &p, &found, err);
	if (rc == MC_OK && found)
		*out = p.role;
	people_free(&p);
	return rc;
}

int people_require(struct store *s, enum people_role min, const char *doing, struct mc_error *err)
{
	enum people_role have;
	const char *me = session_user(s);
	int rc = people_role(s, me, &have, err);
	if (rc != MC_OK)
		return rc;
	if (have >= min)
		return MC_OK;
	return mc_error_set(err, MC_FAIL, "%s needs %s%s, and you (%s) are %s; ask an admin to run "
			    "'mcassess people add %s --role %s'", doing, with_article(min),
			    min < ROLE_ADMIN ? " or higher" : "", me, with_article(have), me,
			    people_role_name(min));
}

int people_list(struct store *s, struct person **out, int *n, struct mc_error *err)
{
	int rc = store_people_list(s, out, n, err);
	if (rc != MC_OK)
		people_list_free(out, *n);
	return rc;
}
