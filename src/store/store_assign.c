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
	"SELECT assessor, read, blind, assigned_by, at, uid FROM assignment WHERE submission_id = ?1 "
	"ORDER BY CASE read WHEN 'first' THEN 1 WHEN 'second' THEN 2 ELSE 3 END";
static const char SQL_PUT[] =
	"INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(submission_id, read) DO UPDATE SET "
	"uid = excluded.uid, assessor = excluded.assessor, blind = excluded.blind, "
	"assigned_by = excluded.assigned_by, at = excluded.at";
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
		     const char *by, const char *at, const char *uid, struct mc_error *err)
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
