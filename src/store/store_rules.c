/* store_rules.c: SQL for allocation's own-work rules (store_rules.h): a
 * person's links to their own work (educator id, cohort), and whether one of
 * them keeps a person from reading a submission. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_rules.h"
#include "store_int.h"

/* Which rule keeps person ?2 from reading submission ?1 (no row: none): their own
 * submission (person.educator names its educator), their own cohort (the
 * educator's cohort, by name, within the person's district) or school. */
static const char SQL_BROKEN[] =
	"SELECT CASE WHEN e.ext_id = p.educator THEN 'own' "
	"WHEN p.district_id = e.district_id AND c.name = p.cohort THEN 'cohort' "
	"WHEN p.district_id = e.district_id AND sc.name = p.school THEN 'school' END, "
	"e.ext_id, c.name, sc.name, d.name "
	"FROM submission s JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id "
	"LEFT JOIN cohort c ON c.id = e.cohort_id LEFT JOIN school sc ON sc.id = e.school_id "
	"JOIN person p ON p.user = ?2 WHERE s.id = ?1";

/* Statements are cached by their text's address: one static pair a field. */
static const struct {
	const char *name, *get, *set;
} FIELDS[] = {
	{ "school", "SELECT school FROM person WHERE user = ?1",
	  "UPDATE person SET school = nullif(?2, '') WHERE user = ?1" },
	{ "cohort", "SELECT cohort FROM person WHERE user = ?1",
	  "UPDATE person SET cohort = nullif(?2, '') WHERE user = ?1" },
	{ "educator", "SELECT educator FROM person WHERE user = ?1",
	  "UPDATE person SET educator = nullif(?2, '') WHERE user = ?1" },
};

int store_rules_field_set(struct store *s, const char *user, const char *field, const char *value, char **was,
			  struct mc_error *err)
{
	*was = NULL;
	size_t i = 0;
	while (i < sizeof FIELDS / sizeof FIELDS[0] && strcmp(field, FIELDS[i].name) != 0)
		i++;
	if (i == sizeof FIELDS / sizeof FIELDS[0])
		return mc_error_set(err, MC_FAIL, "internal error: a person has no field '%s'", field);
	sqlite3_stmt *st = store_prep(s, FIELDS[i].get, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*was = store_col_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a person");
	if (!(st = store_prep(s, FIELDS[i].set, err)))
		return MC_FAIL;
	store_bind_text(st, 1, user);
	store_bind_text(st, 2, value);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving a person's links to their own work");
}

int store_rules_broken(struct store *s, long long sub_rowid, const char *user, struct store_rules_hit *hit,
		       struct mc_error *err)
{
	*hit = (struct store_rules_hit){ 0 };
	sqlite3_stmt *st = store_prep(s, SQL_BROKEN, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		hit->rule = store_col_dup(st, 0);
		hit->educator = store_col_dup(st, 1);
		hit->cohort = store_col_dup(st, 2);
		hit->school = store_col_dup(st, 3);
		hit->district = store_col_dup(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a submission's educator");
}

void store_rules_hit_free(struct store_rules_hit *hit)
{
	free(hit->rule);
	free(hit->educator);
	free(hit->cohort);
	free(hit->school);
	free(hit->district);
	*hit = (struct store_rules_hit){ 0 };
}
