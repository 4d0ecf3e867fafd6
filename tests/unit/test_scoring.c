/* test_scoring.c: scores, the outcome model, feedback, decisions, drafts, who may write. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/identity.h"
#include "mcassess/scoring.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

struct fx {
	char *dir, *path;
	struct store *s;
};

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static long long query_int(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	long long v = -1;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* The seed, on a new database: made once (unit_template) and copied for each
 * case, not made again each time (the schema's creation, most of a case's
 * CPU under valgrind). */
static void fill(struct store *s, const char *path)
{
	(void)s;
	char *seed;
	size_t len;
	assert_int_equal(mc_read_file(MC_ABS_SRCDIR "/tests/fixtures/scoring/seed.sql", &seed, &len), 0);
	exec_sql(path, seed);
	free(seed);
}

/* A database from the seed, with the current user as `role` (NULL: not a person). */
static void fx_open(struct fx *f, const char *role)
{
	unit_template_open(&f->dir, &f->path, &f->s);
	if (role) {
		char *sql = mc_xasprintf("INSERT INTO person(user, role, created_at) VALUES ('%s', '%s', "
					 "'2026-01-01T00:00:00Z')", identity_user(), role);
		exec_sql(f->path, sql);
		free(sql);
	}
}

static void fx_close(struct fx *f)
{
	unit_close(&f->s);
	free(f->path);
	unit_rmtree(f->dir);
}

static struct scoring_outcome *outcome_of(struct fx *f, const char *id)
{
	struct mc_error err = MC_ERROR_INIT;
	long long rowid;
	struct scoring_outcome *o = NULL;
	assert_int_equal(scoring_find(f->s, id, &rowid, &err), MC_OK);
	assert_int_equal(scoring_outcome(f->s, rowid, &o, &err), MC_OK);
	return o;
}

static const char *level_of(const struct scoring_outcome *o, const char *code)
{
	for (int i = 0; i < o->ncriteria; i++)
		if (strcmp(o->criteria[i].code, code) == 0)
			return o->criteria[i].level < 0 ? NULL : o->criteria[i].levels[o->criteria[i].level].code;
	fail_msg("no criterion %s", code);
	return NULL;
}

/* No random bytes for the score's id: the score is refused, nothing written. */
static void score_without_randomness_changes_nothing(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	int (*saved)(void *, size_t) = mc_random_source;
	mc_random_source = unit_no_random;
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "demonstrated", NULL, &err), MC_FAIL);
	assert_int_equal(scoring_feedback_set(f.s, "S-1", "More wait time.", &err), MC_FAIL);
	mc_random_source = saved;
	assert_non_null(strstr(mc_error_msg(&err), "cannot make a unique id"));
	mc_error_clear(&err);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM score"), 0);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM feedback"), 0);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit WHERE action IN ('score', 'feedback')"), 0);
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "demonstrated", NULL, &err), MC_OK);
	fx_close(&f);
}

static void score_by_code_label_number(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "demonstrated", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "o2", "pRoGrEsSiNg", "more wait time", &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "A1", "1", NULL, &err), MC_OK);
	struct scoring_outcome *o = outcome_of(&f, "S-1");
	assert_string_equal(level_of(o, "O1"), "demonstrated");
	assert_string_equal(level_of(o, "O2"), "progressing");
	assert_string_equal(level_of(o, "A1"), "not_met");
	assert_null(level_of(o, "A2"));
	assert_int_equal(o->nscored, 3);
	assert_int_equal(o->npassing, 1);
	assert_int_equal(o->ncriteria, 5);
	assert_string_equal(o->criteria[1].comment, "more wait time");
	assert_string_equal(o->criteria[1].assessor, identity_user());
	assert_string_equal(o->status, "in_progress");
	scoring_outcome_free(&o);
	assert_null(o);
	/* the submission moved to in_progress, counted by the trigger; 3 scores + 1 status audited */
	assert_int_equal(query_int(f.path, "SELECT n FROM status_count WHERE status = 'in_progress'"), 1);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit WHERE action = 'score'"), 3);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit WHERE action = 'status'"), 1);
	fx_close(&f);
}

static void rescoring_replaces_and_keeps_comment(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "coordinator");
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "2", "first look", &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "Demonstrated", NULL, &err), MC_OK);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM score"), 1);
	char *c = unit_query_text(f.path, "SELECT comment FROM score");
	assert_string_equal(c, "first look");
	free(c);
	char *before = unit_query_text(f.path, "SELECT before FROM audit WHERE action = 'score' ORDER BY seq DESC");
	char *after = unit_query_text(f.path, "SELECT after FROM audit WHERE action = 'score' ORDER BY seq DESC");
	assert_non_null(strstr(before, "\"level\":\"progressing\""));
	assert_non_null(strstr(after, "\"level\":\"demonstrated\""));
	assert_non_null(strstr(after, "\"read\":\"first\""));
	free(before);
	free(after);
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "3", "", &err), MC_OK);
	c = unit_query_text(f.path, "SELECT comment FROM score");
	assert_string_equal(c, "");
	free(c);
	fx_close(&f);
}

