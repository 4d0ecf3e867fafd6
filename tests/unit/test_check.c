/* test_check.c: `check` names each kind of tampering, and is quiet on a clean database. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/check.h"
#include "mcassess/hash.h"
#include "mcassess/import.h"
#include "mcassess/setup.h"
#include "mcassess/identity.h"
#include "mcassess/scoring.h"
#include "mcassess/store.h"
#include "mcassess/util.h"
#include "crash.h"

struct fx {
	char *dir, *path, *file; /* file: the stored evidence file of S-1 */
	struct store *s;
};

struct found {
	struct mc_buf all;
	int n;
};

static void collect(void *ctx, const char *problem)
{
	struct found *f = ctx;
	mc_buf_printf(&f->all, "%s\n", problem);
	f->n++;
}

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* The seed, on a new database: made once (unit_template) and copied for each
 * case, not made again each time (the schema's creation, much of a case's CPU
 * under valgrind). */
static void fill(struct store *s, const char *path)
{
	(void)s;
	char *seed;
	size_t len;
	assert_int_equal(mc_read_file(MC_ABS_SRCDIR "/tests/fixtures/scoring/seed.sql", &seed, &len), 0);
	exec_sql(path, seed);
	free(seed);
}

/* The seed, an admin, two scores, feedback and a decision: all through mcassess. */
static void fx_open(struct fx *f)
{
	struct mc_error err = MC_ERROR_INIT;
	unit_template_open(&f->dir, &f->path, &f->s);
	char *sql = mc_xasprintf("INSERT INTO person(user, role, created_at) VALUES ('%s', 'admin', 'x')",
				 identity_user());
	exec_sql(f->path, sql);
	free(sql);
	char sha[MC_SHA256_HEX];
	mc_sha256_hex("lesson plan\n", 12, sha);
	char *sub = mc_xasprintf("%s/%.2s", store_evidence_dir(f->s), sha);
	assert_int_equal(mc_mkdirs(sub, 0700), 0);
	f->file = mc_xasprintf("%s/%s", sub, sha);
	free(sub);
	write_file(f->file, "lesson plan\n");
	assert_int_equal(scoring_score(f->s, "S-1", "O1", "3", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f->s, "S-1", "O2", "2", NULL, &err), MC_OK);
	assert_int_equal(scoring_feedback_set(f->s, "S-2", "More wait time.", &err), MC_OK);
	assert_int_equal(scoring_decide(f->s, "S-2", "resubmit", &err), MC_OK);
}

static void fx_close(struct fx *f)
{
	unit_close(&f->s);
	free(f->path);
	free(f->file);
	unit_rmtree(f->dir);
}

/* Run every check; return the problems found (caller frees). */
static char *run(struct fx *f, int *n)
{
	struct found fd = { MC_BUF_INIT, 0 };
	struct check_summary sum;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(check_run(f->s, CHECK_ALL, collect, &fd, &sum, &err), MC_OK);
	assert_int_equal(sum.problems, fd.n);
	*n = fd.n;
	mc_buf_str(&fd.all);
	return mc_buf_steal(&fd.all);
}

static void expect(struct fx *f, const char *want)
{
	int n;
	char *all = run(f, &n);
	if (n < 1 || !strstr(all, want))
		fail_msg("expected a problem with \"%s\"; got %d:\n%s", want, n, all);
	free(all);
}

static void clean_database_is_all_good(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	int n;
	char *all = run(&f, &n);
	if (n)
		fail_msg("%s", all);
	free(all);
	struct check_summary sum;
	struct mc_error err = MC_ERROR_INIT;
	struct found fd = { MC_BUF_INIT, 0 };
	assert_int_equal(check_run(f.s, CHECK_ALL, collect, &fd, &sum, &err), MC_OK);
	char *text = check_summary_text(&sum);
	assert_string_equal(text, "3 submissions, 10 evidence items (1 stored file), 2 scores, 1 feedback, "
				  "1 decision, 5 audit rows");
	free(text);
	mc_buf_free(&fd.all);
	fx_close(&f);
}

