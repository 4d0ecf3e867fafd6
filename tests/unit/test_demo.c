/* test_demo.c: the demo generator: deterministic, consistent, refuses a filled database. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/audit.h"
#include "mcassess/check.h"
#include "mcassess/demo.h"
#include "mcassess/hash.h"
#include "mcassess/search.h"
#include "mcassess/store.h"
#include "mcassess/text.h"
#include "mcassess/util.h"
#include "crash.h"
#include "store/store_int.h"

/* The tables the demo writes, compared row by row (the catalog, meta, audit and
 * the person who ran init carry the clock and the OS user, so they are left out). */
static const char *const DOMAIN_TABLES[] = {
	"SELECT * FROM district ORDER BY id",
	"SELECT * FROM school ORDER BY id",
	"SELECT * FROM cohort ORDER BY id",
	("SELECT user, name, email, role, district_id, created_at FROM person "
	 "WHERE role <> 'admin' ORDER BY id"),
	"SELECT * FROM educator ORDER BY id",
	"SELECT * FROM submission ORDER BY id",
	"SELECT * FROM evidence ORDER BY id",
	"SELECT * FROM score ORDER BY id",
	"SELECT * FROM feedback ORDER BY id",
	"SELECT * FROM decision ORDER BY id",
	"SELECT * FROM assignment ORDER BY id",
};

struct fx {
	char *dir;
	char *path;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = unit_tmpdir();
	f->path = mc_xasprintf("%s/t.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	free(f->path);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static int run_demo(const char *path, long educators, long submissions, uint64_t seed,
		    struct demo_counts *c, struct mc_error *err)
{
	struct store *s = NULL;
	int rc = unit_open(path, STORE_CREATE, &s, err);
	if (rc != MC_OK)
		return rc;
	struct demo_options o = { .educators = educators, .submissions = submissions, .seed = seed };
	rc = demo_run(s, &o, c, err);
	unit_close(&s);
	return rc;
}

static sqlite3 *open_db(const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	return db;
}

static long long query_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* A SHA-256 over every value of the domain tables, in order. */
static void fingerprint(const char *path, char out[MC_SHA256_HEX])
{
	sqlite3 *db = open_db(path);
	struct mc_sha256 h;
	mc_sha256_init(&h);
	for (size_t t = 0; t < sizeof DOMAIN_TABLES / sizeof DOMAIN_TABLES[0]; t++) {
		sqlite3_stmt *st;
		assert_int_equal(sqlite3_prepare_v2(db, DOMAIN_TABLES[t], -1, &st, NULL), SQLITE_OK);
		while (sqlite3_step(st) == SQLITE_ROW) {
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				const unsigned char *v = sqlite3_column_text(st, i);
				mc_sha256_update(&h, v ? (const char *)v : "\x01NULL", v ? strlen((const char *)v) : 5);
				mc_sha256_update(&h, "\x1f", 1);
			}
			mc_sha256_update(&h, "\x1e", 1);
		}
		sqlite3_finalize(st);
		mc_sha256_update(&h, "\x1d", 1);
	}
	sqlite3_close(db);
	mc_sha256_final(&h, out);
}

static void rng_is_deterministic_and_uniform(void **state)
{
	(void)state;
	struct demo_rng a, b;
	demo_rng_seed(&a, 42);
	demo_rng_seed(&b, 42);
	for (int i = 0; i < 1000; i++)
		assert_true(demo_rng_next(&a) == demo_rng_next(&b));
	demo_rng_seed(&b, 43);
	assert_false(demo_rng_next(&a) == demo_rng_next(&b));
	long hist[6] = { 0 };
	for (int i = 0; i < 60000; i++) {
		uint64_t v = demo_rng_below(&a, 6);
		assert_true(v < 6);
		hist[v]++;
	}
	for (int i = 0; i < 6; i++) /* 10000 expected in each; 5 sigma is about 450 */
		assert_true(hist[i] > 9500 && hist[i] < 10500);
	assert_true(demo_rng_below(&a, 1) == 0);
}

