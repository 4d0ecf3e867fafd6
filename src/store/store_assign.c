/* store_assign.c: SQL for assignments (who scores which read of a submission). */
#include "config.h"

#include <stdlib.h>

#include "mcassess/store_assign.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_SUB[] =
	"SELECT s.id, s.status, d.name, dc.outcome FROM submission s JOIN educator e ON e.id = s.educator_id "
	"JOIN district d ON d.id = e.district_id LEFT JOIN decision dc ON dc.submission_id = s.id "
	"WHERE s.ext_id = ?1";
static const char SQL_LIST[] =
	"SELECT assessor, read, blind, assigned_by, at, uid, due_at FROM assignment WHERE submission_id = ?1 "
	"ORDER BY CASE read WHEN 'first' THEN 1 WHEN 'second' THEN 2 ELSE 3 END";
static const char SQL_PUT[] =
	"INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at, due_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(submission_id, read) DO UPDATE SET "
	"uid = excluded.uid, assessor = excluded.assessor, blind = excluded.blind, "
	"assigned_by = excluded.assigned_by, at = excluded.at, due_at = excluded.due_at";
static const char SQL_DEL[] = "DELETE FROM assignment WHERE submission_id = ?1 AND read = ?2";

int store_assign_sub(struct store *s, const char *id, struct store_assign_sub *out, int *found,
		     struct mc_error *err)
{
	*out = (struct store_assign_sub){ 0 };
	*found = 0;
	sqlite3_stmt *st = store_prep(s, SQL_SUB, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		out->rowid = sqlite3_column_int64(st, 0);
		out->status = store_col_dup(st, 1);
		out->district = store_col_dup(st, 2);
		out->decision = store_col_dup(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a submission");
}

void store_assign_sub_free(struct store_assign_sub *sub)
{
	free(sub->status);
	free(sub->district);
	free(sub->decision);
	*sub = (struct store_assign_sub){ 0 };
}

void store_assign_rows_free(struct store_assign_row **rows, int n)
{
	if (!rows || !*rows)
		return;
	for (int i = 0; i < n; i++) {
		struct store_assign_row *r = &(*rows)[i];
		free(r->assessor);
		free(r->read);
		free(r->assigned_by);
		free(r->at);
		free(r->uid);
		free(r->due_at);
	}
	free(*rows);
	*rows = NULL;
}

int store_assign_list(struct store *s, long long sub_rowid, struct store_assign_row **rows, int *n,
		      struct mc_error *err)
{
	*rows = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_LIST, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*rows = mc_xrealloc(*rows, (size_t)(*n + 1) * sizeof **rows);
		(*rows)[(*n)++] = (struct store_assign_row){
			.assessor = store_col_dup(st, 0),
			.read = store_col_dup(st, 1),
			.blind = sqlite3_column_int(st, 2),
			.assigned_by = store_col_dup(st, 3),
			.at = store_col_dup(st, 4),
			.uid = store_col_dup(st, 5),
			.due_at = store_col_dup(st, 6),
		};
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return MC_OK;
	store_assign_rows_free(rows, *n);
	*n = 0;
	return store_fail(s, err, "reading the assignments");
}

int store_assign_put(struct store *s, long long sub_rowid, const char *read, const char *assessor, int blind,
		     const char *by, const char *at, const char *due_at, const char *uid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub_rowid);
	store_bind_text(st, 3, assessor);
	store_bind_text(st, 4, read);
	store_bind_int(st, 5, blind ? 1 : 0);
	store_bind_text(st, 6, by);
	store_bind_text(st, 7, at);
	store_bind_text(st, 8, due_at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving an assignment");
}

int store_assign_del(struct store *s, long long sub_rowid, const char *read, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DEL, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, read);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "removing an assignment");
}

/* ---------------------------------------------------------------- allocation */
/* Open work: queued or in progress, and not decided. */
#define OPEN_SUB(s) s ".status IN ('queued', 'in_progress') AND NOT EXISTS " \
	"(SELECT 1 FROM decision x WHERE x.submission_id = " s ".id)"
static const char SQL_HELD[] =
	"SELECT a.assessor, s.ext_id, a.read, a.at, a.due_at, s.status, d.name, a.blind "
	"FROM assignment a JOIN submission s ON s.id = a.submission_id JOIN educator e ON e.id = s.educator_id "
	"JOIN district d ON d.id = e.district_id WHERE " OPEN_SUB("s")
	" AND (?1 IS NULL OR a.assessor = ?1) AND (?2 IS NULL OR d.name = ?2) "
	"AND (?3 IS NULL OR a.due_at < ?3) ORDER BY a.at, s.ext_id, a.read";
