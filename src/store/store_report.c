/* store_report.c: the SQL behind the reports (report.h). Each report reads
 * what triggers keep for it (schema.sql: report_day and report_month, counters
 * for progress; report_submission, one row of facts a submission, for the
 * others) and has a recount beside it, the query over the rows themselves
 * that it must equal (report_scope.recount). The scope is the same four
 * parameters everywhere: ?1 district, ?2 since, ?3 until, ?4 assessor. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcassess/report.h"
#include "mcassess/util.h"
#include "store_int.h"

#define SCOPE_JOIN                                                                              \
	" JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id"        \
	" JOIN credential c ON c.id = s.credential_id JOIN pathway p ON p.id = c.pathway_id"
#define SCOPE_WHERE                                                                             \
	" WHERE (?1 IS NULL OR d.name = ?1) AND (?2 IS NULL OR s.submitted_at >= ?2)"              \
	" AND (?3 IS NULL OR substr(s.submitted_at, 1, 10) <= ?3)"                                 \
	" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM assignment sa WHERE sa.submission_id = s.id"    \
	" AND sa.assessor = ?4))"

static sqlite3_stmt *prep_scoped(struct store *s, const char *sql, const struct report_scope *sc,
				 struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return NULL;
	store_bind_text(st, 1, sc->district);
	store_bind_text(st, 2, sc->since);
	store_bind_text(st, 3, sc->until);
	store_bind_text(st, 4, sc->assessor);
	return st;
}

/* Progress is the same sums three ways, over rows that each stand for W
 * submissions of status ST, first attempts or not (F), attempt numbers adding
 * up to A; grouped by credential and district ids, names joined to the few
 * groups afterwards. */
#define PROGRESS_SUMS(W, ST, F, A)                                                              \
	" sum(" W " * (" ST " = 'earned')),"                                                        \
	" sum(" W " * (" ST " IN ('queued', 'in_progress', 'awaiting_approval'))),"                 \
	" sum(" W " * (" ST " = 'resubmit')), sum(" W " * (" ST " = 'incomplete')),"                \
	" sum(" W " * (" ST " = 'withdrawn')), sum(" W " * (" F " AND " ST " IN ('earned', 'resubmit'))),"\
	" sum(" W " * (" F " AND " ST " = 'earned')), sum(CASE WHEN " ST " = 'earned' THEN " A " END)"
#define PROGRESS_NAMES(GROUPS)                                                                  \
	"SELECT p.code, c.code, d.name, g.* FROM (" GROUPS ") g"                                    \
	" JOIN credential c ON c.id = g.cid JOIN pathway p ON p.id = c.pathway_id JOIN district d ON d.id = g.did"\
	" ORDER BY p.id, c.code, d.name"
#define PROGRESS_SCOPE                                                                          \
	" WHERE (?1 IS NULL OR e.district_id = (SELECT id FROM district WHERE name = ?1))"          \
	" AND (?2 IS NULL OR s.submitted_at >= ?2) AND (?3 IS NULL OR substr(s.submitted_at, 1, 10) <= ?3)"
#define PROGRESS_ROWS(FROM, WHERE)                                                              \
	PROGRESS_NAMES("SELECT s.credential_id AS cid, e.district_id AS did,"                       \
		       PROGRESS_SUMS("1", "s.status", "s.attempt = 1", "s.attempt") FROM               \
		       PROGRESS_SCOPE WHERE " GROUP BY 1, 2")

/* Every submission in scope, on the covering indexes of migration 7
 * (submission_report, educator_district): the recount that the counters must
 * equal (report_scope.recount, check, the tests). */
static const char SQL_PROGRESS_RECOUNT[] = PROGRESS_ROWS(
	" FROM submission s INDEXED BY submission_report"
	" JOIN educator e INDEXED BY educator_district ON e.id = s.educator_id",
	" AND (?4 IS NULL OR EXISTS (SELECT 1 FROM assignment sa WHERE sa.submission_id = s.id"
	" AND sa.assessor = ?4))");

/* From counts (ROWS: credential_id, district_id, status, first, n, attempts),
 * summed per credential and district in the district asked for. */
#define COUNTER_COLS " credential_id, district_id, status, first, n, attempts"
#define PROGRESS_COUNTED(ROWS)                                                                  \
	PROGRESS_NAMES("SELECT credential_id AS cid, district_id AS did,"                           \
		       PROGRESS_SUMS("n", "status", "first", "attempts") " FROM (" ROWS ")"             \
		       " WHERE n <> 0 AND (?1 IS NULL OR district_id = (SELECT id FROM district WHERE name = ?1))" \
		       " GROUP BY 1, 2")
/* From the counters (report_day, report_month): whole months (?5-?6) from report_month,
 * the days before and after them (?7-?8, ?9-?10) from report_day. */
static const char SQL_PROGRESS_KEPT[] = PROGRESS_COUNTED(
	"SELECT" COUNTER_COLS " FROM report_month WHERE month BETWEEN ?5 AND ?6"
	" UNION ALL SELECT" COUNTER_COLS " FROM report_day WHERE day BETWEEN ?7 AND ?8"
	" UNION ALL SELECT" COUNTER_COLS " FROM report_day WHERE day BETWEEN ?9 AND ?10");
/* An assessor's own (?4) from their counts (report_own_progress),
 * which their name leads the key of: for all time when there are no dates
 * (?11), else whole months and the days at either end, as above. */
#define OWN_PROGRESS_COLS COUNTER_COLS " FROM report_own_progress WHERE assessor = ?4 AND"
static const char SQL_PROGRESS_OWN[] = PROGRESS_COUNTED(
	"SELECT" OWN_PROGRESS_COLS " per = 'all' AND at = '' AND ?11"
	" UNION ALL SELECT" OWN_PROGRESS_COLS " per = 'month' AND at BETWEEN ?5 AND ?6"
	" UNION ALL SELECT" OWN_PROGRESS_COLS " per = 'day' AND at BETWEEN ?7 AND ?8"
	" UNION ALL SELECT" OWN_PROGRESS_COLS " per = 'day' AND at BETWEEN ?9 AND ?10");

/* "YYYY-MM" of a date, moved by `by` months (-1, 0, 1). */
static void month_of(const char *date, int by, char out[16])
{
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0') + by;
	if (m < 1)
		y--, m = 12;
	if (m > 12)
		y++, m = 1;
	snprintf(out, 16, "%04d-%02d", y % 10000, m);
}

/* The months wholly inside [since, until] (any day of a month compares between
 * "YYYY-MM-01" and "YYYY-MM-31"), and the days of the others in the range. */
static void bind_counter_ranges(sqlite3_stmt *st, const struct report_scope *sc)
{
	char first[16] = "0000-00", last[16] = "9999-99", d1[24], d2[24];
	if (sc->since)
		month_of(sc->since, strcmp(sc->since + 8, "01") == 0 ? 0 : 1, first);
	if (sc->until)
		month_of(sc->until, strcmp(sc->until + 8, "31") == 0 ? 0 : -1, last);
	const char *lo = sc->since ? sc->since : "", *hi = sc->until ? sc->until : "~";
	if (strcmp(first, last) > 0) { /* no whole month: one range of days */
		sqlite3_bind_text(st, 5, "~", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, lo, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 8, hi, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 9, "~", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 10, "", -1, SQLITE_STATIC);
		return;
	}
	snprintf(d1, sizeof d1, "%s-00", first); /* just before the first whole month */
	snprintf(d2, sizeof d2, "%s-32", last);  /* just after the last */
	sqlite3_bind_text(st, 5, first, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, last, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, lo, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, d1, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, d2, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 10, hi, -1, SQLITE_TRANSIENT);
}

/* The counts for all time when the scope has no dates; else none of them. */
static void bind_pair_ranges(sqlite3_stmt *st, const struct report_scope *sc)
{
	int all = !sc->since && !sc->until;
	if (all)
		for (int i = 5; i <= 10; i++) /* empty ranges */
			sqlite3_bind_text(st, i, i % 2 ? "~" : "", -1, SQLITE_STATIC);
	else
		bind_counter_ranges(st, sc);
	sqlite3_bind_int(st, 11, all);
}

int store_report_progress(struct store *s, const struct report_scope *sc,
			  int (*fn)(void *ctx, const char *pathway, const char *credential,
				    const char *district, const struct report_counts *c),
			  void *ctx, struct mc_error *err)
{
	const char *sql = sc->recount ? SQL_PROGRESS_RECOUNT : sc->assessor ? SQL_PROGRESS_OWN : SQL_PROGRESS_KEPT;
	sqlite3_stmt *st = prep_scoped(s, sql, sc, err);
	if (!st)
		return MC_FAIL;
	if (sql == SQL_PROGRESS_KEPT)
		bind_counter_ranges(st, sc);
	else if (sql == SQL_PROGRESS_OWN)
		bind_pair_ranges(st, sc);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_counts c = {
			sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7),
			sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10),
			sqlite3_column_int64(st, 11), sqlite3_column_int64(st, 12),
		};
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), &c) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "counting progress");
}

static const char SQL_CATALOG[] =
	"SELECT p.code, p.title, p.goal, c.code, c.title FROM pathway p"
	" LEFT JOIN credential c ON c.pathway_id = p.id ORDER BY p.id, c.code";

int store_report_catalog(struct store *s,
			 int (*fn)(void *ctx, const char *pathway, const char *ptitle, long goal,
				   const char *credential, const char *ctitle),
			 void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CATALOG, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (long)sqlite3_column_int64(st, 2), (const char *)sqlite3_column_text(st, 3),
		       (const char *)sqlite3_column_text(st, 4)) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the pathways");
}

static const char SQL_TIMES_RECOUNT[] =
	"SELECT p.code, d.name, s.status, s.submitted_at,"
	" (SELECT min(a.at) FROM assignment a WHERE a.submission_id = s.id), dc.at"
	" FROM submission s" SCOPE_JOIN " LEFT JOIN decision dc ON dc.submission_id = s.id" SCOPE_WHERE;

/* From the facts (report_submission): one compact row a submission; an
 * assessor's own from their rows of report_own_sub, which hold the same facts,
 * one range of its index report_own_sub_times (the assessor first). */
#define FACT_TIMES(FROM, MINE)                                                                  \
	"SELECT p.code, d.name, f.status, f.submitted_at, f.assigned_at, f.decided_at"             \
	" FROM " FROM " JOIN district d ON d.id = f.district_id"                                   \
	" JOIN credential c ON c.id = f.credential_id JOIN pathway p ON p.id = c.pathway_id"       \
	" WHERE (?1 IS NULL OR f.district_id = (SELECT id FROM district WHERE name = ?1))"         \
	" AND (?2 IS NULL OR f.submitted_at >= ?2) AND (?3 IS NULL OR substr(f.submitted_at, 1, 10) <= ?3)" MINE
static const char SQL_TIMES_KEPT[] = FACT_TIMES("report_submission f", " AND ?4 IS NULL");
static const char SQL_TIMES_MINE[] = FACT_TIMES("report_own_sub f INDEXED BY report_own_sub_times",
						" AND f.assessor = ?4");

int store_report_times(struct store *s, const struct report_scope *sc,
		       int (*fn)(void *ctx, const char *pathway, const char *district, const char *status,
				 const char *submitted, const char *assigned, const char *decided),
		       void *ctx, struct mc_error *err)
{
	const char *sql = sc->recount ? SQL_TIMES_RECOUNT : sc->assessor ? SQL_TIMES_MINE : SQL_TIMES_KEPT;
	sqlite3_stmt *st = prep_scoped(s, sql, sc, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v[6];
		for (int i = 0; i < 6; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		if (fn(ctx, v[0], v[1], v[2], v[3], v[4], v[5]) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the turnaround times");
}

/* ---------------------------------------------------------------- turnaround's counts
 * (migration 22). The counts: for all time, else whole months (?5-?6) and
 * the days either side (?7-?10), as progress reads its counters. */
#define TURN_COLS " kind, district_id, credential_id, upto, n FROM report_turn_count WHERE "
#define TURN_RANGED " AND (?2 IS NOT NULL OR ?3 IS NOT NULL)"
static const char SQL_TURN_COUNTS[] =
	"SELECT t.kind, p.code, d.name, t.upto, t.n FROM (SELECT" TURN_COLS "per = 'all' AND at = ''"
	" AND ?2 IS NULL AND ?3 IS NULL"
	" UNION ALL SELECT" TURN_COLS "per = 'month' AND at BETWEEN ?5 AND ?6" TURN_RANGED
	" UNION ALL SELECT" TURN_COLS "per = 'day' AND at BETWEEN ?7 AND ?8" TURN_RANGED
	" UNION ALL SELECT" TURN_COLS "per = 'day' AND at BETWEEN ?9 AND ?10" TURN_RANGED ") t"
	" JOIN district d ON d.id = t.district_id JOIN credential c ON c.id = t.credential_id"
	" JOIN pathway p ON p.id = c.pathway_id"
	" WHERE t.n <> 0 AND (?1 IS NULL OR t.district_id = (SELECT id FROM district WHERE name = ?1))"
	" ORDER BY t.kind, t.upto";
/* Rows of report_turn in scope: the district, the days, a district and a
 * pathway that exist (the report joins them). */
#define TURN_SCOPE(DAY)                                                                        \
	" AND (?1 IS NULL OR district_id = (SELECT id FROM district WHERE name = ?1))"             \
	" AND (?2 IS NULL OR " DAY " >= ?2) AND (?3 IS NULL OR " DAY " <= ?3)"                     \
	" AND district_id IN (SELECT id FROM district)"                                            \
	" AND credential_id IN (SELECT c.id FROM credential c JOIN pathway p ON p.id = c.pathway_id)"
/* The durations over ?6 up to ?10, of everything (by report_turn_secs, in
 * order: only the rows up to the offset are read), a district's or a
 * pathway's (by their own index: that group's rows of the range alone). */
#define TURN_NTH(INDEX, GROUP)                                                                   \
	"SELECT secs FROM report_turn INDEXED BY " INDEX " WHERE kind = ?5 AND kind IN ('decide', 'read')" \
	" AND secs > ?6 AND secs <= ?10" TURN_SCOPE("day") GROUP " ORDER BY secs LIMIT 2 OFFSET ?9"
static const char *const SQL_TURN_NTH[] = {
	TURN_NTH("report_turn_secs", " AND ?7 IS NULL AND ?8 IS NULL"),
	TURN_NTH("report_turn_credential", " AND credential_id IN (SELECT c.id FROM credential c"
		 " JOIN pathway p ON p.id = c.pathway_id WHERE p.code = ?7) AND ?8 IS NULL"),
	TURN_NTH("report_turn_district", " AND ?7 IS NULL AND district_id = (SELECT id FROM district WHERE name = ?8)"),
};
/* The days after t's from their counts, t's own day from its rows. */
static const char SQL_TURN_NEWER[] =
	"SELECT (SELECT coalesce(sum(n), 0) FROM report_turn_count WHERE per = 'day' AND at > date(?5, 'unixepoch')"
	" AND kind = 'open'" TURN_SCOPE("at") ")"
	" + (SELECT count(*) FROM report_turn INDEXED BY report_turn_secs WHERE kind = 'open' AND secs > ?5"
	" AND secs < unixepoch(date(?5, 'unixepoch'), '+1 day')" TURN_SCOPE("day") ")";

int store_report_turn_counts(struct store *s, const struct report_scope *sc,
			     int (*fn)(void *ctx, const char *kind, const char *pathway, const char *district,
				       long long upto, long long n),
			     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = prep_scoped(s, SQL_TURN_COUNTS, sc, err);
	if (!st)
		return MC_FAIL;
	bind_counter_ranges(st, sc);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), sqlite3_column_int64(st, 3),
		       sqlite3_column_int64(st, 4)) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the turnaround counts");
}

int store_report_turn_nth(struct store *s, const struct report_scope *sc, const char *kind, const char *pathway,
			  const char *district, long long after, long long upto, long long offset, long long v[2],
			  int *got, struct mc_error *err)
{
	sqlite3_stmt *st = prep_scoped(s, SQL_TURN_NTH[pathway ? 1 : district ? 2 : 0], sc, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 5, kind);
	sqlite3_bind_int64(st, 6, after);
	sqlite3_bind_int64(st, 10, upto);
	store_bind_text(st, 7, pathway);
	store_bind_text(st, 8, district);
	sqlite3_bind_int64(st, 9, offset);
	int rc;
	*got = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		v[(*got)++] = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the turnaround times");
}

int store_report_turn_newer(struct store *s, const struct report_scope *sc, long long t, long long *n,
			    struct mc_error *err)
{
	sqlite3_stmt *st = prep_scoped(s, SQL_TURN_NEWER, sc, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 5, t);
	int rc = sqlite3_step(st);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "counting the backlog");
}

