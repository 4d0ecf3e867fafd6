/* test_queue.c: keyset paging in every sort and both directions, filters,
 * counts kept by triggers, and who sees an educator's name. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/identity.h"
#include "mcassess/people.h"
#include "mcassess/queue.h"
#include "mcassess/store.h"
#include "mcassess/util.h"
#include "store/store_int.h"

/* The submissions every case starts from: 2,500, or under valgrind
 * (unit_small) 1,000: the same pages of 100 (ten, not 25, then an empty
 * one), of 37 for one status (142 of each, not 357) and the same ties. */
#define NSUB ((int)unit_size(2500, 1000))
#define PAGE 100

struct fx {
	char *dir, *path;
	struct store *s;
};

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

/* The expected order, straight from SQL with ORDER BY: the oracle the pages are held to. */
static char **expected(const char *path, const char *where, const char *order, int *n)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	char *q = mc_xasprintf("SELECT s.ext_id FROM submission s JOIN credential c ON c.id = s.credential_id "
			       "JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id "
			       "WHERE %s ORDER BY %s", where, order);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	char **ids = NULL;
	*n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		ids = mc_xrealloc(ids, (size_t)(*n + 1) * sizeof *ids);
		ids[(*n)++] = mc_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(q);
	return ids;
}

static void ids_free(char **ids, int n)
{
	for (int i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

static const char CATALOG[] =
	"INSERT INTO pathway(code, title, goal) VALUES ('TEAM', 'TEAM-aligned', 40), ('GIFT', 'Gifted', 25);"
	"INSERT INTO credential(code, pathway_id, title, current_version) VALUES "
	" ('TEAM-QUES', 1, 'Questioning', 1), ('GIFT-SEEME', 2, 'See Me!', 1), ('TEAM-FEED', 1, 'Feedback', 1);"
	"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule, source_sha256,"
	" loaded_at, loaded_by) SELECT id, 1, title, 'c', 'k', 'all_criteria_pass', 'x',"
	" '2026-01-01T00:00:00Z', 'root' FROM credential;"
	"INSERT INTO district(name) VALUES ('Maury'), ('Knox');"
	"INSERT INTO educator(ext_id, name, district_id, anon_id) VALUES"
	" ('E1', 'Ada Lovelace', 1, 'anon-0001'), ('E2', '王小明', 2, 'anon-0002'),"
	" ('E3', 'Grace Hopper', 1, 'anon-0003');";

/* NSUB submissions over three credentials, every status, with many equal
 * submitted_at values so that the id decides ties (NSUB is prime to 7: the
 * ext_ids are all different). */
static char *submissions_sql(void)
{
	return mc_xasprintf(
		"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, status,"
		" submitted_at, imported_at, source_sha256, updated_at) "
		"SELECT printf('S-%%04d', (i * 7) %% %d), 1 + i %% 3, 1 + (i / 7) %% 3, 1 + (i / 7) %% 3, 1,"
		" CASE i %% 7 WHEN 0 THEN 'queued' WHEN 1 THEN 'in_progress' WHEN 2 THEN 'awaiting_approval'"
		" WHEN 3 THEN 'earned' WHEN 4 THEN 'resubmit' WHEN 5 THEN 'incomplete' ELSE 'withdrawn' END,"
		" strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ', 1767225600 + ((i * 37) %% 400) * 3600, 'unixepoch'),"
		" '2026-01-01T00:00:00Z', 'x', '2026-01-01T00:00:00Z' FROM n;",
		NSUB, NSUB);
}

/* The NSUB submissions every case starts from: written once, each case gets
 * a fresh copy of them. */
static void fill(struct store *s, const char *path)
{
	(void)s;
	exec_sql(path, CATALOG);
	char *sql = submissions_sql();
	exec_sql(path, sql);
	free(sql);
	/* the queue shows what its viewer may see (access.h): here, admins see it all */
	char *admins = mc_xasprintf("INSERT OR IGNORE INTO person(user, role, created_at) VALUES "
				    "('root', 'admin', 'x'), ('%s', 'admin', 'x')", identity_user());
	exec_sql(path, admins);
	free(admins);
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
	unit_close(&f->s);
	free(f->path);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

/* Page through everything forwards, then backwards from the bottom, and hold
 * both to the oracle: same rows, same order, no duplicates, no gaps. */
static void check_paging(struct fx *f, enum queue_sort sort, const char *order)
{
	struct queue_filter qf = { .status = "all", .sort = sort };
	struct mc_error err = MC_ERROR_INIT;
	int n_exp;
	char **exp = expected(f->path, "1", order, &n_exp);
	assert_int_equal(n_exp, NSUB);

	/* forwards */
	struct queue_row *prev = NULL, *rows = NULL;
	int nprev = 0, n = 0, got = 0, pages = 0;
	for (;;) {
		unit_act_as(f->s, "root");
		assert_int_equal(queue_page(f->s, &qf, nprev ? &prev[nprev - 1] : NULL, 1, PAGE,
					    &rows, &n, &err), MC_OK);
		queue_rows_free(&prev, nprev);
		assert_true(n <= PAGE);
		for (int i = 0; i < n; i++, got++) {
			assert_true(got < NSUB);
			assert_string_equal(rows[i].id, exp[got]);
		}
		prev = rows;
		nprev = n;
		pages++;
		if (n < PAGE)
			break;
	}
	queue_rows_free(&prev, nprev);
	assert_int_equal(got, NSUB);
	assert_int_equal(pages, NSUB / PAGE + 1);

	/* backwards from the bottom: each page in display order, ending where the last began */
	prev = NULL;
	nprev = 0;
	int end = NSUB;
	for (;;) {
		unit_act_as(f->s, "root");
		assert_int_equal(queue_page(f->s, &qf, nprev ? &prev[0] : NULL, -1, PAGE, &rows,
					    &n, &err), MC_OK);
		queue_rows_free(&prev, nprev);
		for (int i = 0; i < n; i++)
			assert_string_equal(rows[i].id, exp[end - n + i]);
		end -= n;
		prev = rows;
		nprev = n;
		if (n < PAGE)
			break;
	}
	queue_rows_free(&prev, nprev);
	assert_int_equal(end, 0);

	/* and from the middle, back and forth around the same row (row mid,
	 * 1,249 of 2,500) */
	int mid = NSUB / 2 - 1;
	unit_act_as(f->s, "root");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, mid + 51, &rows, &n, &err), MC_OK);
	assert_int_equal(n, mid + 51);
	struct queue_row *around = NULL;
	int na = 0;
	unit_act_as(f->s, "root");
	assert_int_equal(queue_page(f->s, &qf, &rows[mid], -1, PAGE, &around, &na, &err), MC_OK);
	assert_int_equal(na, PAGE);
	assert_string_equal(around[0].id, exp[mid - PAGE]);
	assert_string_equal(around[PAGE - 1].id, exp[mid - 1]);
	queue_rows_free(&around, na);
	unit_act_as(f->s, "root");
	assert_int_equal(queue_page(f->s, &qf, &rows[mid], 1, PAGE, &around, &na, &err), MC_OK);
	assert_string_equal(around[0].id, exp[mid + 1]);
	queue_rows_free(&around, na);
	queue_rows_free(&rows, n);
	ids_free(exp, n_exp);
}

static void paging_by_age(void **state)
{
	check_paging(*state, QUEUE_SORT_AGE, "s.submitted_at, s.id");
}

/* By age with open work (the default) or one status: every row once, in order,
 * forwards and backwards, page after page (the walk merges one index range a
 * status; see store_queue.c). */
static void paging_by_age_of_a_status(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	const char *status[] = { NULL, "queued", "in_progress", "earned" };
	const char *where[] = { "s.status IN ('queued', 'in_progress')", "s.status = 'queued'",
				"s.status = 'in_progress'", "s.status = 'earned'" };
	for (int k = 0; k < 4; k++) {
		struct queue_filter qf = { .status = status[k], .sort = QUEUE_SORT_AGE };
		int n_exp, got = 0, end;
		char **exp = expected(f->path, where[k], "s.submitted_at, s.id", &n_exp);
		assert_true(n_exp > 2 * 37);
		struct queue_row *prev = NULL, *rows = NULL;
		int nprev = 0, n = 0;
		do { /* pages of 37: the last one short */
			unit_act_as(f->s, "root");
			assert_int_equal(queue_page(f->s, &qf, nprev ? &prev[nprev - 1] : NULL, 1, 37, &rows, &n, &err),
					 MC_OK);
			queue_rows_free(&prev, nprev);
			for (int i = 0; i < n; i++, got++) {
				assert_true(got < n_exp);
				assert_string_equal(rows[i].id, exp[got]);
			}
			prev = rows;
			nprev = n;
		} while (n == 37);
		queue_rows_free(&prev, nprev);
		assert_int_equal(got, n_exp);
		end = n_exp;
		prev = NULL;
		nprev = 0;
		do {
			unit_act_as(f->s, "root");
			assert_int_equal(queue_page(f->s, &qf, nprev ? &prev[0] : NULL, -1, 37, &rows, &n, &err), MC_OK);
			queue_rows_free(&prev, nprev);
			for (int i = 0; i < n; i++)
				assert_string_equal(rows[i].id, exp[end - n + i]);
			end -= n;
			prev = rows;
			nprev = n;
		} while (n == 37);
		queue_rows_free(&prev, nprev);
		assert_int_equal(end, 0);
		ids_free(exp, n_exp);
	}
}

/* The statements a queue page runs, caught as they start (SQLITE_TRACE_STMT). */
struct caught {
	char *sql[8];
	int n;
};

static int catch_stmt(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)x;
	struct caught *c = ctx;
	const char *sql = sqlite3_sql(p);
	if (c->n < 8 && sql && strstr(sql, "FROM submission s"))
		c->sql[c->n++] = mc_xstrdup(sql);
	return 0;
}