/* Assessors with their open load (reads of open submissions they hold). */
static const char SQL_READERS[] =
	"SELECT p.user, d.name, p.school, (SELECT count(*) FROM assignment a JOIN submission s "
	"ON s.id = a.submission_id WHERE a.assessor = p.user AND " OPEN_SUB("s") ") "
	"FROM person p LEFT JOIN district d ON d.id = p.district_id WHERE p.role = 'assessor' ORDER BY p.user";
static const char SQL_OPEN[] =
	"SELECT s.id, s.ext_id, d.name, sc.name, "
	"(SELECT assessor FROM assignment WHERE submission_id = s.id AND read = 'first'), "
	"(SELECT assessor FROM assignment WHERE submission_id = s.id AND read = 'second'), "
	"(SELECT assessor FROM assignment WHERE submission_id = s.id AND read = 'adjudication'), c.code "
	"FROM submission s JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id "
	"LEFT JOIN school sc ON sc.id = e.school_id JOIN credential c ON c.id = s.credential_id "
	"WHERE " OPEN_SUB("s") " AND (?1 IS NULL OR d.name = ?1) AND (?2 IS NULL OR c.code = ?2) "
	"ORDER BY s.submitted_at, s.id";

int store_assign_school_set(struct store *s, const char *user, const char *school, char **was,
			    struct mc_error *err)
{
	*was = NULL;
	sqlite3_stmt *st = store_prep(s, "SELECT school FROM person WHERE user = ?1", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*was = store_col_dup(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a person");
	if (!(st = store_prep(s, "UPDATE person SET school = nullif(?2, '') WHERE user = ?1", err)))
		return MC_FAIL;
	store_bind_text(st, 1, user);
	store_bind_text(st, 2, school);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving a person's school");
}

int store_assign_held_walk(struct store *s, const char *user, const char *district, const char *overdue_at,
			   int (*fn)(void *ctx, const struct store_assign_held *h), void *ctx,
			   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_HELD, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	store_bind_text(st, 2, district);
	store_bind_text(st, 3, overdue_at);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_assign_held h = {
			.assessor = (const char *)sqlite3_column_text(st, 0),
			.id = (const char *)sqlite3_column_text(st, 1),
			.read = (const char *)sqlite3_column_text(st, 2),
			.at = (const char *)sqlite3_column_text(st, 3),
			.due_at = (const char *)sqlite3_column_text(st, 4),
			.status = (const char *)sqlite3_column_text(st, 5),
			.district = (const char *)sqlite3_column_text(st, 6),
			.blind = sqlite3_column_int(st, 7),
		};
		if (fn(ctx, &h)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the assignments");
}

void store_assign_readers_free(struct store_assign_reader **r, int n)
{
	if (!r || !*r)
		return;
	for (int i = 0; i < n; i++) {
		free((*r)[i].user);
		free((*r)[i].district);
		free((*r)[i].school);
	}
	free(*r);
	*r = NULL;
}

int store_assign_readers(struct store *s, struct store_assign_reader **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_READERS, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = mc_xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct store_assign_reader){
			.user = store_col_dup(st, 0),
			.district = store_col_dup(st, 1),
			.school = store_col_dup(st, 2),
			.load = (long)sqlite3_column_int64(st, 3),
		};
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return MC_OK;
	store_assign_readers_free(out, *n);
	*n = 0;
	return store_fail(s, err, "reading the assessors");
}

int store_assign_open_walk(struct store *s, const char *district, const char *credential,
			   int (*fn)(void *ctx, const struct store_assign_open *o), void *ctx,
			   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_OPEN, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, district);
	store_bind_text(st, 2, credential);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_assign_open o = {
			.rowid = sqlite3_column_int64(st, 0),
			.id = (const char *)sqlite3_column_text(st, 1),
			.district = (const char *)sqlite3_column_text(st, 2),
			.school = (const char *)sqlite3_column_text(st, 3),
			.first = (const char *)sqlite3_column_text(st, 4),
			.second = (const char *)sqlite3_column_text(st, 5),
			.adjudicator = (const char *)sqlite3_column_text(st, 6),
			.credential = (const char *)sqlite3_column_text(st, 7),
		};
		if (fn(ctx, &o)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the open submissions");
}