/* x: the earlier read, y: the later one. 'first-second' pairs the first and
 * second reads; 'assessor-final' pairs every read with the last read of the
 * same criterion (adjudication, else second), that is the final outcome. The
 * walk starts from the later reads (second, adjudication: few, while first
 * reads are every score) and finds the earlier ones by the unique
 * (submission_id, read, criterion_id) index. */
#define READ_RANK(r) "(CASE " r " WHEN 'adjudication' THEN 3 WHEN 'second' THEN 2 ELSE 1 END)"
#define PAIRS(INDEX, FINAL, FROM, WHERE)                                                        \
	"SELECT x.read = 'first' AND y.read = 'second'," FINAL ","                                  \
	" c.code || '/' || cr.code, x.assessor, lx.seq - 1, ly.seq - 1,"                             \
	" (SELECT count(*) FROM level lv WHERE lv.criterion_id = x.criterion_id)"                   \
	" FROM score y INDEXED BY " INDEX " CROSS JOIN score x INDEXED BY " INDEX                    \
	"  ON x.submission_id = y.submission_id"                                                    \
	"  AND x.read IN ('first', 'second') AND x.criterion_id = y.criterion_id"                  \
	"  AND " READ_RANK("x.read") " < " READ_RANK("y.read")                                       \
	" JOIN level lx ON lx.id = x.level_id JOIN level ly ON ly.id = y.level_id"                  \
	" JOIN criterion cr ON cr.id = x.criterion_id" FROM                                         \
	" WHERE y.read IN ('second', 'adjudication') AND (?1 IS NULL OR d.name = ?1)" WHERE          \
	" AND (?4 IS NULL OR x.assessor = ?4 OR y.assessor = ?4)"                                   \
	" ORDER BY c.code, cr.seq, x.assessor"
static const char SQL_PAIRS_RECOUNT[] = PAIRS("score_read",
	" y.read = (SELECT z.read FROM score z WHERE z.submission_id = y.submission_id"
	"   AND z.criterion_id = y.criterion_id ORDER BY " READ_RANK("z.read") " DESC LIMIT 1)",
	" JOIN submission s ON s.id = x.submission_id" SCOPE_JOIN,
	" AND (?2 IS NULL OR s.submitted_at >= ?2) AND (?3 IS NULL OR substr(s.submitted_at, 1, 10) <= ?3)");
/* The same pairs counted by triggers (report_agree_count; schema.sql): for all
 * time when there are no dates (?11), else whole months and the days at either
 * end, as progress reads its counters; summed in SQL into one row a table cell:
 * first-second pairs per criterion, every read against the final one per
 * assessor. Names are joined to those rows afterwards. An assessor's own (?4)
 * are the same sums of their counts (report_own_count, migration 23), which
 * their name leads the key of: their few hundred rows, not their pairs. */
#define AGREE_COLS " district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos, y_pos, n"
#define PAIRS_COUNTED(FROM)                                                                     \
	"SELECT NOT g.final, g.final, c.code || '/' || cr.code, iif(g.final, g.x_assessor, NULL), g.x_pos, g.y_pos,"\
	" g.levels, sum(g.n) FROM"                                                                  \
	" (SELECT" AGREE_COLS FROM " per = 'all' AND ?11"                                          \
	" UNION ALL SELECT" AGREE_COLS FROM " per = 'month' AND at BETWEEN ?5 AND ?6"              \
	" UNION ALL SELECT" AGREE_COLS FROM " per = 'day' AND at BETWEEN ?7 AND ?8"                \
	" UNION ALL SELECT" AGREE_COLS FROM " per = 'day' AND at BETWEEN ?9 AND ?10) g"            \
	" LEFT JOIN criterion cr ON cr.id = g.criterion_id LEFT JOIN credential c ON c.id = g.credential_id"\
	" WHERE g.n <> 0 AND (?1 IS NULL OR g.district_id = (SELECT id FROM district WHERE name = ?1))"\
	" AND g.district_id IN (SELECT id FROM district) AND (g.final OR cr.id IS NOT NULL AND c.id IS NOT NULL)"\
	" GROUP BY g.final, g.credential_id, g.criterion_id, g.x_assessor, g.levels, g.x_pos, g.y_pos"   \
	" HAVING sum(g.n) <> 0"
static const char SQL_PAIRS_KEPT[] = PAIRS_COUNTED(" FROM report_agree_count WHERE");
static const char SQL_PAIRS_MINE[] = PAIRS_COUNTED(" FROM report_own_count WHERE assessor = ?4 AND");

int store_report_pairs(struct store *s, const struct report_scope *sc,
		       int (*fn)(void *ctx, const char *what, const char *criterion, const char *assessor,
				 int a, int b, int k, long n),
		       void *ctx, struct mc_error *err)
{
	const char *sql = sc->recount ? SQL_PAIRS_RECOUNT : sc->assessor ? SQL_PAIRS_MINE : SQL_PAIRS_KEPT;
	sqlite3_stmt *st = prep_scoped(s, sql, sc, err);
	if (!st)
		return MC_FAIL;
	if (!sc->recount)
		bind_pair_ranges(st, sc);
	int rc, bad = 0;
	while (!bad && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *crit = (const char *)sqlite3_column_text(st, 2);
		const char *who = (const char *)sqlite3_column_text(st, 3);
		int a = sqlite3_column_int(st, 4), b = sqlite3_column_int(st, 5), k = sqlite3_column_int(st, 6);
		long n = sc->recount ? 1 : (long)sqlite3_column_int64(st, 7);
		if (sqlite3_column_int(st, 0))
			bad = fn(ctx, "first-second", crit, who, a, b, k, n) != MC_OK;
		if (!bad && sqlite3_column_int(st, 1))
			bad = fn(ctx, "assessor-final", crit, who, a, b, k, n) != MC_OK;
	}
	sqlite3_reset(st);
	if (bad)
		return MC_FAIL;
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading pairs of reads");
}

/* In assessor order straight from an index: no sort. */
static const char SQL_ASSIGNMENTS_RECOUNT[] =
	"SELECT a.assessor, a.at, s.status, dc.at FROM assignment a INDEXED BY assignment_assessor"
	" JOIN submission s ON s.id = a.submission_id"
	" LEFT JOIN decision dc ON dc.submission_id = s.id"
	" WHERE a.assessor >= '' AND (?1 IS NULL OR (SELECT e.district_id FROM educator e INDEXED BY educator_district"
	" WHERE e.id = s.educator_id) = (SELECT id FROM district WHERE name = ?1))"
	" AND (?2 IS NULL OR s.submitted_at >= ?2)"
	" AND (?3 IS NULL OR substr(s.submitted_at, 1, 10) <= ?3) AND (?4 IS NULL OR a.assessor = ?4)"
	" ORDER BY a.assessor";
int store_report_assignments(struct store *s, const struct report_scope *sc,
			     int (*fn)(void *ctx, const char *assessor, const char *assigned,
				       const char *status, const char *decided),
			     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = prep_scoped(s, SQL_ASSIGNMENTS_RECOUNT, sc, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
		       (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the assignments");
}

/* ---------------------------------------------------------------- assessors from counts
 * The assessors report from report_assigned_count (migration 20), kept per
 * assessor, so an assessor's own (?4) is their rows of it: for all time when there are no dates (?11), else whole months
 * and the days at either end, as agreement reads its counts. Overdue: the open
 * ones less those assigned at or after ?12 (seconds since 1970) or at an
 * unreadable time, found from ?13 (the day before ?12's day, for any time
 * zone) on report_assigned_open: the last due-days' work, not all of it. */
#define ASSIGNED_COLS " district_id, assessor, n, done, open, first_done, last_done"
static const char SQL_ASSESSORS_KEPT[] =
	"SELECT k.assessor, k.n, k.done, k.open, k.open - coalesce(o.recent, 0), k.first_done, k.last_done FROM"
	" (SELECT assessor, sum(n) AS n, sum(done) AS done, sum(open) AS open, min(first_done) AS first_done,"
	"  max(last_done) AS last_done FROM"
	"  (SELECT" ASSIGNED_COLS " FROM report_assigned_count WHERE per = 'all' AND ?11"
	"   UNION ALL SELECT" ASSIGNED_COLS " FROM report_assigned_count WHERE per = 'month' AND at BETWEEN ?5 AND ?6"
	"   UNION ALL SELECT" ASSIGNED_COLS " FROM report_assigned_count WHERE per = 'day' AND at BETWEEN ?7 AND ?8"
	"   UNION ALL SELECT" ASSIGNED_COLS " FROM report_assigned_count WHERE per = 'day' AND at BETWEEN ?9 AND ?10)"
	"  WHERE n <> 0 AND (?1 IS NULL OR district_id = (SELECT id FROM district WHERE name = ?1))"
	"  AND (?4 IS NULL OR assessor = ?4) GROUP BY assessor HAVING sum(n) > 0) k"
	" LEFT JOIN (SELECT assessor, count(*) AS recent FROM report_assigned INDEXED BY report_assigned_open"
	"  WHERE state = 'open' AND assigned_at >= ?13"
	"  AND (?1 IS NULL OR district_id = (SELECT id FROM district WHERE name = ?1))"
	"  AND (?2 IS NULL OR day >= ?2) AND (?3 IS NULL OR day <= ?3) AND (?4 IS NULL OR assessor = ?4)"
	"  AND coalesce(unixepoch(assigned_at) >= ?12, 1)"
	"  GROUP BY assessor) o ON o.assessor = k.assessor ORDER BY k.assessor";

int store_report_assessor_counts(struct store *s, const struct report_scope *sc, long long overdue_before,
				 int (*fn)(void *ctx, const struct report_assessor_count *c), void *ctx,
				 struct mc_error *err)
{
	sqlite3_stmt *st = prep_scoped(s, SQL_ASSESSORS_KEPT, sc, err);
	if (!st)
		return MC_FAIL;
	bind_pair_ranges(st, sc);
	sqlite3_bind_int64(st, 12, overdue_before);
	char from[32];
	time_t day_before = (time_t)overdue_before - 86400;
	struct tm tm;
	strftime(from, sizeof from, "%Y-%m-%d", gmtime_r(&day_before, &tm));
	sqlite3_bind_text(st, 13, from, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_assessor_count c = {
			(const char *)sqlite3_column_text(st, 0), (long)sqlite3_column_int64(st, 1),
			(long)sqlite3_column_int64(st, 2), (long)sqlite3_column_int64(st, 3),
			(long)sqlite3_column_int64(st, 4), (const char *)sqlite3_column_text(st, 5),
			(const char *)sqlite3_column_text(st, 6),
		};
		if (fn(ctx, &c) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "counting the assessors' work");
}

static const char SQL_GOAL_GET[] = "SELECT goal FROM pathway WHERE code = ?1";
static const char SQL_GOAL_SET[] = "UPDATE pathway SET goal = ?2 WHERE code = ?1";

int store_report_goal(struct store *s, const char *pathway, long goal, long *before, int *found,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_GOAL_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, pathway);
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (*found)
		*before = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a pathway's goal");
	if (!*found || goal < 0)
		return MC_OK;
	if (!(st = store_prep(s, SQL_GOAL_SET, err)))
		return MC_FAIL;
	store_bind_text(st, 1, pathway);
	store_bind_int(st, 2, goal);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "setting a pathway's goal");
}

/* The counters (report_day, report_month) against a recount from the submissions: every
 * (table, day or month, credential, district, status, first) whose kept count
 * or attempt sum differs, rows of 0 being the same as no row. The submissions
 * are read in id order (NOT INDEXED): SQLite chose submission_educator, which
 * does not hold the columns, and read each row from wherever it is in the
 * file (issue 15, when the file is larger than the page cache). */
#define RECOUNT(KEY)                                                                            \
	"SELECT " KEY " AS k, s.credential_id AS cid, coalesce(e.district_id, 0) AS did, s.status AS st," \
	" s.attempt = 1 AS f, count(*) AS n, sum(s.attempt) AS a FROM submission s NOT INDEXED"    \
	" LEFT JOIN educator e ON e.id = s.educator_id GROUP BY 1, 2, 3, 4, 5"
#define KEPT(TABLE, KEY)                                                                        \
	"SELECT " KEY " AS k, credential_id AS cid, district_id AS did, status AS st, first AS f, n,"\
	" attempts AS a FROM " TABLE " WHERE n <> 0 OR attempts <> 0"
/* One sort of both sides, grouped by key: a FULL JOIN of the two made SQLite scan
 * the whole recount for every kept row (29 s of a 42 s check at 20,000). */
#define DIFFER(T)                                                                               \
	"SELECT '" T "' AS tb, k, cid, did, st, f, sum(kn) AS kept, sum(rn) AS counted FROM"       \
	" (SELECT k, cid, did, st, f, n AS kn, a AS ka, 0 AS rn, 0 AS ra FROM " T "_kept"            \
	" UNION ALL SELECT k, cid, did, st, f, 0, 0, n, a FROM " T "_real)"                         \
	" GROUP BY k, cid, did, st, f HAVING sum(kn) <> sum(rn) OR sum(ka) <> sum(ra)"
static const char SQL_COUNTS_CHECK[] =
	"WITH day_real AS (" RECOUNT("substr(s.submitted_at, 1, 10)") "),"
	" month_real AS (SELECT substr(k, 1, 7) AS k, cid, did, st, f, sum(n) AS n, sum(a) AS a FROM day_real"
	" GROUP BY 1, 2, 3, 4, 5),"
	" day_kept AS (" KEPT("report_day", "day") "), month_kept AS (" KEPT("report_month", "month") ")"
	" SELECT t.*, c.code, d.name FROM (" DIFFER("day") " UNION ALL " DIFFER("month") ") t"
	" LEFT JOIN credential c ON c.id = t.cid LEFT JOIN district d ON d.id = t.did"
	" ORDER BY 1, 2, 3, 4, 5, 6";

int store_report_counts_check(struct store *s, int (*fn)(void *ctx, const struct report_count_diff *d),
			      void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_COUNTS_CHECK, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct report_count_diff d = {
			(const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 8), (const char *)sqlite3_column_text(st, 9),
			(const char *)sqlite3_column_text(st, 4), sqlite3_column_int(st, 5),
			sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7), NULL,
		};
		if (fn(ctx, &d) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recounting the report counters");
}

/* report_submission against its source rows (report_fact): each submission
 * whose kept facts differ, missing or left over. Both have one row a
 * submission, so report_fact is worked out once (two EXCEPTs worked it out
 * twice and sorted both sides: issue 15): each kept row's facts worked out
 * by its key, then the submissions that have no kept row. Both walk in the
 * submissions' id order, so every lookup goes forward through the tables
 * (walking report_fact itself, SQLite took the submissions in the order of
 * a covering index, and each lookup went anywhere in the file: issue 15,
 * when the file is larger than the page cache). */
#define FACT_REST(T)                                                                            \
	"(" T ".credential_id, " T ".district_id, " T ".status, " T ".submitted_at, " T ".assigned_at,"\
	" " T ".decided_at)"
static const char SQL_FACTS_CHECK[] =
	"SELECT coalesce(s.ext_id, '#' || x.submission_id) FROM"
	" (SELECT k.submission_id FROM report_submission k WHERE NOT EXISTS (SELECT 1 FROM report_fact f"
	"  WHERE f.submission_id = k.submission_id AND " FACT_REST("f") " IS " FACT_REST("k") ")"
	" UNION SELECT g.id FROM submission g NOT INDEXED"
	"  WHERE NOT EXISTS (SELECT 1 FROM report_submission k WHERE k.submission_id = g.id)) x"
	" LEFT JOIN submission s ON s.id = x.submission_id ORDER BY 1";

int store_report_facts_check(struct store *s, int (*fn)(void *ctx, const char *submission), void *ctx,
			     struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_FACTS_CHECK, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(st, 0)) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recounting the report facts");
}