static void bad_criterion_and_level_list_the_valid_ones(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_score(f.s, "S-1", "O3", "3", NULL, &err), MC_INVALID);
	assert_string_equal(err.msg, "no criterion 'O3' in TEAM-QUES version 1; its criteria are O1, O2, A1, A2, R1");
	mc_error_clear(&err);
	/* S-3 was submitted under version 2, which has O3 */
	assert_int_equal(scoring_score(f.s, "S-3", "O3", "3", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "4", NULL, &err), MC_INVALID);
	assert_string_equal(err.msg, "no level '4' for O1 in TEAM-QUES version 1; its levels are 1 not_met (Not Met), "
				     "2 progressing (Progressing), 3 demonstrated (Demonstrated)");
	mc_error_clear(&err);
	assert_int_equal(scoring_score(f.s, "S-9", "O1", "3", NULL, &err), MC_FAIL);
	assert_string_equal(err.msg, "no submission 'S-9'");
	mc_error_clear(&err);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM score"), 1);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit"), 2);
	fx_close(&f);
}

static void outcome_parts_and_reasons(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "3", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "O2", "3", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "A1", "2", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-1", "A2", "3", NULL, &err), MC_OK);
	struct scoring_outcome *o = outcome_of(&f, "S-1");
	assert_int_equal(o->nparts, 3);
	assert_string_equal(o->parts[0].code, "overview");
	assert_int_equal(o->parts[0].state, SCORING_PART_MET);
	assert_int_equal(o->parts[1].state, SCORING_PART_NOT_MET);
	assert_int_equal(o->parts[2].state, SCORING_PART_INCOMPLETE);
	assert_string_equal(scoring_part_state_name(o->parts[1].state), "not met");
	assert_int_equal(o->eligible, 0);
	assert_int_equal(o->nreasons, 2);
	assert_string_equal(o->reasons[0], "A1 at Progressing does not pass");
	assert_string_equal(o->reasons[1], "R1 not scored");
	assert_int_equal(o->criteria[0].nlevels, 3);
	assert_int_equal(o->criteria[0].levels[2].passes, 1);
	scoring_outcome_free(&o);
	fx_close(&f);
}

static void decide_earned_needs_every_criterion_passing(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_score(f.s, "S-1", "A1", "progressing", NULL, &err), MC_OK);
	assert_int_equal(scoring_decide(f.s, "S-1", "earned", &err), MC_FAIL);
	assert_string_equal(err.msg, "S-1 cannot be earned: O1 not scored; O2 not scored; A1 at Progressing does "
				     "not pass; A2 not scored; R1 not scored (1 of 5 criteria scored, 0 passing)");
	mc_error_clear(&err);
	const char *all[] = { "O1", "O2", "A1", "A2", "R1" };
	for (int i = 0; i < 5; i++)
		assert_int_equal(scoring_score(f.s, "S-1", all[i], "demonstrated", NULL, &err), MC_OK);
	assert_int_equal(scoring_decide(f.s, "S-1", "earned", &err), MC_OK);
	char *st = unit_query_text(f.path, "SELECT status FROM submission WHERE ext_id = 'S-1'");
	assert_string_equal(st, "earned");
	free(st);
	assert_int_equal(query_int(f.path, "SELECT n FROM status_count WHERE status = 'earned'"), 1);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM decision WHERE outcome = 'earned'"), 1);
	/* read-only now */
	long long audits = query_int(f.path, "SELECT count(*) FROM audit");
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "1", NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "S-1 was decided 'earned' by "));
	assert_non_null(strstr(err.msg, identity_user()));
	mc_error_clear(&err);
	assert_int_equal(scoring_feedback_set(f.s, "S-1", "late", &err), MC_FAIL);
	mc_error_clear(&err);
	assert_int_equal(scoring_decide(f.s, "S-1", "resubmit", &err), MC_FAIL);
	mc_error_clear(&err);
	assert_int_equal(scoring_may_write(f.s, "S-1", &err), MC_FAIL);
	mc_error_clear(&err);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit"), audits);
	assert_int_equal(scoring_decide(f.s, "S-2", "maybe", &err), MC_USAGE);
	mc_error_clear(&err);
	fx_close(&f);
}

