/* test_show.c: the model of one submission: parts and word limits, evidence,
 * the rubric as scored, history through previous attempts and audit events,
 * what a blind viewer gets, and wrapping text (CJK included). */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/audit.h"
#include "mcassess/show.h"
#include "mcassess/store.h"
#include "mcassess/text.h"
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
	sqlite3_busy_timeout(db, 5000);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static const char FIXTURE[] =
	"INSERT INTO pathway(code, title, goal) VALUES ('TEAM', 'TEAM-aligned', 40);"
	"INSERT INTO credential(code, pathway_id, title, current_version) VALUES ('TEAM-QUES', 1, 'Questioning', 1);"
	"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule, source_sha256,"
	" loaded_at, loaded_by) VALUES (1, 1, 'Questioning', 'c', 'k', 'all_criteria_pass', 'x', 'x', 'root');"
	"INSERT INTO part(rubric_id, seq, code, title, kind, prompt, min_words, max_words) VALUES"
	" (1, 1, 'overview', 'Overview', 'overview', 'p', 5, 50),"
	" (1, 2, 'artifact', 'Artifact', 'artifact', 'p', NULL, NULL),"
	" (1, 3, 'reflection', 'Reflection', 'reflection', 'p', 20, NULL);"
	"INSERT INTO criterion(rubric_id, part_id, seq, code, text) VALUES"
	" (1, 1, 1, 'O1', 'Questions are planned.'), (1, 2, 1, 'A1', 'Student work shows it.'),"
	" (1, 3, 1, 'R1', 'Reflection names a next step.');"
	"INSERT INTO level(criterion_id, seq, code, label, descriptor, passes)"
	" SELECT c.id, l.seq, l.code, l.label, 'd', l.passes FROM criterion c, (SELECT 1 AS seq,"
	" 'not_met' AS code, 'Not Met' AS label, 0 AS passes UNION ALL SELECT 2, 'progressing',"
	" 'Progressing', 0 UNION ALL SELECT 3, 'demonstrated', 'Demonstrated', 1) l;"
	"INSERT INTO district(name) VALUES ('Maury');"
	"INSERT INTO school(district_id, name) VALUES (1, 'Spring Hill High');"
	"INSERT INTO educator(ext_id, name, district_id, school_id, anon_id) VALUES"
	" ('E-77', '王小明', 1, 1, 'anon-7f3a');"
	"INSERT INTO person(user, role, created_at) VALUES ('ad', 'admin', 'x'), ('bl', 'assessor', 'x');"
	"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, previous_id, status,"
	" submitted_at, imported_at, source_sha256, updated_at) VALUES"
	" ('S-1', 1, 1, 1, 1, NULL, 'resubmit', '2026-09-01T10:00:00Z', 'x', 'x', 'x'),"
	" ('S-2', 1, 1, 1, 2, 1, 'in_progress', '2026-10-01T10:00:00Z', 'x', 'x', 'x');"
	"INSERT INTO blob(sha256, size, media_type) VALUES ('ab12', 2048, 'application/pdf');"
	"INSERT INTO evidence(submission_id, seq, part_id, kind, text, file_name, blob_sha256, sha256, words,"
	" media_type) VALUES"
	" (2, 1, 1, 'text', '我们的课堂 uses questions every day.', NULL, NULL, 'e1', 10, 'text/plain'),"
	" (2, 2, 2, 'file', NULL, 'lesson.pdf', 'ab12', 'ab12', 0, 'application/pdf'),"
	" (2, 3, 3, 'text', 'Too short.', NULL, NULL, 'e3', 2, 'text/plain');"
	"INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, read, comment, at)"
	" SELECT x.uid, x.sub, x.crit, l.id, x.who, x.rd, x.cm, x.at FROM (SELECT 's1' AS uid, 1 AS sub,"
	" 1 AS crit, 'progressing' AS lv, 'ad' AS who, 'first' AS rd, 'needs more' AS cm,"
	" '2026-09-02T10:00:00Z' AS at"
	" UNION ALL SELECT 's2', 2, 1, 'demonstrated', 'bl', 'first', '', '2026-10-02T10:00:00Z'"
	" UNION ALL SELECT 's3', 2, 2, 'progressing', 'bl', 'first', 'almost', '2026-10-02T10:00:00Z'"
	" UNION ALL SELECT 's4', 2, 2, 'demonstrated', 'ad', 'adjudication', '', '2026-10-03T10:00:00Z') x"
	" JOIN level l ON l.criterion_id = x.crit AND l.code = x.lv;"
	"INSERT INTO feedback(uid, submission_id, read, author, body, at) VALUES"
	" ('f1', 1, 'first', 'ad', 'Plan your questions ahead.', '2026-09-02T11:00:00Z');"
	"INSERT INTO decision(uid, submission_id, outcome, decided_by, at) VALUES"
	" ('d1', 1, 'resubmit', 'ad', '2026-09-03T10:00:00Z');"
	"INSERT INTO assignment(uid, submission_id, assessor, blind, assigned_by, at) VALUES"
	" ('a1', 2, 'bl', 1, 'ad', 'x');";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = unit_tmpdir();
	f->path = mc_xasprintf("%s/t.db", f->dir);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(f->path, STORE_CREATE, &f->s, &err), MC_OK);
	exec_sql(f->path, FIXTURE);
	assert_int_equal(store_begin(f->s, &err), MC_OK);
	assert_int_equal(audit_append(f->s, "score", "submission:S-2", NULL, "{}", &err), MC_OK);
	assert_int_equal(audit_append(f->s, "score", "submission:S-1", NULL, "{}", &err), MC_OK);
	assert_int_equal(store_commit(f->s, &err), MC_OK);
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