/* Agreement's counts (report_agree_count) and pairs (report_pair) against a
 * recount, each side sorted once and compared group by group (a FULL JOIN of
 * the two would scan one side for every row of the other): the counts by day
 * against the pairs as the scores say now (report_pair_fact), the counts by
 * month and for all time against the sum of their days, and the kept pairs
 * against the same.
 * The same for each assessor's own counts (report_own_count) against the
 * pairs either of whose reads is theirs.
 * Each part is a statement of its own (everyone's counts, then the assessors'
 * own, then the pairs), each in the order of its ORDER BY, so that
 * only one part's sorters and temporary tables are held at a time (the four
 * parts in one statement held 19 MB of SQLite's heap at 20,000 submissions,
 * check's peak; one at a time 8.7 MB: issue 15).
 * Two forms: the whole check (?1 NULL), and one day's (?1 the day, for
 * check --since-last), which reaches that day's submissions by their index
 * (submission_submitted) and their pairs by report_pair's key: a filter on the
 * day column would read every pair and every submission for each day. */
#define AGREE_KEY "district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos, y_pos"
/* Two sets of counts go through the same parts, named by a prefix: ALL_ the
 * counts of everyone's pairs (report_agree_count, migration 21), OWN_ each
 * assessor's own (report_own_count, migration 23), which have the assessor
 * (_OF) before the same key and count a pair for each of its readers (_SIDE). */
#define ALL_TABLE "report_agree_count"
#define ALL_OF ""
#define ALL_WHO "NULL"
#define ALL_SIDE(F) ""
#define ALL_FACT_OF "NULL AS owner, "
#define ALL_GROUP "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
#define OWN_TABLE "report_own_count"
#define OWN_OF "assessor, "
#define OWN_WHO "assessor"
#define OWN_SIDE(F) " JOIN report_own_side w ON w.side = 1 OR " F ".y_assessor <> " F ".x_assessor"
#define OWN_FACT_OF "iif(w.side = 1, f.x_assessor, f.y_assessor) AS assessor, "
#define OWN_GROUP "1, 2, 3, 4, 5, 6, 7, 8, 9, 10"
#define AGREE_DIFFER(P, T, REAL, KEPT)                                                          \
	"SELECT '" T "' AS tb, k, nullif(credential_id, 0) AS cid, district_id AS did,"                \
	" nullif(criterion_id, 0) AS crid, iif(final, x_assessor, NULL) AS xa, NULL AS ya,"            \
	" " P##_WHO " AS owner, sum(kn) AS kept, sum(rn) AS counted FROM"                             \
	" (SELECT k, " P##_OF AGREE_KEY ", n AS kn, 0 AS rn FROM (" KEPT ")"                          \
	" UNION ALL SELECT k, " P##_OF AGREE_KEY ", 0, n FROM (" REAL "))"                            \
	" GROUP BY k, " P##_OF AGREE_KEY " HAVING sum(kn) <> sum(rn)"
#define AGREE_KEPT(P, PER, AT)                                                                  \
	"SELECT at AS k, " P##_OF AGREE_KEY ", n FROM " P##_TABLE " WHERE per = '" PER "' AND n <> 0 AND " AT
#define AGREE_DAYS(P, K, WHERE)                                                                 \
	"SELECT " K " AS k, " P##_OF AGREE_KEY ", sum(n) AS n FROM " P##_TABLE " WHERE per = 'day' AND " WHERE \
	" GROUP BY 1, " P##_OF AGREE_KEY " HAVING sum(n) <> 0"
/* The pairs as the scores say now (FROM: report_pair_fact), counted as the
 * triggers count them; each pair read once, going to both its tallies (with the
 * tallies outside, SQLite read the pairs twice). In the order of the counts'
 * key, the owner first. One day's check (check --since-last); the whole check's
 * walk counts them itself (AGREE_FACT_ROWS). */
#define AGREE_FACT(P, FROM, LEVELS, WHERE)                                                      \
	"SELECT " P##_FACT_OF "f.day AS k, f.district_id, t.final,"                                    \
	" iif(t.final, 0, f.credential_id) AS credential_id,"                                          \
	" iif(t.final, 0, f.criterion_id) AS criterion_id, iif(t.final, f.x_assessor, '') AS x_assessor," \
	" px.levels AS levels, px.pos AS x_pos, py.pos AS y_pos, count(*) AS n"                          \
	" FROM " FROM " f" P##_SIDE("f") " CROSS JOIN report_agree_tally t ON iif(t.final, f.fin, f.fs)"\
	" JOIN " LEVELS " px ON px.level_id = f.x_level JOIN " LEVELS " py ON py.level_id = f.y_level"              \
	" WHERE " WHERE " GROUP BY " P##_GROUP " ORDER BY " P##_GROUP
/* One day's submissions (?1), by index. */
#define AGREE_DAY_SUBS                                                                          \
	"(SELECT id FROM submission INDEXED BY submission_submitted WHERE submitted_at >= ?1"       \
	" AND submitted_at < ?1 || char(1114111))"
/* ?1's month, as a range of the day counts' keys. */
#define AGREE_MONTH "at >= substr(?1, 1, 7) AND at < substr(?1, 1, 7) || char(1114111)"
/* Every assessor who has counts, one seek each (the key's first column): one
 * day's own counts are then a seek per assessor, not a walk of them all. */
#define EVERYONE_IN(T)                                                                          \
	"assessor IN (WITH RECURSIVE who(a) AS (SELECT min(assessor) FROM " T                       \
	" UNION ALL SELECT (SELECT min(assessor) FROM " T " WHERE assessor > who.a) FROM who"        \
	" WHERE who.a IS NOT NULL) SELECT a FROM who) AND "
#define OWN_EVERYONE EVERYONE_IN("report_own_count")
/* The kept pairs that the recount lacks (KEPT_ONLY) and the recount's that are
 * not kept (FACT_ONLY), named by submission. */
#define AGREE_PAIRS_OF(KEPT_ONLY, FACT_ONLY)                                                    \
	"SELECT 'pair' AS tb, coalesce(s.ext_id, '#' || p.submission_id) AS k, p.credential_id AS cid," \
	" p.district_id AS did, p.criterion_id AS crid, p.x_assessor AS xa, p.y_assessor AS ya,"      \
	" NULL AS owner, p.kept AS kept, 1 - p.kept AS counted FROM"                                  \
	" (SELECT 1 AS kept, * FROM (" KEPT_ONLY ") UNION ALL SELECT 0, * FROM (" FACT_ONLY ")) p"     \
	" LEFT JOIN submission s ON s.id = p.submission_id"
#define AGREE_PAIRS(PAIR_WHERE, FACT_WHERE)                                                     \
	AGREE_PAIRS_OF("SELECT * FROM report_pair WHERE " PAIR_WHERE                                  \
		       " EXCEPT SELECT * FROM report_pair_fact WHERE " FACT_WHERE,                     \
		       "SELECT * FROM report_pair_fact WHERE " FACT_WHERE                              \
		       " EXCEPT SELECT * FROM report_pair WHERE " PAIR_WHERE)
/* The whole check's: the rows of one table (A) with no equal row in the other (B),
 * found by B's key (both are keyed by submission, criterion and the two reads):
 * a walk of each, no sort of either. */
#define PAIR_KEY(T) T ".submission_id, " T ".criterion_id, " T ".x_read, " T ".y_read"
#define PAIR_REST(T)                                                                            \
	T ".day, " T ".credential_id, " T ".district_id, " T ".x_assessor, " T ".y_assessor, "        \
	T ".x_level, " T ".y_level, " T ".fs, " T ".fin"
#define PAIR_UNMATCHED(A, B)                                                                    \
	"SELECT * FROM " A " a WHERE NOT EXISTS (SELECT 1 FROM " B " b WHERE (" PAIR_KEY("b") ")"     \
	" = (" PAIR_KEY("a") ") AND (" PAIR_REST("b") ") IS (" PAIR_REST("a") "))"
#define PAIR_FACT_COPY "temp.check_report_pair_fact"
/* The whole check's copy of report_level_pos: the view counts a criterion's
 * levels for each row it gives, twice a pair. */
#define LEVEL_POS_COPY "temp.check_level_pos"
/* The differences the walk finds (agree_walk), read back in AGREE_OUTER's order. */
#define AGREE_DIFFS "temp.check_agree_diff"
#define AGREE_OUTER(PART)                                                                       \
	"SELECT t.tb, t.k, c.code, d.name, cr.code, t.xa, t.ya, t.owner, t.kept, t.counted FROM (" PART ") t"\
	" LEFT JOIN credential c ON c.id = t.cid LEFT JOIN district d ON d.id = t.did"                \
	" LEFT JOIN criterion cr ON cr.id = t.crid ORDER BY 1, 2, 3, 4, 5, 6, 7, 8"
/* One day's (?1): its counts and its month's; WHO narrows the counts' key first. */
#define AGREE_OF_DAY(P, WHO)                                                                    \
	AGREE_OUTER(AGREE_DIFFER(P, "day", AGREE_FACT(P, "report_pair_fact", "report_level_pos", "f.submission_id IN " AGREE_DAY_SUBS),            \
				 AGREE_KEPT(P, "day", WHO "at = ?1"))),                                       \
	AGREE_OUTER(AGREE_DIFFER(P, "month", AGREE_DAYS(P, "substr(at, 1, 7)", WHO AGREE_MONTH),         \
				 AGREE_KEPT(P, "month", WHO "at = substr(?1, 1, 7)")))
static const char SQL_PAIRS_CHECK_PAIRS[] = AGREE_OUTER(AGREE_PAIRS_OF(PAIR_UNMATCHED("report_pair", PAIR_FACT_COPY),
								       PAIR_UNMATCHED(PAIR_FACT_COPY, "report_pair")));
/* The whole check's copy of report_pair_fact: the pairs as the scores say now,
 * worked out once (a walk of the submissions and their scores) for the counts by
 * day and the kept pairs both; each part worked them out again, three walks in
 * all (issue 15). A temporary table: on disk past SQLite's cache, so memory
 * stays flat. Typed as report_pair is: an untyped column's key is not used to
 * look up a typed value (a scan of the copy for every kept pair). In the
 * submissions' id order: the scores are then read forward and the copy is
 * written in its key's order (without it SQLite walked the submissions in the
 * order of submission_report, each submission's scores a seek anywhere in the
 * file: issue 15, when the file is larger than the page cache). */
static const char SQL_PAIR_FACT_COPY[] =
	"DROP TABLE IF EXISTS " PAIR_FACT_COPY "; CREATE TABLE " PAIR_FACT_COPY " (submission_id INTEGER,"
	" criterion_id INTEGER, x_read TEXT, y_read TEXT, day TEXT, credential_id INTEGER, district_id INTEGER,"
	" x_assessor TEXT, y_assessor TEXT, x_level INTEGER, y_level INTEGER, fs INTEGER, fin INTEGER,"
	" PRIMARY KEY (submission_id, criterion_id, x_read, y_read)) WITHOUT ROWID;"
	" INSERT OR IGNORE INTO " PAIR_FACT_COPY " SELECT * FROM report_pair_fact ORDER BY submission_id";
/* The levels' positions (a few hundred rows, for the sums and the walks) and
 * the table of the walks' differences: made first, whatever runs. */
static const char SQL_LEVEL_POS_COPY[] =
	"DROP TABLE IF EXISTS " LEVEL_POS_COPY "; CREATE TABLE " LEVEL_POS_COPY " (level_id INTEGER PRIMARY KEY,"
	" pos INTEGER, levels INTEGER); INSERT INTO " LEVEL_POS_COPY " SELECT * FROM report_level_pos;"
	" DROP TABLE IF EXISTS " AGREE_DIFFS "; CREATE TABLE " AGREE_DIFFS " (tb TEXT, k TEXT, cid INTEGER,"
	" did INTEGER, crid INTEGER, xa TEXT, ya TEXT, owner TEXT, kept INTEGER, counted INTEGER)";
static const char *const SQL_PAIRS_CHECK_DAY[] = {
	AGREE_OF_DAY(ALL, ""),
	AGREE_OF_DAY(OWN, OWN_EVERYONE),
	AGREE_OUTER(AGREE_PAIRS("submission_id IN " AGREE_DAY_SUBS, "submission_id IN " AGREE_DAY_SUBS)),
};
/* Which of them check the day's month (AGREE_OF_DAY: the day, then its month): once
 * a month, not once for each of its days written since (a month's recount costs
 * about ten of its days': 0.2 s at 20,000 submissions). */
static const int PAIRS_CHECK_MONTH[] = { 0, 1, 0, 1, 0 };

static int pairs_check_day(struct store *s, sqlite3_stmt *st, const char *day,
			   int (*fn)(void *ctx, const struct report_pair_diff *d), void *ctx, struct mc_error *err)
{
	store_bind_text(st, 1, day);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *v[8];
		for (int i = 0; i < 8; i++)
			v[i] = (const char *)sqlite3_column_text(st, i);
		struct report_pair_diff d = { v[0], v[1], v[2], v[3], v[4], v[5], v[6],
					      sqlite3_column_int64(st, 8), sqlite3_column_int64(st, 9), v[7] };
		if (fn(ctx, &d) != MC_OK) {
			sqlite3_reset(st);
			return MC_FAIL;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "recounting agreement's pairs of reads");
}