/* The first page of open work when the oldest work is all decided (as in a
 * district a year on) reads a page of rows, not every decided one before the
 * first open row: at a million submissions the walk of the age index read
 * 480,000 decided rows (3 s) for a first page of 50. The page's statement must
 * reach the submissions only through submission_status, one status at a time
 * (EXPLAIN QUERY PLAN), and give the oracle's rows: 100 open submissions, the
 * newest, behind 2,400 decided. */
static void first_page_skips_decided_work(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	exec_sql(f->path, "UPDATE submission SET status = 'earned' WHERE status IN ('queued', 'in_progress');"
			  "UPDATE submission SET status = iif(id % 2, 'queued', 'in_progress') WHERE id IN"
			  " (SELECT id FROM submission ORDER BY submitted_at DESC, id DESC LIMIT 100)");
	unit_reload(f->s);
	struct queue_filter qf = { .status = NULL, .sort = QUEUE_SORT_AGE };
	struct queue_row *rows = NULL;
	int n = 0, nexp;
	char **exp = expected(f->path, "s.status IN ('queued', 'in_progress')", "s.submitted_at, s.id", &nexp);
	assert_int_equal(nexp, 100);
	struct caught c = { { NULL }, 0 };
	sqlite3 *db = store_db(f->s);
	unit_act_as(f->s, "root");
	sqlite3_trace_v2(db, SQLITE_TRACE_STMT, catch_stmt, &c);
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 50, &rows, &n, &err), MC_OK);
	sqlite3_trace_v2(db, 0, NULL, NULL);
	assert_int_equal(n, 50);
	for (int i = 0; i < n; i++)
		assert_string_equal(rows[i].id, exp[i]);
	assert_true(c.n >= 1);
	for (int i = 0; i < c.n; i++) {
		sqlite3_stmt *st;
		char *q = mc_xasprintf("EXPLAIN QUERY PLAN %s", c.sql[i]);
		assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
		int seeks = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			const char *d = (const char *)sqlite3_column_text(st, 3);
			if (strncmp(d, "SEARCH s USING INDEX submission_status (status=?", 48) == 0)
				seeks++;
			else if (strstr(d, " s USING") || strcmp(d, "SCAN s") == 0)
				fail_msg("a queue page reaches the submissions by: %s", d);
		}
		sqlite3_finalize(st);
		assert_int_equal(seeks, 2); /* queued, then in progress */
		free(q);
		free(c.sql[i]);
	}
	queue_rows_free(&rows, n);
	ids_free(exp, nexp);
}

