/* test_report.c: the reports' core on a small demo database: who sees what
 * (report_scope_for), progress against goals equal to counts in SQL, goals set
 * and refused, agreement pairs, turnaround quantiles. */
#include "unit.h"

#include <math.h>
#include <sqlite3.h>

#include "mcassess/assign.h"
#include "mcassess/demo.h"
#include "mcassess/identity.h"
#include "mcassess/people.h"
#include "mcassess/report.h"
#include "mcassess/stats.h"
#include "mcassess/store.h"
#include "mcassess/util.h"
#include "store/store_int.h"

struct fx {
	char *dir, *path;
	struct store *s;
};

/* The connection of another program (sql_count, sql_exec, sql_quantiles) to a
 * case's database: opened at its first use in the case, closed by the case's
 * teardown. Not one a call: each open parses the whole schema (94 ms under
 * valgrind), and the turnaround walk counts twice a step. */
static struct {
	char *path;
	sqlite3 *db;
} peer;

static void peer_close(void)
{
	if (peer.db)
		assert_int_equal(sqlite3_close(peer.db), SQLITE_OK);
	peer.db = NULL;
	free(peer.path);
	peer.path = NULL;
}

static sqlite3 *peer_db(const char *path)
{
	if (peer.db && strcmp(peer.path, path) != 0)
		peer_close();
	if (!peer.db) {
		assert_int_equal(sqlite3_open(path, &peer.db), SQLITE_OK);
		peer.path = mc_xstrdup(path);
	}
	return peer.db;
}

static long long sql_count(const char *path, const char *q)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(peer_db(path), q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void sql_exec(const char *path, const char *q)
{
	assert_int_equal(sqlite3_exec(peer_db(path), q, NULL, NULL, NULL), SQLITE_OK);
}

/* The random walks' writer: one connection for all of a walk's writes (each
 * open parses the whole schema: 94 ms under valgrind, a thousand times a run),
 * and each kind of write prepared once, its values bound at each step (a
 * statement's preparation compiles every trigger the write fires: most of a
 * walk's time when each step's numbers were written into its SQL). */
#define WRITER_KINDS 32
#define WRITER_STMTS 3 /* statements of one write, at most */
struct writer {
	sqlite3 *db;
	struct {
		const char *sql;
		sqlite3_stmt *st[WRITER_STMTS];
	} kind[WRITER_KINDS];
	int nkind;
};

static struct writer *writer_open(const char *path)
{
	struct writer *w = calloc(1, sizeof *w);
	assert_int_equal(sqlite3_open(path, &w->db), SQLITE_OK);
	sqlite3_busy_timeout(w->db, 5000);
	return w;
}

static void writer_close(struct writer **wp)
{
	struct writer *w = *wp;
	for (int k = 0; k < w->nkind; k++)
		for (int i = 0; i < WRITER_STMTS; i++)
			sqlite3_finalize(w->kind[k].st[i]);
	assert_int_equal(sqlite3_close(w->db), SQLITE_OK);
	free(w);
	*wp = NULL;
}

static void writer_exec(struct writer *w, const char *q)
{
	if (sqlite3_exec(w->db, q, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s: %s", q, sqlite3_errmsg(w->db));
}

/* The statements of sql (one write: statements separated by ';'), prepared at its first run. */
static sqlite3_stmt **writer_kind(struct writer *w, const char *sql)
{
	for (int k = 0; k < w->nkind; k++)
		if (w->kind[k].sql == sql)
			return w->kind[k].st;
	assert_true(w->nkind < WRITER_KINDS);
	w->kind[w->nkind].sql = sql;
	sqlite3_stmt **st = w->kind[w->nkind++].st;
	const char *tail = sql;
	for (int i = 0; tail && *tail; i++) {
		assert_true(i < WRITER_STMTS);
		if (sqlite3_prepare_v2(w->db, tail, -1, &st[i], &tail) != SQLITE_OK)
			fail_msg("%s: %s", sql, sqlite3_errmsg(w->db));
	}
	return st;
}

/* One write: sql's parameters ?1, ?2 … bound to the values that follow, one
 * letter of `types` each ('d' an int, 'l' a long long, 's' a string). */
static void writer_run(struct writer *w, const char *sql, const char *types, ...)
{
	sqlite3_stmt **st = writer_kind(w, sql);
	for (int i = 0; i < WRITER_STMTS && st[i]; i++)
		sqlite3_clear_bindings(st[i]);
	va_list ap;
	va_start(ap, types);
	for (int n = 1; types[n - 1]; n++) {
		long long v = 0;
		const char *text = NULL;
		if (types[n - 1] == 'd')
			v = va_arg(ap, int);
		else if (types[n - 1] == 'l')
			v = va_arg(ap, long long);
		else
			text = va_arg(ap, const char *);
		for (int i = 0; i < WRITER_STMTS && st[i]; i++) {
			if (n > sqlite3_bind_parameter_count(st[i]))
				continue;
			if (text)
				sqlite3_bind_text(st[i], n, text, -1, SQLITE_TRANSIENT);
			else
				sqlite3_bind_int64(st[i], n, v);
		}
	}
	va_end(ap);
	for (int i = 0; i < WRITER_STMTS && st[i]; i++) {
		int rc;
		while ((rc = sqlite3_step(st[i])) == SQLITE_ROW)
			;
		sqlite3_reset(st[i]);
		if (rc != SQLITE_DONE)
			fail_msg("%s: %s", sql, sqlite3_errmsg(w->db));
	}
}

/* The demo database every case starts from: made once (a demo run is most of
 * this file's time under valgrind), each case gets a fresh copy of it. */
static void fill(struct store *s, const char *path)
{
	(void)path;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_options o = { .educators = unit_size(60, 30), .seed = 7 };
	assert_int_equal(demo_run(s, &o, NULL, &err), MC_OK);
	assert_int_equal(people_add(s, "mcrepx", ROLE_ASSESSOR, NULL, &err), MC_OK);
	assert_int_equal(people_add(s, "mcrepy", ROLE_COORDINATOR, "Dove Valley County Schools", &err), MC_OK);
}

static int setup(void **state)
{
	struct fx *f = *state = calloc(1, sizeof *f);
	unit_template_open(&f->dir, &f->path, &f->s);
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	peer_close();
	unit_close(&f->s);
	free(f->path);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static void test_scope(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct report_scope sc;
	struct report_request none = { 0 }, other = { .district = "Cedar Fork County Schools" };
	/* The admin (who ran the demo) sees everything, or the district asked for. */
	assert_int_equal(report_scope_for(f->s, identity_user(), &other, &sc, &err), MC_OK);
	assert_string_equal(sc.district, "Cedar Fork County Schools");
	assert_null(sc.assessor);
	assert_int_equal(sc.due_days, ASSIGN_DUE_DAYS_DEFAULT); /* config due-days, shared with assign */
	report_scope_free(&sc);
	/* An assessor: their own work only. */
	assert_int_equal(report_scope_for(f->s, "mcrepx", &none, &sc, &err), MC_OK);
	assert_string_equal(sc.assessor, "mcrepx");
	report_scope_free(&sc);
	/* A coordinator: their district, whatever else they ask. */
	assert_int_equal(report_scope_for(f->s, "mcrepy", &none, &sc, &err), MC_OK);
	assert_string_equal(sc.district, "Dove Valley County Schools");
	assert_null(sc.assessor);
	report_scope_free(&sc);
	assert_int_equal(report_scope_for(f->s, "mcrepy", &other, &sc, &err), MC_FAIL);
	assert_non_null(strstr(mc_error_msg(&err), "not yours to see"));
	mc_error_clear(&err);
	/* Nobody in the database: refused, with what to do. */
	assert_int_equal(report_scope_for(f->s, "mcrepnobody", &none, &sc, &err), MC_FAIL);
	assert_non_null(strstr(mc_error_msg(&err), "people add mcrepnobody"));
	mc_error_clear(&err);
	struct report_request bad = { .since = "31/01/2026" };
	assert_int_equal(report_scope_for(f->s, identity_user(), &bad, &sc, &err), MC_USAGE);
	mc_error_clear(&err);
}

static void test_progress(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct report_scope sc;
	struct report_request none = { 0 };
	assert_int_equal(report_scope_for(f->s, identity_user(), &none, &sc, &err), MC_OK);
	struct report_progress p;
	assert_int_equal(report_progress(f->s, &sc, &p, &err), MC_OK);
	assert_int_equal(p.total.earned, sql_count(f->path, "SELECT count(*) FROM submission WHERE status = 'earned'"));
	assert_int_equal(p.total.withdrawn, sql_count(f->path, "SELECT count(*) FROM submission WHERE status = 'withdrawn'"));
	assert_int_equal(p.goal_total, 280);
	long goals = 0, earned = 0;
	for (int i = 0; i < p.n; i++) {
		if (p.rows[i].level == REPORT_PATHWAY) {
			goals += p.rows[i].goal;
			earned += p.rows[i].c.earned;
		}
		if (p.rows[i].level == REPORT_PATHWAY && strcmp(p.rows[i].pathway, "STEMS") == 0)
			assert_int_equal(p.rows[i].goal, 150);
	}
	assert_int_equal(goals, 228);
	assert_int_equal(earned, p.total.earned);
	report_progress_free(&p);
	report_scope_free(&sc);
}

static void test_goal(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	long before = -1;
	long long audits = sql_count(f->path, "SELECT count(*) FROM audit");
	assert_int_equal(report_goal_set(f->s, "NOPE", 3, &before, &err), MC_INVALID);
	assert_non_null(strstr(mc_error_msg(&err), "no pathway 'NOPE'"));
	mc_error_clear(&err);
	assert_int_equal(sql_count(f->path, "SELECT count(*) FROM audit"), audits);
	assert_int_equal(report_goal_set(f->s, "SPC", 9, &before, &err), MC_OK);
	assert_int_equal(before, 3);
	assert_int_equal(sql_count(f->path, "SELECT goal FROM pathway WHERE code = 'SPC'"), 9);
	assert_int_equal(sql_count(f->path, "SELECT count(*) FROM audit"), audits + 1);
	/* The same goal again changes nothing and audits nothing. */
	assert_int_equal(report_goal_set(f->s, "SPC", 9, &before, &err), MC_OK);
	assert_int_equal(sql_count(f->path, "SELECT count(*) FROM audit"), audits + 1);
	assert_int_equal(report_goal_set(f->s, "total", 300, &before, &err), MC_OK);
	assert_int_equal(before, 280);
}

static void test_agreement(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	/* Second reads equal to the first except every 4th, one level down (or up),
	 * instead of the demo's own second and adjudication reads. */
	sql_exec(f->path, "DELETE FROM score WHERE read <> 'first'");
	sql_exec(f->path, "INSERT INTO score (uid, submission_id, criterion_id, level_id, assessor, read, at) "
			  "SELECT 'u-' || s.id, s.submission_id, s.criterion_id, (SELECT l2.id FROM level l2 "
			  "WHERE l2.criterion_id = s.criterion_id AND l2.seq = CASE WHEN s.id % 4 = 0 THEN "
			  "(CASE WHEN l.seq > 1 THEN l.seq - 1 ELSE 2 END) ELSE l.seq END), 'mcrepx', 'second', s.at "
			  "FROM score s JOIN level l ON l.id = s.level_id WHERE s.read = 'first'");
	long long pairs = sql_count(f->path, "SELECT count(*) FROM score WHERE read = 'second'");
	long long same = sql_count(f->path, "SELECT count(*) FROM score a JOIN score b ON b.submission_id = "
					    "a.submission_id AND b.criterion_id = a.criterion_id AND b.read = 'second' "
					    "WHERE a.read = 'first' AND a.level_id = b.level_id");
	assert_true(pairs > 50);
	struct report_scope sc;
	struct report_request none = { 0 };
	assert_int_equal(report_scope_for(f->s, identity_user(), &none, &sc, &err), MC_OK);
	struct report_agreement g;
	assert_int_equal(report_agreement(f->s, &sc, &g, &err), MC_OK);
	assert_true(g.n >= 2);
	assert_string_equal(g.rows[0].what, "first-second");
	assert_string_equal(g.rows[0].key, "all");
	assert_int_equal(g.rows[0].a.n, pairs);
	assert_int_equal(g.rows[0].a.k, 3);
	assert_true(fabs(g.rows[0].a.exact.value - (double)same / pairs) < 1e-12);
	long per_criterion = 0;
	int finals = 0;
	for (int i = 1; i < g.n; i++) {
		if (strcmp(g.rows[i].what, "first-second") == 0)
			per_criterion += g.rows[i].a.n;
		else
			finals++;
	}
	assert_int_equal(per_criterion, pairs);
	assert_true(finals >= 2); /* all, then each first-read assessor */
	report_agreement_free(&g);
	report_scope_free(&sc);
	/* The assessor who made the second reads sees pairs they are in: all of them. */
	assert_int_equal(report_scope_for(f->s, "mcrepx", &none, &sc, &err), MC_OK);
	assert_int_equal(report_agreement(f->s, &sc, &g, &err), MC_OK);
	assert_int_equal(g.rows[0].a.n, pairs);
	report_agreement_free(&g);
	report_scope_free(&sc);
}

/* The durations in days that a query gives, and stats_quantile of them: what
 * turnaround's medians and 90th percentiles must equal to the last bit. */
static void sql_quantiles(const char *path, const char *q, long *n, double *median, double *p90)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(peer_db(path), q, -1, &st, NULL), SQLITE_OK);
	double *v = NULL;
	long cap = 0;
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 256;
			v = mc_xrealloc(v, sizeof *v * (size_t)cap);
		}
		v[(*n)++] = sqlite3_column_int64(st, 0) / 86400.0;
	}
	sqlite3_finalize(st);
	*median = stats_quantile(v, *n, 0.5);
	*p90 = stats_quantile(v, *n, 0.9);
	free(v);
}

