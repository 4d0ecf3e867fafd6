/* store_merge.c: SQL for merging another archive's records (store_merge.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_merge.h"
#include "mcassess/util.h"
#include "store_int.h"

/* Scores, by read and criterion code, with this database's ids. */
#define ARCHIVE_SCORES                                                                                       \
	"SELECT json_object('uid', c.value ->> 'uid', 'submission_id', su.id, 'criterion_id', cr.id, "       \
	"'level_id', l.id, 'assessor', c.value ->> 'assessor', 'read', r.key, 'comment', "                  \
	"c.value ->> 'comment', 'at', c.value ->> 'at') AS row, cr.id IS NOT NULL AND l.id IS NOT NULL AS ok, " \
	"c.key AS code, c.value ->> 'level' AS level "                                                       \
	"FROM main.submission su, json_each(?1, '$.scores') r, json_each(r.value) c "                        \
	"LEFT JOIN main.criterion cr ON cr.rubric_id = su.rubric_id AND cr.code = c.key "                    \
	"LEFT JOIN main.level l ON l.criterion_id = cr.id AND l.code = c.value ->> 'level' "                 \
	"WHERE su.ext_id = ?1 ->> '$.id'"

/* The reads' own decisions, only when the record has them: a record written
 * before reads were recorded names no read_decision, and the rows here stay. */
#define ARCHIVE_READS                                                                                        \
	"json_object('read_decision', CASE WHEN json_type(?1, '$.reads') IS NOT NULL THEN json((SELECT "      \
	"json_group_array(json_object('uid', r.value ->> 'uid', 'submission_id', su.id, 'read', r.key, "      \
	"'assessor', r.value ->> 'assessor', 'outcome', r.value ->> 'outcome', 'at', r.value ->> 'at')) "     \
	"FROM main.submission su, json_each(?1, '$.reads') r WHERE su.ext_id = ?1 ->> '$.id')) END)"

static const char SQL_RECORDS[] =
	"SELECT (SELECT count(*) FROM main.submission WHERE ext_id = ?1 ->> '$.id'), json_patch(json_object("
	"'status', ?1 ->> '$.status', "
	"'score', json((SELECT json_group_array(json(row)) FROM (" ARCHIVE_SCORES ") WHERE ok)), "
	"'feedback', json((SELECT json_group_array(json_object('uid', f.value ->> 'uid', 'submission_id', su.id, "
	"'read', f.key, 'author', f.value ->> 'author', 'body', f.value ->> 'text', 'at', f.value ->> 'at')) "
	"FROM main.submission su, json_each(?1, '$.feedback') f WHERE su.ext_id = ?1 ->> '$.id')), "
	"'decision', json((SELECT json_group_array(json_object('uid', ?1 ->> '$.decision.uid', 'submission_id', "
	"su.id, 'outcome', ?1 ->> '$.decision.outcome', 'decided_by', ?1 ->> '$.decision.decided_by', "
	"'reason', ?1 ->> '$.decision.reason', 'at', ?1 ->> '$.decision.at')) FROM main.submission su "
	"WHERE su.ext_id = ?1 ->> '$.id' AND ?1 ->> '$.decision.uid' IS NOT NULL))), " ARCHIVE_READS "), "
	"(SELECT group_concat(code || ' ' || coalesce(level, '?'), ', ') FROM (" ARCHIVE_SCORES ") WHERE NOT ok)";

int store_merge_archive_records(struct store *s, const char *record, char **json, int *known, char **missing,
				struct mc_error *err)
{
	*json = *missing = NULL;
	*known = 0;
	sqlite3_stmt *st = store_prep(s, SQL_RECORDS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, record);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*known = sqlite3_column_int(st, 0) > 0;
		*json = store_col_dup(st, 1);
		*missing = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		free(*json);
		free(*missing);
		*json = *missing = NULL;
		return store_fail(s, err, "reading a record of the archive");
	}
	if (!*missing)
		*missing = mc_xstrdup("");
	return MC_OK;
}

/* The audit table's columns, for store_audit_walk: what scoring, feedback and
 * decide write (scoring.c), for rows this database lacks. */