static void paging_by_credential(void **state)
{
	check_paging(*state, QUEUE_SORT_CREDENTIAL, "c.code, s.submitted_at, s.id");
}

static void paging_by_status(void **state)
{
	check_paging(*state, QUEUE_SORT_STATUS, "s.status, s.submitted_at, s.id");
}

/* Collect every row the filter gives, a page at a time. */
static char **all_ids(struct fx *f, const struct queue_filter *qf, const char *viewer, int *n)
{
	struct mc_error err = MC_ERROR_INIT;
	struct queue_row *prev = NULL, *rows = NULL;
	int nprev = 0, k = 0;
	char **ids = NULL;
	*n = 0;
	for (;;) {
		unit_act_as(f->s, viewer);
		assert_int_equal(queue_page(f->s, qf, nprev ? &prev[nprev - 1] : NULL, 1, 37, &rows,
					    &k, &err), MC_OK);
		queue_rows_free(&prev, nprev);
		for (int i = 0; i < k; i++) {
			ids = mc_xrealloc(ids, (size_t)(*n + 1) * sizeof *ids);
			ids[(*n)++] = mc_xstrdup(rows[i].id);
		}
		prev = rows;
		nprev = k;
		if (k < 37)
			break;
	}
	queue_rows_free(&prev, nprev);
	return ids;
}

