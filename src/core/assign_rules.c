/* assign_rules.c: allocation's own-work rules (assign_rules.h). A person may be
 * linked to their own work: the educator id they submit under as a teacher,
 * their cohort and their school. Nobody reads their own submission or one of
 * their own cohort, whoever assigns it; `assign --auto` and the adjudication
 * read also keep readers away from their own school. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/assign.h"
#include "mcassess/assign_rules.h"
#include "mcassess/audit.h"
#include "mcassess/people.h"
#include "mcassess/store.h"
#include "mcassess/store_people.h"
#include "mcassess/store_rules.h"
#include "mcassess/util.h"

static int same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

int assign_rules_link_in_tx(struct store *s, const char *user, const char *field, const char *value,
			    enum people_change *what, struct mc_error *err)
{
	char *was = NULL;
	int rc = store_rules_field_set(s, user, field, value, &was, err);
	if (rc == MC_OK && strcmp(was ? was : "", value) != 0) {
		json_t *b = json_pack("{s:s?}", field, was), *a = json_pack("{s:s?}", field, *value ? value : NULL);
		char *before = audit_json(b), *after = audit_json(a);
		char *subject = mc_xasprintf("person:%s", user);
		rc = audit_append(s, "people", subject, before, after, err);
		if (*what == PEOPLE_UNCHANGED)
			*what = PEOPLE_CHANGED;
		free(before);
		free(after);
		free(subject);
	}
	free(was);
	return rc;
}

/* A link's value: one line of at most 200 characters. */
static int link_ok(const char *field, const char *value, struct mc_error *err)
{
	if (value && (strlen(value) > 200 || strpbrk(value, "\r\n")))
		return mc_error_set(err, MC_INVALID, "people: a %s is one line of at most 200 characters", field);
	return MC_OK;
}

/* A cohort is one of a district's: the person (as now changed) must have one. */
static int cohort_has_district(struct store *s, const char *user, struct mc_error *err)
{
	struct person p = { 0 };
	int found = 0, rc = store_people_get(s, user, &p, &found, err);
	if (rc == MC_OK && !p.district)
		rc = mc_error_set(err, MC_USAGE, "people: --cohort needs --district: %s has no district (a cohort is "
				  "one of a district's)", user);
	people_free(&p);
	return rc;
}

int assign_reader_links_set(struct store *s, const char *user, enum people_role role, const char *district,
			    const struct assign_links *l, enum people_change *what, struct mc_error *err)
{
	enum people_change dummy;
	if (!what)
		what = &dummy;
	*what = PEOPLE_UNCHANGED;
	const char *fields[3] = { "school", "cohort", "educator" };
	const char *values[3] = { l->school, l->cohort, l->educator };
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < 3; i++)
		rc = link_ok(fields[i], values[i], err);
	if (rc == MC_OK)
		rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	rc = people_require(s, ROLE_ADMIN, "adding or changing people", err);
	if (rc == MC_OK)
		rc = people_set_in_tx(s, user, role, district, what, err);
	if (rc == MC_OK && l->cohort && *l->cohort)
		rc = cohort_has_district(s, user, err);
	for (int i = 0; rc == MC_OK && i < 3; i++)
		if (values[i])
			rc = assign_rules_link_in_tx(s, user, fields[i], values[i], what, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		*what = PEOPLE_UNCHANGED;
	}
	return rc;
}

int assign_rules_check(struct store *s, long long sub_rowid, const char *id, const char *user,
		       struct mc_error *err)
{
	struct store_rules_hit h;
	int rc = store_rules_broken(s, sub_rowid, user, &h, err);
	if (rc == MC_OK && same(h.rule, "own"))
		rc = mc_error_set(err, MC_FAIL, "%s may not read %s: it is their own submission (they submit as "
				  "educator %s); nobody scores their own work", user, id, h.educator);
	else if (rc == MC_OK && same(h.rule, "cohort"))
		rc = mc_error_set(err, MC_FAIL, "%s may not read %s: its educator is in %s's own cohort (%s, %s); "
				  "nobody scores their own cohort", user, id, user, h.cohort, h.district);
	store_rules_hit_free(&h);
	return rc;
}

int assign_rules_school(struct store *s, long long sub_rowid, const char *user, char **school,
			struct mc_error *err)
{
	struct store_rules_hit h;
	*school = NULL;
	int rc = store_rules_broken(s, sub_rowid, user, &h, err);
	if (rc == MC_OK && same(h.rule, "school"))
		*school = mc_xstrdup(h.school);
	store_rules_hit_free(&h);
	return rc;
}

int assign_rules_allow(const struct store_assign_reader *r, const struct store_assign_open *o)
{
	if (same(r->educator, o->educator))
		return 0;
	if (!same(r->district, o->district))
		return 1;
	return !same(r->cohort, o->cohort) && !same(r->school, o->school);
}