/* ---------------------------------------------------------------- agreement's months and all time
 * A month's counts and all time's must be the sums of the days' counts. As SQL
 * (a GROUP BY of the day rows for each of the two, then one of their union with
 * the kept rows, then the ORDER BY) each table's day rows were sorted four
 * times: half of check's CPU at a million submissions (issue 15). Here each
 * table's day, month and all-time rows are read once, each in its key's order
 * (no sort by SQLite), beside the pairs counted by day (AGREE_FACT_ROWS: one
 * sort, by owner and day only; each day's pairs counted by key in memory) in
 * the same order: each day row is compared with the pairs' count as they pass;
 * a month's day rows are summed in memory, sorted by key when the month ends
 * and compared with that month's kept rows, which the month cursor reaches at
 * the same time; the months' sums are all time's, compared with the
 * all-time cursor's rows when the owner (the assessor of report_own_count; none
 * for report_agree_count) ends. The differences go to AGREE_DIFFS and come back
 * in the order the SQL gave them (all time, the days, the months). */
#define AGREE_WALK(P, PER)                                                                      \
	"SELECT " P##_WHO ", at, " AGREE_KEY ", n FROM " P##_TABLE " WHERE " P##_EVERYONE "per = '" PER "'" \
	" ORDER BY " P##_OF "per, at, " AGREE_KEY
/* report_own_count by assessor, one seek each (a scan of the table would read
 * the other two kinds of rows too, and SQLite sorted what it read). */
#define ALL_EVERYONE ""
/* The whole check's pairs, one row a pair (and a reader of it: OWN_), in the
 * order of the owner and the day only: the walk counts each (owner, day)'s
 * pairs into its two tallies itself (agree_fact_fill). Grouped and ordered by
 * the whole key in SQL (AGREE_FACT), the sort took one row a pair, a reader
 * and a tally, compared over up to eleven columns, for groups of about two
 * rows: the largest part of agreement's check (4.0 of 11.7 s of CPU at 100,000
 * submissions, issue 15). */
#define AGREE_FACT_ROWS(P)                                                                      \
	"SELECT " P##_FACT_OF "f.day AS k, f.district_id, f.fs, f.fin, f.credential_id, f.criterion_id,"\
	" f.x_assessor, px.levels, px.pos, py.pos FROM " PAIR_FACT_COPY " f" P##_SIDE("f")             \
	" JOIN " LEVEL_POS_COPY " px ON px.level_id = f.x_level JOIN " LEVEL_POS_COPY " py ON py.level_id = f.y_level"\
	" ORDER BY 1, 2"
static const char *const SQL_AGREE_WALK[2][4] = {
	{ AGREE_WALK(ALL, "day"), AGREE_WALK(ALL, "month"), AGREE_WALK(ALL, "all"), AGREE_FACT_ROWS(ALL) },
	{ AGREE_WALK(OWN, "day"), AGREE_WALK(OWN, "month"), AGREE_WALK(OWN, "all"), AGREE_FACT_ROWS(OWN) },
};
static const char SQL_AGREE_DIFF_ADD[] = "INSERT INTO " AGREE_DIFFS " VALUES (?1, ?2, nullif(?3, 0), ?4,"
					 " nullif(?5, 0), iif(?6, ?7, NULL), NULL, ?8, ?9, ?10)";
static const char SQL_AGREE_DIFF_OUT[] = AGREE_OUTER("SELECT * FROM " AGREE_DIFFS " WHERE ?1 IS NULL");

/* A count's key (AGREE_KEY's columns, x_assessor interned) and a sum. */
struct agree_sum {
	long long did, fin, cid, crid, levels, xp, yp, n;
	const char *xa;
};

/* One cursor of kept rows (months or all time) and the sums it is compared with. */
struct agree_level {
	sqlite3_stmt *st;
	int row; /* st is on a row */
	const char *tb;
	struct agree_sum *v;
	size_t n, cap, reduced;
};

struct agree_walk {
	struct store *s;
	sqlite3_stmt *add;
	int rc;
	char *owner;  /* of the day rows being summed (NULL: none, or everyone's) */
	char month[8];
	int started;
	struct agree_level month_lv, all_lv;
	sqlite3_stmt *fact; /* the pairs (AGREE_FACT_ROWS), by owner and day */
	int fact_more;      /* fact is on a row not yet counted */
	char *fact_owner, *fact_at; /* the (owner, day) counted in fact_lv */
	struct agree_level fact_lv; /* its pairs counted by key, in key order */
	size_t fact_i;      /* the next of them */
	int fact_row;       /* there is one: fact_lv.v[fact_i] */
	char **names; /* the x_assessors seen, sorted: each key points at one */
	size_t nnames;
	size_t held_most; /* the most sums all time held (agree_held_most) */
};

static const char *agree_intern(struct agree_walk *w, const char *name)
{
	size_t lo = 0, hi = w->nnames;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int k = strcmp(name, w->names[mid]);
		if (k == 0)
			return w->names[mid];
		if (k < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	w->names = mc_xrealloc(w->names, (w->nnames + 1) * sizeof *w->names);
	memmove(w->names + lo + 1, w->names + lo, (w->nnames - lo) * sizeof *w->names);
	w->nnames++;
	return w->names[lo] = mc_xstrdup(name);
}

/* The row's key (columns 2 to 10: AGREE_KEY, then n). */
static struct agree_sum agree_row(struct agree_walk *w, sqlite3_stmt *st)
{
	const char *xa = (const char *)sqlite3_column_text(st, 6);
	return (struct agree_sum){ sqlite3_column_int64(st, 2), sqlite3_column_int64(st, 3),
				   sqlite3_column_int64(st, 4), sqlite3_column_int64(st, 5),
				   sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8),
				   sqlite3_column_int64(st, 9), sqlite3_column_int64(st, 10),
				   agree_intern(w, xa ? xa : "") };
}

/* In the order of the tables' key (SQLite's: numbers by value, text by bytes). */
static int agree_cmp(const void *a, const void *b)
{
	const struct agree_sum *x = a, *y = b;
	const long long u[] = { x->did, x->fin, x->cid, x->crid }, v[] = { y->did, y->fin, y->cid, y->crid };
	for (int i = 0; i < 4; i++)
		if (u[i] != v[i])
			return u[i] < v[i] ? -1 : 1;
	int k = x->xa == y->xa ? 0 : strcmp(x->xa, y->xa);
	if (k)
		return k;
	const long long p[] = { x->levels, x->xp, x->yp }, q[] = { y->levels, y->xp, y->yp };
	for (int i = 0; i < 3; i++)
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	return 0;
}

/* NULL (everyone's) first, as SQLite orders. */
static int agree_owner_cmp(const char *a, const char *b)
{
	return !a || !b ? (a != NULL) - (b != NULL) : strcmp(a, b);
}

/* The cursor's row against the group (owner, at): <0 before it, 0 in it. */
static int agree_group_cmp(sqlite3_stmt *st, const char *owner, const char *at)
{
	int k = agree_owner_cmp((const char *)sqlite3_column_text(st, 0), owner);
	return k ? k : strcmp((const char *)sqlite3_column_text(st, 1), at);
}

static int agree_next(struct agree_walk *w, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE && w->rc == MC_OK)
		w->rc = MC_FAIL;
	return rc == SQLITE_ROW;
}

static void agree_step(struct agree_walk *w, struct agree_level *lv)
{
	lv->row = agree_next(w, lv->st);
}

static void agree_differ(struct agree_walk *w, const char *tb, const char *at, const char *owner,
			 const struct agree_sum *key, long long kept, long long counted)
{
	if (kept == counted || w->rc != MC_OK)
		return;
	sqlite3_stmt *st = w->add;
	store_bind_text(st, 1, tb);
	store_bind_text(st, 2, at);
	store_bind_int(st, 3, key->cid);
	store_bind_int(st, 4, key->did);
	store_bind_int(st, 5, key->crid);
	store_bind_int(st, 6, key->fin);
	store_bind_text(st, 7, key->xa);
	store_bind_text(st, 8, owner);
	store_bind_int(st, 9, kept);
	store_bind_int(st, 10, counted);
	if (sqlite3_step(st) != SQLITE_DONE)
		w->rc = MC_FAIL;
	sqlite3_reset(st);
}

/* Sort the sums by key and add up the equal ones. */
static void agree_reduce(struct agree_level *lv)
{
	if (lv->reduced == lv->n)
		return; /* already (all time's, which months are merged into) */
	if (lv->n > 1)
		qsort(lv->v, lv->n, sizeof *lv->v, agree_cmp);
	size_t out = 0;
	for (size_t i = 0; i < lv->n; i++) {
		if (out > 0 && agree_cmp(&lv->v[out - 1], &lv->v[i]) == 0)
			lv->v[out - 1].n += lv->v[i].n;
		else
			lv->v[out++] = lv->v[i];
	}
	lv->n = lv->reduced = out;
}

static void agree_add(struct agree_level *lv, const struct agree_sum *a)
{
	if (lv->n == lv->cap && lv->n > 2 * lv->reduced + 4096)
		agree_reduce(lv); /* memory: about twice the distinct keys */
	if (lv->n == lv->cap) {
		lv->cap = lv->cap ? 2 * lv->cap : 1024;
		lv->v = mc_xrealloc(lv->v, lv->cap * sizeof *lv->v);
	}
	lv->v[lv->n++] = *a;
}

/* The pairs' cursor is on a row of the (owner, day) being counted. */
static int agree_fact_same(struct agree_walk *w)
{
	const char *at = (const char *)sqlite3_column_text(w->fact, 1);
	return agree_owner_cmp(w->fact_owner, (const char *)sqlite3_column_text(w->fact, 0)) == 0 &&
	       strcmp(w->fact_at, at ? at : "") == 0;
}

/* The next (owner, day) of the pairs with any pair counted: each pair goes to
 * the first-second tally if fs and to the final one if fin (AGREE_FACT's join
 * of report_agree_tally), its key as AGREE_FACT makes it; then sorted by key
 * and the equal ones added up, as AGREE_FACT's GROUP BY and ORDER BY did. Held:
 * one (owner, day)'s distinct keys, about twice (agree_add). */
static void agree_fact_fill(struct agree_walk *w)
{
	struct agree_level *lv = &w->fact_lv;
	sqlite3_stmt *st = w->fact;
	w->fact_row = 0;
	while (w->rc == MC_OK && !w->fact_row && w->fact_more) {
		const char *owner = (const char *)sqlite3_column_text(st, 0);
		const char *at = (const char *)sqlite3_column_text(st, 1);
		free(w->fact_owner);
		free(w->fact_at);
		w->fact_owner = owner ? mc_xstrdup(owner) : NULL;
		w->fact_at = mc_xstrdup(at ? at : "");
		lv->n = lv->reduced = 0;
		w->fact_i = 0;
		while (w->rc == MC_OK && w->fact_more && agree_fact_same(w)) {
			const char *xa = (const char *)sqlite3_column_text(st, 7);
			struct agree_sum k = { .did = sqlite3_column_int64(st, 2), .levels = sqlite3_column_int64(st, 8),
					       .xp = sqlite3_column_int64(st, 9), .yp = sqlite3_column_int64(st, 10), .n = 1 };
			if (sqlite3_column_int64(st, 3)) { /* fs: first against second, by credential and criterion */
				struct agree_sum fs = k;
				fs.cid = sqlite3_column_int64(st, 5);
				fs.crid = sqlite3_column_int64(st, 6);
				fs.xa = agree_intern(w, "");
				agree_add(lv, &fs);
			}
			if (sqlite3_column_int64(st, 4)) { /* fin: every read against the final one, by its assessor */
				struct agree_sum fin = k;
				fin.fin = 1;
				fin.xa = agree_intern(w, xa ? xa : "");
				agree_add(lv, &fin);
			}
			w->fact_more = agree_next(w, st);
		}
		agree_reduce(lv);
		w->fact_row = lv->n > 0;
	}
}

static void agree_fact_step(struct agree_walk *w)
{
	if (++w->fact_i >= w->fact_lv.n)
		agree_fact_fill(w);
}

/* The kept rows of groups before (owner, at) have no day rows: each is a difference. */
static void agree_skip(struct agree_walk *w, struct agree_level *lv, const char *owner, const char *at)
{
	while (w->rc == MC_OK && lv->row && (!at || agree_group_cmp(lv->st, owner, at) < 0)) {
		struct agree_sum k = agree_row(w, lv->st);
		agree_differ(w, lv->tb, (const char *)sqlite3_column_text(lv->st, 1),
			     (const char *)sqlite3_column_text(lv->st, 0), &k, k.n, 0);
		agree_step(w, lv);
	}
}

/* The group (owner, at) ends: its sums against its kept rows, both in key order. */
static void agree_close(struct agree_walk *w, struct agree_level *lv, const char *owner, const char *at)
{
	agree_reduce(lv);
	agree_skip(w, lv, owner, at);
	size_t i = 0;
	while (w->rc == MC_OK && lv->row && agree_group_cmp(lv->st, owner, at) == 0) {
		struct agree_sum k = agree_row(w, lv->st);
		for (; i < lv->n && agree_cmp(&lv->v[i], &k) < 0; i++)
			agree_differ(w, lv->tb, at, owner, &lv->v[i], 0, lv->v[i].n);
		long long counted = i < lv->n && agree_cmp(&lv->v[i], &k) == 0 ? lv->v[i++].n : 0;
		agree_differ(w, lv->tb, at, owner, &k, k.n, counted);
		agree_step(w, lv);
	}
	for (; i < lv->n; i++)
		agree_differ(w, lv->tb, at, owner, &lv->v[i], 0, lv->v[i].n);
}

/* The month's sums (by key, each key once) merged into all time's (the same):
 * all time holds its distinct keys and a month's, no more. (Added in and
 * sorted now and then, all time's sums took up to four times their keys, and
 * twice that while sorted: about 19 MB at a million submissions, issue 15.) */
static void agree_merge(struct agree_walk *w, struct agree_level *all, const struct agree_level *month)
{
	size_t need = all->n + month->n;
	if (need > all->cap) {
		all->cap = need + need / 8;
		all->v = mc_xrealloc(all->v, all->cap * sizeof *all->v);
	}
	/* from the ends back, into the room above all time's: never over one not yet read */
	size_t i = all->n, j = month->n, out = need;
	while (j > 0) {
		int k = i > 0 ? agree_cmp(&all->v[i - 1], &month->v[j - 1]) : -1;
		if (k > 0) {
			all->v[--out] = all->v[--i];
		} else if (k == 0) {
			struct agree_sum x = all->v[--i];
			x.n += month->v[--j].n;
			all->v[--out] = x;
		} else {
			all->v[--out] = month->v[--j];
		}
	}
	if (out > i)
		memmove(all->v + i, all->v + out, (need - out) * sizeof *all->v);
	all->n = all->reduced = i + (need - out);
	if (all->n > w->held_most)
		w->held_most = all->n;
}

/* The month being summed ends: compared, and its sums added to all time's. */
static void agree_month_end(struct agree_walk *w)
{
	agree_close(w, &w->month_lv, w->owner, w->month);
	agree_merge(w, &w->all_lv, &w->month_lv);
	w->month_lv.n = w->month_lv.reduced = 0;
}

/* The position of the day's count of pairs against a day row: owner, day, key. */
static int agree_pos_cmp(struct agree_walk *w, sqlite3_stmt *day)
{
	int k = agree_owner_cmp(w->fact_owner, (const char *)sqlite3_column_text(day, 0));
	if (!k)
		k = strcmp(w->fact_at, (const char *)sqlite3_column_text(day, 1));
	if (k)
		return k;
	struct agree_sum b = agree_row(w, day);
	return agree_cmp(&w->fact_lv.v[w->fact_i], &b);
}

