/* store_people.c: the SQL of people and their districts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_people.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_COUNT[] =
	"SELECT count(*) FROM person WHERE removed_at IS NULL AND (?1 IS NULL OR role = ?1)";
static const char SQL_GET[] =
	"SELECT p.user, p.name, p.email, p.role, d.name, p.school, p.cohort, p.educator FROM person p "
	"LEFT JOIN district d ON d.id = p.district_id WHERE p.user = ?1 AND p.removed_at IS NULL";
static const char SQL_DISTRICT_ADD[] =
	"INSERT INTO district(name) VALUES (?1) ON CONFLICT(name) DO NOTHING";
static const char SQL_PUT[] =
	"INSERT INTO person(user, name, email, role, district_id, created_at) "
	"VALUES (?1, ?2, ?3, ?4, (SELECT id FROM district WHERE name = ?5), ?6) "
	"ON CONFLICT(user) DO UPDATE SET name = excluded.name, email = excluded.email, "
	"role = excluded.role, district_id = excluded.district_id, removed_at = NULL";
static const char SQL_LIST[] =
	"SELECT p.user, p.name, p.email, p.role, d.name, p.school, p.cohort, p.educator FROM person p "
	"LEFT JOIN district d ON d.id = p.district_id WHERE p.removed_at IS NULL ORDER BY p.user";
/* A removed person keeps their row, so what they did still names someone. */
static const char SQL_REMOVE[] = "UPDATE person SET removed_at = ?2 WHERE user = ?1 AND removed_at IS NULL";
static const char SQL_OPEN_WORK[] =
	"SELECT count(*), group_concat(ext_id, ', ') FROM (SELECT s.ext_id FROM assignment a "
	"JOIN submission s ON s.id = a.submission_id WHERE a.assessor = ?1 "
	"AND s.status IN ('queued', 'in_progress') ORDER BY s.ext_id LIMIT 10)";

int store_people_count(struct store *s, const char *role, int *n, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_COUNT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, role);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "counting people");
}

static void row_person(sqlite3_stmt *st, struct person *p)
{
	p->user = store_col_dup(st, 0);
	p->name = store_col_dup(st, 1);
	p->email = store_col_dup(st, 2);
	const char *role = (const char *)sqlite3_column_text(st, 3);
	p->role = people_role_parse(role ? role : "");
	p->district = store_col_dup(st, 4);
	p->school = store_col_dup(st, 5);
	p->cohort = store_col_dup(st, 6);
	p->educator = store_col_dup(st, 7);
}

int store_people_get(struct store *s, const char *user, struct person *p, int *found, struct mc_error *err)
{
	memset(p, 0, sizeof *p);
	*found = 0;
	sqlite3_stmt *st = store_prep(s, SQL_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		row_person(st, p);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a person");
	return MC_OK;
}

int store_people_put(struct store *s, const struct person *p, const char *created_at, struct mc_error *err)
{
	sqlite3_stmt *st;
	if (p->district) {
		st = store_prep(s, SQL_DISTRICT_ADD, err);
		if (!st)
			return MC_FAIL;
		store_bind_text(st, 1, p->district);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, err, "adding a district");
	}
	st = store_prep(s, SQL_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, p->user);
	store_bind_text(st, 2, p->name ? p->name : "");
	store_bind_text(st, 3, p->email ? p->email : "");
	store_bind_text(st, 4, people_role_name(p->role));
	store_bind_text(st, 5, p->district);
	store_bind_text(st, 6, created_at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving a person");
}

int store_people_list(struct store *s, struct person **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_LIST, err);
	if (!st)
		return MC_FAIL;
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*out = mc_xrealloc(*out, (size_t)cap * sizeof **out);
		}
		row_person(st, &(*out)[(*n)++]);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "listing people");
}

int store_people_remove(struct store *s, const char *user, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_REMOVE, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	store_bind_text(st, 2, at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "removing a person");
}

int store_people_open_work(struct store *s, const char *user, int *n, char **ids, struct mc_error *err)
{
	*n = 0;
	*ids = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_OPEN_WORK, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*n = sqlite3_column_int(st, 0);
		*ids = store_col_dup(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading a person's open work");
}