static void loads_everything(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-2", &m, &err), MC_OK);
	assert_string_equal(m->credential, "TEAM-QUES");
	assert_int_equal(m->attempt, 2);
	assert_string_equal(m->previous_id, "S-1");
	assert_int_equal(m->blind, 0);
	assert_string_equal(m->educator_name, "王小明");
	assert_string_equal(m->educator_id, "E-77");
	assert_string_equal(m->school, "Spring Hill High");
	/* parts and their limits */
	assert_int_equal(m->nparts, 3);
	assert_int_equal(m->parts[0].words, 10);
	assert_int_equal(m->parts[0].out_of_range, 0);
	assert_int_equal(m->parts[1].min_words, -1);
	assert_int_equal(m->parts[1].nitems, 1);
	assert_int_equal(m->parts[2].out_of_range, -1); /* 2 words, at least 20 wanted */
	assert_int_equal(m->nevidence, 3);
	assert_string_equal(m->evidence[1].file, "lesson.pdf");
	assert_int_equal(m->evidence[1].size, 2048);
	assert_int_equal(m->evidence[0].size, -1);
	/* the rubric shows the adjudication over the first read */
	assert_int_equal(m->ncriteria, 3);
	assert_int_equal(m->nscores, 3);
	assert_string_equal(m->scores[m->criteria[0].score].level, "demonstrated");
	assert_string_equal(m->scores[m->criteria[1].score].read, "adjudication");
	assert_int_equal(m->criteria[2].score, -1);
	assert_int_equal(m->criteria[0].nlevels, 3);
	assert_int_equal(m->nscored, 2);
	assert_int_equal(m->npassing, 2);
	char *sum = show_summary(m);
	assert_string_equal(sum, "2 of 3 criteria scored, 2 pass");
	free(sum);
	assert_null(m->feedback);
	assert_null(m->decision);
	/* history: the first attempt with its scores, feedback and decision; this one's events */
	assert_int_equal(m->nhistory, 1);
	assert_string_equal(m->history[0].id, "S-1");
	assert_int_equal(m->history[0].nscores, 1);
	assert_string_equal(m->history[0].scores[0].level_label, "Progressing");
	assert_string_equal(m->history[0].feedback, "Plan your questions ahead.");
	assert_string_equal(m->history[0].decision, "resubmit");
	assert_int_equal(m->nevents, 1);
	assert_string_equal(m->events[0].action, "score");
	show_free(&m);
	assert_null(m);
}