/* The day counts of pairs up to the day row (NULL: all that are left), each
 * against the kept count, or none. */
static void agree_fact_upto(struct agree_walk *w, sqlite3_stmt *day)
{
	int k = -1;
	while (w->rc == MC_OK && w->fact_row && (!day || (k = agree_pos_cmp(w, day)) < 0)) {
		const struct agree_sum *f = &w->fact_lv.v[w->fact_i];
		agree_differ(w, "day", w->fact_at, w->fact_owner, f, 0, f->n);
		agree_fact_step(w);
	}
	if (w->rc != MC_OK || !day)
		return;
	struct agree_sum d = agree_row(w, day);
	agree_differ(w, "day", (const char *)sqlite3_column_text(day, 1), (const char *)sqlite3_column_text(day, 0),
		     &d, d.n, w->fact_row && k == 0 ? w->fact_lv.v[w->fact_i].n : 0);
	if (w->fact_row && k == 0)
		agree_fact_step(w);
}

/* One day row: its month (and owner) may start. */
static void agree_day(struct agree_walk *w, sqlite3_stmt *day)
{
	const char *owner = (const char *)sqlite3_column_text(day, 0);
	const char *at = (const char *)sqlite3_column_text(day, 1);
	char month[8];
	snprintf(month, sizeof month, "%.7s", at ? at : "");
	int new_owner = !w->started || agree_owner_cmp(owner, w->owner) != 0;
	if (new_owner || strcmp(month, w->month) != 0) {
		if (w->started)
			agree_month_end(w);
		if (w->started && new_owner) {
			agree_close(w, &w->all_lv, w->owner, "");
			w->all_lv.n = w->all_lv.reduced = 0;
		}
		if (new_owner) {
			free(w->owner);
			w->owner = owner ? mc_xstrdup(owner) : NULL;
		}
		memcpy(w->month, month, sizeof month);
		w->started = 1;
	}
	agree_fact_upto(w, day);
	struct agree_sum k = agree_row(w, day);
	agree_add(&w->month_lv, &k);
}

static void agree_walk_free(struct agree_walk *w)
{
	for (size_t i = 0; i < w->nnames; i++)
		free(w->names[i]);
	free(w->names);
	free(w->owner);
	free(w->month_lv.v);
	free(w->all_lv.v);
	free(w->fact_lv.v);
	free(w->fact_owner);
	free(w->fact_at);
	sqlite3_reset(w->month_lv.st);
	sqlite3_reset(w->all_lv.st);
	sqlite3_reset(w->fact);
}

static size_t agree_held_most; /* of the last whole check's walks */

size_t store_report_agree_held_most(void)
{
	return agree_held_most;
}

/* One table (0: everyone's, 1: the assessors' own): its days against the pairs,
 * its months and all time against its days, each difference into AGREE_DIFFS. */
static int agree_walk(struct store *s, int table, struct mc_error *err)
{
	struct agree_walk w = { .s = s, .add = store_prep(s, SQL_AGREE_DIFF_ADD, err) };
	sqlite3_stmt *day = store_prep(s, SQL_AGREE_WALK[table][0], err);
	w.month_lv = (struct agree_level){ .st = store_prep(s, SQL_AGREE_WALK[table][1], err), .tb = "month" };
	w.all_lv = (struct agree_level){ .st = store_prep(s, SQL_AGREE_WALK[table][2], err), .tb = "all time" };
	w.fact = store_prep(s, SQL_AGREE_WALK[table][3], err);
	if (!w.add || !day || !w.month_lv.st || !w.all_lv.st || !w.fact)
		return MC_FAIL;
	agree_step(&w, &w.month_lv);
	agree_step(&w, &w.all_lv);
	w.fact_more = agree_next(&w, w.fact);
	agree_fact_fill(&w);
	int rc;
	while (w.rc == MC_OK && (rc = sqlite3_step(day)) == SQLITE_ROW)
		agree_day(&w, day);
	if (w.rc == MC_OK && rc != SQLITE_DONE)
		w.rc = MC_FAIL;
	if (w.rc == MC_OK && w.started) {
		agree_month_end(&w);
		agree_close(&w, &w.all_lv, w.owner, "");
	}
	agree_fact_upto(&w, NULL);
	agree_skip(&w, &w.month_lv, NULL, NULL); /* kept months and all time after the last day's */
	agree_skip(&w, &w.all_lv, NULL, NULL);
	sqlite3_reset(day);
	if (w.held_most > agree_held_most)
		agree_held_most = w.held_most;
	agree_walk_free(&w);
	return w.rc == MC_OK ? MC_OK : store_fail(s, err, "recounting agreement's months and all time");
}

/* Which of the whole check's three parts (the two tables' walks, the pairs)
 * would find nothing: their sums hold (defined with the other sums, below). */
static void agree_sums_hold(struct store *s, int holds[3]);

/* The whole check's parts: each table's (all time, the days, the months), then
 * the pairs; those whose sums hold are not run (they would find nothing). */
static int pairs_check_whole(struct store *s, const int holds[3],
			     int (*fn)(void *ctx, const struct report_pair_diff *d), void *ctx, struct mc_error *err)
{
	int rc = MC_OK;
	for (int table = 0; rc == MC_OK && table < 2; table++) {
		if (holds[table])
			continue;
		rc = agree_walk(s, table, err);
		sqlite3_stmt *out = rc == MC_OK ? store_prep(s, SQL_AGREE_DIFF_OUT, err) : NULL;
		rc = out ? pairs_check_day(s, out, NULL, fn, ctx, err) : MC_FAIL;
		if (rc == MC_OK && sqlite3_exec(store_db(s), "DELETE FROM " AGREE_DIFFS, NULL, NULL, NULL) != SQLITE_OK)
			rc = store_fail(s, err, "recounting agreement's pairs of reads");
	}
	if (rc != MC_OK || holds[2])
		return rc;
	sqlite3_stmt *pairs = store_prep(s, SQL_PAIRS_CHECK_PAIRS, err);
	return pairs ? pairs_check_day(s, pairs, NULL, fn, ctx, err) : MC_FAIL;
}

int store_report_pairs_check(struct store *s, const char *const *days, int ndays,
			     int (*fn)(void *ctx, const struct report_pair_diff *d), void *ctx, struct mc_error *err)
{
	int nparts = (int)(sizeof SQL_PAIRS_CHECK_DAY / sizeof *SQL_PAIRS_CHECK_DAY);
	_Static_assert(sizeof SQL_PAIRS_CHECK_DAY / sizeof *SQL_PAIRS_CHECK_DAY ==
			       sizeof PAIRS_CHECK_MONTH / sizeof *PAIRS_CHECK_MONTH,
		       "a month flag for each part");
	int rc = MC_OK;
	if (!days) {
		agree_held_most = 0;
		int holds[3] = { 0 };
		if (sqlite3_exec(store_db(s), SQL_LEVEL_POS_COPY, NULL, NULL, NULL) != SQLITE_OK)
			rc = store_fail(s, err, "recounting agreement's pairs of reads");
		if (rc == MC_OK)
			agree_sums_hold(s, holds);
		/* the copy of the pairs is for the walks and the pairs' comparison only */
		if (rc == MC_OK && !(holds[0] && holds[1] && holds[2]) &&
		    sqlite3_exec(store_db(s), SQL_PAIR_FACT_COPY, NULL, NULL, NULL) != SQLITE_OK)
			rc = store_fail(s, err, "recounting agreement's pairs of reads");
		if (rc == MC_OK)
			rc = pairs_check_whole(s, holds, fn, ctx, err);
		/* their pages freed now; the tables go with the connection if not */
		sqlite3_exec(store_db(s), "DROP TABLE IF EXISTS " PAIR_FACT_COPY "; DROP TABLE IF EXISTS " AGREE_DIFFS
			     "; DROP TABLE IF EXISTS " LEVEL_POS_COPY,
			     NULL, NULL, NULL);
		return rc;
	}
	for (int i = 0; rc == MC_OK && i < ndays; i++)
		for (int part = 0; rc == MC_OK && part < nparts; part++) {
			if (PAIRS_CHECK_MONTH[part] && i > 0 && strncmp(days[i], days[i - 1], 7) == 0)
				continue;   /* the days come in order: this month is checked */
			sqlite3_stmt *st = store_prep(s, SQL_PAIRS_CHECK_DAY[part], err);
			rc = st ? pairs_check_day(s, st, days[i], fn, ctx, err) : MC_FAIL;
		}
	return rc;
}


/* Each row of st for each of days bound to ?1, or once with ?1 NULL when days
 * is NULL; row says MC_OK to go on. */
static int each_day_row(struct store *s, sqlite3_stmt *st, const char *const *days, int ndays,
			int (*row)(sqlite3_stmt *st, void *arg), void *arg, const char *what, struct mc_error *err)
{
	int rc = SQLITE_DONE;
	for (int i = 0; rc == SQLITE_DONE && i < (days ? ndays : 1); i++) {
		store_bind_text(st, 1, days ? days[i] : NULL);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW)
			if (row(st, arg) != MC_OK) {
				sqlite3_reset(st);
				return MC_FAIL;
			}
		sqlite3_reset(st);
	}
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

/* A recount for one day (?1) in parts, in the order of its rows: month says
 * the part checks the day's month, once a month then, not once for each of its
 * days written since (a month's recount costs many of its days'). */
struct day_part {
	const char *sql;
	int month;
};
#define NPARTS(P) ((int)(sizeof(P) / sizeof *(P)))

/* Each row of whole (days NULL), or of each of parts (nparts) for each of
 * days, in order: those that check the day's month for a month's first day
 * only (the days come sorted), the others for every day. */
static int each_day_part(struct store *s, const char *whole, const struct day_part *parts, int nparts,
			 const char *const *days, int ndays, int (*row)(sqlite3_stmt *st, void *arg), void *arg,
			 const char *what, struct mc_error *err)
{
	if (!days) {
		sqlite3_stmt *st = store_prep(s, whole, err);
		return st ? each_day_row(s, st, NULL, 0, row, arg, what, err) : MC_FAIL;
	}
	int rc = MC_OK;
	for (int i = 0; rc == MC_OK && i < ndays; i++)
		for (int part = 0; rc == MC_OK && part < nparts; part++) {
			if (parts[part].month && i > 0 && strncmp(days[i], days[i - 1], 7) == 0)
				continue; /* this month is checked */
			sqlite3_stmt *st = store_prep(s, parts[part].sql, err);
			rc = st ? each_day_row(s, st, days + i, 1, row, arg, what, err) : MC_FAIL;
		}
	return rc;
}

/* ---------------------------------------------------------------- a whole recount, as sums first
 * The whole check's recounts of turnaround, the assessors' own progress and the
 * assessors' counts each sort and group every kept row and every row the facts
 * say, and work the facts out three times (the counts by day, then each side of
 * the kept rows' two EXCEPTs, each of which builds a temporary table of one
 * side). On a database that nobody changed behind mcassess's back they find
 * nothing, and that is nearly always what they find. So each side is first
 * added up in one walk of each table, in whatever order the rows come: every
 * row and every count's key, a count weighed by its number, each as a 128-bit
 * number drawn from its values by a keyed hash (SipHash-2-4's 128-bit output,
 * its key from the kernel's random bytes for each check), modulo 2^128. When the two sides hold
 * the same rows and the same counts their sums are equal, and the statement
 * would find nothing: it is not run. When they differ, so do their sums, but
 * for a chance of about one in 2^58: SipHash is a pseudo-random function of a
 * key nobody can know beforehand, so a count that differs by d (less than 2^70
 * in any database) moves its side's sum by d times a number that looks random,
 * which is 0 modulo 2^128 that rarely. Only when the sums differ, or when a row
 * is not as mcassess writes it (a count that is not an integer, sides whose
 * columns do not line up, no random bytes, any error), does the whole statement
 * run: every message and its order come from it, as before. */
#ifdef __SIZEOF_INT128__
typedef unsigned __int128 rsum_t;

struct rsum {
	uint64_t key[2];     /* the SipHash key */
	unsigned char *buf;  /* the values being hashed, tagged by their type */
	size_t len, cap;
	int odd;             /* something the sums cannot stand for: run the statement */
};

static uint64_t sip_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

#define SIP_ROUND(v0, v1, v2, v3)                                                              \
	do {                                                                                    \
		v0 += v1; v1 = sip_rotl(v1, 13); v1 ^= v0; v0 = sip_rotl(v0, 32);             \
		v2 += v3; v3 = sip_rotl(v3, 16); v3 ^= v2;                                      \
		v0 += v3; v3 = sip_rotl(v3, 21); v3 ^= v0;                                      \
		v2 += v1; v1 = sip_rotl(v1, 17); v1 ^= v2; v2 = sip_rotl(v2, 32);             \
	} while (0)

/* SipHash-2-4 of in under the key (k0, k1), its 128-bit output: one pass over
 * the bytes, where two 64-bit hashes under two keys took two (the hashes were
 * most of the sums' time). */
static rsum_t siphash24_128(uint64_t k0, uint64_t k1, const unsigned char *in, size_t len)
{
	uint64_t v0 = 0x736f6d6570736575u ^ k0, v1 = 0x646f72616e646f6du ^ k1 ^ 0xee;
	uint64_t v2 = 0x6c7967656e657261u ^ k0, v3 = 0x7465646279746573u ^ k1;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		const unsigned char *b = in + i;
		uint64_t m = (uint64_t)b[0] | (uint64_t)b[1] << 8 | (uint64_t)b[2] << 16 | (uint64_t)b[3] << 24 |
			     (uint64_t)b[4] << 32 | (uint64_t)b[5] << 40 | (uint64_t)b[6] << 48 | (uint64_t)b[7] << 56;
		v3 ^= m;
		SIP_ROUND(v0, v1, v2, v3);
		SIP_ROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	uint64_t last = (uint64_t)len << 56;
	for (size_t j = 0; i + j < len; j++)
		last |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= last;
	SIP_ROUND(v0, v1, v2, v3);
	SIP_ROUND(v0, v1, v2, v3);
	v0 ^= last;
	v2 ^= 0xee;
	for (int r = 0; r < 4; r++)
		SIP_ROUND(v0, v1, v2, v3);
	uint64_t hi = v0 ^ v1 ^ v2 ^ v3;
	v1 ^= 0xdd;
	for (int r = 0; r < 4; r++)
		SIP_ROUND(v0, v1, v2, v3);
	return (rsum_t)hi << 64 | (v0 ^ v1 ^ v2 ^ v3);
}

