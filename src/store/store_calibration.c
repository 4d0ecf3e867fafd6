/* store_calibration.c: the SQL of calibration (store_calibration.h). */
#include "config.h"

#include <stdlib.h>

#include "mcassess/store_calibration.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_EXEMPLAR_OF[] = "SELECT id FROM calibration_exemplar WHERE submission_id = ?1";
static const char SQL_EXEMPLAR_PUT[] =
	"INSERT INTO calibration_exemplar(uid, submission_id, credential_id, outcome, added_by, added_at) "
	"SELECT ?1, s.id, s.credential_id, ?3, ?4, ?5 FROM submission s WHERE s.id = ?2";
static const char SQL_AGREED_PUT[] =
	"INSERT INTO calibration_agreed(exemplar_id, criterion_id, level_id) VALUES (?1, ?2, ?3)";
static const char SQL_AGREED_DEL[] = "DELETE FROM calibration_agreed WHERE exemplar_id = ?1";
static const char SQL_EXEMPLAR_DEL[] = "DELETE FROM calibration_exemplar WHERE id = ?1";
static const char SQL_LIST[] =
	"SELECT s.ext_id, c.code, x.outcome, x.added_by, x.added_at, "
	"(SELECT group_concat(k.code || '=' || k.seq, ' ') FROM (SELECT cr.code, l.seq FROM calibration_agreed g "
	"JOIN criterion cr ON cr.id = g.criterion_id JOIN part pt ON pt.id = cr.part_id "
	"JOIN level l ON l.id = g.level_id WHERE g.exemplar_id = x.id ORDER BY pt.seq, cr.seq) k), "
	"(SELECT CASE WHEN r.decided_at IS NULL THEN 'started' ELSE 'done' END FROM calibration_read r "
	"WHERE r.submission_id = x.submission_id AND r.assessor = ?2) "
	"FROM calibration_exemplar x JOIN submission s ON s.id = x.submission_id "
	"JOIN credential c ON c.id = x.credential_id WHERE ?1 IS NULL OR c.code = ?1 ORDER BY c.code, s.ext_id";
static const char SQL_AGREED_EACH[] =
	"SELECT criterion_id, level_id FROM calibration_agreed WHERE exemplar_id = ?1";
static const char SQL_READ_GET[] =
	"SELECT id, decided_at, outcome FROM calibration_read WHERE submission_id = ?1 AND assessor = ?2";
static const char SQL_READ_START[] =
	"INSERT INTO calibration_read(uid, submission_id, assessor, started_at) VALUES (?1, ?2, ?3, ?4)";
static const char SQL_READ_DECIDE[] = "UPDATE calibration_read SET outcome = ?2, decided_at = ?3 WHERE id = ?1";
static const char SQL_SCORE_PUT[] =
	"INSERT INTO calibration_score(uid, read_id, criterion_id, level_id, at) VALUES (?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT (read_id, criterion_id) DO UPDATE SET level_id = excluded.level_id, at = excluded.at";
static const char SQL_SCORES_EACH[] = "SELECT criterion_id, level_id FROM calibration_score WHERE read_id = ?1";
static const char SQL_PAIRS[] =
	"SELECT r.assessor, c.code, lg.seq, la.seq, (SELECT count(*) FROM level n WHERE n.criterion_id = g.criterion_id) "
	"FROM calibration_exemplar x JOIN credential c ON c.id = x.credential_id "
	"JOIN calibration_read r ON r.submission_id = x.submission_id AND r.decided_at IS NOT NULL "
	"JOIN calibration_agreed g ON g.exemplar_id = x.id "
	"JOIN calibration_score cs ON cs.read_id = r.id AND cs.criterion_id = g.criterion_id "
	"JOIN level lg ON lg.id = cs.level_id JOIN level la ON la.id = g.level_id "
	"WHERE (?1 IS NULL OR c.code = ?1) AND (?2 IS NULL OR r.assessor = ?2) ORDER BY r.assessor, c.code";