static void uuid_has_v7_shape_and_time(void **state)
{
	(void)state;
	struct demo_rng r;
	demo_rng_seed(&r, 7);
	char u[MC_UUID_LEN], v[MC_UUID_LEN];
	time_t t = 1760000000; /* 2025-10-09 */
	demo_uuid(&r, t, u);
	assert_int_equal(strlen(u), 36);
	assert_true(u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-');
	assert_true(u[14] == '7');
	assert_non_null(strchr("89ab", u[19]));
	/* the first 48 bits are the time in milliseconds */
	unsigned long long ms = strtoull((char[]){ u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[9],
						  u[10], u[11], u[12], 0 }, NULL, 16);
	assert_true(ms / 1000 == (unsigned long long)t);
	demo_uuid(&r, t, v);
	assert_string_not_equal(u, v);
}

/* Under valgrind (unit_small) 12 educators, not 60: the demo's paths are the
 * same (one batch, every status; statuses_spread_and_outcomes_consistent),
 * only fewer rows are compared. */
static void same_seed_same_rows_other_seed_other_rows(void **state)
{
	struct fx *f = *state;
	char *p2 = mc_xasprintf("%s/u.db", f->dir), *p3 = mc_xasprintf("%s/v.db", f->dir);
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c1, c2, c3;
	long n = unit_size(60, 12);
	assert_int_equal(run_demo(f->path, n, 0, 11, &c1, &err), MC_OK);
	assert_int_equal(run_demo(p2, n, 0, 11, &c2, &err), MC_OK);
	assert_int_equal(run_demo(p3, n, 0, 12, &c3, &err), MC_OK);
	char h1[MC_SHA256_HEX], h2[MC_SHA256_HEX], h3[MC_SHA256_HEX];
	fingerprint(f->path, h1);
	fingerprint(p2, h2);
	fingerprint(p3, h3);
	assert_string_equal(h1, h2);
	assert_string_not_equal(h1, h3);
	assert_int_equal(c1.submissions, c2.submissions);
	assert_int_equal(c1.educators, n);
	sqlite3 *db = open_db(f->path);
	assert_int_equal(query_int(db, "SELECT count(*) FROM educator"), n);
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission"), c1.submissions);
	assert_int_equal(query_int(db, "SELECT count(*) FROM district"), 15);
	sqlite3_close(db);
	free(p2);
	free(p3);
}

static void assert_sqlite_heap_bounded(const char *path, long long most);

/* Also (the same 300 educators: one demo, not two) SQLite's heap stays
 * bounded while the demo writes: assert_sqlite_heap_bounded. 300 educators
 * make the database bigger than that bound, and serve nothing else: under
 * valgrind (unit_small), which looks for leaks and invalid accesses, 60 go
 * through the same paths (one batch of under 1,000 submissions either way,
 * every status below) and the bound is left to the native and ASan runs. */
static void statuses_spread_and_outcomes_consistent(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	sqlite3_memory_highwater(1);
	assert_int_equal(run_demo(f->path, unit_size(300, 60), 0, DEMO_DEFAULT_SEED, &c, &err), MC_OK);
	if (!unit_small())
		assert_sqlite_heap_bounded(f->path, sqlite3_memory_highwater(0));
	sqlite3 *db = open_db(f->path);
	static const char *const main_statuses[] = { "queued", "in_progress", "earned", "resubmit" };
	for (size_t i = 0; i < 4; i++) {
		char *q = mc_xasprintf("SELECT count(*) FROM submission WHERE status = '%s'", main_statuses[i]);
		long long n = query_int(db, q);
		free(q);
		if (n <= 0)
			fail_msg("no submission is %s", main_statuses[i]);
	}
	long long total = 0;
	for (int i = 0; i < DEMO_NSTATUS; i++)
		total += c.by_status[i];
	assert_int_equal(total, c.submissions);
	/* earned: the deciding read (the adjudication, else the first: two reads
	 * that agree) scored every criterion of the rubric, all at passing levels */
#define DECIDING "coalesce((SELECT r.read FROM read_decision r WHERE r.submission_id = s.id " \
	"AND r.read = 'adjudication'), 'first')"
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission s WHERE status = 'earned' AND "
				       "(EXISTS (SELECT 1 FROM score x JOIN level l ON l.id = x.level_id "
				       "WHERE x.submission_id = s.id AND x.read = " DECIDING " AND l.passes = 0) OR "
				       "(SELECT count(*) FROM score WHERE submission_id = s.id AND read = " DECIDING
				       ") <> (SELECT count(*) FROM criterion WHERE rubric_id = s.rubric_id))"), 0);
	/* decided by the process: two reads by two people, the outcome the deciding read's */
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission s JOIN decision d ON d.submission_id = s.id "
				       "WHERE s.status IN ('earned', 'resubmit') AND ((SELECT count(DISTINCT assessor) "
				       "FROM read_decision WHERE submission_id = s.id AND read IN ('first', 'second')) <> 2 "
				       "OR d.outcome <> (SELECT outcome FROM read_decision WHERE submission_id = s.id "
				       "AND read = " DECIDING "))"), 0);