static void resubmit_needs_feedback(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_decide(f.s, "S-2", "resubmit", &err), MC_FAIL);
	assert_string_equal(err.msg, "S-2: write feedback first: mcassess feedback S-2 --file F");
	mc_error_clear(&err);
	assert_int_equal(scoring_feedback_set(f.s, "S-2", "Ask more open questions. 多问开放性问题。", &err), MC_OK);
	assert_int_equal(scoring_decide(f.s, "S-2", "resubmit", &err), MC_OK);
	char *st = unit_query_text(f.path, "SELECT status FROM submission WHERE ext_id = 'S-2'");
	assert_string_equal(st, "resubmit");
	free(st);
	fx_close(&f);
}

static void feedback_text_is_checked(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, "admin");
	struct mc_error err = MC_ERROR_INIT;
	const char bad[] = "fine\nab\xff";
	assert_int_equal(scoring_text_check(bad, sizeof bad - 1, "fb.txt", &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "fb.txt:2:3: not valid UTF-8 (byte 0xff)"));
	mc_error_clear(&err);
	assert_int_equal(scoring_feedback_set(f.s, "S-1", bad, &err), MC_INVALID);
	mc_error_clear(&err);
	assert_int_equal(scoring_feedback_set(f.s, "S-1", "  \n\t", &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "empty"));
	mc_error_clear(&err);
	char *big = mc_xcalloc(1, SCORING_TEXT_MAX + 2);
	memset(big, 'a', SCORING_TEXT_MAX + 1);
	assert_int_equal(scoring_feedback_set(f.s, "S-1", big, &err), MC_INVALID);
	assert_non_null(strstr(err.msg, "64 KiB"));
	mc_error_clear(&err);
	big[SCORING_TEXT_MAX] = '\0';
	assert_int_equal(scoring_feedback_set(f.s, "S-1", big, &err), MC_OK);
	free(big);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM feedback"), 1);
	assert_int_equal(scoring_feedback_set(f.s, "S-1", "Second thoughts.", &err), MC_OK);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM feedback"), 1);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit WHERE action = 'feedback' AND before IS NOT NULL"), 1);
	struct scoring_outcome *o = outcome_of(&f, "S-1");
	assert_string_equal(o->feedback, "Second thoughts.");
	scoring_outcome_free(&o);
	fx_close(&f);
}

static void drafts_are_kept_per_user_and_target(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, NULL); /* drafts need no role: nothing typed is lost */
	struct mc_error err = MC_ERROR_INIT;
	char *text = NULL, *at = NULL;
	assert_int_equal(scoring_draft_load(f.s, "S-1", "overall", &text, &at, &err), MC_OK);
	assert_null(text);
	assert_int_equal(scoring_draft_save(f.s, "S-1", "overall", "half a thought", &err), MC_OK);
	assert_int_equal(scoring_draft_save(f.s, "S-1", "a1", "artifact note", &err), MC_OK);
	assert_int_equal(scoring_draft_save(f.s, "S-1", "overall", "a whole thought", &err), MC_OK);
	assert_int_equal(scoring_draft_load(f.s, "S-1", "overall", &text, &at, &err), MC_OK);
	assert_string_equal(text, "a whole thought");
	assert_non_null(at);
	free(text);
	free(at);
	assert_int_equal(scoring_draft_load(f.s, "S-1", "A1", &text, NULL, &err), MC_OK);
	assert_string_equal(text, "artifact note");
	free(text);
	char *target = unit_query_text(f.path, "SELECT target FROM draft WHERE body = 'artifact note'");
	assert_string_equal(target, "A1");
	free(target);
	assert_int_equal(scoring_draft_save(f.s, "S-1", "Z9", "x", &err), MC_INVALID);
	mc_error_clear(&err);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM audit"), 0);
	long n = -1;
	assert_int_equal(scoring_draft_count(f.s, "S-1", &n, &err), MC_OK);
	assert_int_equal(n, 2); /* overall and A1 */
	assert_int_equal(scoring_draft_clear(f.s, "S-1", "A1", &err), MC_OK);
	assert_int_equal(scoring_draft_load(f.s, "S-1", "A1", &text, NULL, &err), MC_OK);
	assert_null(text);
	assert_int_equal(scoring_draft_count(f.s, "S-1", &n, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(scoring_draft_count(f.s, "S-404", &n, &err), MC_FAIL);
	mc_error_clear(&err);
	/* saving the feedback clears the overall draft */
	exec_sql(f.path, "INSERT INTO person(user, role, created_at) VALUES ((SELECT author FROM draft LIMIT 1), "
			 "'admin', 'x')");
	assert_int_equal(scoring_feedback_set(f.s, "S-1", "done", &err), MC_OK);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM draft"), 0);
	fx_close(&f);
}

static void who_may_write(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, NULL);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "3", NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "ask an admin"));
	mc_error_clear(&err);
	char *sql = mc_xasprintf("INSERT INTO person(user, role, created_at) VALUES ('%s', 'assessor', 'x')",
				 identity_user());
	exec_sql(f.path, sql);
	free(sql);
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "3", NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "not assigned to you"));
	mc_error_clear(&err);
	sql = mc_xasprintf("INSERT INTO assignment(uid, submission_id, assessor, assigned_by, at) VALUES "
			   "('u1', 1, '%s', 'boss', 'x')", identity_user());
	exec_sql(f.path, sql);
	free(sql);
	assert_int_equal(scoring_score(f.s, "S-1", "O1", "3", NULL, &err), MC_OK);
	assert_int_equal(scoring_score(f.s, "S-2", "O1", "3", NULL, &err), MC_FAIL);
	mc_error_clear(&err);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM score"), 1);
	fx_close(&f);
}