static void edited_evidence_file(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	write_file(f.file, "lesson plan, edited\n");
	expect(&f, "evidence S-1 #4 (artifact, 'lesson.txt'): stored file");
	expect(&f, "no longer matches its SHA-256");
	remove(f.file);
	expect(&f, "is missing");
	fx_close(&f);
}

static void edited_evidence_text(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "UPDATE evidence SET text = text || '!' WHERE submission_id = 3 AND seq = 2");
	expect(&f, "evidence S-3 #2 (artifact): the text does not match its recorded SHA-256");
	fx_close(&f);
}

static void deleted_audit_row(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3");
	expect(&f, "audit log: row 3 is missing (deleted)");
	expect(&f, "the trigger 'audit_no_delete' is missing");
	fx_close(&f);
}

static void score_edited_behind_our_back(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "UPDATE score SET level_id = level_id + 1 WHERE criterion_id = "
			 "(SELECT id FROM criterion WHERE rubric_id = 1 AND code = 'O2')");
	expect(&f, "score S-1 O2 is 'demonstrated' but the last audited change");
	expect(&f, "made it 'progressing': changed outside mcassess");
	fx_close(&f);
}

static void score_deleted_or_added(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "DELETE FROM score WHERE criterion_id = 1");
	expect(&f, "score S-1 O1 was 'demonstrated' at the last audited change");
	exec_sql(f.path, "INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, at) "
			 "VALUES ('x', 3, 6, 16, 'mallory', 'now')");
	expect(&f, "score S-3 O1 is 'not_met' but no audited change ever made it");
	fx_close(&f);
}

/* The log is read a submission at a time along with the records: a submission whose
 * every record is gone is named, whether submissions with records follow it or not. */
static void every_record_of_submissions_deleted(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "DELETE FROM score; DELETE FROM feedback; DELETE FROM decision");
	for (int later = 0; later < 2; later++) {
		int n;
		char *all = run(&f, &n);
		const char *want[] = { "score S-1 O1 was 'demonstrated' at the last audited change",
				       "score S-1 O2 was", "feedback on S-2 was set by the last audited change",
				       "decision on S-2 was 'resubmit' at the last audited change" };
		for (size_t i = 0; i < sizeof want / sizeof *want; i++)
			if (!strstr(all, want[i]))
				fail_msg("expected \"%s\"; got %d:\n%s", want[i], n, all);
		free(all);
		/* then a submission with records after them (S-3): they are named on its way */
		if (!later)
				exec_sql(f.path, "INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, at) "
					 "VALUES ('x', 3, 6, 16, 'mallory', 'now')");
	}
	expect(&f, "score S-3 O1 is 'not_met' but no audited change ever made it");
	fx_close(&f);
}

static void status_counter_and_decision(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "UPDATE status_count SET n = n + 5 WHERE status = 'queued'");
	expect(&f, "status counter 'queued' says 6 but 1 submission has that status");
	fx_close(&f);
	fx_open(&f);
	exec_sql(f.path, "UPDATE decision SET outcome = 'earned'");
	expect(&f, "decision on S-2 is 'earned' but the last audited change");
	expect(&f, "submission S-2 was decided 'earned' but its status is 'resubmit'");
	exec_sql(f.path, "UPDATE feedback SET body = 'rewritten'");
	expect(&f, "feedback on S-2 is not the text the last audited change");
	fx_close(&f);
}

/* The recounts of turnaround, the own progress and the assessors' counts are
 * first compared as sums under a random key (store_report.c): a changed count
 * is named, and with no random bytes the statements run and name it too. */