#undef DECIDING
	/* resubmit: at least one failing criterion, feedback, a decision */
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission s WHERE status = 'resubmit' AND "
				       "(NOT EXISTS (SELECT 1 FROM score x JOIN level l ON l.id = x.level_id "
				       "WHERE x.submission_id = s.id AND l.passes = 0) OR "
				       "NOT EXISTS (SELECT 1 FROM feedback WHERE submission_id = s.id) OR "
				       "NOT EXISTS (SELECT 1 FROM decision WHERE submission_id = s.id "
				       "AND outcome = 'resubmit'))"), 0);
	/* decided ones have feedback and a decision by someone */
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission s WHERE status IN ('earned', "
				       "'resubmit', 'incomplete') AND (NOT EXISTS (SELECT 1 FROM feedback "
				       "WHERE submission_id = s.id) OR NOT EXISTS (SELECT 1 FROM decision d "
				       "WHERE d.submission_id = s.id AND d.outcome = s.status AND d.decided_by <> ''))"),
			 0);
	/* undecided ones have no decision */
	assert_int_equal(query_int(db, "SELECT count(*) FROM decision d JOIN submission s ON "
				       "s.id = d.submission_id WHERE s.status NOT IN ('earned', 'resubmit', "
				       "'incomplete')"), 0);
	/* attempt 2 links to attempt 1 of the same educator and credential, which was resubmit */
	assert_true(query_int(db, "SELECT count(*) FROM submission WHERE attempt = 2") > 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission s LEFT JOIN submission p ON "
				       "p.id = s.previous_id WHERE s.attempt = 2 AND (p.id IS NULL OR "
				       "p.attempt <> 1 OR p.status <> 'resubmit' OR p.educator_id <> s.educator_id "
				       "OR p.credential_id <> s.credential_id OR p.submitted_at >= s.submitted_at)"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission WHERE attempt = 1 AND "
				       "previous_id IS NOT NULL"), 0);
	/* every score is by the assessor the submission was assigned to */
	assert_int_equal(query_int(db, "SELECT count(*) FROM score x WHERE NOT EXISTS (SELECT 1 FROM "
				       "assignment a WHERE a.submission_id = x.submission_id AND "
				       "a.assessor = x.assessor)"), 0);
	/* assessors and coordinators are people; ids like HX-101 */
	assert_true(query_int(db, "SELECT count(*) FROM person WHERE role = 'assessor'") >= 30);
	assert_int_equal(query_int(db, "SELECT count(*) FROM person WHERE role = 'coordinator'"), 15);
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission WHERE ext_id = 'HX-101'"), 1);
	/* the status counters kept by triggers agree */
	assert_int_equal(query_int(db, "SELECT count(*) FROM status_count c WHERE n <> (SELECT count(*) "
				       "FROM submission WHERE status = c.status)"), 0);
	sqlite3_close(db);
}

/* Under valgrind (unit_small) 40 educators, not 120: the same texts' paths
 * (both languages, every part, some under and some over the limits), fewer of
 * each. */
