/* store_check.c: the SQL behind `mcassess check`. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/error.h"
#include "mcassess/report.h"
#include "mcassess/util.h"

#include "mcassess/store_check.h"
#include "store_int.h"

/* In the order of the rows, not of the submissions: sorting would carry every text
 * through a temporary b-tree (20 s of a 49 s check at 100,000 submissions). */
static const char SQL_EVIDENCE[] =
	"SELECT s.ext_id, p.code, e.kind, e.seq, e.text, e.sha256, e.blob_sha256, e.file_name "
	"FROM evidence e JOIN submission s ON s.id = e.submission_id JOIN part p ON p.id = e.part_id "
	"ORDER BY e.id";
static const char SQL_BLOBS[] =
	"SELECT b.sha256, b.size, s.ext_id, p.code, e.file_name, e.seq FROM blob b "
	"LEFT JOIN evidence e ON e.id = (SELECT min(id) FROM evidence "
	"  WHERE sha256 = b.sha256 AND blob_sha256 = b.sha256) "
	"LEFT JOIN submission s ON s.id = e.submission_id LEFT JOIN part p ON p.id = e.part_id "
	"ORDER BY b.sha256";
/* check --since-last: only what came after the last clean check's mark. */
static const char SQL_EVIDENCE_AFTER[] =
	"SELECT s.ext_id, p.code, e.kind, e.seq, e.text, e.sha256, e.blob_sha256, e.file_name "
	"FROM evidence e JOIN submission s ON s.id = e.submission_id JOIN part p ON p.id = e.part_id "
	"WHERE e.id > ?1 ORDER BY e.id";
static const char SQL_BLOBS_AFTER[] =
	"SELECT b.sha256, b.size, s.ext_id, p.code, e.file_name, e.seq FROM blob b "
	"JOIN evidence e ON e.id = (SELECT min(id) FROM evidence "
	"  WHERE sha256 = b.sha256 AND blob_sha256 = b.sha256) "
	"LEFT JOIN submission s ON s.id = e.submission_id LEFT JOIN part p ON p.id = e.part_id "
	"WHERE b.sha256 IN (SELECT blob_sha256 FROM evidence WHERE id > ?1) ORDER BY b.sha256";
static const char SQL_EVIDENCE_MAX[] = "SELECT coalesce(max(id), 0) FROM evidence";
static const char SQL_STATUS[] =
	"SELECT c.status, c.n, (SELECT count(*) FROM submission s WHERE s.status = c.status) "
	"FROM status_count c ORDER BY c.status";
static const char SQL_RECORDS[] =
	"SELECT s.ext_id, 'score', c.code, sc.read, l.code, s.status, "
	"  c.rubric_id = s.rubric_id AND l.criterion_id = sc.criterion_id "
	"FROM score sc JOIN submission s ON s.id = sc.submission_id "
	"JOIN criterion c ON c.id = sc.criterion_id JOIN level l ON l.id = sc.level_id "
	"UNION ALL SELECT s.ext_id, 'feedback', f.read, f.read, f.body, s.status, 1 "
	"FROM feedback f JOIN submission s ON s.id = f.submission_id "
	"UNION ALL SELECT s.ext_id, 'decision', '', '', d.outcome, s.status, 1 "
	"FROM decision d JOIN submission s ON s.id = d.submission_id "
	"UNION ALL SELECT s.ext_id, 'status', '', '', s.status, s.status, 1 FROM submission s "
	"WHERE s.status IN ('earned', 'resubmit') AND NOT EXISTS "
	"  (SELECT 1 FROM decision d WHERE d.submission_id = s.id) "
	"ORDER BY 1, 2, 3, 4";
static const char SQL_BLOB_KNOWN[] = "SELECT count(*) FROM blob WHERE sha256 = ?1";
static const char SQL_TRIGGER[] =
	"SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND name = ?1";
static const char SQL_COUNTS[] =
	"SELECT (SELECT count(*) FROM submission), (SELECT count(*) FROM evidence), "
	"(SELECT count(*) FROM blob), (SELECT count(*) FROM score), (SELECT count(*) FROM feedback), "
	"(SELECT count(*) FROM decision), (SELECT count(*) FROM audit)";

static const char *col(sqlite3_stmt *st, int i) { return (const char *)sqlite3_column_text(st, i); }

/* The end of a walk: reset, and an error unless every row was read (or fn stopped it). */
static int walk_end(struct store *s, sqlite3_stmt *st, int rc, struct mc_error *err)
{
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "checking the database");
}

