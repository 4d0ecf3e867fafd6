/* store_precheck.c: the SQL of the pre-checks: hashes of normalised evidence
 * text (kept up by catching up, as the search index is), and evidence of other
 * educators with the same hash, each an index lookup. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/hash.h"
#include "mcassess/store_precheck.h"
#include "mcassess/util.h"
#include "store_int.h"

#define CATCH_UP_BATCH 512

/* Text rows above the highest one hashed: a range of the primary key. */
static const char SQL_PENDING[] =
	"SELECT id, text FROM evidence WHERE id > (SELECT coalesce(max(evidence_id), 0) FROM evidence_norm) "
	"AND kind = 'text' ORDER BY id LIMIT ?1";
static const char SQL_SET_NORM[] = "INSERT OR REPLACE INTO evidence_norm(evidence_id, sha256) VALUES (?1, ?2)";
/* Other educators' evidence with the normalised hash ?1 (texts) or the hash ?3
 * (files, and texts not hashed yet): two index lookups. */
#define TWIN_FROM                                                                            \
	"FROM (SELECT evidence_id AS id FROM evidence_norm WHERE sha256 = ?1 "                \
	"UNION SELECT id FROM evidence WHERE sha256 = ?3) x JOIN evidence e ON e.id = x.id "  \
	"JOIN submission s ON s.id = e.submission_id "                                       \
	"WHERE s.educator_id <> (SELECT educator_id FROM submission WHERE id = ?2)"
static const char SQL_TWIN[] =
	"SELECT s.ext_id, (SELECT code FROM part WHERE id = e.part_id) " TWIN_FROM
	" ORDER BY s.ext_id LIMIT 1";
static const char SQL_TWIN_COUNT[] = "SELECT count(*) FROM (SELECT 1 " TWIN_FROM " LIMIT 100)";
static const char SQL_EDUCATOR[] =
	"SELECT e.name FROM submission s JOIN educator e ON e.id = s.educator_id WHERE s.id = ?1";

static const char SQL_SCHOOL[] =
	"SELECT c.name FROM submission s JOIN educator e ON e.id = s.educator_id "
	"JOIN school c ON c.id = e.school_id WHERE s.id = ?1";

static const char SQL_EV_TEXT[] = "SELECT text FROM evidence WHERE id = ?1";
static const char SQL_FB_TEXT[] = "SELECT body FROM feedback WHERE id = ?1";

struct pending {
	long long *id;
	char (*hash)[65];
	int n;
};

/* One batch: read and hash first, then write (no write under a running select). */
static int batch(struct store *s, int *n, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PENDING, err);
	if (!st)
		return MC_FAIL;
	struct pending p = { mc_xmalloc(CATCH_UP_BATCH * sizeof *p.id),
			     mc_xmalloc(CATCH_UP_BATCH * sizeof *p.hash), 0 };
	store_bind_int(st, 1, CATCH_UP_BATCH);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		p.id[p.n] = sqlite3_column_int64(st, 0);
		const char *t = (const char *)sqlite3_column_text(st, 1);
		precheck_norm_sha256(t ? t : "", (size_t)sqlite3_column_bytes(st, 1), p.hash[p.n]);
		p.n++;
	}
	sqlite3_reset(st);
	int out = rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading evidence to compare");
	for (int i = 0; out == MC_OK && i < p.n; i++) {
		sqlite3_stmt *up = store_prep(s, SQL_SET_NORM, err);
		if (!up) {
			out = MC_FAIL;
			break;
		}
		store_bind_int(up, 1, p.id[i]);
		store_bind_text(up, 2, p.hash[i]);
		if (sqlite3_step(up) != SQLITE_DONE)
			out = store_fail(s, err, "recording evidence hashes");
		sqlite3_reset(up);
	}
	*n = p.n;
	free(p.id);
	free(p.hash);
	return out;
}