static void test_turnaround(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct report_scope sc;
	struct report_request rq = { .until = "2026-12-31" };
	assert_int_equal(report_scope_for(f->s, identity_user(), &rq, &sc, &err), MC_OK);
	assert_string_equal(sc.as_of, "2026-12-31T23:59:59Z");
	struct report_turnaround t;
	assert_int_equal(report_turnaround(f->s, &sc, &t, &err), MC_OK);
	assert_null(t.rows[0].pathway);
	assert_null(t.rows[0].district);
	assert_int_equal(t.rows[0].decided, sql_count(f->path, "SELECT count(*) FROM decision"));
	assert_true(t.rows[0].decide_median <= t.rows[0].decide_p90);
	long n;
	double median, p90;
	sql_quantiles(f->path, "SELECT unixepoch(dc.at) - unixepoch(s.submitted_at) FROM decision dc"
			       " JOIN submission s ON s.id = dc.submission_id", &n, &median, &p90);
	assert_int_equal(n, t.rows[0].decided);
	assert_true(median == t.rows[0].decide_median && p90 == t.rows[0].decide_p90);
	sql_quantiles(f->path, "SELECT unixepoch(dc.at) - (SELECT min(unixepoch(a.at)) FROM assignment a"
			       " WHERE a.submission_id = dc.submission_id) AS d FROM decision dc WHERE d >= 0",
		      &n, &median, &p90);
	assert_int_equal(n, t.rows[0].read_n);
	assert_true(median == t.rows[0].read_median && p90 == t.rows[0].read_p90);
	long open = 0;
	for (int i = 0; i < REPORT_AGE_BUCKETS; i++)
		open += t.backlog[i];
	assert_int_equal(open, sql_count(f->path, "SELECT count(*) FROM submission WHERE status IN "
					       "('queued', 'in_progress', 'awaiting_approval')"));
	report_turnaround_free(&t);
	struct report_assessors a;
	assert_int_equal(report_assessors(f->s, &sc, &a, &err), MC_OK);
	long done = 0;
	for (int i = 0; i < a.n; i++)
		done += a.rows[i].done;
	assert_int_equal(done, sql_count(f->path, "SELECT count(*) FROM assignment a JOIN decision d ON "
					       "d.submission_id = a.submission_id"));
	report_assessors_free(&a);
	report_scope_free(&sc);
}

/* ---------------------------------------------------------------- the kept counters */