static int evidence_walk(struct store *s, sqlite3_stmt *st,
			 int (*fn)(void *ctx, const struct store_check_evidence *e), void *ctx,
			 struct mc_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_check_evidence e = {
			.submission = col(st, 0), .part = col(st, 1), .kind = col(st, 2),
			.seq = sqlite3_column_int(st, 3), .text = col(st, 4),
			.text_len = (size_t)sqlite3_column_bytes(st, 4), .sha256 = col(st, 5),
			.blob_sha256 = col(st, 6), .file_name = col(st, 7),
		};
		if (fn(ctx, &e)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return walk_end(s, st, rc, err);
}

static int blob_walk(struct store *s, sqlite3_stmt *st, int (*fn)(void *ctx, const struct store_check_blob *b),
		     void *ctx, struct mc_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_check_blob b = {
			.sha256 = col(st, 0), .size = sqlite3_column_int64(st, 1), .submission = col(st, 2),
			.part = col(st, 3), .file_name = col(st, 4), .seq = sqlite3_column_int(st, 5),
		};
		if (fn(ctx, &b)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return walk_end(s, st, rc, err);
}

/* after < 0: the whole table's statement; else the one after the mark, bound. */
static sqlite3_stmt *prep_after(struct store *s, const char *whole, const char *since, long long after,
				struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, after < 0 ? whole : since, err);
	if (st && after >= 0)
		store_bind_int(st, 1, after);
	return st;
}

int store_check_evidence_each(struct store *s, int (*fn)(void *ctx, const struct store_check_evidence *e),
			      void *ctx, struct mc_error *err)
{
	return store_check_evidence_after(s, -1, fn, ctx, err);
}

int store_check_evidence_after(struct store *s, long long after,
			       int (*fn)(void *ctx, const struct store_check_evidence *e), void *ctx,
			       struct mc_error *err)
{
	sqlite3_stmt *st = prep_after(s, SQL_EVIDENCE, SQL_EVIDENCE_AFTER, after, err);
	return st ? evidence_walk(s, st, fn, ctx, err) : MC_FAIL;
}

int store_check_blob_each(struct store *s, int (*fn)(void *ctx, const struct store_check_blob *b),
			  void *ctx, struct mc_error *err)
{
	return store_check_blob_after(s, -1, fn, ctx, err);
}

int store_check_blob_after(struct store *s, long long after,
			   int (*fn)(void *ctx, const struct store_check_blob *b), void *ctx,
			   struct mc_error *err)
{
	sqlite3_stmt *st = prep_after(s, SQL_BLOBS, SQL_BLOBS_AFTER, after, err);
	return st ? blob_walk(s, st, fn, ctx, err) : MC_FAIL;
}

int store_check_evidence_max(struct store *s, long long *max, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EVIDENCE_MAX, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	*max = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "checking the database");
}

int store_check_status_each(struct store *s, int (*fn)(void *ctx, const char *status, long long counted,
						       long long real),
			    void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_STATUS, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, col(st, 0), sqlite3_column_int64(st, 1), sqlite3_column_int64(st, 2))) {
			rc = SQLITE_DONE;
			break;
		}
	return walk_end(s, st, rc, err);
}

int store_check_record_each(struct store *s, int (*fn)(void *ctx, const struct store_check_record *r),
			    void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_RECORDS, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct store_check_record r = {
			.submission = col(st, 0), .kind = col(st, 1), .key = col(st, 2), .read = col(st, 3),
			.value = col(st, 4), .status = col(st, 5), .consistent = sqlite3_column_int(st, 6),
		};
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return walk_end(s, st, rc, err);
}

/* count(*) of a query with one text parameter, as a yes/no. */
static int any_of(struct store *s, const char *sql, const char *arg, int *yes, struct mc_error *err)
{
	*yes = 0;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, arg);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = sqlite3_column_int(st, 0) > 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "checking the database");
}

int store_check_trigger_exists(struct store *s, const char *name, int *exists, struct mc_error *err)
{
	return any_of(s, SQL_TRIGGER, name, exists, err);
}

int store_check_blob_known(struct store *s, const char *sha256, int *known, struct mc_error *err)
{
	return any_of(s, SQL_BLOB_KNOWN, sha256, known, err);
}

int store_check_counts(struct store *s, long *submissions, long *evidence, long *files, long *scores,
		       long *feedback, long *decisions, long *audit_rows, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_COUNTS, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		long *out[] = { submissions, evidence, files, scores, feedback, decisions, audit_rows };
		for (int i = 0; i < 7; i++)
			*out[i] = (long)sqlite3_column_int64(st, i);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "checking the database");
}

/* ---------------------------------------------------------------- memory */