static int catch_up(struct store *s, long long *done, struct mc_error *err)
{
	int n = CATCH_UP_BATCH, rc = MC_OK;
	while (rc == MC_OK && n == CATCH_UP_BATCH) {
		rc = batch(s, &n, err);
		if (done)
			*done += n;
	}
	return rc;
}

int store_precheck_catch_up(struct store *s, long long *done, struct mc_error *err)
{
	if (done)
		*done = 0;
	sqlite3 *db = store_db(s);
	if (sqlite3_db_readonly(db, "main") == 1)
		return MC_OK; /* compare with what is hashed already */
	int state = sqlite3_txn_state(db, "main");
	if (state == SQLITE_TXN_WRITE)
		return catch_up(s, done, err);
	if (state == SQLITE_TXN_READ)
		return MC_OK; /* inside a reader's snapshot: never turn it into a writer */
	/* Nothing pending is the usual case: say so without taking the write lock. */
	sqlite3_stmt *st = store_prep(s, SQL_PENDING, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, 1);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return MC_OK;
	if (rc != SQLITE_ROW)
		return store_fail(s, err, "reading evidence to compare");
	rc = store_begin(s, err);
	if (rc == MC_OK)
		rc = catch_up(s, done, err);
	if (rc == MC_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	return rc;
}

int store_precheck_twin(struct store *s, long long submission_rowid, const char *how, const char *hash,
			const char *exact, char **other, char **other_part, int *count, struct mc_error *err)
{
	*other = *other_part = NULL;
	*count = 0;
	int file = strcmp(how, "file") == 0;
	const char *sql[2] = { SQL_TWIN, SQL_TWIN_COUNT };
	for (int q = 0; q < 2; q++) {
		sqlite3_stmt *st = store_prep(s, sql[q], err);
		if (!st)
			return MC_FAIL;
		store_bind_text(st, 1, file ? NULL : hash);
		store_bind_int(st, 2, submission_rowid);
		store_bind_text(st, 3, file ? hash : exact);
		int rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && q == 0) {
			*other = store_col_dup(st, 0);
			*other_part = store_col_dup(st, 1);
		} else if (rc == SQLITE_ROW)
			*count = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_fail(s, err, "comparing evidence");
		if (rc == SQLITE_DONE) /* no other educator has it */
			return MC_OK;
	}
	return MC_OK;
}

/* One text column of one row by id (heap, NULL when none). */
static int one_text(struct store *s, const char *sql, long long id, char **out, struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = store_col_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading evidence");
}

int store_precheck_row_text(struct store *s, int feedback, long long rowid, char **text, struct mc_error *err)
{
	return one_text(s, feedback ? SQL_FB_TEXT : SQL_EV_TEXT, rowid, text, err);
}

int store_precheck_educator(struct store *s, long long submission_rowid, char **name, struct mc_error *err)
{
	return one_text(s, SQL_EDUCATOR, submission_rowid, name, err);
}

int store_precheck_school(struct store *s, long long submission_rowid, char **school, struct mc_error *err)
{
	return one_text(s, SQL_SCHOOL, submission_rowid, school, err);
}

static const char SQL_MISSING_PARTS[] =
	"SELECT p.code || ' (' || p.title || ')' FROM submission s JOIN part p ON p.rubric_id = s.rubric_id "
	"WHERE s.id = ?1 AND p.required = 1 AND NOT EXISTS "
	"(SELECT 1 FROM evidence e WHERE e.submission_id = s.id AND e.part_id = p.id) ORDER BY p.seq";

int store_precheck_missing_parts(struct store *s, long long submission_rowid, char ***parts, int *n,
				 struct mc_error *err)
{
	*parts = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_MISSING_PARTS, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 1, submission_rowid);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*parts = mc_xrealloc(*parts, (size_t)(*n + 1) * sizeof **parts);
		(*parts)[(*n)++] = store_col_dup(st, 0);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "finding parts without evidence");
}