/* The whole progress report as text, for comparing two ways of computing it. */
static char *progress_text(struct store *s, const struct report_scope *sc)
{
	struct mc_error err = MC_ERROR_INIT;
	struct report_progress p;
	assert_int_equal(report_progress(s, sc, &p, &err), MC_OK);
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i <= p.n; i++) {
		const struct report_counts *c = i < p.n ? &p.rows[i].c : &p.total;
		if (i < p.n)
			mc_buf_printf(&b, "%d %s %s %s ", p.rows[i].level, p.rows[i].pathway,
				      p.rows[i].credential ? p.rows[i].credential : "-",
				      p.rows[i].district ? p.rows[i].district : "-");
		mc_buf_printf(&b, "%ld %ld %ld %ld %ld %ld %ld %ld\n", c->earned, c->in_process, c->resubmit,
			      c->incomplete, c->withdrawn, c->first_decided, c->first_earned, c->attempts_sum);
	}
	report_progress_free(&p);
	return mc_buf_steal(&b);
}

/* Turnaround, the assessors report and agreement as text (the same as the CLI's figures). */
static char *times_text(struct store *s, const struct report_scope *sc)
{
	struct mc_error err = MC_ERROR_INIT;
	struct report_turnaround t;
	struct report_assessors a;
	assert_int_equal(report_turnaround(s, sc, &t, &err), MC_OK);
	assert_int_equal(report_assessors(s, sc, &a, &err), MC_OK);
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < t.n; i++) {
		const struct report_turnaround_row *r = &t.rows[i];
		mc_buf_printf(&b, "%s %s %ld %.6f %.6f %ld %.6f %.6f %ld\n", r->pathway ? r->pathway : "-",
			      r->district ? r->district : "-", r->decided, r->decide_median, r->decide_p90, r->read_n,
			      r->read_median, r->read_p90, r->within_due);
	}
	for (int i = 0; i < REPORT_AGE_BUCKETS; i++)
		mc_buf_printf(&b, "backlog %ld\n", t.backlog[i]);
	for (int i = 0; i < a.n; i++)
		mc_buf_printf(&b, "%s %ld %ld %ld %.6f\n", a.rows[i].assessor, a.rows[i].done, a.rows[i].open,
			      a.rows[i].overdue, a.rows[i].per_week);
	report_turnaround_free(&t);
	report_assessors_free(&a);
	struct report_agreement g;
	assert_int_equal(report_agreement(s, sc, &g, &err), MC_OK);
	for (int i = 0; i < g.n; i++)
		mc_buf_printf(&b, "%s %s %ld %d %.6f %.6f %.6f\n", g.rows[i].what, g.rows[i].key, g.rows[i].a.n,
			      g.rows[i].a.k, g.rows[i].a.exact.value, g.rows[i].a.kappa.value, g.rows[i].a.ac1.value);
	report_agreement_free(&g);
	return mc_buf_steal(&b);
}

static void assert_same(struct store *s, struct report_scope *sc, char *(*text)(struct store *,
										 const struct report_scope *))
{
	sc->recount = 0;
	char *kept = text(s, sc);
	sc->recount = 1;
	char *counted = text(s, sc);
	assert_string_equal(kept, counted);
	free(kept);
	free(counted);
}

/* The kept path reads the counts that `tamper` changes (its figures move), the
 * recount does not (it still gives the figures from before). */
static void assert_read_from_counts(struct fx *f, struct report_scope *sc,
				    char *(*text)(struct store *, const struct report_scope *), const char *tamper)
{
	sc->recount = 0;
	char *before = text(f->s, sc);
	sql_exec(f->path, tamper);
	char *after = text(f->s, sc);
	assert_string_not_equal(before, after);
	sc->recount = 1;
	char *counted = text(f->s, sc);
	assert_string_equal(before, counted);
	free(before);
	free(after);
	free(counted);
}

static int count_diff(void *ctx, const struct report_count_diff *d)
{
	(void)d;
	++*(int *)ctx;
	return MC_OK;
}

static int fact_diff(void *ctx, const char *submission)
{
	(void)submission;
	++*(int *)ctx;
	return MC_OK;
}

static int pair_diff(void *ctx, const struct report_pair_diff *d)
{
	(void)d;
	++*(int *)ctx;
	return MC_OK;
}

/* The counters give exactly the recount's figures, for every scope: all, one
 * district, date ranges with and without whole months, an assessor's own. */