static void evidence_words_and_hashes_match_text(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	assert_int_equal(run_demo(f->path, unit_size(120, 40), 0, 5, &c, &err), MC_OK);
	sqlite3 *db = open_db(f->path);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT e.text, e.words, e.sha256, p.kind, p.min_words, "
						"p.max_words FROM evidence e JOIN part p ON p.id = e.part_id",
					    -1, &st, NULL), SQLITE_OK);
	long n = 0, zh = 0, under = 0, over = 0, within = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 0);
		size_t len = (size_t)sqlite3_column_bytes(st, 0);
		assert_true(text_utf8_valid(text, len, NULL));
		assert_int_equal(sqlite3_column_int64(st, 1), text_word_count(text, len));
		char sha[MC_SHA256_HEX];
		mc_sha256_hex(text, len, sha);
		assert_string_equal(sha, (const char *)sqlite3_column_text(st, 2));
		for (size_t i = 0; i < len;) {
			unsigned cp;
			i += (size_t)text_utf8_decode(text + i, &cp);
			if (text_cp_is_cjk(cp)) {
				zh++;
				break;
			}
		}
		long words = sqlite3_column_int64(st, 1);
		int has_min = sqlite3_column_type(st, 4) != SQLITE_NULL;
		int has_max = sqlite3_column_type(st, 5) != SQLITE_NULL;
		if (has_min && words < sqlite3_column_int64(st, 4))
			under++;
		else if (has_max && words > sqlite3_column_int64(st, 5))
			over++;
		else
			within++;
		n++;
	}
	sqlite3_finalize(st);
	assert_int_equal(n, c.evidence);
	assert_true(zh > 0);                      /* some evidence is in Chinese */
	assert_true(under > 0 && over > 0);       /* some breaks the limits on purpose */
	assert_true(within > 10 * (under + over)); /* most does not */
	/* overviews and reflections have realistic lengths */
	assert_true(query_int(db, "SELECT avg(words) FROM evidence e JOIN part p ON p.id = e.part_id "
				  "WHERE p.kind = 'overview'") >= 150);
	assert_true(query_int(db, "SELECT avg(words) FROM evidence e JOIN part p ON p.id = e.part_id "
				  "WHERE p.kind = 'reflection'") >= 200);
	/* a submission has one evidence item per part, except some returned as incomplete */
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission s WHERE status <> 'incomplete' AND "
				       "(SELECT count(*) FROM evidence WHERE submission_id = s.id) <> "
				       "(SELECT count(*) FROM part WHERE rubric_id = s.rubric_id)"), 0);
	/* some educators have names in Chinese characters */
	assert_true(query_int(db, "SELECT count(*) FROM educator WHERE name GLOB '*[一-龥]*'") > 0);
	sqlite3_close(db);
}

static void refuses_filled_database_and_changes_nothing(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	assert_int_equal(run_demo(f->path, 20, 0, 1, &c, &err), MC_OK);
	char before[MC_SHA256_HEX], after[MC_SHA256_HEX];
	fingerprint(f->path, before);
	sqlite3 *db = open_db(f->path);
	long long audit_rows = query_int(db, "SELECT count(*) FROM audit");
	sqlite3_close(db);
	assert_int_equal(run_demo(f->path, 20, 0, 2, &c, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "demo fills an empty database"));
	assert_non_null(strstr(err.msg, "nothing was changed"));
	assert_non_null(strstr(err.msg, f->path));
	mc_error_clear(&err);
	fingerprint(f->path, after);
	assert_string_equal(before, after);
	db = open_db(f->path);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit"), audit_rows);
	sqlite3_close(db);
}

static void print_problem(void *ctx, const char *problem)
{
	(void)ctx;
	fprintf(stderr, "# %s\n", problem);
}

static void one_audit_row_and_chain_intact(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	assert_int_equal(run_demo(f->path, 30, 0, 99, &c, &err), MC_OK);
	sqlite3 *db = open_db(f->path);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action = 'demo'"), 1);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action = 'demo' AND "
				       "json_extract(after, '$.seed') = '99' AND "
				       "json_extract(after, '$.educators') = 30"), 1);
	sqlite3_close(db);
	struct store *s = NULL;
	assert_int_equal(unit_open(f->path, 0, &s, &err), MC_OK);
	long problems = 0;
	assert_int_equal(audit_verify(s, print_problem, NULL, &problems, &err), MC_OK);
	assert_int_equal(problems, 0);
	unit_close(&s);
}

static void count_problem(void *ctx, const char *problem)
{
	(void)problem;
	(*(long *)ctx)++;
}