static const char SQL_SETS[] =
	"SELECT c.code, count(*), (SELECT count(*) FROM calibration_read r JOIN calibration_exemplar y "
	"ON y.submission_id = r.submission_id WHERE y.credential_id = c.id AND r.assessor = ?2 "
	"AND r.decided_at IS NOT NULL), (SELECT count(*) FROM calibration_read r JOIN calibration_exemplar y "
	"ON y.submission_id = r.submission_id WHERE y.credential_id = c.id AND r.assessor = ?2 "
	"AND r.outcome = y.outcome) FROM calibration_exemplar x JOIN credential c ON c.id = x.credential_id "
	"WHERE ?1 IS NULL OR c.code = ?1 GROUP BY c.id ORDER BY c.code";
static const char SQL_REAL_READ[] =
	"SELECT read FROM score WHERE submission_id = ?1 AND assessor = ?2 ORDER BY id LIMIT 1";
static const char SQL_ASSESSORS[] =
	"SELECT DISTINCT r.assessor FROM calibration_read r JOIN calibration_exemplar x "
	"ON x.submission_id = r.submission_id JOIN credential c ON c.id = x.credential_id "
	"WHERE r.decided_at IS NOT NULL AND (?1 IS NULL OR c.code = ?1) ORDER BY r.assessor";

/* Step a statement that writes; MC_OK when it did. */
static int done(struct store *s, sqlite3_stmt *st, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

/* The first column of the one row of `st` (an id) into *id, 0 when no row. */
static int one_id(struct store *s, sqlite3_stmt *st, long long *id, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	*id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

int store_calib_exemplar_of(struct store *s, long long sub, long long *exemplar, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EXEMPLAR_OF, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub);
	return one_id(s, st, exemplar, "reading the calibration set", err);
}

int store_calib_exemplar_put(struct store *s, const char *uid, long long sub, const char *outcome,
			     const char *by, const char *at, long long *exemplar, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EXEMPLAR_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub);
	store_bind_text(st, 3, outcome);
	store_bind_text(st, 4, by);
	store_bind_text(st, 5, at);
	int rc = done(s, st, "adding the exemplar", err);
	*exemplar = rc == MC_OK ? sqlite3_last_insert_rowid(store_db(s)) : 0;
	return rc;
}

int store_calib_agreed_put(struct store *s, long long exemplar, long long criterion, long long level,
			   struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_AGREED_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, exemplar);
	store_bind_int(st, 2, criterion);
	store_bind_int(st, 3, level);
	return done(s, st, "saving the agreed levels", err);
}

int store_calib_exemplar_del(struct store *s, long long exemplar, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_AGREED_DEL, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, exemplar);
	int rc = done(s, st, "removing the agreed levels", err);
	if (rc == MC_OK && !(st = store_prep(s, SQL_EXEMPLAR_DEL, err)))
		return MC_FAIL;
	if (rc == MC_OK) {
		store_bind_int(st, 1, exemplar);
		rc = done(s, st, "removing the exemplar", err);
	}
	return rc;
}

int store_calib_list(struct store *s, const char *credential, const char *viewer, struct store_calib_row **out,
		     int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_LIST, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, credential);
	store_bind_text(st, 2, viewer);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = mc_xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		struct store_calib_row *r = &(*out)[(*n)++];
		*r = (struct store_calib_row){ store_col_dup(st, 0), store_col_dup(st, 1), store_col_dup(st, 2),
					       store_col_dup(st, 3), store_col_dup(st, 4), store_col_dup(st, 5),
					       store_col_dup(st, 6) };
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return MC_OK;
	store_calib_rows_free(out, *n);
	*n = 0;
	return store_fail(s, err, "listing the calibration set");
}

void store_calib_rows_free(struct store_calib_row **rows, int n)
{
	if (!rows || !*rows)
		return;
	for (int i = 0; i < n; i++) {
		struct store_calib_row *r = &(*rows)[i];
		free(r->id);
		free(r->credential);
		free(r->outcome);
		free(r->added_by);
		free(r->added_at);
		free(r->agreed);
		free(r->mine);
	}
	free(*rows);
	*rows = NULL;
}

