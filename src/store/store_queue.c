/* store_queue.c: SQL for the evidence queue. Every page is an index range in
 * the sort's order (keyset paging with row values): no OFFSET, and no sort of
 * the whole table. The indexes are in schema.sql:
 *   age         submission_submitted (submitted_at, id)
 *   credential  credential(code) then submission_credential_age (credential_id, submitted_at, id)
 *   status      submission_status (status, submitted_at, id), one status at a time
 * Filters that no index serves are checked on the rows as the index is walked. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/store_queue.h"
#include "mcassess/util.h"
#include "store_int.h"

/* The status words the submission table holds (here, below the queue, since the
 * counters read them too). */
const char *const queue_statuses[QUEUE_NSTATUS] = {
	"queued", "in_progress", "awaiting_approval", "earned", "resubmit", "incomplete", "withdrawn",
};

/* The viewer's own assignment on the row: its read and whether it is blind. */
#define Q_READ(col) "(SELECT a." col " FROM assignment a WHERE a.submission_id = s.id AND a.assessor = ?10 " \
	"ORDER BY a.id LIMIT 1)"
/* Both reads ended, and not in agreement (agreeing reads go to awaiting_approval,
 * review.c), with nobody holding the adjudication read: review_stage's "needs
 * adjudication". */
#define Q_NEEDS_ADJ                                                                                \
	"(s.status = 'in_progress' AND (SELECT count(*) FROM read_decision r WHERE r.submission_id = s.id " \
	"AND r.read IN ('first', 'second')) = 2 AND NOT EXISTS (SELECT 1 FROM assignment a WHERE "         \
	"a.submission_id = s.id AND a.read = 'adjudication'))"
/* ?1 status key, ?2 credential key, ?3 submitted_at key, ?4 rowid key,
 * ?5 status filter (NULL open work, 'all', or one), ?6 credential, ?7 pathway,
 * ?8 district, ?9 mine, ?10 viewer, ?11 limit (-1: none), ?12 needs ('adjudication' or NULL). */
#define Q_SELECT                                                                                   \
	"SELECT s.id, s.ext_id, s.status, c.code, p.code, d.name, s.submitted_at, s.attempt, "    \
	"e.name, e.anon_id, " STORE_BLIND_TO("s.educator_id", "?10") ", "                         \
	"(SELECT k.user FROM claim k WHERE k.submission_id = s.id), "                              \
	Q_READ("read") ", " Q_READ("blind") ", " STORE_ASSIGNEES("s.id", "?10") ", " STORE_DUE("s.id", "?10") ", " Q_NEEDS_ADJ " "     \
	"FROM submission s JOIN credential c ON c.id = s.credential_id "                           \
	"JOIN pathway p ON p.id = c.pathway_id JOIN educator e ON e.id = s.educator_id "          \
	"JOIN district d ON d.id = e.district_id "
#define Q_FILTER                                                                                   \
	" AND (?5 = 'all' OR (?5 IS NULL AND s.status IN ('queued', 'in_progress')) OR s.status = ?5)" \
	" AND (?6 IS NULL OR c.code = ?6) AND (?7 IS NULL OR p.code = ?7)"                         \
	" AND (?8 IS NULL OR d.name = ?8)"                                                         \
	" AND (?12 IS NULL OR " Q_NEEDS_ADJ ")"                                                    \
	" AND (?9 IS NULL OR s.id IN (SELECT submission_id FROM assignment WHERE assessor = ?9)"   \
	" OR s.id IN (SELECT submission_id FROM claim WHERE user = ?9))"                           \
	" AND " STORE_SCOPE("s")

static const char SQL_AGE_FWD[] = Q_SELECT "WHERE (s.submitted_at, s.id) > (?3, ?4)" Q_FILTER
	" ORDER BY s.submitted_at, s.id LIMIT ?11";
static const char SQL_AGE_BACK[] = Q_SELECT "WHERE (s.submitted_at, s.id) < (?3, ?4)" Q_FILTER
	" ORDER BY s.submitted_at DESC, s.id DESC LIMIT ?11";
/* By age with one status or open work (the default), as a merge of one walk of
 * submission_status per status: the walk of submission_submitted above reads
 * every decided submission older than the first open one (at a million with the
 * oldest work decided: 480,000 rows, 3 s, for a first page of 50). Each arm is
 * an index range in the page's order; the compound's ORDER BY merges them. */
#define Q_AGE_ARM(STATUS, CMP, ORDER)                                                             \
	"SELECT * FROM (" Q_SELECT "WHERE s.status = " STATUS " AND (s.submitted_at, s.id) " CMP " (?3, ?4)" \
	Q_FILTER " ORDER BY s.submitted_at " ORDER ", s.id " ORDER " LIMIT ?11)"