static long check_problems(const char *path)
{
	struct mc_error err = MC_ERROR_INIT;
	struct store *s = NULL;
	struct check_summary sum;
	long problems = 0;
	assert_int_equal(unit_open(path, 0, &s, &err), MC_OK);
	assert_int_equal(check_run(s, CHECK_ALL, count_problem, &problems, &sum, &err), MC_OK);
	unit_close(&s);
	return problems;
}

/* The history is the real program's: every score, feedback and decision has its
 * audit row (by whoever did it, when), chained; so check compares each record with
 * it, and a score changed behind mcassess's back shows. */
static void every_record_has_its_audit_row(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	/* under valgrind (unit_small) 12 educators: every kind of record, fewer */
	assert_int_equal(run_demo(f->path, unit_size(60, 12), 0, 7, &c, &err), MC_OK);
	sqlite3 *db = open_db(f->path);
	assert_true(c.scores > 0 && c.feedback > 0 && c.decisions > 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action = 'score'"), c.scores);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action = 'feedback'"), c.feedback);
	/* With two reads a decision is an approver's sign-off ('approve'), or a
	 * coordinator's return as incomplete ('decide'); each read's end is 'read'. */
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action IN ('decide', 'approve')"),
			 c.decisions);
	assert_true(query_int(db, "SELECT count(*) FROM audit WHERE action = 'approve'") > 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action = 'read'"),
			 query_int(db, "SELECT count(*) FROM read_decision"));
	/* by the assessor who scored, at the score's time */
	assert_int_equal(query_int(db, "SELECT count(*) FROM score sc JOIN submission s ON s.id = sc.submission_id "
				       "JOIN audit a ON a.subject = 'submission:' || s.ext_id AND a.action = 'score' "
				       "AND a.at = sc.at AND a.actor = sc.assessor"), c.scores);
	sqlite3_close(db);
	assert_int_equal(check_problems(f->path), 0);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "UPDATE score SET level_id = (SELECT l.id FROM level l WHERE "
				      "l.criterion_id = score.criterion_id AND l.id <> score.level_id LIMIT 1) "
				      "WHERE id = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(check_problems(f->path), 1);
}

/* Under valgrind (unit_small) 57 submissions, not 257: the target still
 * stops the demo in the middle of an educator's attempts, fewer rows before. */
static void submissions_target_is_exact(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	long n = unit_size(257, 57);
	assert_int_equal(run_demo(f->path, 1, n, 3, &c, &err), MC_OK);
	assert_int_equal(c.submissions, n);
	sqlite3 *db = open_db(f->path);
	assert_int_equal(query_int(db, "SELECT count(*) FROM submission"), n);
	assert_true(query_int(db, "SELECT count(*) FROM educator") > unit_size(100, 20));
	sqlite3_close(db);
}

/* The demo leaves the search index built (nothing for a first search to do) and
 * holding exactly the evidence with text and the feedback. Under valgrind
 * (unit_small) 20 educators, not 200: the index is built the same way, once,
 * at the end of the one batch. */
static void search_index_built(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	assert_int_equal(run_demo(f->path, unit_size(200, 20), 0, 5, &c, &err), MC_OK);
	sqlite3 *db = open_db(f->path);
	assert_true(query_int(db, "SELECT count(*) FROM evidence WHERE text IS NOT NULL") > 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM search_evidence_docsize"),
			 query_int(db, "SELECT count(*) FROM evidence WHERE text IS NOT NULL"));
	assert_true(query_int(db, "SELECT count(*) FROM feedback") > 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM search_feedback_docsize"),
			 query_int(db, "SELECT count(*) FROM feedback"));
	sqlite3_close(db);
	struct store *s = NULL;
	assert_int_equal(unit_open(f->path, 0, &s, &err), MC_OK);
	long long ev = -1, fb = -1, indexed = -1;
	assert_int_equal(search_pending(s, &ev, &fb, &err), MC_OK);
	assert_int_equal(ev + fb, 0);
	assert_int_equal(search_catch_up(s, &indexed, &err), MC_OK);
	assert_int_equal(indexed, 0);
	unit_close(&s);
}