static void rsum_put(struct rsum *r, const void *p, size_t n)
{
	if (r->len + n > r->cap) {
		r->cap = 2 * (r->len + n) + 64;
		r->buf = mc_xrealloc(r->buf, r->cap);
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
}

/* A tag and a number in as few bytes as it needs (seven bits a byte, the
 * sign folded into the lowest bit): each value written one way only, so
 * different values are different bytes, and a key of small numbers is a few
 * bytes, not nine a number (the hash's time goes by its bytes). */
static void rsum_tagged(struct rsum *r, char tag, long long v)
{
	unsigned char b[11];
	size_t n = 0;
	uint64_t u = ((uint64_t)v << 1) ^ (v < 0 ? ~(uint64_t)0 : 0);
	b[n++] = (unsigned char)tag;
	do {
		b[n] = (unsigned char)(u & 0x7f);
		u >>= 7;
		b[n] |= u ? 0x80 : 0;
		n++;
	} while (u);
	rsum_put(r, b, n);
}

/* A new hash, of a kind (a row, a day's count, ...) that no other shares. */
static void rsum_begin(struct rsum *r, char kind)
{
	r->len = 0;
	rsum_put(r, &kind, 1);
}

static void rsum_int(struct rsum *r, long long v)
{
	rsum_tagged(r, 'i', v);
}

/* A text of n bytes (text of the same bytes as a column's, the same hash). */
static void rsum_textn(struct rsum *r, const char *t, size_t n)
{
	rsum_tagged(r, 't', (long long)n);
	rsum_put(r, t, n);
}

/* Column i as SQLite tells values apart when it groups or compares them: an
 * integer and a real of the same value are one (both as the integer), text
 * and a blob of the same bytes are two. */
static void rsum_col(struct rsum *r, sqlite3_stmt *st, int i)
{
	/* The column's value once, then its type and contents from it: each
	 * sqlite3_column_ call looks the column up and checks for a failed
	 * allocation on its way out, and those calls, three a column, were a fifth
	 * of agreement's sums at 100,000 submissions. The value is one SQLite
	 * does not guard with a mutex; this connection has none and one thread. */
	sqlite3_value *v = sqlite3_column_value(st, i);
	int type = sqlite3_value_type(v);
	if (type == SQLITE_FLOAT) {
		double d = sqlite3_value_double(v);
		if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && (double)(long long)d == d) {
			type = SQLITE_INTEGER;
		} else {
			rsum_put(r, "f", 1);
			rsum_put(r, &d, sizeof d);
			return;
		}
	}
	if (type == SQLITE_INTEGER) {
		rsum_int(r, type == sqlite3_value_type(v) ? sqlite3_value_int64(v) : (long long)sqlite3_value_double(v));
	} else if (type == SQLITE_TEXT) {
		const char *t = (const char *)sqlite3_value_text(v);
		rsum_textn(r, t, (size_t)sqlite3_value_bytes(v));
	} else if (type == SQLITE_BLOB) {
		const void *p = sqlite3_value_blob(v);
		size_t n = (size_t)sqlite3_value_bytes(v);
		rsum_tagged(r, 'b', (long long)n);
		if (n > 0)
			rsum_put(r, p, n);
	} else {
		rsum_put(r, "n", 1);
	}
}

/* Columns from to to - 1. */
static void rsum_cols(struct rsum *r, sqlite3_stmt *st, int from, int to)
{
	for (int i = from; i < to; i++)
		rsum_col(r, st, i);
}

/* The text ("" for the empty key of all time). */
static void rsum_text(struct rsum *r, const char *t)
{
	rsum_textn(r, t, strlen(t));
}

static rsum_t rsum_hash(const struct rsum *r)
{
	return siphash24_128(r->key[0], r->key[1], r->buf, r->len);
}

/* *sum += weight times the hash begun. */
static void rsum_add(const struct rsum *r, rsum_t *sum, long long weight)
{
	*sum += (rsum_t)weight * rsum_hash(r);
}

/* Column i as a count to weigh by; one that is not an integer, 0 and odd. */
static long long rsum_weight(struct rsum *r, sqlite3_stmt *st, int i)
{
	if (sqlite3_column_type(st, i) != SQLITE_INTEGER) {
		r->odd = 1;
		return 0;
	}
	return sqlite3_column_int64(st, i);
}

/* Whether column i is the text t, exactly. */
static int rsum_is(sqlite3_stmt *st, int i, const char *t)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	return sqlite3_column_type(st, i) == SQLITE_TEXT && v && (size_t)sqlite3_column_bytes(st, i) == strlen(t) &&
	       memcmp(v, t, strlen(t)) == 0;
}

static int rsum_start(struct rsum *r)
{
	memset(r, 0, sizeof *r);
	return mc_random_source(r->key, sizeof r->key) == 0;
}

/* Each row of sql: row(r, st, sums). The number of columns, or -1 if a step failed. */
static int rsum_walk(struct store *s, struct rsum *r, const char *sql,
		     void (*row)(struct rsum *r, sqlite3_stmt *st, rsum_t *sums), rsum_t *sums)
{
	sqlite3_stmt *st = store_prep(s, sql, NULL);
	if (!st)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && !r->odd)
		row(r, st, sums);
	int ncol = sqlite3_column_count(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || (rc == SQLITE_ROW && r->odd) ? ncol : -1;
}

/* The sums kept, as pairs of the facts' side and the kept side. */
enum { RS_ROW_FACT, RS_ROW_KEPT, RS_DAY_FACT, RS_DAY_KEPT, RS_MONTH_DAYS, RS_MONTH_KEPT, RS_ALL_DAYS, RS_ALL_KEPT,
       RS_N };

static int rsum_equal(const struct rsum *r, const rsum_t *sums)
{
	for (int i = 0; i < RS_N; i += 2)
		if (sums[i] != sums[i + 1])
			return 0;
	return !r->odd;
}

/* A row, all its columns, into *sum: the walk is given the row sum of the
 * side it reads (the facts' or the kept rows'), so one function serves both. */
static void rsum_row(struct rsum *r, sqlite3_stmt *st, rsum_t *sum)
{
	rsum_begin(r, 'r');
	rsum_cols(r, st, 0, sqlite3_column_count(st));
	rsum_add(r, sum, 1);
}

/* One recount as sums: the facts' rows (their first `before` columns what
 * their counts need, then the row; fact_row NULL: the rows whole), the kept
 * rows, the kept counts (NULL: the rows alone). */
struct rsum_recount {
	const char *fact, *kept, *counts;
	int before;
	void (*fact_row)(struct rsum *r, sqlite3_stmt *st, rsum_t *sums);
	void (*count_row)(struct rsum *r, sqlite3_stmt *st, rsum_t *sums);
};

/* 1: the recount's whole statement would find nothing (its sums are equal). */
static int rsum_hold(struct store *s, const struct rsum_recount *q)
{
	struct rsum r;
	rsum_t sums[RS_N] = { 0 };
	int holds = 0;
	if (rsum_start(&r)) {
		int fact = q->fact_row ? rsum_walk(s, &r, q->fact, q->fact_row, sums)
				       : rsum_walk(s, &r, q->fact, rsum_row, &sums[RS_ROW_FACT]);
		int kept = fact < 0 ? -1 : rsum_walk(s, &r, q->kept, rsum_row, &sums[RS_ROW_KEPT]);
		int counts = kept < 0 ? -1 : q->counts ? rsum_walk(s, &r, q->counts, q->count_row, sums) : 0;
		holds = counts >= 0 && fact - q->before == kept && rsum_equal(&r, sums);
	}
	free(r.buf);
	return holds;
}

/* Turnaround (TURN_CHECK): the facts' rows with the key of their day's count
 * (TURN_CHECK_DAY's GROUP BY) before them, the kept rows (TURN_CHECK_ROWS'
 * EXCEPTs: all their columns), and the counts, each day's also into its
 * month's and all time's (TURN_DAYS). */
#define TURN_SUM_KEY 5 /* k, TURN_KEY */
static const char SQL_TURN_SUM_FACT[] =
	"SELECT day, kind, district_id, credential_id, upto, * FROM report_turn_fact";
static const char SQL_TURN_SUM_KEPT[] = "SELECT * FROM report_turn";
static const char SQL_TURN_SUM_COUNT[] =
	"SELECT per, at, substr(at, 1, 7), kind, district_id, credential_id, upto, n FROM report_turn_count";

static void turn_sum_fact(struct rsum *r, sqlite3_stmt *st, rsum_t *sums)
{
	rsum_begin(r, 'd');
	rsum_cols(r, st, 0, TURN_SUM_KEY);
	rsum_add(r, &sums[RS_DAY_FACT], 1);
	rsum_begin(r, 'r');
	rsum_cols(r, st, TURN_SUM_KEY, sqlite3_column_count(st));
	rsum_add(r, &sums[RS_ROW_FACT], 1);
}

/* A count's key: the kind of count, k, then columns from to to - 1. */
static void rsum_key(struct rsum *r, char kind, sqlite3_stmt *st, int k, const char *k_text, int from, int to)
{
	rsum_begin(r, kind);
	if (k_text)
		rsum_text(r, k_text);
	else
		rsum_col(r, st, k);
	rsum_cols(r, st, from, to);
}

static void turn_sum_count(struct rsum *r, sqlite3_stmt *st, rsum_t *sums)
{
	long long n = rsum_weight(r, st, 7);
	if (rsum_is(st, 0, "day")) {
		rsum_key(r, 'd', st, 1, NULL, 3, 7);
		rsum_add(r, &sums[RS_DAY_KEPT], n);
		rsum_key(r, 'm', st, 2, NULL, 3, 7);
		rsum_add(r, &sums[RS_MONTH_DAYS], n);
		rsum_key(r, 'a', st, 0, "", 3, 7);
		rsum_add(r, &sums[RS_ALL_DAYS], n);
	} else if (rsum_is(st, 0, "month")) {
		rsum_key(r, 'm', st, 1, NULL, 3, 7);
		rsum_add(r, &sums[RS_MONTH_KEPT], n);
	} else if (rsum_is(st, 0, "all")) {
		rsum_key(r, 'a', st, 1, NULL, 3, 7);
		rsum_add(r, &sums[RS_ALL_KEPT], n);
	}
}

static const struct rsum_recount TURN_SUMS = {
	SQL_TURN_SUM_FACT, SQL_TURN_SUM_KEPT, SQL_TURN_SUM_COUNT, TURN_SUM_KEY, turn_sum_fact, turn_sum_count,
};

/* The assessors' own progress (SQL_OWN_PROGRESS_CHECK): the facts' rows with
 * the key of their day's count (OWNP_FACTS' GROUP BY), counted and their
 * attempts added up, the kept rows (OWNP_SUBMISSIONS compares these columns,
 * by name), and the counts, each day's also into its month's and all time's
 * (OWNP_DAYS), by number and by attempts. */
#define OWNP_SUM_COLS                                                                           \
	"submission_id, assessor, day, credential_id, district_id, status, attempt, submitted_at,"  \
	" assigned_at, decided_at"
#define OWNP_SUM_KEY 6 /* k, OWNP_KEY */
static const char SQL_OWNP_SUM_FACT[] =
	"SELECT day, assessor, credential_id, district_id, status, attempt = 1, attempt, " OWNP_SUM_COLS
	" FROM report_own_sub_fact WHERE submission_id >= -9223372036854775808"; /* OWNP_ALL_SUBS */
static const char SQL_OWNP_SUM_KEPT[] = "SELECT " OWNP_SUM_COLS " FROM report_own_sub";
static const char SQL_OWNP_SUM_COUNT[] =
	"SELECT per, at, substr(at, 1, 7), assessor, credential_id, district_id, status, first, n, attempts"
	" FROM report_own_progress";

static void ownp_sum_fact(struct rsum *r, sqlite3_stmt *st, rsum_t *sums)
{
	long long attempt = rsum_weight(r, st, OWNP_SUM_KEY);
	rsum_begin(r, 'd');
	rsum_cols(r, st, 0, OWNP_SUM_KEY);
	rsum_add(r, &sums[RS_DAY_FACT], 1);
	r->buf[0] = 'D'; /* the same key, its attempts */
	rsum_add(r, &sums[RS_DAY_FACT], attempt);
	rsum_begin(r, 'r');
	rsum_cols(r, st, OWNP_SUM_KEY + 1, sqlite3_column_count(st));
	rsum_add(r, &sums[RS_ROW_FACT], 1);
}

/* A count's key (kind, and its upper case for the attempts) weighed by n and attempts. */
static void ownp_sum_add(struct rsum *r, sqlite3_stmt *st, char kind, int k, const char *k_text, rsum_t *sum,
			 long long n, long long attempts)
{
	rsum_key(r, kind, st, k, k_text, 3, 8);
	rsum_add(r, sum, n);
	r->buf[0] = (char)(kind - 'a' + 'A');
	rsum_add(r, sum, attempts);
}

static void ownp_sum_count(struct rsum *r, sqlite3_stmt *st, rsum_t *sums)
{
	long long n = rsum_weight(r, st, 8), attempts = rsum_weight(r, st, 9);
	if (rsum_is(st, 0, "day")) {
		ownp_sum_add(r, st, 'd', 1, NULL, &sums[RS_DAY_KEPT], n, attempts);
		ownp_sum_add(r, st, 'm', 2, NULL, &sums[RS_MONTH_DAYS], n, attempts);
		ownp_sum_add(r, st, 'a', 0, "", &sums[RS_ALL_DAYS], n, attempts);
	} else if (rsum_is(st, 0, "month")) {
		ownp_sum_add(r, st, 'm', 1, NULL, &sums[RS_MONTH_KEPT], n, attempts);
	} else if (rsum_is(st, 0, "all")) {
		ownp_sum_add(r, st, 'a', 1, NULL, &sums[RS_ALL_KEPT], n, attempts);
	}
}

static const struct rsum_recount OWNP_SUMS = {
	SQL_OWNP_SUM_FACT, SQL_OWNP_SUM_KEPT, SQL_OWNP_SUM_COUNT, OWNP_SUM_KEY + 1, ownp_sum_fact, ownp_sum_count,
};
/* The assessors' kept rows (SQL_ASSIGNED_CHECK_ROWS): the facts' rows and the kept rows, whole. */
static const struct rsum_recount ASSIGNED_ROW_SUMS = {
	"SELECT * FROM report_assigned_fact", "SELECT * FROM report_assigned", NULL, 0, NULL, NULL,
};

/* Agreement (pairs_check_whole) as sums: three parts, each with the sums of
 * both its sides. 0 and 1: everyone's counts (report_agree_count) and the
 * assessors' own (report_own_count), each as the walk compares them: the
 * counts by day against the pairs as the scores say (report_pair_fact), each
 * pair going to its first-second tally if fs and to its final one if fin, under
 * the key the triggers give it (AGREE_FACT), and for the own counts once for
 * each of its readers (OWN_SIDE); the months and all time against the sums of
 * their days. 2: the kept pairs (report_pair) against the same pairs, row for
 * row (SQL_PAIRS_CHECK_PAIRS). One walk of the pairs, unsorted, serves all
 * three: the whole check no longer copies them (a walk of every submission and
 * its scores into a temporary table), sorts them by owner and day twice and
 * compares the copy with report_pair when nothing differs. */
#define AGREE_SUM_FACT                                                                          \
	"SELECT f.*, px.levels, px.pos, py.pos, px.level_id IS NOT NULL AND py.level_id IS NOT NULL"  \
	" FROM report_pair_fact f LEFT JOIN " LEVEL_POS_COPY " px ON px.level_id = f.x_level"        \
	" LEFT JOIN " LEVEL_POS_COPY " py ON py.level_id = f.y_level"                               \
	" ORDER BY f.submission_id" /* the submissions in id order, as the copy read them: no sort */
#define AGREE_SUM_PAIR_COLS 13 /* report_pair's */
static const char SQL_AGREE_SUM_FACT[] = AGREE_SUM_FACT;
static const char SQL_AGREE_SUM_PAIRS[] = "SELECT * FROM report_pair";
/* The counts: per, at, the key (AGREE_KEY), n, then the owner (the assessor of
 * report_own_count; NULL for everyone's). */