static void assert_same(char **a, int na, char **b, int nb)
{
	assert_int_equal(na, nb);
	for (int i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
	ids_free(a, na);
	ids_free(b, nb);
}

static void filters(void **state)
{
	struct fx *f = *state;
	const char *order = "s.submitted_at, s.id";
	int n, ne;
	char **got, **exp;
	for (int sort = QUEUE_SORT_AGE; sort <= QUEUE_SORT_STATUS; sort++) {
		const char *ord = sort == QUEUE_SORT_AGE	? order
				  : sort == QUEUE_SORT_CREDENTIAL ? "c.code, s.submitted_at, s.id"
								  : "s.status, s.submitted_at, s.id";
		/* default: open work */
		struct queue_filter qf = { .sort = sort };
		got = all_ids(f, &qf, "root", &n);
		exp = expected(f->path, "s.status IN ('queued', 'in_progress')", ord, &ne);
		assert_true(ne > 100);
		assert_same(got, n, exp, ne);
		/* one status, a credential, a district */
		qf = (struct queue_filter){ .status = "earned", .credential = "GIFT-SEEME", .sort = sort };
		got = all_ids(f, &qf, "root", &n);
		exp = expected(f->path, "s.status = 'earned' AND c.code = 'GIFT-SEEME'", ord, &ne);
		assert_true(ne > 10);
		assert_same(got, n, exp, ne);
		qf = (struct queue_filter){ .status = "all", .district = "Knox", .pathway = "TEAM", .sort = sort };
		got = all_ids(f, &qf, "root", &n);
		exp = expected(f->path, "d.name = 'Knox' AND c.code LIKE 'TEAM-%'", ord, &ne);
		assert_true(ne > 10);
		assert_same(got, n, exp, ne);
	}
	/* mine: assigned to or claimed by the user */
	exec_sql(f->path, "INSERT INTO assignment(uid, submission_id, assessor, assigned_by, at) VALUES "
			  "('a1', 5, 'bo', 'root', '2026-01-01T00:00:00Z'), ('a2', 9, 'bo', 'root', '2026-01-01T00:00:00Z'),"
			  "('a3', 12, 'cy', 'root', '2026-01-01T00:00:00Z');"
			  "INSERT INTO claim(submission_id, uid, user, claimed_at, seen_at) VALUES "
			  "(700, 'c1', 'bo', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');");
	struct queue_filter qf = { .status = "all", .mine = "bo" };
	got = all_ids(f, &qf, "root", &n);
	exp = expected(f->path, "s.id IN (5, 9, 700)", order, &ne);
	assert_int_equal(ne, 3);
	assert_same(got, n, exp, ne);
	/* unknown status */
	struct mc_error err = MC_ERROR_INIT;
	struct queue_row *rows;
	qf = (struct queue_filter){ .status = "done" };
	unit_act_as(f->s, "root");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_USAGE);
	assert_non_null(strstr(err.msg, "unknown status 'done'"));
	mc_error_clear(&err);
}