static void bad_options_refused(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	assert_int_equal(run_demo(f->path, 0, 0, 1, &c, &err), MC_USAGE);
	assert_non_null(strstr(err.msg, "--educators"));
	mc_error_clear(&err);
}

/* ---------------------------------------------------------------- a demo killed between batches */

struct demo_job {
	const char *path;
	struct demo_options o;
};

static void demo_child(void *arg)
{
	struct demo_job *j = arg;
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	if (unit_open(j->path, STORE_CREATE, &s, &err) == MC_OK)
		demo_run(s, &j->o, &c, &err);
}

static int demo_with(const char *path, const struct demo_options *o, struct demo_counts *c, struct mc_error *err)
{
	struct store *s = NULL;
	int rc = unit_open(path, STORE_CREATE, &s, err);
	if (rc == MC_OK)
		rc = demo_run(s, o, c, err);
	unit_close(&s);
	return rc;
}

/* Killed after its first batch, a demo is finished by the same options into
 * exactly the rows an uninterrupted run writes; other options are refused
 * with the command that finishes it, and change nothing. */
static void killed_demo(struct fx *f, long educators, long submissions, const char *want_cmd)
{
	struct mc_error err = MC_ERROR_INIT;
	struct demo_counts c;
	char *whole = mc_xasprintf("%s/whole.db", f->dir);
	struct demo_options o = { .educators = educators, .submissions = submissions, .seed = 5 };
	assert_int_equal(demo_with(whole, &o, &c, &err), MC_OK);
	struct demo_job job = { f->path, o };
	job.o.batch = 9;
	unit_killed_at("demo: a batch committed", demo_child, &job);
	sqlite3 *db = open_db(whole);
	long long all = query_int(db, "SELECT count(*) FROM educator");
	sqlite3_close(db);
	db = open_db(f->path);
	long long had = query_int(db, "SELECT count(*) FROM educator");
	assert_true(had > 0 && had < all); /* half-filled */
	assert_int_equal(query_int(db, "SELECT count(*) FROM meta WHERE key = 'demo_unfinished'"), 1);
	sqlite3_close(db);
	char before[MC_SHA256_HEX], after[MC_SHA256_HEX], want[MC_SHA256_HEX];
	fingerprint(f->path, before);
	struct demo_options other = o;
	other.seed = 6;
	assert_int_equal(demo_with(f->path, &other, &c, &err), MC_FAIL);
	char *cmd = mc_xasprintf("'mcassess --db %s demo %s' finishes it", f->path, want_cmd);
	if (!strstr(err.msg, cmd))
		fail_msg("%s", err.msg);
	free(cmd);
	mc_error_clear(&err);
	fingerprint(f->path, after);
	assert_string_equal(before, after);
	assert_int_equal(demo_with(f->path, &job.o, &c, &err), MC_OK);
	assert_int_equal(c.resumed_after, had);
	fingerprint(f->path, after);
	fingerprint(whole, want);
	assert_string_equal(after, want); /* the same rows as a run never stopped */
	/* Batches of 9 set the reports' triggers aside and bring the counts up to
	 * date once a batch (store_demo_defer): all back, and the counts right. */
	db = open_db(whole);
	long long triggers = query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'");
	long long sum = query_int(db, "SELECT sum(length(sql)) FROM sqlite_schema WHERE type = 'trigger'");
	sqlite3_close(db);
	db = open_db(f->path);
	assert_true(triggers > 50);
	assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"), triggers);
	assert_int_equal(query_int(db, "SELECT sum(length(sql)) FROM sqlite_schema WHERE type = 'trigger'"), sum);
	sqlite3_close(db);
	assert_int_equal(check_problems(f->path), 0);
	db = open_db(f->path);
	assert_int_equal(query_int(db, "SELECT count(*) FROM meta WHERE key = 'demo_unfinished'"), 0);
	assert_int_equal(query_int(db, "SELECT count(*) FROM audit WHERE action = 'demo'"), 1);
	sqlite3_close(db);
	assert_int_equal(demo_with(f->path, &job.o, &c, &err), MC_FAIL); /* whole now: refused as filled */
	assert_non_null(strstr(err.msg, "demo fills an empty database"));
	mc_error_clear(&err);
	free(whole);
}

/* Under valgrind (unit_small) about half the rows: batches of 9 still make
 * several, killed after the first. */