static void assert_counters_exact(struct fx *f, const char *assessor)
{
	static const char *const ranges[][2] = {
		{ NULL, NULL },		      { "2025-09-15", "2026-01-31" }, { "2025-10-01", "2025-10-31" },
		{ "2025-11-03", "2025-11-20" }, { "2026-02-01", NULL },	       { NULL, "2025-12-30" },
		{ "2025-12-31", "2026-03-01" }, { "2025-09-30", "2025-10-01" },
	};
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
		for (int who = 0; who < 3; who++) {
			struct report_scope sc = { .since = (char *)ranges[r][0], .until = (char *)ranges[r][1],
						   .as_of = "2026-03-15T12:00:00Z", .due_days = 14 };
			sc.district = who == 1 ? (char *)"Dove Valley County Schools" : NULL;
			sc.assessor = who == 2 ? (char *)assessor : NULL;
			assert_same(f->s, &sc, progress_text);
			assert_same(f->s, &sc, times_text);
		}
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_counts_check(f->s, count_diff, &diffs, &err), MC_OK);
	assert_int_equal(store_report_facts_check(f->s, fact_diff, &diffs, &err), MC_OK);
	const char *days[] = { "2025-10-02", "2025-11-14" }; /* check of some groups only */
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(store_report_pairs_check(f->s, days, 2, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(store_report_own_progress_check(f->s, NULL, 0, count_diff, &diffs, &err), MC_OK);
	assert_int_equal(store_report_own_progress_check(f->s, days, 2, count_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 0);
}

/* Random writes of every kind that moves a submission between counters, each
 * committed on its own connection as another mcassess would. */
static void test_counters_random(void **state)
{
	struct fx *f = *state;
	static const char *const statuses[] = { "queued", "in_progress", "awaiting_approval", "earned",
						"resubmit", "incomplete", "withdrawn" };
	long long nsub = sql_count(f->path, "SELECT max(id) FROM submission");
	long long nedu = sql_count(f->path, "SELECT max(id) FROM educator");
	long long ncred = sql_count(f->path, "SELECT max(id) FROM credential");
	long long ndis = sql_count(f->path, "SELECT max(id) FROM district");
	char assessor[64];
	{
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(peer_db(f->path), "SELECT assessor FROM assignment GROUP BY 1 "
						    "ORDER BY count(*) DESC LIMIT 1", -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(assessor, sizeof assessor, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	assert_counters_exact(f, assessor); /* as the migration filled them */
	unsigned long long x = 88172645463325252ULL;
	struct writer *w = writer_open(f->path);
	/* 360 steps; under valgrind (unit_small), where this is the file's longest
	 * case, 180: every kind of write still comes up several times, and the
	 * counters are checked after 90 and 180 steps (as after 60, 120, ...) */
	long steps = unit_size(360, 180);
	for (int step = 1; step <= steps; step++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		long long id = 1 + (long long)(x % (unsigned long long)nsub);
		int k = (int)((x >> 20) % 15), v = (int)((x >> 32) % 1000);
		if (k <= 2)
			writer_run(w, "UPDATE submission SET status = ?1 WHERE id = ?2", "sl", statuses[v % 7], id);
		else if (k == 3)
			writer_run(w, "UPDATE submission SET attempt = ?1 WHERE id = ?2", "dl", 1 + v % 3, id);
		else if (k == 4)
			writer_run(w, "UPDATE submission SET submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
				      "'2025-09-01', '+' || ?1 || ' hours') WHERE id = ?2", "dl", v * 7, id);
		else if (k == 5)
			writer_run(w, "UPDATE submission SET credential_id = ?1, educator_id = ?2 WHERE id = ?3", "lll",
				   1 + v % ncred, 1 + v % nedu, id);
		else if (k == 6)
			writer_run(w, "UPDATE educator SET district_id = ?1 WHERE id = (SELECT educator_id FROM "
				      "submission WHERE id = ?2)", "ll", 1 + v % ndis, id);
		else if (k == 7)
			writer_run(w, "INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, "
				      "status, submitted_at, imported_at, source_sha256, updated_at) SELECT "
				      "'rnd-' || ?1, educator_id, credential_id, rubric_id, attempt + 1, ?2, "
				      "submitted_at, imported_at, '', updated_at FROM submission WHERE id = ?3",
				   "dsl", step, statuses[v % 7], id);
		else if (k == 9 && v % 3) /* a decision made, or taken back */
			writer_run(w, "INSERT OR IGNORE INTO decision(uid, submission_id, outcome, decided_by, at) "
				      "VALUES ('rnd-' || ?1, ?2, 'earned', 'x', strftime('%Y-%m-%dT%H:%M:%SZ', "
				      "'2025-10-01', '+' || ?3 || ' hours'))", "dld", step, id, v * 5);
		else if (k == 9)
			writer_run(w, "DELETE FROM decision WHERE ?1 > 0 AND submission_id = ?2 AND ?3 >= 0", "dld", step,
				   id, v * 5);
		else if (k == 10 && v % 3) /* a read assigned, or taken back */
			writer_run(w, "INSERT OR IGNORE INTO assignment(uid, submission_id, assessor, read, "
				      "assigned_by, at) VALUES ('rnd-' || ?1, ?2, ?3, 'second', 'x', "
				      "strftime('%Y-%m-%dT%H:%M:%SZ', '2025-09-20', '+' || ?4 || ' hours'))", "dlsd", step,
				   id, v % 2 ? assessor : "rnd", v * 3);
		else if (k == 10)
			writer_run(w, "DELETE FROM assignment WHERE ?1 > 0 AND submission_id = ?2 AND ?3 <> '' "
				      "AND ?4 >= 0", "dlsd", step, id, v % 2 ? assessor : "rnd", v * 3);
		else if (k == 11)
			writer_run(w, "UPDATE assignment SET at = strftime('%Y-%m-%dT%H:%M:%SZ', '2025-09-10', "
				      "'+' || ?1 || ' hours') WHERE submission_id = ?2", "dl", v, id);
		else if (k == 12)
			writer_run(w, "UPDATE decision SET at = strftime('%Y-%m-%dT%H:%M:%SZ', '2026-01-10', "
				      "'+' || ?1 || ' hours') WHERE submission_id = ?2", "dl", v * 2, id);
		else if (k == 13) /* a second read or an adjudication: the first read's levels, one moved */
			writer_run(w, "INSERT OR IGNORE INTO score(uid, submission_id, criterion_id, level_id, assessor, "
				      "read, at) SELECT 'rnd-' || ?1 || '-' || sc.id, sc.submission_id, sc.criterion_id, "
				      "coalesce((SELECT l2.id FROM level l2 WHERE l2.criterion_id = sc.criterion_id AND "
				      "l2.seq = l.seq + (sc.id % 3) - 1), sc.level_id), ?2, ?3, sc.at FROM score sc "
				      "JOIN level l ON l.id = sc.level_id WHERE sc.read = 'first' AND sc.submission_id % 50 "
				      "= ?4 % 50", "dssl", step, v % 2 ? assessor : "mcrpfb", v % 3 ? "second" : "adjudication",
				   id);
		else if (v % 2) /* several rows in one statement, and deletes */
			writer_run(w, "DELETE FROM submission WHERE id % 97 = ?1 % 97 AND id > ?2", "ll", id, nsub - 40);
		else
			writer_run(w, "UPDATE submission SET status = 'withdrawn' WHERE id % 89 = ?1 % 89", "l", id);
		if (k == 8) /* and a read handed to the assessor, or from them to another */
			writer_run(w, "UPDATE assignment SET assessor = iif(assessor = ?1, 'rnd', ?1) "
				      "WHERE submission_id = ?2 AND read = ?3", "sls", assessor, id,
				   v % 3 ? "first" : "second");
		if (step % unit_size(60, 90) == 0)
			assert_counters_exact(f, assessor);
	}
	writer_close(&w);
	/* and the walk made pairs for agreement to count */
	assert_true(sql_count(f->path, "SELECT count(*) FROM score WHERE read = 'adjudication'") > 0);
	assert_true(sql_count(f->path, "SELECT count(*) FROM score WHERE read = 'second'") > 0);
}

/* ---------------------------------------------------------------- an assessor's own progress */

static long long own_submissions(struct fx *f, const char *assessor)
{
	char *q = mc_xasprintf("SELECT coalesce(sum(n), 0) FROM report_own_progress WHERE assessor = '%s' "
			       "AND per = 'all'", assessor);
	long long n = sql_count(f->path, q);
	free(q);
	return n;
}

/* Own progress as kept equals the recount, whole, by dates and for a district. */
static void assert_own_progress_exact(struct fx *f, const char *assessor)
{
	static const char *const ranges[][2] = { { NULL, NULL }, { "2025-09-15", "2026-01-31" }, { "2025-11-03", NULL } };
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
		for (int d = 0; d < 2; d++) {
			struct report_scope sc = { .assessor = (char *)assessor, .since = (char *)ranges[r][0],
						   .until = (char *)ranges[r][1], .due_days = 14 };
			sc.district = d ? (char *)"Dove Valley County Schools" : NULL;
			assert_same(f->s, &sc, progress_text);
		}
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_own_progress_check(f->s, NULL, 0, count_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 0);
}

/* A submission counts once for an assessor however many of its reads they
 * hold, and follows its status, attempt, district and reads; the report reads
 * the counts (a count changed behind the triggers' back moves the figures, not
 * the recount's) and check names such a count, whole and by its day. */
static void test_own_progress(void **state)
{
	struct fx *f = *state;
	const char *a = "mco13x";
	long long sub = sql_count(f->path, "SELECT min(s.id) FROM submission s JOIN educator e ON e.id = s.educator_id "
				  "JOIN district d ON d.id = e.district_id WHERE d.name = 'Dove Valley County Schools' "
				  "AND EXISTS (SELECT 1 FROM assignment a WHERE a.submission_id = s.id AND a.read = 'first')");
	struct writer *w = writer_open(f->path); /* one connection for all the writes */
	char *q = mc_xasprintf("UPDATE assignment SET assessor = '%s' WHERE submission_id = %lld AND read = 'first';"
			       "DELETE FROM assignment WHERE submission_id = %lld AND read <> 'first';"
			       "INSERT INTO assignment(uid, submission_id, assessor, read, assigned_by, at) VALUES "
			       "('mco13-2', %lld, '%s', 'second', 'x', '2025-12-01T10:00:00Z')", a, sub, sub, sub, a);
	writer_exec(w, q);
	free(q);
	assert_int_equal(own_submissions(f, a), 1); /* two reads, one submission */
	assert_own_progress_exact(f, a);
	q = mc_xasprintf("CREATE TEMP TABLE own_sub AS SELECT %lld AS id", sub);
	writer_exec(w, q);
	free(q);
	static const char *const writes[] = {
		"UPDATE submission SET status = 'earned' WHERE id = (SELECT id FROM own_sub)",
		"UPDATE submission SET attempt = 2 WHERE id = (SELECT id FROM own_sub)",
		("UPDATE educator SET district_id = (SELECT min(id) FROM district WHERE id <> educator.district_id) "
		 "WHERE id = (SELECT educator_id FROM submission WHERE id = (SELECT id FROM own_sub))"),
		"UPDATE submission SET submitted_at = '2025-11-20T09:00:00Z' WHERE id = (SELECT id FROM own_sub)",
		"DELETE FROM assignment WHERE submission_id = (SELECT id FROM own_sub) AND read = 'first'",
	};
	for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
		writer_exec(w, writes[i]);
		assert_int_equal(own_submissions(f, a), 1);
		assert_own_progress_exact(f, a);
	}
	q = mc_xasprintf("UPDATE assignment SET assessor = 'mco13y' WHERE submission_id = %lld", sub);
	writer_exec(w, q); /* the last read handed on: theirs no more */
	free(q);
	writer_close(&w);
	assert_int_equal(own_submissions(f, a), 0);
	assert_int_equal(own_submissions(f, "mco13y"), 1);
	assert_own_progress_exact(f, "mco13y");
	struct report_scope own = { .assessor = (char *)"mco13y", .due_days = 14 };
	assert_read_from_counts(f, &own, progress_text,
				"UPDATE report_own_progress SET n = n + 5 WHERE assessor = 'mco13y' AND per = 'all' "
				"AND n > 0");
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_own_progress_check(f->s, NULL, 0, count_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 1); /* all time against the sum of the days */
	sql_exec(f->path, "UPDATE report_own_progress SET n = n - 5 WHERE assessor = 'mco13y' AND per = 'all' "
			  "AND n > 0; UPDATE report_own_progress SET attempts = attempts + 1 WHERE assessor = 'mco13y' "
			  "AND per = 'day' AND n > 0");
	const char *day[] = { "2025-11-20" };
	diffs = 0;
	assert_int_equal(store_report_own_progress_check(f->s, day, 1, count_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 2); /* the day against its submission, its month against the day */
}

/* One count of agreement's, as its table's key. */
#define AGREE_KEY "per, at, district_id, final, credential_id, criterion_id, x_assessor, levels, x_pos, y_pos"

/* An assessor's own agreement is read from their counts (report_own_count,
 * issue 13), not from their pairs: a count changed behind the triggers' back
 * changes their figures (and not the recount's), and check names it, whole
 * and by day. */
#define OWN_KEY "assessor, " AGREE_KEY
static void own_counts_read_and_checked(struct fx *f, const char *assessor)
{
	struct report_scope own = { .assessor = (char *)assessor, .as_of = "2026-03-15T12:00:00Z", .due_days = 14 };
	char *q = mc_xasprintf("UPDATE report_own_count SET n = n + 1000 WHERE (" OWN_KEY ") = (SELECT " OWN_KEY
			       " FROM report_own_count WHERE assessor = '%s' AND per = 'all' AND final AND "
			       "x_assessor = '%s' AND n > 0 LIMIT 1)", assessor, assessor);
	assert_read_from_counts(f, &own, times_text, q);
	free(q);
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 1); /* all time against the sum of the days */
	sql_exec(f->path, "UPDATE report_own_count SET n = n - 1000 WHERE per = 'all' AND n >= 1000");
	/* a day's: the day and its month, found by one day's check too */
	long long ymd = sql_count(f->path, "SELECT CAST(replace(at, '-', '') AS INTEGER) FROM report_own_count "
				  "WHERE per = 'day' AND n > 0 ORDER BY n DESC, at LIMIT 1");
	char when[16];
	snprintf(when, sizeof when, "%04lld-%02lld-%02lld", ymd / 10000 % 10000, ymd / 100 % 100, ymd % 100);
	const char *day[] = { when };
	char *one = mc_xasprintf("(" OWN_KEY ") = (SELECT " OWN_KEY " FROM report_own_count WHERE per = 'day' AND "
				 "at = '%s' AND n > 0 LIMIT 1)", when);
	q = mc_xasprintf("UPDATE report_own_count SET n = n + 1 WHERE %s", one);
	sql_exec(f->path, q);
	free(q);
	diffs = 0;
	assert_int_equal(store_report_pairs_check(f->s, day, 1, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 2);
	diffs = 0;
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 3);
	q = mc_xasprintf("UPDATE report_own_count SET n = n - 1 WHERE %s", one);
	sql_exec(f->path, q);
	free(q);
	free(one);
}

/* Random writes of every kind that moves a pair of reads between agreement's
 * tallies: second reads and adjudications made, levels changed, reads taken
 * back, assessors swapped, reopened and withdrawn submissions, moves between
 * districts and days. Each is committed on its own connection. */
static void test_pairs_random(void **state)
{
	struct fx *f = *state;
	long long nsub = sql_count(f->path, "SELECT max(id) FROM submission");
	long long ndis = sql_count(f->path, "SELECT max(id) FROM district");
	const char *assessor = "mcag13x";
	assert_counters_exact(f, assessor); /* as the migration filled them */
	unsigned long long x = 2463534242ULL;
	struct writer *w = writer_open(f->path);
	/* under valgrind (unit_small) 120 steps, not 240, as test_counters_random */
	long steps = unit_size(240, 120);
	for (int step = 1; step <= steps; step++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		long long id = 1 + (long long)(x % (unsigned long long)nsub);
		int k = (int)((x >> 20) % 10), v = (int)((x >> 32) % 1000);
		if (k <= 2) /* a later read of every criterion scored so far, one level moved */
			writer_run(w, "INSERT OR IGNORE INTO score(uid, submission_id, criterion_id, level_id, assessor, "
				      "read, at) SELECT 'rp-' || ?1 || '-' || sc.id, sc.submission_id, sc.criterion_id, "
				      "coalesce((SELECT l2.id FROM level l2 WHERE l2.criterion_id = sc.criterion_id AND "
				      "l2.seq = l.seq + (sc.id % 3) - 1), sc.level_id), ?2, ?3, sc.at FROM score sc "
				      "JOIN level l ON l.id = sc.level_id WHERE sc.read = 'first' AND sc.submission_id % 40 "
				      "= ?4 % 40", "dssl", step, v % 2 ? assessor : "mcag13y", k ? "second" : "adjudication",
				   id);
		else if (k == 3) /* a score changed */
			writer_run(w, "UPDATE score SET level_id = coalesce((SELECT l2.id FROM level l2 WHERE "
				      "l2.criterion_id = score.criterion_id AND l2.seq = ?1), level_id) WHERE "
				      "submission_id % 7 = ?2 % 7 AND read = ?3", "dls", 1 + v % 3, id,
				   v % 2 ? "first" : "second");
		else if (k == 4) /* a read taken back, or an adjudication */
			writer_run(w, "DELETE FROM score WHERE submission_id % 11 = ?1 % 11 AND read = ?2", "ls", id,
				   v % 2 ? "second" : "adjudication");
		else if (k == 5) /* a read handed to another assessor */
			writer_run(w, "UPDATE score SET assessor = ?1 WHERE submission_id = ?2", "sl",
				   v % 2 ? assessor : "mcag13z", id);
		else if (k == 6) /* reopened: the decision taken back */
			writer_run(w, "DELETE FROM decision WHERE submission_id = ?1 AND ?2 >= 0; "
				      "UPDATE submission SET status = 'in_progress' WHERE id = ?1", "ld", id, v);
		else if (k == 7)
			writer_run(w, "UPDATE submission SET status = 'withdrawn', submitted_at = "
				      "strftime('%Y-%m-%dT%H:%M:%SZ', '2025-09-01', '+' || ?1 || ' hours') WHERE id = ?2",
				   "dl", v * 5, id);
		else if (k == 8)
			writer_run(w, "UPDATE educator SET district_id = ?1 WHERE id = (SELECT educator_id FROM "
				      "submission WHERE id = ?2)", "ll", 1 + v % ndis, id);
		else
			writer_run(w, "DELETE FROM submission WHERE id = ?1 AND ?2 > 0", "ld", nsub - v % 20, step);
		if (step % 60 == 0)
			assert_counters_exact(f, assessor);
	}
	writer_close(&w);
	assert_true(sql_count(f->path, "SELECT count(*) FROM report_pair WHERE fs") > 50);
	assert_true(sql_count(f->path, "SELECT count(*) FROM report_pair WHERE y_read = 'adjudication'") > 0);
	own_counts_read_and_checked(f, assessor);
	/* and a count changed behind the triggers' back is found, in either table:
	 * its day (its month and all time are then one less than their days, found too) */
	sql_exec(f->path, "UPDATE report_agree_count SET n = n + 1 WHERE (" AGREE_KEY ") = (SELECT " AGREE_KEY
			  " FROM report_agree_count WHERE per = 'day' AND NOT final AND n > 0 LIMIT 1)");
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 3);
	sql_exec(f->path, "UPDATE report_agree_count SET n = n - 1 WHERE (" AGREE_KEY ") = (SELECT " AGREE_KEY
			  " FROM report_agree_count WHERE per = 'day' AND final AND n > 0 LIMIT 1)");
	diffs = 0;
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 6);
	sql_exec(f->path, "UPDATE report_agree_count SET n = n + 2 WHERE per = 'month' AND at = (SELECT min(at) FROM "
			  "report_agree_count WHERE per = 'month' AND n > 0)");
	sql_exec(f->path, "DELETE FROM report_pair WHERE submission_id = (SELECT max(submission_id) FROM report_pair)");
	diffs = 0;
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_true(diffs >= 3);
}

/* ---------------------------------------------------------------- the assessors' counts */

/* The assessors report alone as text: done, open, overdue, per week. */
static char *assessors_text(struct store *s, const struct report_scope *sc)
{
	struct mc_error err = MC_ERROR_INIT;
	struct report_assessors a;
	assert_int_equal(report_assessors(s, sc, &a, &err), MC_OK);
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_printf(&b, "weeks %.6f\n", a.weeks);
	for (int i = 0; i < a.n; i++)
		mc_buf_printf(&b, "%s %ld %ld %ld %.6f\n", a.rows[i].assessor, a.rows[i].done, a.rows[i].open,
			      a.rows[i].overdue, a.rows[i].per_week);
	report_assessors_free(&a);
	return mc_buf_steal(&b);
}

static int assigned_diff(void *ctx, const struct report_assigned_diff *d)
{
	(void)d;
	++*(int *)ctx;
	return MC_OK;
}

/* Every scope and role, on either side of the overdue line (as of noon on
 * 2026-03-15, due in 14 days: assigned before noon on 2026-03-01), equals the
 * recount; and check finds nothing, in whole and by day. */
static void assert_assessors_exact(struct fx *f, const char *assessor)
{
	static const char *const ranges[][2] = {
		{ NULL, NULL }, { "2025-09-15", "2026-01-31" }, { "2025-11-03", "2025-11-20" }, { "2026-02-01", NULL },
		{ NULL, "2025-12-30" },
	};
	static const char *const as_of[] = { "2026-03-15T12:00:00Z", "2025-11-01T00:00:00Z" };
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
		for (int who = 0; who < 3; who++) {
			struct report_scope sc = { .since = (char *)ranges[r][0], .until = (char *)ranges[r][1],
						   .due_days = 14 };
			snprintf(sc.as_of, sizeof sc.as_of, "%s", as_of[r % 2]);
			sc.district = who == 1 ? (char *)"Dove Valley County Schools" : NULL;
			sc.assessor = who == 2 ? (char *)assessor : NULL;
			assert_same(f->s, &sc, assessors_text);
		}
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	const char *days[] = { "2025-10-02", "2025-11-14" };
	assert_int_equal(store_report_assigned_check(f->s, NULL, 0, assigned_diff, &diffs, &err), MC_OK);
	assert_int_equal(store_report_assigned_check(f->s, days, 2, assigned_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 0);
}

/* Random writes of every kind that moves an assignment between the assessors'
 * counts: reads assigned (some on either side of the overdue line), taken
 * back, handed to another assessor, re-dated; decisions made and taken back
 * (a reopen); statuses changed; moves between districts and days; removals.
 * Each committed on its own connection, as another mcassess would. */
static void test_assessors_random(void **state)
{
	struct fx *f = *state;
	static const char *const statuses[] = { "queued", "in_progress", "awaiting_approval", "earned",
						"resubmit", "withdrawn" };
	long long nsub = sql_count(f->path, "SELECT max(id) FROM submission");
	long long ndis = sql_count(f->path, "SELECT max(id) FROM district");
	const char *assessor = "mcrp13x";
	assert_assessors_exact(f, assessor); /* as the migration filled them */
	unsigned long long x = 0x9E3779B97F4A7C15ULL;
	struct writer *w = writer_open(f->path);
	for (int step = 1; step <= 200; step++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		long long id = 1 + (long long)(x % (unsigned long long)nsub);
		int k = (int)((x >> 20) % 10), v = (int)((x >> 32) % 1000);
		const char *who = v % 3 == 0 ? assessor : v % 3 == 1 ? "mcrp13y" : "mcrp13z";
		if (k <= 1) /* a read assigned, around the overdue line */
			writer_run(w, "INSERT OR IGNORE INTO assignment(uid, submission_id, assessor, read, assigned_by, at) "
				      "VALUES ('r13-' || ?1, ?2, ?3, ?4, 'x', strftime('%Y-%m-%dT%H:%M:%SZ', "
				      "'2026-02-27', '+' || ?5 || ' hours'))", "dlssd", step, id, who,
				   v % 2 ? "second" : "adjudication", v % 96);
		else if (k == 2) /* taken back */
			writer_run(w, "DELETE FROM assignment WHERE submission_id = ?1 AND ?2 >= 0", "ld", id, v);
		else if (k == 3) /* handed to another assessor */
			writer_run(w, "UPDATE assignment SET assessor = ?1 WHERE submission_id = ?2", "sl", who, id);
		else if (k == 4) /* re-dated: the due date moves */
			writer_run(w, "UPDATE assignment SET at = strftime('%Y-%m-%dT%H:%M:%SZ', '2026-02-28', "
				      "'+' || ?1 || ' hours') WHERE submission_id = ?2", "dl", v % 72, id);
		else if (k == 5 && v % 2) /* decided, or reopened */
			writer_run(w, "INSERT OR IGNORE INTO decision(uid, submission_id, outcome, decided_by, at) "
				      "VALUES ('r13-' || ?1, ?2, 'earned', 'x', strftime('%Y-%m-%dT%H:%M:%SZ', "
				      "'2025-10-01', '+' || ?3 || ' hours'))", "dld", step, id, v * 7);
		else if (k == 5)
			writer_run(w, "DELETE FROM decision WHERE ?1 > 0 AND submission_id = ?2 AND ?3 >= 0; "
				      "UPDATE submission SET status = 'in_progress' WHERE id = ?2", "dld", step, id, v * 7);
		else if (k == 6)
			writer_run(w, "UPDATE submission SET status = ?1 WHERE id = ?2", "sl", statuses[v % 6], id);
		else if (k == 7)
			writer_run(w, "UPDATE educator SET district_id = ?1 WHERE id = (SELECT educator_id FROM "
				      "submission WHERE id = ?2)", "ll", 1 + v % ndis, id);
		else if (k == 8)
			writer_run(w, "UPDATE submission SET submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ', "
				      "'2025-09-01', '+' || ?1 || ' hours') WHERE id = ?2", "dl", v * 5, id);
		else
			writer_run(w, "DELETE FROM submission WHERE id = ?1 AND ?2 > 0", "ld", nsub - v % 20, step);
		if (step % 50 == 0)
			assert_assessors_exact(f, assessor);
	}
	writer_close(&w);
	assert_true(sql_count(f->path, "SELECT count(*) FROM assignment WHERE assessor = 'mcrp13x'") > 3);
	/* an assessor's own figures are read from their counts (issue 13), not their rows */
	struct report_scope own = { .assessor = (char *)assessor, .due_days = 14 };
	snprintf(own.as_of, sizeof own.as_of, "%s", "2026-03-15T12:00:00Z");
	assert_read_from_counts(f, &own, assessors_text,
				"UPDATE report_assigned_count SET done = done + 1000 WHERE per = 'all' AND assessor = "
				"'mcrp13x' AND n > 0 AND district_id = (SELECT min(district_id) FROM "
				"report_assigned_count WHERE per = 'all' AND assessor = 'mcrp13x' AND n > 0)");
	sql_exec(f->path, "UPDATE report_assigned_count SET done = done - 1000 WHERE per = 'all' AND assessor = "
			  "'mcrp13x' AND done >= 1000");
	assert_assessors_exact(f, assessor);
	/* a count changed behind the triggers' back is found: its day, its month, all time */
	sql_exec(f->path, "UPDATE report_assigned_count SET done = done + 1 WHERE (per, at, district_id, assessor) = "
			  "(SELECT per, at, district_id, assessor FROM report_assigned_count WHERE per = 'day' AND n > 0 "
			  "LIMIT 1)");
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_assigned_check(f->s, NULL, 0, assigned_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 3);
	/* and a row gone */
	sql_exec(f->path, "DELETE FROM report_assigned WHERE assignment_id = (SELECT max(assignment_id) FROM "
			  "report_assigned)");
	diffs = 0;
	assert_int_equal(store_report_assigned_check(f->s, NULL, 0, assigned_diff, &diffs, &err), MC_OK);
	assert_true(diffs >= 4);
}

/* ---------------------------------------------------------------- turnaround's counts (migration 22) */
static char *turnaround_text(struct store *s, const struct report_scope *sc)
{
	struct mc_error err = MC_ERROR_INIT;
	struct report_turnaround t;
	assert_int_equal(report_turnaround(s, sc, &t, &err), MC_OK);
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < t.n; i++) {
		const struct report_turnaround_row *r = &t.rows[i];
		mc_buf_printf(&b, "%s %s %ld %a %a %ld %a %a %ld\n", r->pathway ? r->pathway : "-",
			      r->district ? r->district : "-", r->decided, r->decide_median, r->decide_p90, r->read_n,
			      r->read_median, r->read_p90, r->within_due);
	}
	for (int i = 0; i < REPORT_AGE_BUCKETS; i++)
		mc_buf_printf(&b, "backlog %ld\n", t.backlog[i]);
	report_turnaround_free(&t);
	return mc_buf_steal(&b);
}

static int turn_diff(void *ctx, const struct report_turn_diff *d)
{
	(void)d;
	++*(int *)ctx;
	return MC_OK;
}

/* Every scope and role (all, a coordinator's district, an assessor's own),
 * every --since/--until form, ages on either side of each backlog line, two
 * due-days settings: the counts give the recount's figures to the last bit;
 * and check finds nothing, in whole and by day. */
static void assert_turnaround_exact(struct fx *f, const char *assessor)
{
	static const char *const ranges[][2] = {
		{ NULL, NULL },		      { "2025-09-15", "2026-01-31" }, { "2025-10-01", "2025-10-31" },
		{ "2025-11-03", "2025-11-20" }, { "2026-02-01", NULL },	       { NULL, "2025-12-30" },
		{ "2025-12-31", "2026-03-01" }, { "2025-09-30", "2025-10-01" },
	};
	static const char *const as_of[] = { "2026-03-15T12:00:00Z", "2025-11-20T08:30:00Z" };
	for (size_t r = 0; r < sizeof ranges / sizeof *ranges; r++)
		for (int who = 0; who < 3; who++)
			for (int a = 0; a < 2; a++) {
				struct report_scope sc = { .since = (char *)ranges[r][0], .until = (char *)ranges[r][1],
							   .due_days = a ? 3 : 14 };
				snprintf(sc.as_of, sizeof sc.as_of, "%s", as_of[(r + (size_t)a) % 2]);
				sc.district = who == 1 ? (char *)"Dove Valley County Schools" : NULL;
				sc.assessor = who == 2 ? (char *)assessor : NULL;
				assert_same(f->s, &sc, turnaround_text);
			}
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	const char *days[] = { "2025-10-02", "2025-11-14" };
	assert_int_equal(store_report_turn_check(f->s, NULL, 0, turn_diff, &diffs, &err), MC_OK);
	assert_int_equal(store_report_turn_check(f->s, days, 2, turn_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 0);
}

/* Random writes of every kind that moves a submission in turnaround: decisions
 * made, taken back and re-dated (some a whole number of days after submission,
 * on a bucket's edge and the due line; some before it); reads assigned, taken
 * back, re-dated (some after the decision); statuses changed; submissions
 * re-dated around the backlog's lines, moved between credentials, districts
 * and pathways, added and removed; times written in a form the counts do not
 * hold (then the report reads the rows, with the same figures). Each committed
 * on its own connection, as another mcassess would. */
static void test_turnaround_random(void **state)
{
	struct fx *f = *state;
	static const char *const statuses[] = { "queued", "in_progress", "awaiting_approval", "earned",
						"resubmit", "incomplete", "withdrawn" };
	long long nsub = sql_count(f->path, "SELECT max(id) FROM submission");
	long long ndis = sql_count(f->path, "SELECT max(id) FROM district");
	long long ncred = sql_count(f->path, "SELECT max(id) FROM credential");
	const char *assessor = "mchi13x";
	long long negative = 0, on_edge = 0; /* durations below 0, and on a bucket's upper edge */
	assert_turnaround_exact(f, assessor); /* as the migration filled them */
	unsigned long long x = 0x2545F4914F6CDD1DULL;
	struct writer *w = writer_open(f->path);
	for (int step = 1; step <= 240; step++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		long long id = 1 + (long long)(x % (unsigned long long)nsub);
		int k = (int)((x >> 20) % 12), v = (int)((x >> 32) % 1000);
		char hours[32]; /* '+5 hours', '-3 hours' */
		if (k <= 1) /* decided: a whole number of days after submission, or any hour */
			writer_run(w, "INSERT OR IGNORE INTO decision(uid, submission_id, outcome, decided_by, at) "
				      "SELECT 'h13-' || ?1, id, 'earned', 'x', strftime('%Y-%m-%dT%H:%M:%SZ', submitted_at, "
				      "'+' || ?2 || ' ' || ?3) FROM submission WHERE id = ?4", "ddsl", step,
				   v % 2 ? v % 20 : v % 500 - 30, v % 2 ? "days" : "hours", id);
		else if (k == 2) /* reopened */
			writer_run(w, "DELETE FROM decision WHERE submission_id = ?1 AND ?2 >= 0; UPDATE submission "
				      "SET status = 'in_progress' WHERE id = ?1", "ld", id, v);
		else if (k == 3) { /* re-dated */
			snprintf(hours, sizeof hours, "%+d hours", v % 2 ? 24 * (v % 5) : v % 97 - 48);
			writer_run(w, "UPDATE decision SET at = strftime('%Y-%m-%dT%H:%M:%SZ', at, ?1) "
				      "WHERE submission_id = ?2", "sl", hours, id);
		} else if (k == 4 && v % 3) /* a read assigned (some after the decision), or taken back */
			writer_run(w, "INSERT OR IGNORE INTO assignment(uid, submission_id, assessor, read, "
				      "assigned_by, at) SELECT 'h13-' || ?1, id, ?2, 'second', 'x', "
				      "strftime('%Y-%m-%dT%H:%M:%SZ', submitted_at, '+' || ?3 || ' hours') FROM submission "
				      "WHERE id = ?4", "dsdl", step, v % 2 ? assessor : "mchi13y", v % 400, id);
		else if (k == 4)
			writer_run(w, "DELETE FROM assignment WHERE ?1 > 0 AND ?2 <> '' AND ?3 >= 0 AND "
				      "submission_id = ?4", "dsdl", step, v % 2 ? assessor : "mchi13y", v % 400, id);
		else if (k == 5) {
			snprintf(hours, sizeof hours, "%+d hours", v % 200 - 100);
			writer_run(w, "UPDATE assignment SET at = strftime('%Y-%m-%dT%H:%M:%SZ', at, ?1) "
				      "WHERE submission_id = ?2", "sl", hours, id);
		} else if (k == 6)
			writer_run(w, "UPDATE submission SET status = ?1 WHERE id = ?2", "sl", statuses[v % 7], id);
		else if (k == 7) /* re-dated around the backlog's lines of either as_of */
			writer_run(w, "UPDATE submission SET submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ', ?1, "
				      "'-' || ?2 || ' minutes') WHERE id = ?3", "sdl",
				   v % 2 ? "2026-03-15T12:00:00Z" : "2025-11-20T08:30:00Z",
				   v % 5 ? v * 53 : (v % 3 + 1) * 7 * 1440 + v % 3 - 1, id);
		else if (k == 8 && v % 3)
			writer_run(w, "UPDATE educator SET district_id = ?1 WHERE id = (SELECT educator_id FROM "
				      "submission WHERE id = ?2)", "ll", 1 + v % ndis, id);
		else if (k == 8)
			writer_run(w, "UPDATE submission SET credential_id = ?1 WHERE id = ?2", "ll", 1 + v % ncred, id);
		else if (k == 9) /* a credential moved to another pathway (a catalog loaded again) */
			writer_run(w, "UPDATE credential SET pathway_id = (SELECT id FROM pathway ORDER BY id LIMIT 1 "
				      "OFFSET ?1) WHERE id = ?2", "dl", v % 6, 1 + v % ncred);
		else if (k == 10 && v % 2) /* times in another form, for a while */
			writer_run(w, "UPDATE submission SET submitted_at = replace(submitted_at, 'Z', '+00:00') "
				      "WHERE id = ?1 AND ?2 > 0", "ld", id, step);
		else if (k == 10)
			writer_run(w, "UPDATE decision SET at = replace(at, 'T', ' ') WHERE submission_id = ?1 AND "
				      "?2 > 0", "ld", id, step);
		else if (v % 2) /* added, removed */
			writer_run(w, "INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, "
				      "status, submitted_at, imported_at, source_sha256, updated_at) SELECT 'h13-' || ?1, "
				      "educator_id, credential_id, rubric_id, attempt + 1, 'queued', submitted_at, "
				      "imported_at, '', updated_at FROM submission WHERE id = ?2", "dl", step, id);
		else
			writer_run(w, "DELETE FROM submission WHERE ?1 > 0 AND id = ?2", "dl", step, id);
		negative += sql_count(f->path, "SELECT count(*) FROM report_turn WHERE kind = 'decide' AND secs < 0");
		on_edge += sql_count(f->path, "SELECT count(*) FROM report_turn WHERE kind = 'decide' AND secs = upto");
		if (step % 40 == 0) {
			/* the times in another form mended, and the counts answer again */
			sql_exec(f->path, "UPDATE submission SET submitted_at = replace(submitted_at, '+00:00', 'Z') WHERE "
					  "submitted_at LIKE '%+00:00'; UPDATE decision SET at = replace(at, ' ', 'T') "
					  "WHERE at LIKE '% %'");
			assert_int_equal(sql_count(f->path, "SELECT count(*) FROM report_turn WHERE kind = 'odd'"), 0);
			assert_turnaround_exact(f, assessor);
		} else if (step % 20 == 0) {
			assert_true(sql_count(f->path, "SELECT count(*) FROM report_turn WHERE kind = 'odd'") > 0);
			assert_turnaround_exact(f, assessor);
		}
	}
	writer_close(&w);
	assert_true(sql_count(f->path, "SELECT count(*) FROM report_turn WHERE kind = 'read'") > 10);
	assert_true(negative > 0 && on_edge > 0);
	/* the report reads the counts, not the rows: a count changed behind the
	 * triggers' back changes it, and check names it */
	struct report_scope all = { .due_days = 14 };
	snprintf(all.as_of, sizeof all.as_of, "%s", "2026-03-15T12:00:00Z");
	char *before = turnaround_text(f->s, &all);
	const char *key = "(per, at, kind, district_id, credential_id, upto) = (SELECT per, at, kind, district_id, "
			  "credential_id, upto FROM report_turn_count WHERE per = 'all' AND kind = 'open' AND n > 0 LIMIT 1)";
	char *q = mc_xasprintf("UPDATE report_turn_count SET n = n + 1 WHERE %s", key);
	sql_exec(f->path, q);
	free(q);
	char *after = turnaround_text(f->s, &all);
	assert_string_not_equal(before, after);
	free(before);
	free(after);
	int diffs = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_report_turn_check(f->s, NULL, 0, turn_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 1);
	/* and a row gone */
	sql_exec(f->path, "DELETE FROM report_turn WHERE (submission_id, kind) = (SELECT submission_id, kind FROM "
			  "report_turn WHERE kind = 'decide' LIMIT 1)");
	diffs = 0;
	assert_int_equal(store_report_turn_check(f->s, NULL, 0, turn_diff, &diffs, &err), MC_OK);
	assert_true(diffs >= 3);
}

/* check --since-last recounts turnaround's counts of the days written since the
 * last clean check: a day's count inserted, changed or removed marks its day. */
static void test_turnaround_marks_days(void **state)
{
	struct fx *f = *state;
	const char *writes[][2] = {
		{ "INSERT INTO report_turn_count VALUES ('day', '2031-01-02', 'open', 1, 1, 0, 1)", "2031-01-02" },
		{ "UPDATE report_turn_count SET n = n + 1 WHERE per = 'day' AND at = '2031-01-02'", "2031-01-02" },
		{ "DELETE FROM report_turn_count WHERE per = 'day' AND at = '2031-01-02'", "2031-01-02" },
	};
	for (size_t i = 0; i < sizeof writes / sizeof *writes; i++) {
		long long seq = sql_count(f->path, "SELECT coalesce(max(seq), 0) FROM check_dirty_day");
		sql_exec(f->path, writes[i][0]);
		char *q = mc_xasprintf("SELECT count(*) FROM check_dirty_day WHERE day = '%s' AND seq > %lld",
				       writes[i][1], seq);
		assert_int_equal(sql_count(f->path, q), 1);
		free(q);
	}
}

/* check's peak memory (issue 15): every sorter and temporary table of a statement
 * lives until the statement ends, so the pairs check runs its parts (all time,
 * days, months, pairs) one statement at a time: none of its statements sorts
 * more than one part's three times (GROUP BY of the recount, GROUP BY of the
 * comparison, ORDER BY), where the four parts in one statement sorted seven times. */
static void test_pairs_check_one_part_at_a_time(void **state)
{
	struct fx *f = *state;
	int diffs = 0, ran = 0;
	struct mc_error err = MC_ERROR_INIT;
	/* a kept pair that no score makes, its counts added by the triggers: every
	 * part differs, so every part's statements run (on a clean database the
	 * whole check's sums hold and none of them does) */
	sql_exec(f->path, "INSERT INTO report_pair SELECT 999999, criterion_id, x_read, y_read, day, credential_id,"
			  " district_id, x_assessor, y_assessor, x_level, y_level, fs, fin FROM report_pair LIMIT 1");
	assert_int_equal(store_report_pairs_check(f->s, NULL, 0, pair_diff, &diffs, &err), MC_OK);
	assert_true(diffs > 0);
	sqlite3 *db = store_db(f->s);
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st)) {
		if (!strstr(sqlite3_sql(st), "report_pair") && !strstr(sqlite3_sql(st), "report_agree_count") &&
		    !strstr(sqlite3_sql(st), "report_own_count"))
			continue; /* not the pairs check's (its counts are report_agree_count since migration 21) */
		int sorts = sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 0);
		if (sorts > 3)
			fail_msg("%d sorts in one statement: %.200s", sorts, sqlite3_sql(st));
		ran += sorts > 0;
	}
	assert_true(ran >= 3); /* the statements ran (the pairs part's EXCEPTs use no sorter) */
}