static const char *const SQL_AGREE_SUM_COUNTS[2] = {
	"SELECT per, at, " AGREE_KEY ", n, NULL FROM report_agree_count",
	"SELECT per, at, " AGREE_KEY ", n, assessor FROM report_own_count",
};
#define AGREE_SUM_N 10
#define AGREE_SUM_OWNER 11

/* A count's key, as bytes: its kind ('d' a day's, 'm' a month's, 'a' all
 * time's), AGREE_KEY's columns after the district's... then at, then the owner
 * (the assessor of report_own_count; none for everyone's). In that order so
 * that a row's several keys are its first bytes read once, then a tail
 * changed: the columns read from SQLite were most of the sums' time. */

/* A day's count of a pair as AGREE_FACT keys it, up to its day (the owners
 * follow): the district, the tally (final), the credential and criterion (0
 * for the final tally), the earlier read's assessor ('' for first-second), the
 * levels, both positions, the day. */
static void agree_sum_key(struct rsum *r, sqlite3_stmt *st, int final)
{
	rsum_begin(r, 'd');
	rsum_col(r, st, 6);                                   /* district_id */
	rsum_int(r, final);
	rsum_int(r, final ? 0 : sqlite3_column_int64(st, 5)); /* credential_id */
	rsum_int(r, final ? 0 : sqlite3_column_int64(st, 1)); /* criterion_id */
	if (final)
		rsum_col(r, st, 7);                           /* x_assessor */
	else
		rsum_text(r, "");
	rsum_cols(r, st, 13, 16);                             /* levels, x_pos, y_pos */
	rsum_col(r, st, 4);                                   /* day */
}

/* Whether column i is of type; if not, the sums cannot stand for the walk,
 * which reads every column as a number or a text (odd). */
static int agree_sum_type(struct rsum *r, sqlite3_stmt *st, int i, int type)
{
	if (sqlite3_column_type(st, i) != type)
		r->odd = 1;
	return !r->odd;
}

/* The key begun (its first len bytes) for the owner (n bytes), into *sum. */
static void agree_sum_owner(struct rsum *r, size_t len, const char *owner, size_t n, rsum_t *sum)
{
	r->len = len;
	rsum_textn(r, owner, n);
	rsum_add(r, sum, 1);
}

/* One pair as the scores say: its row, and each of its counts by day. */
static void agree_sum_fact(struct rsum *r, sqlite3_stmt *st, rsum_t *sums)
{
	rsum_begin(r, 'r');
	rsum_cols(r, st, 0, AGREE_SUM_PAIR_COLS);
	rsum_add(r, &sums[2 * RS_N + RS_ROW_FACT], 1);
	if (!sqlite3_column_int64(st, 16))
		return; /* a level that is gone: the walk's join leaves the pair out */
	static const int ints[] = { 1, 5, 6, 11, 12, 13, 14, 15 }; /* the columns the key reads as numbers */
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
		if (!agree_sum_type(r, st, ints[i], SQLITE_INTEGER))
			return;
	if (!agree_sum_type(r, st, 4, SQLITE_TEXT) || !agree_sum_type(r, st, 7, SQLITE_TEXT) ||
	    !agree_sum_type(r, st, 8, SQLITE_TEXT))
		return;
	const char *x = (const char *)sqlite3_column_text(st, 7), *y = (const char *)sqlite3_column_text(st, 8);
	size_t xn = (size_t)sqlite3_column_bytes(st, 7), yn = (size_t)sqlite3_column_bytes(st, 8);
	/* the later read's assessor has the pair too when another (OWN_SIDE's <>) */
	int two = xn != yn || memcmp(x, y, xn) != 0;
	for (int final = 0; final < 2; final++) {
		if (!sqlite3_column_int64(st, final ? 12 : 11))
			continue; /* not in this tally (fs, fin) */
		agree_sum_key(r, st, final);
		size_t len = r->len;
		rsum_add(r, &sums[RS_DAY_FACT], 1);
		agree_sum_owner(r, len, x, xn, &sums[RS_N + RS_DAY_FACT]);
		if (two)
			agree_sum_owner(r, len, y, yn, &sums[RS_N + RS_DAY_FACT]);
	}
}

/* The kept count's key from its first len bytes on (kind k): at (the text t,
 * n bytes), the owner, into *sum weighed by w. */
static void agree_sum_tail(struct rsum *r, sqlite3_stmt *st, size_t len, char k, const char *t, size_t n,
			   rsum_t *sum, long long w)
{
	r->len = len;
	r->buf[0] = (unsigned char)k;
	rsum_textn(r, t, n);
	if (sqlite3_column_type(st, AGREE_SUM_OWNER) != SQLITE_NULL)
		rsum_col(r, st, AGREE_SUM_OWNER);
	rsum_add(r, sum, w);
}

/* A kept count: a day's against the pairs and into its month's sum of days
 * (the walk's month: the day's first 7 bytes), a month's against that and
 * into all time's sum of months, all time's against that. sums: its table's.
 * All time against the months, not the days as the walk does: the same when
 * every month is the sum of its days (the months' sums hold), since the
 * months then add up to what their days do, and a hash a month, not a day. */
static void agree_sum_count(struct rsum *r, sqlite3_stmt *st, rsum_t *sums)
{
	long long n = rsum_weight(r, st, AGREE_SUM_N);
	const char *at = (const char *)sqlite3_column_text(st, 1);
	size_t at_n = (size_t)sqlite3_column_bytes(st, 1);
	if (!agree_sum_type(r, st, 1, SQLITE_TEXT) || memchr(at, 0, at_n))
		return; /* the walk reads at up to a NUL */
	rsum_begin(r, 'd');
	rsum_cols(r, st, 2, AGREE_SUM_N);
	size_t len = r->len;
	if (rsum_is(st, 0, "day")) {
		agree_sum_tail(r, st, len, 'd', at, at_n, &sums[RS_DAY_KEPT], n);
		agree_sum_tail(r, st, len, 'm', at, at_n < 7 ? at_n : 7, &sums[RS_MONTH_DAYS], n);
	} else if (rsum_is(st, 0, "month")) {
		agree_sum_tail(r, st, len, 'm', at, at_n, &sums[RS_MONTH_KEPT], n);
		agree_sum_tail(r, st, len, 'a', "", 0, &sums[RS_ALL_DAYS], n);
	} else if (rsum_is(st, 0, "all")) {
		agree_sum_tail(r, st, len, 'a', at, at_n, &sums[RS_ALL_KEPT], n);
	}
}

static void agree_sums_hold(struct store *s, int holds[3])
{
	struct rsum r;
	rsum_t sums[3 * RS_N] = { 0 };
	holds[0] = holds[1] = holds[2] = 0;
	if (rsum_start(&r)) {
		int ok = rsum_walk(s, &r, SQL_AGREE_SUM_FACT, agree_sum_fact, sums) == AGREE_SUM_PAIR_COLS + 4 &&
			 rsum_walk(s, &r, SQL_AGREE_SUM_PAIRS, rsum_row, &sums[2 * RS_N + RS_ROW_KEPT]) ==
				 AGREE_SUM_PAIR_COLS;
		for (int t = 0; ok && t < 2; t++)
			ok = rsum_walk(s, &r, SQL_AGREE_SUM_COUNTS[t], agree_sum_count, &sums[t * RS_N]) >= 0;
		/* The counts' sums stand for the walks only when the pairs' do: then the
		 * pairs as the scores say are report_pair's rows exactly (no key
		 * twice, each value of its column's type), as the walks' copy of them
		 * is. */
		holds[2] = ok && rsum_equal(&r, &sums[2 * RS_N]);
		for (int t = 0; holds[2] && t < 2; t++)
			holds[t] = rsum_equal(&r, &sums[t * RS_N]);
	}
	free(r.buf);
}
#else
/* No 128-bit integers: the statements run. */
struct rsum_recount {
	int none;
};
static const struct rsum_recount TURN_SUMS, OWNP_SUMS, ASSIGNED_ROW_SUMS;

static int rsum_hold(struct store *s, const struct rsum_recount *q)
{
	(void)s;
	(void)q;
	return 0;
}

static void agree_sums_hold(struct store *s, int holds[3])
{
	(void)s;
	holds[0] = holds[1] = holds[2] = 0;
}
#endif

/* ---------------------------------------------------------------- assessors' counts checked
 * The assessors' counts and rows (migration 20) against a recount, each side
 * sorted once and compared group by group, never joined: the counts by day
 * against the assignments as the facts say now (report_assigned_fact), the
 * counts by month and for all time against the sum of their days, and the
 * kept rows (report_assigned) against the same. ?1: one day (the submissions
 * of that day, by submission_submitted; all time is then not recounted), or
 * NULL for all. */
#define ASG_SUMS(N, DONE, OPEN, F, L)                                                            \
	N " AS n, " DONE " AS done, " OPEN " AS open, " F " AS f, " L " AS l"
#define ASG_NONZERO(N, DONE, OPEN, F) "(" N " <> 0 OR " DONE " <> 0 OR " OPEN " <> 0 OR " F " IS NOT NULL)"
#define ASG_DAY_SUBS                                                                            \
	"(SELECT id FROM submission INDEXED BY submission_submitted WHERE submitted_at >= ?1"       \
	" AND submitted_at < ?1 || char(1114111))"
#define ASG_TEXT(N, DONE, OPEN, F, L)                                                           \
	"printf('%d assignments, %d done, %d open, decisions from %s to %s', " N ", " DONE ", " OPEN \
	", coalesce(" F ", '-'), coalesce(" L ", '-'))"
#define ASG_DIFFER(T, REAL, KEPT)                                                               \
	"SELECT '" T "' AS tb, k, district_id AS did, assessor,"                                   \
	" " ASG_TEXT("sum(kn)", "sum(kd)", "sum(ko)", "max(kf)", "max(kl)") " AS kept,"              \
	" " ASG_TEXT("sum(rn)", "sum(rd)", "sum(ro)", "max(rf)", "max(rl)") " AS counted FROM"       \
	" (SELECT k, district_id, assessor, n AS kn, done AS kd, open AS ko, f AS kf, l AS kl,"      \
	"  0 AS rn, 0 AS rd, 0 AS ro, NULL AS rf, NULL AS rl FROM (" KEPT ")"                        \
	"  UNION ALL SELECT k, district_id, assessor, 0, 0, 0, NULL, NULL, n, done, open, f, l FROM (" REAL "))"\
	" GROUP BY k, district_id, assessor HAVING sum(kn) <> sum(rn) OR sum(kd) <> sum(rd)"          \
	" OR sum(ko) <> sum(ro) OR max(kf) IS NOT max(rf) OR max(kl) IS NOT max(rl)"
#define ASG_KEPT(PER, AT)                                                                       \
	"SELECT at AS k, district_id, assessor, " ASG_SUMS("n", "done", "open", "first_done", "last_done") \
	" FROM report_assigned_count WHERE per = '" PER "' AND " AT                                  \
	" AND " ASG_NONZERO("n", "done", "open", "first_done")
#define ASG_DAYS(K, WHERE)                                                                      \
	"SELECT " K " AS k, district_id, assessor,"                                                 \
	" " ASG_SUMS("sum(n)", "sum(done)", "sum(open)", "min(first_done)", "max(last_done)")       \
	" FROM report_assigned_count WHERE per = 'day' AND " WHERE " GROUP BY 1, 2, 3"               \
	" HAVING " ASG_NONZERO("sum(n)", "sum(done)", "sum(open)", "min(first_done)")
/* The whole check's conditions (?1 NULL), and one day's for --since-last: the
 * same without "?1 IS NULL OR", which would keep SQLite from seeking by them
 * (a walk of every day's counts and rows for each day). */
#define ASG_WHOLE_SUBS "?1 IS NULL OR submission_id IN " ASG_DAY_SUBS
#define ASG_ONE_SUBS "submission_id IN " ASG_DAY_SUBS
#define ASG_ROWS(TABLE, SUBS) "SELECT * FROM " TABLE " WHERE " SUBS
#define ASG_CHECK(TERMS)                                                                        \
	"SELECT t.tb, t.k, d.name, t.assessor, t.kept, t.counted FROM (" TERMS                      \
	") t LEFT JOIN district d ON d.id = t.did ORDER BY 1, 2, 3, 4"
#define ASG_CHECK_DAY(SUBS, AT)                                                                 \
	ASG_DIFFER("day",                                                                           \
		   "SELECT day AS k, district_id, assessor, " ASG_SUMS("count(*)", "sum(state = 'done')",    \
		   "sum(state = 'open')", "min(decided_at)", "max(decided_at)") " FROM report_assigned_fact" \
		   " WHERE " SUBS " GROUP BY 1, 2, 3",                                                     \
		   ASG_KEPT("day", AT))
#define ASG_CHECK_MONTH(DAYS, AT) ASG_DIFFER("month", ASG_DAYS("substr(at, 1, 7)", DAYS), ASG_KEPT("month", AT))
#define ASG_CHECK_ROWS(SUBS)                                                                    \
	"SELECT 'assignment', coalesce(s.ext_id, '#' || a.submission_id), a.district_id, a.assessor,"\
	" iif(a.kept, 'kept', 'missing'), iif(a.kept, 'none', 'one') FROM"                          \
	" (SELECT 1 AS kept, * FROM (" ASG_ROWS("report_assigned", SUBS) " EXCEPT "                  \
	ASG_ROWS("report_assigned_fact", SUBS) ")"                                                   \
	"  UNION ALL SELECT 0, * FROM (" ASG_ROWS("report_assigned_fact", SUBS) " EXCEPT "           \
	ASG_ROWS("report_assigned", SUBS) ")) a"                                                     \
	" LEFT JOIN submission s ON s.id = a.submission_id"
/* The whole check's: the counts (by day, by month, for all time), then the
 * kept rows; or (SQL_ASSIGNED_CHECK_COUNTS) the counts alone, when the kept
 * rows are the facts' rows (their sums, ASSIGNED_ROW_SUMS: only the counts can
 * differ then). The counts are not added up as sums: a day's, a month's and all
 * time's first and last decisions are a minimum and a maximum. */
#define ASG_WHOLE_COUNTS                                                                        \
	ASG_CHECK_DAY(ASG_WHOLE_SUBS, "(?1 IS NULL OR at = ?1)") " UNION ALL "                         \
	ASG_CHECK_MONTH("(?1 IS NULL OR (at >= substr(?1, 1, 7) AND at < substr(?1, 1, 7) || char(1114111)))", \
			"(?1 IS NULL OR at = substr(?1, 1, 7))")                                              \
	" UNION ALL " ASG_DIFFER("all time", ASG_DAYS("''", "?1 IS NULL"), ASG_KEPT("all", "?1 IS NULL"))
static const char SQL_ASSIGNED_CHECK[] = ASG_CHECK(ASG_WHOLE_COUNTS " UNION ALL " ASG_CHECK_ROWS(ASG_WHOLE_SUBS));
static const char SQL_ASSIGNED_CHECK_COUNTS[] = ASG_CHECK(ASG_WHOLE_COUNTS);
/* check --since-last's: one day's, its month's once a month */
static const struct day_part SQL_ASSIGNED_CHECK_DAY[] = {
	{ ASG_CHECK(ASG_CHECK_DAY(ASG_ONE_SUBS, "at = ?1") " UNION ALL " ASG_CHECK_ROWS(ASG_ONE_SUBS)), 0 },
	{ ASG_CHECK(ASG_CHECK_MONTH(AGREE_MONTH, "at = substr(?1, 1, 7)")), 1 },
};