/* fn(column 0, column 1) for each row of `st` bound to `id`. */
static int each_pair(struct store *s, const char *sql, long long id, void (*fn)(void *, long long, long long),
		     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading calibration levels");
}

int store_calib_agreed_each(struct store *s, long long exemplar, void (*fn)(void *, long long, long long),
			    void *ctx, struct mc_error *err)
{
	return each_pair(s, SQL_AGREED_EACH, exemplar, fn, ctx, err);
}

int store_calib_scores_each(struct store *s, long long read, void (*fn)(void *, long long, long long),
			    void *ctx, struct mc_error *err)
{
	return each_pair(s, SQL_SCORES_EACH, read, fn, ctx, err);
}

int store_calib_read_get(struct store *s, long long sub, const char *assessor, long long *read, char **decided,
			 char **outcome, struct mc_error *err)
{
	*read = 0;
	*decided = NULL;
	*outcome = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_READ_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub);
	store_bind_text(st, 2, assessor);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*read = sqlite3_column_int64(st, 0);
		*decided = store_col_dup(st, 1);
		*outcome = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading your calibration read");
}

int store_calib_read_start(struct store *s, const char *uid, long long sub, const char *assessor,
			   const char *at, long long *read, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_READ_START, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub);
	store_bind_text(st, 3, assessor);
	store_bind_text(st, 4, at);
	int rc = done(s, st, "starting your calibration read", err);
	*read = rc == MC_OK ? sqlite3_last_insert_rowid(store_db(s)) : 0;
	return rc;
}

int store_calib_read_decide(struct store *s, long long read, const char *outcome, const char *at,
			    struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_READ_DECIDE, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, read);
	store_bind_text(st, 2, outcome);
	store_bind_text(st, 3, at);
	return done(s, st, "ending your calibration read", err);
}

int store_calib_score_put(struct store *s, const char *uid, long long read, long long criterion,
			  long long level, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCORE_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, read);
	store_bind_int(st, 3, criterion);
	store_bind_int(st, 4, level);
	store_bind_text(st, 5, at);
	return done(s, st, "saving your calibration score", err);
}

int store_calib_pairs(struct store *s, const char *credential, const char *assessor,
		      int (*fn)(void *ctx, const struct store_calib_pair *p), void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PAIRS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, credential);
	store_bind_text(st, 2, assessor);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_calib_pair p = { (const char *)sqlite3_column_text(st, 0),
					      (const char *)sqlite3_column_text(st, 1), sqlite3_column_int(st, 2),
					      sqlite3_column_int(st, 3), sqlite3_column_int(st, 4) };
		stop = fn(ctx, &p);
	}
	sqlite3_reset(st);
	return stop || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading calibration results");
}

int store_calib_sets(struct store *s, const char *credential, const char *assessor,
		     int (*fn)(void *ctx, const char *credential, long exemplars, long done, long same), void *ctx,
		     struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SETS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, credential);
	store_bind_text(st, 2, assessor);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(ctx, (const char *)sqlite3_column_text(st, 0), (long)sqlite3_column_int64(st, 1),
			  (long)sqlite3_column_int64(st, 2), (long)sqlite3_column_int64(st, 3));
	sqlite3_reset(st);
	return stop || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the calibration sets");
}

int store_calib_assessors(struct store *s, const char *credential, int (*fn)(void *ctx, const char *user),
			  void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_ASSESSORS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, credential);
	int rc, stop = 0;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = fn(ctx, (const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return stop || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading who calibrated");
}

int store_calib_real_read(struct store *s, long long sub, const char *user, char **read, struct mc_error *err)
{
	*read = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_REAL_READ, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub);
	store_bind_text(st, 2, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*read = store_col_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the real scores");
}