static const char SQL_EVENTS[] =
	"SELECT 0, uid, at, actor, action, 'submission:' || (?1 ->> '$.id'), NULL, after, NULL, ?2 FROM ("
	"SELECT c.value ->> 'uid' AS uid, c.value ->> 'at' AS at, c.value ->> 'assessor' AS actor, "
	"'score' AS action, json_object('assessor', c.value ->> 'assessor', 'comment', "
	"coalesce(c.value ->> 'comment', ''), 'criterion', c.key, 'level', c.value ->> 'level', 'read', r.key) "
	"AS after FROM json_each(?1, '$.scores') r, json_each(r.value) c "
	"WHERE NOT EXISTS (SELECT 1 FROM main.score WHERE uid = c.value ->> 'uid') "
	"UNION ALL SELECT f.value ->> 'uid', f.value ->> 'at', f.value ->> 'author', 'feedback', "
	"json_object('author', f.value ->> 'author', 'read', f.key, 'text', f.value ->> 'text') "
	"FROM json_each(?1, '$.feedback') f WHERE NOT EXISTS (SELECT 1 FROM main.feedback WHERE uid = "
	"f.value ->> 'uid') "
	"UNION ALL SELECT ?1 ->> '$.decision.uid', ?1 ->> '$.decision.at', ?1 ->> '$.decision.decided_by', "
	"'decide', json_object('decided_by', ?1 ->> '$.decision.decided_by', 'outcome', "
	"?1 ->> '$.decision.outcome', 'status', ?1 ->> '$.decision.outcome') "
	"WHERE ?1 ->> '$.decision.uid' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM main.decision WHERE uid = "
	"?1 ->> '$.decision.uid') "
	/* reads ended there (review.c's "read" row) */
	"UNION ALL SELECT rd.value ->> 'uid', rd.value ->> 'at', rd.value ->> 'assessor', 'read', "
	"json_object('assessor', rd.value ->> 'assessor', 'outcome', rd.value ->> 'outcome', 'read', rd.key) "
	"FROM json_each(?1, '$.reads') rd WHERE NOT EXISTS (SELECT 1 FROM main.read_decision WHERE uid = "
	"rd.value ->> 'uid') "
	/* reads assigned there, and taken away there */
	"UNION ALL SELECT a.value ->> 'uid', a.value ->> 'at', a.value ->> 'assigned_by', 'assign', "
	"json_object('assessor', a.value ->> 'assessor', 'blind', json(iif(a.value ->> 'blind', 'true', 'false')), "
	"'assigned_by', a.value ->> 'assigned_by', 'read', a.key) FROM json_each(?1, '$.assignments') a "
	"WHERE NOT EXISTS (SELECT 1 FROM main.assignment WHERE uid = a.value ->> 'uid') "
	"UNION ALL SELECT lower(hex(randomblob(16))), ?3, ?4, 'unassign', json_object('assessor', x.assessor, "
	"'read', x.read, 'removed_by', ?4) FROM main.assignment x JOIN main.submission su ON su.id = x.submission_id "
	"WHERE su.ext_id = ?1 ->> '$.id' AND x.uid NOT IN (SELECT a.value ->> 'uid' FROM "
	"json_each(?1, '$.assignments') a) "
	/* a status changed there with no row of its own (a withdrawal, a reopening) */
	"UNION ALL SELECT lower(hex(randomblob(16))), ?3, ?4, 'status', json_object('status', ?1 ->> '$.status') "
	"FROM main.submission su WHERE su.ext_id = ?1 ->> '$.id' AND su.status IS NOT ?1 ->> '$.status' "
	"AND NOT EXISTS (SELECT 1 FROM json_each(?1, '$.scores') r, json_each(r.value) c WHERE NOT EXISTS "
	"(SELECT 1 FROM main.score WHERE uid = c.value ->> 'uid')) AND NOT EXISTS (SELECT 1 FROM "
	"json_each(?1, '$.feedback') f WHERE NOT EXISTS (SELECT 1 FROM main.feedback WHERE uid = f.value ->> 'uid')) "
	"AND NOT EXISTS (SELECT 1 WHERE ?1 ->> '$.decision.uid' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
	"main.decision WHERE uid = ?1 ->> '$.decision.uid'))) ORDER BY at, action, uid";