static void counts_follow_status_changes(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	long long c[QUEUE_NSTATUS], total = 0;
	assert_int_equal(queue_counts(f->s, c, &err), MC_OK);
	for (int i = 0; i < QUEUE_NSTATUS; i++)
		total += c[i];
	assert_int_equal(total, NSUB);
	long long queued = c[0], earned = c[3];
	exec_sql(f->path, "UPDATE submission SET status = 'earned' WHERE id IN "
			  "(SELECT id FROM submission WHERE status = 'queued' LIMIT 5)");
	assert_int_equal(queue_counts(f->s, c, &err), MC_OK);
	assert_int_equal(c[0], queued - 5);
	assert_int_equal(c[3], earned + 5);
	assert_string_equal(queue_statuses[0], "queued");
	assert_string_equal(queue_statuses[3], "earned");
}

/* A count straight from SQL: the oracle for queue_counts_for. */
static long long count_sql(const char *path, const char *where)
{
	int n = 0;
	char **ids = expected(path, where, "s.id", &n);
	ids_free(ids, n);
	return n;
}

/* What a filtered list holds, by status, and its length ("row N of M"); the
 * viewer's own read of each row. */
static void counts_of_a_list(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	long long c[QUEUE_NSTATUS];
	unit_act_as(f->s, "root"); /* an admin: the counts cover everything */
	/* unfiltered: the trigger-kept counters */
	struct queue_filter qf = { 0 };
	assert_int_equal(queue_counts_for(f->s, &qf, c, &err), MC_OK);
	assert_int_equal(queue_counts_total(&qf, c), count_sql(f->path, "s.status IN ('queued', 'in_progress')"));
	qf.status = "all";
	assert_int_equal(queue_counts_total(&qf, c), NSUB);
	/* a district and a pathway: counted over those rows only, every status */
	qf = (struct queue_filter){ .status = "earned", .district = "Knox", .pathway = "TEAM" };
	assert_int_equal(queue_counts_for(f->s, &qf, c, &err), MC_OK);
	assert_int_equal(queue_counts_total(&qf, c),
			 count_sql(f->path, "s.status = 'earned' AND d.name = 'Knox' AND c.code LIKE 'TEAM-%'"));
	assert_int_equal(c[1], count_sql(f->path, "s.status = 'in_progress' AND d.name = 'Knox' AND c.code LIKE 'TEAM-%'"));
	/* mine: assigned to or claimed by the user; the rows carry the viewer's read */
	exec_sql(f->path, "INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at) VALUES "
			  "('a1', 5, 'bo', 'second', 1, 'root', '2026-01-01T00:00:00Z'),"
			  "('a2', 9, 'bo', 'first', 0, 'root', '2026-01-01T00:00:00Z');");
	qf = (struct queue_filter){ .status = "all", .mine = "bo" };
	assert_int_equal(queue_counts_for(f->s, &qf, c, &err), MC_OK);
	assert_int_equal(queue_counts_total(&qf, c), 2);
	struct queue_row *rows = NULL;
	int n = 0;
	unit_act_as(f->s, "bo");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 2);
	for (int i = 0; i < n; i++) {
		int five = rows[i].rowid == 5;
		assert_string_equal(rows[i].read, five ? "second" : "first");
		assert_int_equal(rows[i].read_blind, five);
	}
	queue_rows_free(&rows, n);
	/* another viewer has no read of those rows */
	unit_act_as(f->s, "cy");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	for (int i = 0; i < n; i++)
		assert_null(rows[i].read);
	queue_rows_free(&rows, n);
}

static void label(struct fx *f, const char *viewer, long long sub, const char *want, int want_blind)
{
	struct mc_error err = MC_ERROR_INIT;
	char *l = NULL;
	int blind = -1;
	assert_int_equal(queue_educator_label(f->s, viewer, sub, &l, &blind, &err), MC_OK);
	assert_string_equal(l, want);
	assert_int_equal(blind, want_blind);
	free(l);
}