static void recount_sums_without_random_bytes(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f);
	exec_sql(f.path, "UPDATE report_turn_count SET n = n + 1 WHERE per = 'all';"
			 "INSERT INTO report_own_progress VALUES ('nobody', 'month', '2026-02', 1, 1, 'earned', 1, 2, 2);"
			 "INSERT INTO report_assigned_count VALUES ('day', '2026-03-03', 1, 'ghost', 1, 0, 0, NULL, NULL)");
	for (int random = 1; random >= 0; random--) {
		int (*saved)(void *buf, size_t n) = mc_random_source;
		if (!random)
			mc_random_source = unit_no_random;
		expect(&f, "turnaround counter (all time) for ");
		expect(&f, "own progress counter of nobody (by month) for 2026-02, ");
		expect(&f, "assessors counter (by day) for 2026-03-03, ");
		mc_random_source = saved;
	}
	fx_close(&f);
}

/* ---------------------------------------------------------------- a killed import */

#define ARCHIVE_FIX MC_ABS_SRCDIR "/tests/fixtures/archive"

static void import_child(void *arg)
{
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	struct import_stats st;
	if (unit_open(arg, 0, &s, &err) == MC_OK)
		import_file(s, ARCHIVE_FIX "/subs.csv", ARCHIVE_FIX "/evidence", 0, &st, NULL, NULL, &err);
}

static long files_in(const char *dir)
{
	char *cmd = mc_xasprintf("find '%s' -type f | wc -l", dir);
	FILE *p = popen(cmd, "r");
	long n = -1;
	assert_non_null(p);
	assert_int_equal(fscanf(p, "%ld", &n), 1);
	pclose(p);
	free(cmd);
	return n;
}

/* A new database, initialised as `init` does (catalog, this user the admin). */
static struct store *init_db(char **dir, char **path)
{
	struct mc_error err = MC_ERROR_INIT;
	struct store *s;
	*dir = unit_tmpdir();
	*path = mc_xasprintf("%s/t.db", *dir);
	assert_int_equal(unit_open(*path, STORE_CREATE, &s, &err), MC_OK);
	assert_int_equal(setup_init(s, &err), MC_OK);
	return s;
}

static void close_db(struct store **s, char *dir, char *path)
{
	unit_close(s);
	free(path);
	unit_rmtree(dir);
}

/* An import killed after storing its files and before committing leaves them
 * used by nothing: check names them, check_repair removes them, and the import
 * then goes through whole. */
static void killed_import_leaves_orphans_that_repair_removes(void **state)
{
	(void)state;
	struct mc_error err = MC_ERROR_INIT;
	char *dir, *path;
	struct store *s = init_db(&dir, &path);
	unit_killed_at("import: files stored, not committed", import_child, path);
	const char *ev = store_evidence_dir(s);
	assert_int_equal(files_in(ev), 2); /* plan.txt and photo.bin, stored; no blob row */
	char *stray = mc_xasprintf("%s/.incoming-Ab12Cd", ev); /* a kill in the middle of a copy */
	write_file(stray, "half a fil");
	struct found fd = { MC_BUF_INIT, 0 };
	struct check_summary sum;
	assert_int_equal(check_run(s, CHECK_ALL, collect, &fd, &sum, &err), MC_OK);
	assert_int_equal(sum.problems, 1);
	assert_non_null(strstr(mc_buf_str(&fd.all), "evidence: 3 files in "));
	assert_non_null(strstr(mc_buf_str(&fd.all), "are used by no evidence item ("));
	assert_non_null(strstr(mc_buf_str(&fd.all), ".incoming-Ab12Cd"));
	assert_non_null(strstr(mc_buf_str(&fd.all), "'mcassess check --repair' removes them"));
	long removed = 0;
	assert_int_equal(check_repair(s, &removed, &err), MC_OK);
	assert_int_equal(removed, 3);
	assert_int_equal(files_in(ev), 0);
	mc_buf_reset(&fd.all);
	assert_int_equal(check_run(s, CHECK_ALL, collect, &fd, &sum, &err), MC_OK);
	assert_int_equal(sum.problems, 0);
	struct import_stats st;
	assert_int_equal(import_file(s, ARCHIVE_FIX "/subs.csv", ARCHIVE_FIX "/evidence", 0, &st, NULL, NULL, &err),
			 MC_OK);
	assert_int_equal(st.submissions, 2);
	assert_int_equal(check_repair(s, &removed, &err), MC_OK);
	assert_int_equal(removed, 0); /* the files an import uses are never taken */
	assert_int_equal(files_in(ev), 2);
	assert_int_equal(check_run(s, CHECK_ALL, collect, &fd, &sum, &err), MC_OK);
	assert_int_equal(sum.problems, 0);
	mc_buf_free(&fd.all);
	free(stray);
	close_db(&s, dir, path);
}