static void a_killed_demo_is_finished_by_the_same_options(void **state)
{
	long n = unit_size(40, 20);
	char *cmd = mc_xasprintf("--educators %ld --seed 5", n);
	killed_demo(*state, n, 0, cmd);
	free(cmd);
}

static void a_killed_demo_of_n_submissions_is_finished(void **state)
{
	long n = unit_size(61, 31);
	char *cmd = mc_xasprintf("--submissions %ld --seed 5", n);
	killed_demo(*state, 1, n, cmd);
	free(cmd);
}

/* SQLite's heap stays bounded while the demo writes: its page cache holds a
 * batch, not the database. With 20,000 submissions a transaction and a
 * 256 MiB cache (before issue 15) it held every page written: here all of a
 * 20 MB database (highwater 22.2 MB, and the test failed); at 100,000
 * submissions 332 MB. `most`: sqlite3_memory_highwater over the demo. */
/* The search index's catch-up at each batch's end (and the last one) writes the
 * ranking index with SQLite's default page cache, not the bulk writes' 8 MiB:
 * beside the index's own rows in memory a full 8 MiB cache took the demo past
 * 32 MB (41.7 MB at 10,000 submissions). Read from the statements' trace: every
 * write to the ranking index comes after the cache went to 2000 KiB, before it
 * went back. */
struct cache_trace {
	int small;   /* the last cache_size set was the default's */
	long writes, at_bulk;
};

static int cache_stmt(unsigned type, void *ctx, void *p, void *x)
{
	(void)type;
	(void)p;
	struct cache_trace *c = ctx;
	const char *sql = x;
	if (strstr(sql, "PRAGMA cache_size = -2000"))
		c->small = 1;
	else if (strstr(sql, "PRAGMA cache_size = -8192"))
		c->small = 0;
	else if (strstr(sql, "INTO search_impact") || strstr(sql, "INTO search_pair")) {
		c->writes++;
		c->at_bulk += !c->small;
	}
	return 0;
}

static void index_written_with_the_default_cache(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct store *s = NULL;
	assert_int_equal(unit_open(f->path, STORE_CREATE, &s, &err), MC_OK);
	struct cache_trace c = { 0, 0, 0 };
	sqlite3_trace_v2(store_db(s), SQLITE_TRACE_STMT, cache_stmt, &c);
	struct demo_options o = { .submissions = unit_size(120, 40), .batch = unit_size(40, 15), .seed = DEMO_DEFAULT_SEED };
	struct demo_counts dc;
	assert_int_equal(demo_run(s, &o, &dc, &err), MC_OK);
	sqlite3_trace_v2(store_db(s), 0, NULL, NULL);
	unit_close(&s);
	assert_true(c.writes > 0);
	if (c.at_bulk)
		fail_msg("%ld of %ld writes to the ranking index with the bulk writes' page cache", c.at_bulk, c.writes);
}

static void assert_sqlite_heap_bounded(const char *path, long long most)
{
	sqlite3 *db = open_db(path);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size",
					    -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long size = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_true(size > 16LL << 20); /* more than the bound below: a cache holding it all would fail */
	if (most >= 14LL << 20)
		fail_msg("SQLite's heap reached %lld bytes for a %lld-byte database", most, size);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rng_is_deterministic_and_uniform),
		cmocka_unit_test(uuid_has_v7_shape_and_time),
		cmocka_unit_test_setup_teardown(same_seed_same_rows_other_seed_other_rows, setup, teardown),
		cmocka_unit_test_setup_teardown(statuses_spread_and_outcomes_consistent, setup, teardown),
		cmocka_unit_test_setup_teardown(evidence_words_and_hashes_match_text, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_filled_database_and_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(one_audit_row_and_chain_intact, setup, teardown),
		cmocka_unit_test_setup_teardown(submissions_target_is_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(search_index_built, setup, teardown),
		cmocka_unit_test_setup_teardown(index_written_with_the_default_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(every_record_has_its_audit_row, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_options_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(a_killed_demo_is_finished_by_the_same_options, setup, teardown),
		cmocka_unit_test_setup_teardown(a_killed_demo_of_n_submissions_is_finished, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