static void who_sees_the_name(void **state)
{
	struct fx *f = *state;
	exec_sql(f->path,
		 "INSERT INTO person(user, role, created_at) VALUES ('ad', 'admin', 'x'), "
		 "('co', 'coordinator', 'x'), ('as', 'assessor', 'x'), ('ab', 'assessor', 'x');"
		 /* submission 1 is by educator 2 (rowid i: educator 1 + i % 3) */
		 "INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at) VALUES "
		 "('b1', 1, 'ab', 'first', 1, 'ad', 'x'), ('b2', 1, 'co', 'second', 1, 'ad', 'x'), "
		 "('b3', 2, 'as', 'first', 0, 'ad', 'x');");
	char name[64], anon[64];
	{
		sqlite3 *db;
		sqlite3_stmt *st;
		sqlite3_open(f->path, &db);
		sqlite3_prepare_v2(db, "SELECT e.name, e.anon_id FROM submission s JOIN educator e ON "
				   "e.id = s.educator_id WHERE s.id = 1", -1, &st, NULL);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		snprintf(name, sizeof name, "%s", sqlite3_column_text(st, 0));
		snprintf(anon, sizeof anon, "%s", sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
		sqlite3_close(db);
	}
	label(f, "ad", 1, name, 0);   /* admin */
	label(f, "co", 1, name, 0);   /* coordinator, even when assigned blind */
	label(f, "ab", 1, anon, 1);   /* assessor, blind assignment */
	label(f, "ab", 4, anon, 1);   /* ... and the same educator's other submissions */
	label(f, "as", 1, name, 0);   /* assessor, not blind */
	/* the setting makes every assessor blind, and nobody else */
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_meta_set(f->s, "blind_scoring", "1", &err), MC_OK);
	label(f, "as", 1, anon, 1);
	label(f, "ad", 1, name, 0);
	label(f, "stranger", 1, anon, 1); /* not a person here: held to blind scoring too */
	assert_int_equal(store_meta_set(f->s, "blind_scoring", "0", &err), MC_OK);
	label(f, "as", 1, name, 0);
	char *l = NULL;
	assert_int_equal(queue_educator_label(f->s, "as", 999999, &l, NULL, &err), MC_FAIL);
	assert_null(l);
	mc_error_clear(&err);

	/* the queue goes through the same rule; narrowing matches only what is shown */
	struct queue_filter qf = { .status = "all", .mine = "ab" };
	struct queue_row *rows;
	int n;
	unit_act_as(f->s, "ab");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].educator, anon);
	assert_int_equal(rows[0].blind, 1);
	queue_rows_free(&rows, n);
	qf.narrow = name;
	unit_act_as(f->s, "ab");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 0);
	qf.narrow = anon;
	unit_act_as(f->s, "ab");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 1);
	queue_rows_free(&rows, n);
	qf = (struct queue_filter){ .status = "all", .narrow = "王小" };
	unit_act_as(f->s, "ad");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 5000, &rows, &n, &err), MC_OK);
	assert_true(n > 100 && n < 1000);
	for (int i = 0; i < n; i++)
		assert_string_equal(rows[i].educator, "王小明");
	queue_rows_free(&rows, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(paging_by_age, setup, teardown),
		cmocka_unit_test_setup_teardown(paging_by_age_of_a_status, setup, teardown),
		cmocka_unit_test_setup_teardown(first_page_skips_decided_work, setup, teardown),
		cmocka_unit_test_setup_teardown(paging_by_credential, setup, teardown),
		cmocka_unit_test_setup_teardown(paging_by_status, setup, teardown),
		cmocka_unit_test_setup_teardown(filters, setup, teardown),
		cmocka_unit_test_setup_teardown(counts_follow_status_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(counts_of_a_list, setup, teardown),
		cmocka_unit_test_setup_teardown(who_sees_the_name, setup, teardown),
	};
	unit_template.fill = fill;
	return cmocka_run_group_tests(tests, unit_template_setup, unit_template_teardown);
}