static void blind_viewer_sees_no_name(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "bl");
	assert_int_equal(show_load(f->s, "S-2", &m, &err), MC_OK);
	assert_int_equal(m->blind, 1);
	assert_string_equal(m->educator_name, "anon-7f3a");
	assert_string_equal(m->educator_id, "anon-7f3a");
	assert_null(m->school);
	assert_string_equal(m->district, "Maury");
	show_free(&m);
	/* S-1 is the same educator's earlier attempt (in S-2's history): blindness
	 * follows the educator, so it does not name them either */
	unit_act_as(f->s, "bl");
	assert_int_equal(show_load(f->s, "S-1", &m, &err), MC_OK);
	assert_int_equal(m->blind, 1);
	assert_string_equal(m->educator_name, "anon-7f3a");
	assert_null(m->school);
	assert_int_equal(m->nhistory, 0);
	assert_string_equal(m->feedback, "Plan your questions ahead.");
	assert_string_equal(m->decision, "resubmit");
	show_free(&m);
}

static void unknown_id(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct show_submission *m = NULL;
	unit_act_as(f->s, "ad");
	assert_int_equal(show_load(f->s, "S-9", &m, &err), MC_FAIL);
	assert_null(m);
	assert_string_equal(err.msg, "no submission 'S-9'");
	mc_error_clear(&err);
}

/* Every line fits the width, and the words come back in order. */
static void check_wrap(const char *text, int width, const char *indent)
{
	struct mc_buf b = MC_BUF_INIT;
	show_wrap(&b, text, width, indent);
	struct mc_buf joined = MC_BUF_INIT;
	char *all = mc_xstrdup(mc_buf_str(&b));
	for (char *save = NULL, *line = strtok_r(all, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		assert_true(show_text_width(line) <= width);
		assert_memory_equal(line, indent, strlen(indent));
		mc_buf_adds(&joined, line + strlen(indent));
	}
	/* removing all spaces, nothing was lost or reordered */
	struct mc_buf a = MC_BUF_INIT, c = MC_BUF_INIT;
	for (const char *p = text; *p; p++)
		if (*p != ' ' && *p != '\n')
			mc_buf_addc(&a, *p);
	for (const char *p = mc_buf_str(&joined); *p; p++)
		if (*p != ' ')
			mc_buf_addc(&c, *p);
	assert_string_equal(mc_buf_str(&a), mc_buf_str(&c));
	free(all);
	mc_buf_free(&a);
	mc_buf_free(&c);
	mc_buf_free(&joined);
	mc_buf_free(&b);
}

static void wraps_text(void **state)
{
	(void)state;
	check_wrap("The quick brown fox jumps over the lazy dog and keeps on running far away.", 20, "  ");
	check_wrap("我们的课堂每天都使用提问策略来帮助学生思考和讨论问题，学生们很喜欢这种方式。", 21, "  ");
	check_wrap("Mixed 中文和English words 在一起 wrapped nicely across lines.", 15, "    ");
	check_wrap("Averyveryverylongwordthatcannotfitonanyline at all", 20, "");
	struct mc_buf b = MC_BUF_INIT;
	show_wrap(&b, "one two\n\nthree", 80, "> ");
	assert_string_equal(mc_buf_str(&b), "> one two\n> \n> three\n");
	mc_buf_reset(&b);
	show_wrap(&b, "aaaa bbbb cccc", 12, "");
	assert_string_equal(mc_buf_str(&b), "aaaa bbbb\ncccc\n");
	mc_buf_free(&b);
	assert_int_equal(show_text_width("王小明 A"), 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(loads_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(blind_viewer_sees_no_name, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_id, setup, teardown),
		cmocka_unit_test(wraps_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