/* check --since-last recounts agreement for each day written since the last
 * clean check: each of those statements reaches the day's submissions by their
 * index and their pairs by report_pair's key. A filter on the day column read
 * every pair and every submission for each day (60 s after 100 changes at
 * 20,000 submissions). No table of pairs, scores or submissions is scanned,
 * nor the assessors' own counts (a seek per assessor). */
static void test_pairs_check_of_a_day_seeks(void **state)
{
	struct fx *f = *state;
	int diffs = 0, plans = 0;
	struct mc_error err = MC_ERROR_INIT;
	const char *days[] = { "2025-10-02" };
	assert_int_equal(store_report_pairs_check(f->s, days, 1, pair_diff, &diffs, &err), MC_OK);
	assert_int_equal(diffs, 0);
	sqlite3 *db = store_db(f->s);
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st)) {
		const char *sql = sqlite3_sql(st);
		if (!strstr(sql, "AS counted FROM") || !strstr(sql, "?1") || strstr(sql, "?1 IS NULL"))
			continue; /* not one day's agreement check */
		if (!strstr(sql, "report_agree_count") && !strstr(sql, "report_pair") && !strstr(sql, "report_own_count"))
			continue;
		char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *plan;
		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &plan, NULL), SQLITE_OK);
		sqlite3_bind_text(plan, 1, days[0], -1, SQLITE_STATIC);
		while (sqlite3_step(plan) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(plan, 3);
			if (strncmp(d, "SCAN ", 5) == 0 && (strstr(d, "report_pair") || strstr(d, "SCAN f") ||
							    strstr(d, "submission") || strstr(d, "score") ||
							    strstr(d, "report_own")))
				fail_msg("one day's check scans: %s in %.200s", d, sql);
		}
		sqlite3_finalize(plan);
		sqlite3_free(q);
		plans++;
	}
	assert_int_equal(plans, 5); /* the day's counts, its month's (everyone's, then the assessors' own), its pairs */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_goal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agreement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turnaround, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counters_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_own_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairs_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_assessors_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turnaround_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turnaround_marks_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairs_check_one_part_at_a_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pairs_check_of_a_day_seeks, setup, teardown),
	};
	unit_template.fill = fill;
	return cmocka_run_group_tests(tests, unit_template_setup, unit_template_teardown);
}