struct assigned_walk {
	int (*fn)(void *ctx, const struct report_assigned_diff *d);
	void *ctx;
};

static int assigned_row(sqlite3_stmt *st, void *arg)
{
	const struct assigned_walk *w = arg;
	const char *v[6];
	for (int i = 0; i < 6; i++)
		v[i] = (const char *)sqlite3_column_text(st, i);
	struct report_assigned_diff d = { v[0], v[1], v[2], v[3], v[4], v[5] };
	return w->fn(w->ctx, &d);
}

int store_report_assigned_check(struct store *s, const char *const *days, int ndays,
				int (*fn)(void *ctx, const struct report_assigned_diff *d), void *ctx,
				struct mc_error *err)
{
	struct assigned_walk w = { fn, ctx };
	const char *whole = !days && rsum_hold(s, &ASSIGNED_ROW_SUMS) ? SQL_ASSIGNED_CHECK_COUNTS : SQL_ASSIGNED_CHECK;
	return each_day_part(s, whole, SQL_ASSIGNED_CHECK_DAY, NPARTS(SQL_ASSIGNED_CHECK_DAY), days, ndays,
			     assigned_row, &w, "recounting the assessors' work", err);
}

/* ---------------------------------------------------------------- turnaround's counts checked
 * Turnaround's counts and rows (migration 22) against a recount, each side
 * sorted once and compared group by group, never joined: the counts by day
 * against the rows as the facts say now (report_turn_fact), the counts by
 * month and for all time against the sum of their days, and the kept rows
 * (report_turn) against the same. ?1: one day (the submissions of that day,
 * by submission_submitted; all time is then not recounted), or NULL for all. */
#define TURN_KEY "kind, district_id, credential_id, upto"
#define TURN_DIFFER(T, REAL, KEPT)                                                              \
	"SELECT '" T "' AS tb, k, district_id AS did, credential_id AS cid, kind, upto,"           \
	" sum(kn) AS kept, sum(rn) AS counted FROM"                                                 \
	" (SELECT k, " TURN_KEY ", n AS kn, 0 AS rn FROM (" KEPT ")"                                \
	"  UNION ALL SELECT k, " TURN_KEY ", 0, n FROM (" REAL "))"                                 \
	" GROUP BY k, " TURN_KEY " HAVING sum(kn) <> sum(rn)"
#define TURN_KEPT(PER, AT)                                                                      \
	"SELECT at AS k, " TURN_KEY ", n FROM report_turn_count WHERE per = '" PER "' AND n <> 0 AND " AT
#define TURN_DAYS(K, WHERE)                                                                     \
	"SELECT " K " AS k, " TURN_KEY ", sum(n) AS n FROM report_turn_count WHERE per = 'day' AND " WHERE \
	" GROUP BY 1, " TURN_KEY " HAVING sum(n) <> 0"
#define TURN_DAY_SUBS                                                                           \
	"(SELECT id FROM submission INDEXED BY submission_submitted WHERE submitted_at >= ?1"       \
	" AND submitted_at < ?1 || char(1114111))"
/* The whole check's conditions and one day's, as for the assessors' counts */
#define TURN_WHOLE_SUBS "?1 IS NULL OR submission_id IN " TURN_DAY_SUBS
#define TURN_ONE_SUBS "submission_id IN " TURN_DAY_SUBS
#define TURN_ROWS(TABLE, SUBS) "SELECT * FROM " TABLE " WHERE " SUBS
#define TURN_CHECK(TERMS)                                                                       \
	"SELECT t.tb, t.k, c.code, d.name, t.kind, t.upto, t.kept, t.counted FROM (" TERMS          \
	") t LEFT JOIN credential c ON c.id = t.cid LEFT JOIN district d ON d.id = t.did ORDER BY 1, 2, 3, 4, 5, 6"
#define TURN_CHECK_DAY(SUBS, AT)                                                                \
	TURN_DIFFER("day", "SELECT day AS k, " TURN_KEY ", count(*) AS n FROM report_turn_fact"     \
		    " WHERE " SUBS " GROUP BY 1, " TURN_KEY, TURN_KEPT("day", AT))
#define TURN_CHECK_MONTH(DAYS, AT) TURN_DIFFER("month", TURN_DAYS("substr(at, 1, 7)", DAYS), TURN_KEPT("month", AT))
/* named: it can be a statement's first (or only) term */
#define TURN_CHECK_ROWS(SUBS)                                                                   \
	"SELECT 'row' AS tb, coalesce(s.ext_id, '#' || r.submission_id) AS k, r.district_id AS did,"\
	" r.credential_id AS cid, r.kind, r.upto, r.kept, 1 - r.kept AS counted FROM"              \
	" (SELECT 1 AS kept, * FROM (" TURN_ROWS("report_turn", SUBS) " EXCEPT " TURN_ROWS("report_turn_fact", SUBS) ")"\
	"  UNION ALL SELECT 0, * FROM (" TURN_ROWS("report_turn_fact", SUBS) " EXCEPT " TURN_ROWS("report_turn", SUBS) ")) r"\
	" LEFT JOIN submission s ON s.id = r.submission_id"
static const char SQL_TURN_CHECK[] =
	TURN_CHECK(TURN_CHECK_DAY(TURN_WHOLE_SUBS, "(?1 IS NULL OR at = ?1)") " UNION ALL "
		   TURN_CHECK_MONTH("(?1 IS NULL OR (at >= substr(?1, 1, 7) AND at < substr(?1, 1, 7) || char(1114111)))",
				    "(?1 IS NULL OR at = substr(?1, 1, 7))")
		   " UNION ALL " TURN_DIFFER("all time", TURN_DAYS("''", "?1 IS NULL"), TURN_KEPT("all", "?1 IS NULL"))
		   " UNION ALL " TURN_CHECK_ROWS(TURN_WHOLE_SUBS));
/* check --since-last's: one day's, its month's once a month */
static const struct day_part SQL_TURN_CHECK_DAY[] = {
	{ TURN_CHECK(TURN_CHECK_DAY(TURN_ONE_SUBS, "at = ?1")), 0 },
	{ TURN_CHECK(TURN_CHECK_MONTH(AGREE_MONTH, "at = substr(?1, 1, 7)")), 1 },
	{ TURN_CHECK(TURN_CHECK_ROWS(TURN_ONE_SUBS)), 0 },
};

struct turn_walk {
	int (*fn)(void *ctx, const struct report_turn_diff *d);
	void *ctx;
};

static int turn_row(sqlite3_stmt *st, void *arg)
{
	const struct turn_walk *w = arg;
	const char *v[5];
	for (int i = 0; i < 5; i++)
		v[i] = (const char *)sqlite3_column_text(st, i);
	struct report_turn_diff d = { v[0], v[1], v[2], v[3], v[4], sqlite3_column_int64(st, 5),
				      sqlite3_column_int64(st, 6), sqlite3_column_int64(st, 7) };
	return w->fn(w->ctx, &d);
}

int store_report_turn_check(struct store *s, const char *const *days, int ndays,
			    int (*fn)(void *ctx, const struct report_turn_diff *d), void *ctx, struct mc_error *err)
{
	struct turn_walk w = { fn, ctx };
	if (!days && rsum_hold(s, &TURN_SUMS))
		return MC_OK; /* the whole statement would find nothing */
	return each_day_part(s, SQL_TURN_CHECK, SQL_TURN_CHECK_DAY, NPARTS(SQL_TURN_CHECK_DAY), days, ndays, turn_row,
			     &w, "recounting the turnaround counts", err);
}

/* ---------------------------------------------------------------- an assessor's own progress checked
 * The assessors' own progress (report_own_sub, report_own_progress) against a recount, each side
 * sorted once and compared group by group, never joined: the counts by day
 * against the rows as the facts say now (report_own_sub_fact), the counts by
 * month and for all time against the sum of their days, and the kept rows
 * (report_own_sub) against the same, each looked up in the other by its key.
 * Two forms: the whole check, and one day's (?1, for check --since-last: the
 * submissions of that day by submission_submitted, the counts of that day and
 * its month by a seek for each assessor, the key's first column). */
#define OWNP_KEY "assessor, credential_id, district_id, status, first"
#define OWNP_DIFFER(T, REAL, KEPT)                                                              \
	"SELECT '" T "' AS tb, k, " OWNP_KEY ", sum(kn) AS kept, sum(rn) AS counted FROM"            \
	" (SELECT k, " OWNP_KEY ", n AS kn, attempts AS ka, 0 AS rn, 0 AS ra FROM (" KEPT ")"         \
	"  UNION ALL SELECT k, " OWNP_KEY ", 0, 0, n, attempts FROM (" REAL "))"                     \
	" GROUP BY k, " OWNP_KEY " HAVING sum(kn) <> sum(rn) OR sum(ka) <> sum(ra)"
#define OWNP_KEPT(PER, AT)                                                                      \
	"SELECT at AS k, " OWNP_KEY ", n, attempts FROM report_own_progress WHERE " AT " AND per = '" PER "'" \
	" AND (n <> 0 OR attempts <> 0)"
#define OWNP_DAYS(K, WHERE)                                                                     \
	"SELECT " K " AS k, " OWNP_KEY ", sum(n) AS n, sum(attempts) AS attempts FROM report_own_progress" \
	" WHERE " WHERE " AND per = 'day' GROUP BY 1, " OWNP_KEY " HAVING sum(n) <> 0 OR sum(attempts) <> 0"
#define OWNP_FACTS(SUBS)                                                                        \
	"SELECT day AS k, assessor, credential_id, district_id, status, attempt = 1 AS first, count(*) AS n,"\
	" sum(attempt) AS attempts FROM report_own_sub_fact WHERE " SUBS " GROUP BY 1, 2, 3, 4, 5, 6"
#define OWNP_REST(T)                                                                            \
	"(" T ".day, " T ".credential_id, " T ".district_id, " T ".status, " T ".attempt, " T ".submitted_at, " \
	T ".assigned_at, " T ".decided_at)"
/* The rows of one side (A) with no row of the same key in the other (B) that
 * also has the same facts (SAME), by B's key: kept rows that differ or are
 * left over, and the facts' rows that have no kept row at all. B is reached by
 * its submission only (+b.assessor): in report_own_sub_fact the assessor would
 * take SQLite to report_assignment, whose assessor leads the key, a seek
 * anywhere in it for each kept row (issue 15). */
#define OWNP_UNMATCHED(A, B, SUBS, SAME)                                                        \
	"SELECT * FROM " A " a WHERE " SUBS " AND NOT EXISTS (SELECT 1 FROM " B " b"                  \
	" WHERE b.submission_id = a.submission_id AND +b.assessor = a.assessor AND " SAME ")"
#define OWNP_OUTER(TERMS)                                                                       \
	"SELECT t.tb, t.k, t.assessor, c.code, d.name, t.status, t.first, t.kept, t.counted FROM ("  \
	TERMS ") t LEFT JOIN credential c ON c.id = t.credential_id LEFT JOIN district d ON d.id = t.district_id" \
	" ORDER BY 1, 2, 3, 4, 5, 6, 7"
#define OWNP_DAY(DAY, SUBS) OWNP_DIFFER("day", OWNP_FACTS(SUBS), OWNP_KEPT("day", DAY))
#define OWNP_MONTH(MONTH, MONTH_DAYS)                                                           \
	OWNP_DIFFER("month", OWNP_DAYS("substr(at, 1, 7)", MONTH_DAYS), OWNP_KEPT("month", MONTH))
/* named: it can be a statement's first (or only) term */
#define OWNP_SUBMISSIONS(SUBS)                                                                  \
	" SELECT 'submission' AS tb, coalesce(s.ext_id, '#' || r.submission_id) AS k, r.assessor,"   \
	" r.credential_id, r.district_id, r.status, r.attempt = 1 AS first, r.kept, 1 - r.kept AS counted FROM"\
	" (SELECT 1 AS kept, * FROM (" OWNP_UNMATCHED("report_own_sub", "report_own_sub_fact", SUBS,     \
						      OWNP_REST("b") " IS " OWNP_REST("a")) ")"         \
	"  UNION ALL SELECT 0, * FROM (" OWNP_UNMATCHED("report_own_sub_fact", "report_own_sub", SUBS, "1") ")) r"\
	" LEFT JOIN submission s ON s.id = r.submission_id"
#define OWNP_EVERYONE EVERYONE_IN("report_own_progress")
/* Every submission, as a range of their ids: SQLite then walks
 * report_own_sub_fact from report_submission in id order (with no condition,
 * from the submissions in the order of a covering index, each lookup
 * anywhere in the file: issue 15). */
#define OWNP_ALL_SUBS "submission_id >= -9223372036854775808"
static const char SQL_OWN_PROGRESS_CHECK[] =
	OWNP_OUTER(OWNP_DAY("1", OWNP_ALL_SUBS) " UNION ALL " OWNP_MONTH("1", "1")
		   " UNION ALL " OWNP_DIFFER("all time", OWNP_DAYS("''", "1"), OWNP_KEPT("all", "1"))
		   " UNION ALL" OWNP_SUBMISSIONS(OWNP_ALL_SUBS));
/* check --since-last's: one day's, its month's once a month */
#define OWNP_DAY_SUBS "submission_id IN " AGREE_DAY_SUBS
static const struct day_part SQL_OWN_PROGRESS_CHECK_DAY[] = {
	{ OWNP_OUTER(OWNP_DAY(OWNP_EVERYONE "at = ?1", OWNP_DAY_SUBS)), 0 },
	{ OWNP_OUTER(OWNP_MONTH(OWNP_EVERYONE "at = substr(?1, 1, 7)", OWNP_EVERYONE AGREE_MONTH)), 1 },
	{ OWNP_OUTER(OWNP_SUBMISSIONS(OWNP_DAY_SUBS)), 0 },
};

struct own_progress_walk {
	int (*fn)(void *ctx, const struct report_count_diff *d);
	void *ctx;
};

static int own_progress_row(sqlite3_stmt *st, void *arg)
{
	const struct own_progress_walk *w = arg;
	const char *v[6];
	for (int i = 0; i < 6; i++)
		v[i] = (const char *)sqlite3_column_text(st, i);
	struct report_count_diff d = { v[0], v[1], v[3], v[4], v[5], sqlite3_column_int(st, 6),
				       sqlite3_column_int64(st, 7), sqlite3_column_int64(st, 8), v[2] };
	return w->fn(w->ctx, &d);
}

int store_report_own_progress_check(struct store *s, const char *const *days, int ndays,
				    int (*fn)(void *ctx, const struct report_count_diff *d), void *ctx,
				    struct mc_error *err)
{
	struct own_progress_walk w = { fn, ctx };
	if (!days && rsum_hold(s, &OWNP_SUMS))
		return MC_OK; /* the whole statement would find nothing */
	return each_day_part(s, SQL_OWN_PROGRESS_CHECK, SQL_OWN_PROGRESS_CHECK_DAY, NPARTS(SQL_OWN_PROGRESS_CHECK_DAY),
			     days, ndays, own_progress_row, &w, "recounting the assessors' own progress", err);
}