#define Q_AGE_OPEN(CMP, ORDER)                                                                    \
	Q_AGE_ARM("coalesce(?5, 'queued')", CMP, ORDER) " UNION ALL "                              \
	Q_AGE_ARM("'in_progress' AND ?5 IS NULL", CMP, ORDER) " ORDER BY 7 " ORDER ", 1 " ORDER " LIMIT ?11"
static const char SQL_AGE_OPEN_FWD[] = Q_AGE_OPEN(">", "ASC");
static const char SQL_AGE_OPEN_BACK[] = Q_AGE_OPEN("<", "DESC");
/* by credential: the rest of the key's credential, then the credentials after it */
static const char SQL_CRED_SAME_FWD[] = Q_SELECT
	"WHERE c.code = ?2 AND (s.submitted_at, s.id) > (?3, ?4)" Q_FILTER
	" ORDER BY s.submitted_at, s.id LIMIT ?11";
static const char SQL_CRED_SAME_BACK[] = Q_SELECT
	"WHERE c.code = ?2 AND (s.submitted_at, s.id) < (?3, ?4)" Q_FILTER
	" ORDER BY s.submitted_at DESC, s.id DESC LIMIT ?11";
static const char SQL_CRED_NEXT_FWD[] = Q_SELECT "WHERE c.code > ?2" Q_FILTER
	" ORDER BY c.code, s.submitted_at, s.id LIMIT ?11";
static const char SQL_CRED_NEXT_BACK[] = Q_SELECT "WHERE c.code < ?2" Q_FILTER
	" ORDER BY c.code DESC, s.submitted_at DESC, s.id DESC LIMIT ?11";
/* by status: one status at a time, in the index's (alphabetical) order */
static const char SQL_STATUS_FWD[] = Q_SELECT
	"WHERE s.status = ?1 AND (s.submitted_at, s.id) > (?3, ?4)" Q_FILTER
	" ORDER BY s.submitted_at, s.id LIMIT ?11";
static const char SQL_STATUS_BACK[] = Q_SELECT
	"WHERE s.status = ?1 AND (s.submitted_at, s.id) < (?3, ?4)" Q_FILTER
	" ORDER BY s.submitted_at DESC, s.id DESC LIMIT ?11";

static const char SQL_COUNTS[] = "SELECT status, n FROM status_count";
/* The same filters as a page (every status), counted by status: one pass over
 * the rows the filters' indexes give, done once per filter, never per key. */
static const char SQL_COUNTS_FILTERED[] = "SELECT s.status, count(*) "
	"FROM submission s JOIN credential c ON c.id = s.credential_id "
	"JOIN pathway p ON p.id = c.pathway_id JOIN educator e ON e.id = s.educator_id "
	"JOIN district d ON d.id = e.district_id WHERE 1" Q_FILTER " GROUP BY s.status";
/* Counted over a scope: an assessor's work, or a district's educators. */
static const char SQL_COUNTS_ASSIGNED[] =
	"SELECT s.status, count(*) FROM submission s WHERE s.id IN (" STORE_ASSIGNED_IDS ") GROUP BY s.status";
static const char SQL_COUNTS_DISTRICT[] =
	"SELECT s.status, count(*) FROM educator e JOIN submission s ON s.educator_id = e.id "
	"WHERE e.district_id = (SELECT id FROM district WHERE name = ?63) GROUP BY s.status";
/* An approver's: what awaits approval (their district's when they have one). */
static const char SQL_COUNTS_SCOPED[] =
	"SELECT s.status, count(*) FROM submission s WHERE " STORE_SCOPE("s") " GROUP BY s.status";
static const char SQL_EDUCATOR[] =
	"SELECT e.name, e.anon_id, " STORE_BLIND_TO("s.educator_id", "?2") ", e.ext_id, sc.name "
	"FROM submission s JOIN educator e ON e.id = s.educator_id "
	"LEFT JOIN school sc ON sc.id = e.school_id WHERE s.id = ?1";

/* The statuses in index (byte) order, for the status sort. */
static const char *const status_sorted[QUEUE_NSTATUS] = {
	"awaiting_approval", "earned", "in_progress", "incomplete", "queued", "resubmit", "withdrawn",
};

/* A key part: the value, or, for a walk from the top (bottom), a value before
 * (after) every text: '' sorts first among texts, and a blob after all of them. */
static void bind_key_text(sqlite3_stmt *st, int i, const char *v, int direction)
{
	if (v)
		store_bind_text(st, i, v);
	else if (direction > 0)
		store_bind_text(st, i, "");
	else
		sqlite3_bind_zeroblob(st, i, 0);
}

