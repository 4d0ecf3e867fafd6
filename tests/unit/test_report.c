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
#include "mcassess/store.h"
#include "mcassess/util.h"

struct fx {
	char *dir, *path;
	struct store *s;
};

static long long sql_count(const char *path, const char *q)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static void sql_exec(const char *path, const char *q)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = unit_tmpdir();
	f->path = mc_xasprintf("%s/t.db", f->dir);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(f->path, STORE_CREATE, &f->s, &err), MC_OK);
	struct demo_options o = { .educators = 60, .seed = 7 };
	assert_int_equal(demo_run(f->s, &o, NULL, &err), MC_OK);
	assert_int_equal(people_add(f->s, "mcrepx", ROLE_ASSESSOR, NULL, &err), MC_OK);
	assert_int_equal(people_add(f->s, "mcrepy", ROLE_COORDINATOR, "Dove Valley County Schools", &err), MC_OK);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
		cmocka_unit_test_setup_teardown(test_goal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_agreement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_turnaround, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