int store_merge_archive_events(struct store *s, const char *record, const char *hash, const char *at,
			       const char *actor, int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
			       struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EVENTS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, record);
	store_bind_text(st, 2, hash);
	store_bind_text(st, 3, at);
	store_bind_text(st, 4, actor);
	return store_audit_walk(s, st, fn, ctx, err);
}

int store_merge_done_since(struct store *s, const char *subject, long long base_seq, char **what,
			   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT group_concat(action || ' by ' || actor || ' at ' || at, '; ') FROM "
					 "(SELECT action, actor, at FROM audit WHERE subject = ?1 AND seq > ?2 AND "
					 "action NOT IN ('claim', 'release') ORDER BY seq)", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, subject);
	store_bind_int(st, 2, base_seq);
	int rc = sqlite3_step(st);
	*what = rc == SQLITE_ROW ? store_col_dup(st, 0) : NULL;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return store_fail(s, err, "reading the audit log");
	if (!*what)
		*what = mc_xstrdup("");
	return MC_OK;
}

int store_merge_settle(struct store *s, long long from, const char *source, struct mc_error *err)
{
	static const char *const sql[] = {
		"INSERT OR IGNORE INTO packet_audit(audit_uid, packet_id, packet_hash) SELECT uid, ?2, hash FROM audit "
		"WHERE seq > ?1",
		/* not the rows that set another side aside (a packet merged alone
		 * here before, now a side of the pull's conflict): they change this
		 * archive's records, and are committed as any change here is */
		"DELETE FROM outbox WHERE audit_seq IN (SELECT a.seq FROM audit a JOIN packet_audit p ON p.audit_uid = "
		"a.uid WHERE a.seq > ?1 AND p.packet_id = ?2)",
	};
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st = store_prep(s, sql[i], err);
		if (!st)
			return MC_FAIL;
		store_bind_int(st, 1, from);
		store_bind_text(st, 2, source);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, err, "noting what the pull merged");
	}
	return MC_OK;
}

int store_merge_source_of(struct store *s, const char *uid, char **source, struct mc_error *err)
{
	*source = NULL;
	sqlite3_stmt *st = store_prep(s, "SELECT packet_id FROM packet_audit WHERE audit_uid = ?1 AND packet_id LIKE "
					 "'archive:%'", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*source = store_col_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the audit log");
}

/* ---------------------------------------------------------------- a submission new here */

int store_merge_rubric(struct store *s, const char *code, long long version, long long *credential_id,
		       long long *rubric_id, char **sha, int *found, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, "SELECT c.id, r.id, r.source_sha256 FROM credential c JOIN rubric r ON "
					 "r.credential_id = c.id WHERE c.code = ?1 AND r.version = ?2", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	store_bind_int(st, 2, version);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found) {
		*credential_id = sqlite3_column_int64(st, 0);
		*rubric_id = sqlite3_column_int64(st, 1);
	}
	if (sha)
		*sha = *found ? store_col_dup(st, 2) : NULL;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the catalog");
}

int store_merge_assignments(struct store *s, const char *record, struct mc_error *err)
{
	static const char *const sql[] = {
		"DELETE FROM assignment WHERE submission_id = (SELECT id FROM main.submission WHERE ext_id = "
		"?1 ->> '$.id') AND uid NOT IN (SELECT a.value ->> 'uid' FROM json_each(?1, '$.assignments') a)",
		"INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at, due_at) "
		"SELECT a.value ->> 'uid', su.id, a.value ->> 'assessor', a.key, iif(a.value ->> 'blind', 1, 0), "
		"a.value ->> 'assigned_by', a.value ->> 'at', a.value ->> 'due_at' FROM main.submission su, json_each(?1, '$.assignments') a "
		"WHERE su.ext_id = ?1 ->> '$.id' AND NOT EXISTS (SELECT 1 FROM main.assignment WHERE uid = "
		"a.value ->> 'uid')",
	};
	for (size_t i = 0; i < sizeof sql / sizeof *sql; i++) {
		sqlite3_stmt *st = store_prep(s, sql[i], err);
		if (!st)
			return MC_FAIL;
		store_bind_text(st, 1, record);
		int rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			return store_fail(s, err, "merging a submission's assignments");
	}
	return MC_OK;
}