static void bind_common(struct store *s, sqlite3_stmt *st, const struct queue_filter *f, const char *viewer,
			long limit)
{
	store_bind_scope(s, st);
	store_bind_text(st, 5, f->status);
	store_bind_text(st, 6, f->credential);
	store_bind_text(st, 7, f->pathway);
	store_bind_text(st, 8, f->district);
	store_bind_text(st, 9, f->mine);
	store_bind_text(st, 10, viewer ? viewer : "");
	store_bind_int(st, 11, limit);
	store_bind_text(st, 12, f->needs);
}

/* Run one prepared query, passing rows to fn. *stopped is set when fn asked to stop;
 * *got counts the rows. */
static int run(struct store *s, sqlite3_stmt *st, int (*fn)(void *, const struct queue_raw *),
	       void *ctx, int *stopped, long *got, struct mc_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct queue_raw r = {
			.rowid = sqlite3_column_int64(st, 0),
			.id = (const char *)sqlite3_column_text(st, 1),
			.status = (const char *)sqlite3_column_text(st, 2),
			.credential = (const char *)sqlite3_column_text(st, 3),
			.pathway = (const char *)sqlite3_column_text(st, 4),
			.district = (const char *)sqlite3_column_text(st, 5),
			.submitted_at = (const char *)sqlite3_column_text(st, 6),
			.attempt = sqlite3_column_int(st, 7),
			.name = (const char *)sqlite3_column_text(st, 8),
			.anon_id = (const char *)sqlite3_column_text(st, 9),
			.assigned_blind = sqlite3_column_int(st, 10),
			.claimed_by = (const char *)sqlite3_column_text(st, 11),
			.read = (const char *)sqlite3_column_text(st, 12),
			.read_blind = sqlite3_column_int(st, 13),
			.assignees = (const char *)sqlite3_column_text(st, 14),
			.due_at = (const char *)sqlite3_column_text(st, 15),
			.needs_adjudication = sqlite3_column_int(st, 16),
		};
		(*got)++;
		if (fn(ctx, &r)) {
			*stopped = 1;
			break;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading the queue");
	return MC_OK;
}

static long remaining(long sql_limit, long got)
{
	return sql_limit < 0 ? -1 : sql_limit - got;
}

static int walk_age(struct store *s, const struct queue_filter *f, const char *viewer,
		    const struct queue_key *from, int dir, long lim,
		    int (*fn)(void *, const struct queue_raw *), void *ctx, struct mc_error *err)
{
	int merge = !f->status || strcmp(f->status, "all") != 0;
	sqlite3_stmt *st = store_prep(s, merge ? (dir > 0 ? SQL_AGE_OPEN_FWD : SQL_AGE_OPEN_BACK)
					       : (dir > 0 ? SQL_AGE_FWD : SQL_AGE_BACK), err);
	if (!st)
		return MC_FAIL;
	bind_common(s, st, f, viewer, lim);
	bind_key_text(st, 3, from ? from->submitted_at : NULL, dir);
	store_bind_int(st, 4, from ? from->rowid : dir > 0 ? LLONG_MIN : LLONG_MAX);
	int stopped = 0;
	long got = 0;
	return run(s, st, fn, ctx, &stopped, &got, err);
}

static int walk_credential(struct store *s, const struct queue_filter *f, const char *viewer,
			   const struct queue_key *from, int dir, long lim,
			   int (*fn)(void *, const struct queue_raw *), void *ctx, struct mc_error *err)
{
	int stopped = 0;
	long got = 0;
	if (from && from->credential) {
		sqlite3_stmt *st = store_prep(s, dir > 0 ? SQL_CRED_SAME_FWD : SQL_CRED_SAME_BACK, err);
		if (!st)
			return MC_FAIL;
		bind_common(s, st, f, viewer, lim);
		store_bind_text(st, 2, from->credential);
		bind_key_text(st, 3, from->submitted_at, dir);
		store_bind_int(st, 4, from->rowid);
		int rc = run(s, st, fn, ctx, &stopped, &got, err);
		if (rc != MC_OK || stopped || (lim >= 0 && got >= lim))
			return rc;
	}
	sqlite3_stmt *st = store_prep(s, dir > 0 ? SQL_CRED_NEXT_FWD : SQL_CRED_NEXT_BACK, err);
	if (!st)
		return MC_FAIL;
	bind_common(s, st, f, viewer, remaining(lim, got));
	bind_key_text(st, 2, from ? from->credential : NULL, dir);
	return run(s, st, fn, ctx, &stopped, &got, err);
}

static int status_wanted(const struct queue_filter *f, const char *status)
{
	if (!f->status)
		return strcmp(status, "queued") == 0 || strcmp(status, "in_progress") == 0;
	return strcmp(f->status, "all") == 0 || strcmp(f->status, status) == 0;
}

static int walk_status(struct store *s, const struct queue_filter *f, const char *viewer,
		       const struct queue_key *from, int dir, long lim,
		       int (*fn)(void *, const struct queue_raw *), void *ctx, struct mc_error *err)
{
	int stopped = 0;
	long got = 0;
	for (int k = 0; k < QUEUE_NSTATUS && !stopped && (lim < 0 || got < lim); k++) {
		const char *status = status_sorted[dir > 0 ? k : QUEUE_NSTATUS - 1 - k];
		int cmp = from && from->status ? strcmp(status, from->status) : dir > 0 ? 1 : -1;
		if ((dir > 0 && cmp < 0) || (dir < 0 && cmp > 0) || !status_wanted(f, status))
			continue;
		sqlite3_stmt *st = store_prep(s, dir > 0 ? SQL_STATUS_FWD : SQL_STATUS_BACK, err);
		if (!st)
			return MC_FAIL;
		bind_common(s, st, f, viewer, remaining(lim, got));
		store_bind_text(st, 1, status);
		/* within the key's own status, start after the key; in the others, at their end */
		bind_key_text(st, 3, cmp == 0 ? from->submitted_at : NULL, dir);
		store_bind_int(st, 4, cmp == 0 ? from->rowid : dir > 0 ? LLONG_MIN : LLONG_MAX);
		int rc = run(s, st, fn, ctx, &stopped, &got, err);
		if (rc != MC_OK)
			return rc;
	}
	return MC_OK;
}

int store_queue_walk(struct store *s, const struct queue_filter *f, const char *viewer,
		     const struct queue_key *from, int direction, long sql_limit,
		     int (*fn)(void *ctx, const struct queue_raw *r), void *ctx, struct mc_error *err)
{
	int dir = direction < 0 ? -1 : 1;
	switch (f->sort) {
	case QUEUE_SORT_CREDENTIAL:
		return walk_credential(s, f, viewer, from, dir, sql_limit, fn, ctx, err);
	case QUEUE_SORT_STATUS:
		return walk_status(s, f, viewer, from, dir, sql_limit, fn, ctx, err);
	case QUEUE_SORT_AGE:
	default:
		return walk_age(s, f, viewer, from, dir, sql_limit, fn, ctx, err);
	}
}

/* Status and count rows of a prepared statement into counts[]. */
static int read_counts(struct store *s, sqlite3_stmt *st, long long counts[QUEUE_NSTATUS], struct mc_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		for (int i = 0; i < QUEUE_NSTATUS; i++)
			if (status && strcmp(status, queue_statuses[i]) == 0)
				counts[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "counting the queue");
}

/* Counts over the acting user's scope: the trigger-kept counters for everything,
 * else the assessor's work or the district's. */
int store_queue_counts(struct store *s, long long counts[QUEUE_NSTATUS], struct mc_error *err)
{
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		counts[i] = 0;
	enum store_scope_kind k = store_scope_kind(s);
	sqlite3_stmt *st = store_prep(s, k == STORE_SCOPE_ALL ? SQL_COUNTS
				      : k == STORE_SCOPE_DISTRICT ? SQL_COUNTS_DISTRICT
				      : k == STORE_SCOPE_APPROVAL ? SQL_COUNTS_SCOPED : SQL_COUNTS_ASSIGNED, err);
	if (!st)
		return MC_FAIL;
	store_bind_scope(s, st);
	return read_counts(s, st, counts, err);
}

int store_queue_counts_filtered(struct store *s, const struct queue_filter *f,
				long long counts[QUEUE_NSTATUS], struct mc_error *err)
{
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		counts[i] = 0;
	sqlite3_stmt *st = store_prep(s, SQL_COUNTS_FILTERED, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 5, "all");
	store_bind_text(st, 6, f->credential);
	store_bind_text(st, 7, f->pathway);
	store_bind_text(st, 8, f->district);
	store_bind_text(st, 9, f->mine);
	store_bind_text(st, 12, f->needs);
	store_bind_scope(s, st); /* Q_FILTER holds the scope */
	return read_counts(s, st, counts, err);
}

int store_queue_educator(struct store *s, long long submission_rowid, const char *viewer,
			 struct queue_educator *raw, int *assigned_blind, struct mc_error *err)
{
	*raw = (struct queue_educator){ 0 };
	*assigned_blind = 0;
	sqlite3_stmt *st = store_prep(s, SQL_EDUCATOR, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, submission_rowid);
	store_bind_text(st, 2, viewer ? viewer : "");
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		raw->name = store_col_dup(st, 0);
		raw->anon_id = store_col_dup(st, 1);
		*assigned_blind = sqlite3_column_int(st, 2);
		raw->id = store_col_dup(st, 3);
		raw->school = store_col_dup(st, 4);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return mc_error_set(err, MC_FAIL, "no submission with internal id %lld", submission_rowid);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading an educator");
}