/* An import running meanwhile holds the write lock while its files are not yet
 * recorded: check does not call them unused, repair does not take them, and
 * once the import commits they are in use. */
static void a_running_import_keeps_its_files(void **state)
{
	(void)state;
	struct mc_error err = MC_ERROR_INIT;
	char *dir, *path;
	struct store *s = init_db(&dir, &path);
	char sha[MC_SHA256_HEX];
	mc_sha256_hex("being imported\n", 15, sha);
	char *sub = mc_xasprintf("%s/%.2s", store_evidence_dir(s), sha);
	assert_int_equal(mc_mkdirs(sub, 0700), 0);
	char *file = mc_xasprintf("%s/%s", sub, sha);
	write_file(file, "being imported\n");
	sqlite3 *import;
	assert_int_equal(sqlite3_open(path, &import), SQLITE_OK);
	assert_int_equal(sqlite3_exec(import, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	struct found fd = { MC_BUF_INIT, 0 };
	struct check_summary sum;
	assert_int_equal(check_run(s, CHECK_EVIDENCE, collect, &fd, &sum, &err), MC_OK);
	assert_int_equal(sum.problems, 0);
	assert_non_null(strstr(mc_buf_str(&fd.all), "note: unused evidence files were not looked for: "));
	long removed = -1;
	assert_int_equal(check_repair(s, &removed, &err), MC_FAIL); /* busy: it waits for no one */
	assert_non_null(strstr(err.msg, "the database is busy"));
	mc_error_clear(&err);
	assert_int_equal(access(file, F_OK), 0);
	char *ins = mc_xasprintf("INSERT INTO blob(sha256, size, media_type) VALUES ('%s', 15, 'text/plain'); COMMIT",
				 sha);
	assert_int_equal(sqlite3_exec(import, ins, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(import);
	mc_buf_reset(&fd.all);
	assert_int_equal(check_run(s, CHECK_EVIDENCE, collect, &fd, &sum, &err), MC_OK);
	assert_int_equal(sum.problems, 0);
	assert_null(strstr(mc_buf_str(&fd.all), "unused"));
	assert_int_equal(check_repair(s, &removed, &err), MC_OK);
	assert_int_equal(removed, 0);
	assert_int_equal(access(file, F_OK), 0);
	mc_buf_free(&fd.all);
	free(ins);
	free(file);
	free(sub);
	close_db(&s, dir, path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_database_is_all_good),
		cmocka_unit_test(killed_import_leaves_orphans_that_repair_removes),
		cmocka_unit_test(a_running_import_keeps_its_files),
		cmocka_unit_test(edited_evidence_file),
		cmocka_unit_test(edited_evidence_text),
		cmocka_unit_test(deleted_audit_row),
		cmocka_unit_test(score_edited_behind_our_back),
		cmocka_unit_test(score_deleted_or_added),
		cmocka_unit_test(status_counter_and_decision),
		cmocka_unit_test(every_record_of_submissions_deleted),
		cmocka_unit_test(recount_sums_without_random_bytes),
	};
	unit_template.fill = fill;
	return cmocka_run_group_tests(tests, unit_template_setup, unit_template_teardown);
}