#define STR_(x) #x
#define STR(x) STR_(x)
/* SQLite's default (its DEFAULT_CACHE_SIZE), as every other command has it. */
static const char SQL_BOUND_OFF[] = "PRAGMA main.cache_size = -2000; PRAGMA temp.cache_size = -2000";
static const char SQL_BOUND_ON[] = "PRAGMA main.cache_size = -" STR(STORE_CHECK_CACHE_KIB) ";"
				   " PRAGMA temp.cache_size = -" STR(STORE_CHECK_CACHE_KIB);

/* The integrity check's connection: its temporary tables bounded as above, its
 * page cache SQLite's default (the anchor's, sqlite3's): with 512 KiB the pass
 * read the same pages of the indexes again and again, each a pread and a copy
 * from the operating system's cache (two thirds of its CPU samples at 100,000
 * submissions, bench/README.md); it sorts nothing, so its memory is the cache. */
static const char SQL_BOUND_SIDE[] = "PRAGMA main.cache_size = -" STR(STORE_CHECK_SIDE_CACHE_KIB) ";"
				     " PRAGMA temp.cache_size = -" STR(STORE_CHECK_CACHE_KIB);

static int bound(struct store *s, const char *sql, struct mc_error *err)
{
	if (sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(s, err, "setting the check's memory");
	return MC_OK;
}

int store_check_bound(struct store *s, int on, struct mc_error *err)
{
	return bound(s, on ? SQL_BOUND_ON : SQL_BOUND_OFF, err);
}

/* ---------------------------------------------------------------- the integrity check beside */

/* PRAGMA integrity_check and the foreign keys on a connection of their own, in a
 * thread: SQLite's pass over every page overlaps check's other passes (the machine
 * has two cores; serial: in the caller's thread, at once). */
struct store_check_side {
	struct store *main, *own;
	pthread_t thread;
	int started;
	char **msgs; /* what integrity_check said, held for the caller's thread */
	size_t n;
	int rc;
	struct mc_error err;
};

static void side_keep(void *ctx, const char *problem)
{
	struct store_check_side *j = ctx;
	j->msgs = mc_xrealloc(j->msgs, (j->n + 1) * sizeof *j->msgs);
	j->msgs[j->n++] = mc_xstrdup(problem);
}

static void *side_run(void *arg)
{
	struct store_check_side *j = arg;
	j->rc = store_integrity(j->own, side_keep, j, &j->err);
	return NULL;
}

int store_check_integrity_start(struct store *s, int serial, struct store_check_side **out,
				struct mc_error *err)
{
	*out = NULL;
	struct store_check_side *j = calloc(1, sizeof *j);
	if (!j)
		abort();
	j->main = s;
	int rc = store_open(store_path(s), STORE_READONLY | STORE_NO_MIGRATE, &j->own, err);
	if (rc == MC_OK)
		rc = bound(j->own, SQL_BOUND_SIDE, err);
	if (rc != MC_OK) {
		store_close(&j->own);
		free(j);
		return rc;
	}
	store_set_side(s, store_db(j->own));
	if (serial || pthread_create(&j->thread, NULL, side_run, j) != 0)
		side_run(j);
	else
		j->started = 1;
	*out = j;
	return MC_OK;
}

int store_check_integrity_finish(struct store_check_side **side, int abandon,
				 void (*report)(void *ctx, const char *problem), void *ctx,
				 struct mc_error *err)
{
	struct store_check_side *j = *side;
	if (!j)
		return MC_OK;
	*side = NULL;
	if (abandon)
		sqlite3_interrupt(store_db(j->own));
	if (j->started)
		pthread_join(j->thread, NULL);
	store_set_side(j->main, NULL);
	int rc = abandon ? MC_OK : j->rc;
	if (rc != MC_OK)
		mc_error_set(err, rc, "%s", mc_error_msg(&j->err));
	for (size_t i = 0; i < j->n; i++) {
		if (!abandon)
			report(ctx, j->msgs[i]);
		free(j->msgs[i]);
	}
	free(j->msgs);
	mc_error_clear(&j->err);
	store_close(&j->own);
	free(j);
	return rc;
}

/* ---------------------------------------------------------------- the counters since the last clean check */

/* The days written after the mark (check_dirty_day, migration 18): their counters
 * against their submissions (found by submission_submitted: the day's range, then
 * its exact key), and the months of those days against the sum of their days'
 * counters; each group whose kept n or attempts differ, rows of 0 being no row. */
#define SINCE_DAYS "(SELECT day FROM check_dirty_day WHERE seq > ?1)"
#define SINCE_MONTHS "(SELECT DISTINCT substr(day, 1, 7) AS m FROM check_dirty_day WHERE seq > ?1)"
#define SINCE_KEPT(TABLE, KEY, IN)                                                                 \
	"SELECT '" KEY "', " KEY ", credential_id, district_id, status, first, n, attempts, 1 FROM " TABLE \
	" WHERE " KEY " IN " IN " AND (n <> 0 OR attempts <> 0)"
static const char SQL_COUNTS_SINCE[] =
	"WITH dd AS " SINCE_DAYS ", mm AS " SINCE_MONTHS ","
	" side(tb, k, cid, did, st, f, n, a, kept) AS (" SINCE_KEPT("report_day", "day", "dd")
	" UNION ALL SELECT 'day', substr(s.submitted_at, 1, 10), s.credential_id,"
	"  coalesce(e.district_id, 0), s.status, s.attempt = 1, 1, s.attempt, 0"
	"  FROM dd JOIN submission s ON s.submitted_at >= dd.day AND s.submitted_at < dd.day || char(1114111)"
	"  AND substr(s.submitted_at, 1, 10) = dd.day LEFT JOIN educator e ON e.id = s.educator_id"
	" UNION ALL " SINCE_KEPT("report_month", "month", "mm")
	" UNION ALL SELECT 'month', substr(r.day, 1, 7), r.credential_id, r.district_id, r.status, r.first,"
	"  r.n, r.attempts, 0 FROM mm JOIN report_day r ON r.day >= mm.m AND r.day < mm.m || char(1114111)"
	"  AND substr(r.day, 1, 7) = mm.m)"
	" SELECT tb, k, c.code, di.name, st, f, sum(iif(kept, n, 0)), sum(iif(kept, 0, n)) FROM side"
	" LEFT JOIN credential c ON c.id = cid LEFT JOIN district di ON di.id = did"
	" GROUP BY tb, k, cid, did, st, f"
	" HAVING sum(iif(kept, n, -n)) <> 0 OR sum(iif(kept, a, -a)) <> 0 ORDER BY 1, 2, 3, 4, 5, 6";
/* The facts (report_submission) of the submissions written after the mark against
 * their source rows (report_fact), as store_report_facts_check does for all. */
#define SINCE_FACTS(TABLE) \
	"SELECT t.* FROM check_dirty_submission x JOIN " TABLE " t ON t.submission_id = x.submission_id" \
	" WHERE x.seq > ?1"
static const char SQL_FACTS_SINCE[] =
	"SELECT coalesce(s.ext_id, '#' || x.submission_id) FROM"
	" (SELECT submission_id FROM (" SINCE_FACTS("report_fact") " EXCEPT " SINCE_FACTS("report_submission") ")"
	" UNION SELECT submission_id FROM (" SINCE_FACTS("report_submission") " EXCEPT " SINCE_FACTS("report_fact")
	")) x LEFT JOIN submission s ON s.id = x.submission_id ORDER BY 1";
static const char SQL_DIRTY_MAX[] =
	"SELECT (SELECT coalesce(max(seq), 0) FROM check_dirty_day),"
	" (SELECT coalesce(max(seq), 0) FROM check_dirty_submission)";

int store_check_counts_since(struct store *s, long long day_seq,
			     int (*fn)(void *ctx, const struct report_count_diff *d), void *ctx,
			     struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_COUNTS_SINCE, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, day_seq);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_count_diff d = {
			col(st, 0), col(st, 1), col(st, 2), col(st, 3), col(st, 4), sqlite3_column_int(st, 5),
			sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7), NULL,
		};
		if (fn(ctx, &d) != MC_OK) {
			rc = SQLITE_DONE;
			break;
		}
	}
	return walk_end(s, st, rc, err);
}

int store_check_facts_since(struct store *s, long long submission_seq,
			    int (*fn)(void *ctx, const char *submission), void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_FACTS_SINCE, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, submission_seq);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, col(st, 0)) != MC_OK) {
			rc = SQLITE_DONE;
			break;
		}
	return walk_end(s, st, rc, err);
}

static const char SQL_DIRTY_DAYS[] = "SELECT day FROM check_dirty_day WHERE seq > ?1 ORDER BY day";

int store_check_dirty_days(struct store *s, long long day_seq, char ***days, int *n, struct mc_error *err)
{
	*days = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_DIRTY_DAYS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, day_seq);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			*days = mc_xrealloc(*days, (size_t)cap * sizeof **days);
		}
		(*days)[(*n)++] = store_col_dup(st, 0);
	}
	return walk_end(s, st, rc, err);
}

int store_check_dirty_max(struct store *s, long long *day_seq, long long *submission_seq, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DIRTY_MAX, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	*day_seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*submission_seq = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "checking the database");
}