/* Another process holds the write lock past the busy timeout (a large import):
 * the draft goes to a file beside the database, comes back on the next load,
 * and moves into the database once the database can take it. */
static void drafts_survive_a_busy_database(void **state)
{
	(void)state;
	struct fx f;
	fx_open(&f, NULL);
	struct mc_error err = MC_ERROR_INIT;
	sqlite3 *other;
	assert_int_equal(sqlite3_open(f.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scoring_draft_save(f.s, "S-1", "overall", "typed while the import ran", &err), MC_OK);
	assert_non_null(err.msg); /* it says where the text went */
	assert_non_null(strstr(err.msg, ".drafts/"));
	mc_error_clear(&err);
	/* a submission that does not exist is still refused, not kept */
	assert_int_equal(scoring_draft_save(f.s, "S-404", "overall", "x", &err), MC_FAIL);
	mc_error_clear(&err);
	long n = 0;
	assert_int_equal(scoring_draft_count(f.s, "S-1", &n, &err), MC_OK);
	assert_int_equal(n, 1);
	char *text = NULL, *at = NULL;
	assert_int_equal(scoring_draft_load(f.s, "S-1", "overall", &text, &at, &err), MC_OK);
	assert_string_equal(text, "typed while the import ran");
	assert_non_null(at);
	free(text);
	free(at);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM draft"), 0); /* not yet: it was busy */
	assert_int_equal(scoring_draft_load(f.s, "S-1", "overall", &text, NULL, &err), MC_OK);
	assert_string_equal(text, "typed while the import ran");
	free(text);
	assert_int_equal(query_int(f.path, "SELECT count(*) FROM draft WHERE body = 'typed while the import ran'"), 1);
	char *dir = mc_xasprintf("%s.drafts/%s/S-1", f.path, identity_user());
	assert_int_not_equal(access(dir, F_OK), 0); /* moved in: the file is gone */
	free(dir);
	assert_int_equal(scoring_draft_count(f.s, "S-1", &n, &err), MC_OK);
	assert_int_equal(n, 1);
	/* nowhere beside the database to put it (a file is in the way): under $XDG_DATA_HOME */
	char *xdg = mc_xasprintf("%s/xdg", f.dir), *blocker = mc_xasprintf("%s.drafts", f.path);
	char *rm = mc_xasprintf("rm -rf '%s' && touch '%s'", blocker, blocker);
	assert_int_equal(system(rm), 0);
	const char *was = getenv("XDG_DATA_HOME");
	char *old_xdg = was ? mc_xstrdup(was) : NULL;
	setenv("XDG_DATA_HOME", xdg, 1);
	assert_int_equal(sqlite3_open(f.path, &other), SQLITE_OK);
	assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scoring_draft_save(f.s, "S-1", "A1", "kept in my own folder", &err), MC_OK);
	assert_non_null(strstr(err.msg, xdg));
	mc_error_clear(&err);
	assert_int_equal(scoring_draft_load(f.s, "S-1", "A1", &text, NULL, &err), MC_OK);
	assert_string_equal(text, "kept in my own folder");
	free(text);
	assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	if (old_xdg)
		setenv("XDG_DATA_HOME", old_xdg, 1);
	else
		unsetenv("XDG_DATA_HOME");
	free(old_xdg);
	free(rm);
	free(blocker);
	free(xdg);
	fx_close(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(score_by_code_label_number),
		cmocka_unit_test(score_without_randomness_changes_nothing),
		cmocka_unit_test(rescoring_replaces_and_keeps_comment),
		cmocka_unit_test(bad_criterion_and_level_list_the_valid_ones),
		cmocka_unit_test(outcome_parts_and_reasons),
		cmocka_unit_test(decide_earned_needs_every_criterion_passing),
		cmocka_unit_test(resubmit_needs_feedback),
		cmocka_unit_test(feedback_text_is_checked),
		cmocka_unit_test(drafts_are_kept_per_user_and_target),
		cmocka_unit_test(drafts_survive_a_busy_database),
		cmocka_unit_test(who_may_write),
	};
	unit_template.fill = fill;
	return cmocka_run_group_tests(tests, unit_template_setup, unit_template_teardown);
}
