/* test_access.c: the access policy (access.h): who may read and write which
 * submission, the refusals' words, the earlier attempts an assessor reads but
 * does not write, and the scope every list takes from the session. */
#include "unit.h"

#include "mcassess/access.h"
#include "mcassess/precheck.h"
#include "mcassess/queue.h"
#include "mcassess/search.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

/* S-1 (North) and its next attempt S-2; S-3 North; S-4 South. ann is given
 * S-2; nora coordinates North, cy coordinates without a district, ad is admin. */
static const char FIXTURE[] =
	"INSERT INTO pathway(code, title) VALUES ('P', 'P');"
	"INSERT INTO credential(code, pathway_id, title, current_version) VALUES ('C', 1, 'C', 1);"
	"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule,"
	" source_sha256, loaded_at, loaded_by) VALUES (1, 1, 'C', 'c', 'k', 'all_criteria_pass', 'x', 'x', 'x');"
	"INSERT INTO district(name) VALUES ('North'), ('South');"
	"INSERT INTO educator(ext_id, name, district_id, anon_id) VALUES"
	" ('E-1', 'Ann Lee', 1, 'anon-1'), ('E-2', 'Bo Chen', 1, 'anon-2'), ('E-3', 'Cy Diaz', 2, 'anon-3');"
	"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, submitted_at, imported_at,"
	" source_sha256, updated_at, previous_id, attempt) VALUES"
	" ('S-1', 1, 1, 1, '2026-01-01', 'x', 'x', 'x', NULL, 1), ('S-2', 1, 1, 1, '2026-02-01', 'x', 'x', 'x', 1, 2),"
	" ('S-3', 2, 1, 1, '2026-01-02', 'x', 'x', 'x', NULL, 1), ('S-4', 3, 1, 1, '2026-01-03', 'x', 'x', 'x', NULL, 1);"
	"INSERT INTO person(user, role, district_id, created_at) VALUES ('ad', 'admin', NULL, 'x'),"
	" ('nora', 'coordinator', 1, 'x'), ('cy', 'coordinator', NULL, 'x'), ('ann', 'assessor', 1, 'x');"
	"INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at) VALUES"
	" ('a1', 2, 'ann', 'first', 0, 'ad', 'x');";

static int setup(void **state)
{
	*state = unit_db_new(FIXTURE);
	return 0;
}

static int teardown(void **state)
{
	struct unit_db *d = *state;
	unit_db_free(&d);
	return 0;
}

/* access_submission's answer for `user`: "" when allowed, else the message. */
static char *answer(struct unit_db *f, const char *user, const char *id, int mode)
{
	struct mc_error err = MC_ERROR_INIT;
	unit_act_as(f->s, user);
	long long rowid = 0;
	int rc = access_submission(f->s, id, mode, &rowid, &err);
	char *a = mc_xstrdup(rc == MC_OK ? "" : mc_error_msg(&err));
	if (rc == MC_OK)
		assert_true(rowid > 0);
	else
		assert_int_equal(rc, MC_FAIL);
	mc_error_clear(&err);
	return a;
}

static void expect(struct unit_db *f, const char *user, const char *id, int mode, const char *want)
{
	char *a = answer(f, user, id, mode);
	if (strcmp(a, want) != 0)
		fail_msg("%s %s %s: got '%s', want '%s'", user, mode == ACCESS_READ ? "reads" : "writes", id, a, want);
	free(a);
}

static void assessor_reads_theirs_and_earlier_attempts(void **state)
{
	struct unit_db *f = *state;
	expect(f, "ann", "S-2", ACCESS_READ, "");
	expect(f, "ann", "S-2", ACCESS_WRITE, "");
	expect(f, "ann", "S-1", ACCESS_READ, "");  /* the earlier attempt of S-2 */
	expect(f, "ann", "S-1", ACCESS_WRITE, "S-1 is not assigned to you");
	expect(f, "ann", "S-3", ACCESS_READ, "S-3 is not assigned to you");
	expect(f, "ann", "S-4", ACCESS_READ, "S-4 is not assigned to you");
	expect(f, "ann", "S-9", ACCESS_READ, "no submission 'S-9'");
	assert_true(access_assigned_only(f->s));
}

static void coordinators_and_admins(void **state)
{
	struct unit_db *f = *state;
	expect(f, "nora", "S-3", ACCESS_READ, "");
	expect(f, "nora", "S-3", ACCESS_WRITE, "");
	expect(f, "nora", "S-4", ACCESS_READ, "S-4 is not in your district (North)");
	expect(f, "nora", "S-4", ACCESS_WRITE, "S-4 is not in your district (North)");
	assert_false(access_assigned_only(f->s));
	expect(f, "cy", "S-4", ACCESS_READ, "");   /* no district: every district */
	expect(f, "ad", "S-4", ACCESS_WRITE, "");
	expect(f, "ad", "S-9", ACCESS_READ, "no submission 'S-9'");
}

static void strangers_and_role_changes(void **state)
{
	struct unit_db *f = *state;
	expect(f, "nobody", "S-1", ACCESS_READ, "S-1 is not assigned to you");
	assert_true(access_assigned_only(f->s));
	/* a role changed meanwhile holds from the next check on */
	unit_exec(f->path, "UPDATE person SET role = 'coordinator' WHERE user = 'ann'");
	expect(f, "ann", "S-3", ACCESS_READ, "");
	expect(f, "ann", "S-4", ACCESS_READ, "S-4 is not in your district (North)");
}

/* The ids of the queue (every status) as `user` sees it, space-separated. */
static char *queue_ids(struct unit_db *f, const char *user)
{
	struct queue_filter qf = { .status = "all" };
	struct queue_row *rows;
	int n;
	struct mc_error err = MC_ERROR_INIT;
	unit_act_as(f->s, user);
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 100, &rows, &n, &err), MC_OK);
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < n; i++)
		mc_buf_printf(&b, "%s%s", i ? " " : "", rows[i].id);
	queue_rows_free(&rows, n);
	char *s = mc_buf_steal(&b);
	return s ? s : mc_xstrdup("");
}

static void lists_take_the_scope(void **state)
{
	struct unit_db *f = *state;
	static const char *const want[][2] = {
		{ "ann", "S-1 S-2" }, { "nora", "S-1 S-3 S-2" }, { "cy", "S-1 S-3 S-4 S-2" },
		{ "ad", "S-1 S-3 S-4 S-2" }, { "nobody", "" },
	};
	for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
		char *got = queue_ids(f, want[i][0]);
		if (strcmp(got, want[i][1]) != 0)
			fail_msg("%s's queue: got '%s', want '%s'", want[i][0], got, want[i][1]);
		free(got);
	}
	/* the counts are of what each may see */
	long long c[QUEUE_NSTATUS];
	struct mc_error err = MC_ERROR_INIT;
	unit_act_as(f->s, "ann");
	assert_int_equal(queue_counts(f->s, c, &err), MC_OK);
	assert_int_equal(c[0], 2); /* queued: S-1, S-2 */
	unit_act_as(f->s, "nora");
	assert_int_equal(queue_counts(f->s, c, &err), MC_OK);
	assert_int_equal(c[0], 3);
	unit_act_as(f->s, "ad");
	assert_int_equal(queue_counts(f->s, c, &err), MC_OK);
	assert_int_equal(c[0], 4);
}

/* Search ranks the whole index; an assessor's hit ranked below the best
 * matches of others' work is still found, and none of theirs is shown. */
static void search_finds_theirs_beyond_the_best(void **state)
{
	struct unit_db *f = *state;
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "INSERT INTO part(rubric_id, seq, code, title, kind, prompt) VALUES (1, 1, 'o', 'o', 'overview', 'p');"
			"INSERT INTO evidence(submission_id, seq, part_id, kind, text, sha256, words, media_type) VALUES");
	for (int i = 1; i <= 40; i++) /* S-3's: short, so every one ranks above ann's */
		mc_buf_printf(&b, " (3, %d, 1, 'text', 'kiwi kiwi', 'x%d', 2, 'text/plain'),", i, i);
	mc_buf_adds(&b, " (2, 1, 1, 'text', 'a long answer that mentions the kiwi once among many other words "
			"about questioning and wait time', 'y', 16, 'text/plain');");
	unit_exec(f->path, mc_buf_str(&b));
	mc_buf_free(&b);
	struct search_opts o = { .limit = 5 };
	for (int regex = 0; regex < 2; regex++) {
		struct search_hit *h = NULL;
		int n = 0;
		struct mc_error err = MC_ERROR_INIT;
		unit_act_as(f->s, "ann");
		assert_int_equal(precheck_search(f->s, "kiwi", regex, &o, &h, &n, &err), MC_OK);
		assert_int_equal(n, 1);
		assert_string_equal(h[0].submission, "S-2");
		search_hits_free(&h, n);
		unit_act_as(f->s, "ad");
		assert_int_equal(precheck_search(f->s, "kiwi", regex, &o, &h, &n, &err), MC_OK);
		assert_int_equal(n, 5);
		search_hits_free(&h, n);
	}
}

/* An approver of North sees what awaits approval there, and only that: in
 * access_submission, the queue and its counts. */
static void approvers_see_what_awaits_approval(void **state)
{
	struct unit_db *f = *state;
	unit_exec(f->path, "INSERT INTO person(user, role, district_id, created_at) VALUES ('pat', 'approver', 1, 'x'),"
			   " ('pam', 'approver', NULL, 'x');"
			   "UPDATE submission SET status = 'awaiting_approval' WHERE ext_id IN ('S-3', 'S-4');");
	expect(f, "pat", "S-3", ACCESS_READ, "");
	expect(f, "pat", "S-3", ACCESS_WRITE, "");
	expect(f, "pat", "S-4", ACCESS_READ, "S-4 is not awaiting approval in your district, North");
	expect(f, "pat", "S-1", ACCESS_READ, "S-1 is not awaiting approval in your district, North");
	expect(f, "pam", "S-4", ACCESS_READ, "");
	expect(f, "pam", "S-2", ACCESS_READ, "S-2 is not awaiting approval");
	char *got = queue_ids(f, "pat");
	assert_string_equal(got, "S-3");
	free(got);
	got = queue_ids(f, "pam");
	assert_string_equal(got, "S-3 S-4");
	free(got);
	long long c[QUEUE_NSTATUS];
	struct mc_error err = MC_ERROR_INIT;
	unit_act_as(f->s, "pat");
	assert_int_equal(queue_counts(f->s, c, &err), MC_OK);
	assert_int_equal(c[0], 0); /* nothing queued is theirs */
	assert_int_equal(c[2], 1); /* awaiting_approval: S-3 */
	assert_false(access_assigned_only(f->s));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(assessor_reads_theirs_and_earlier_attempts, setup, teardown),
		cmocka_unit_test_setup_teardown(coordinators_and_admins, setup, teardown),
		cmocka_unit_test_setup_teardown(strangers_and_role_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(lists_take_the_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(search_finds_theirs_beyond_the_best, setup, teardown),
		cmocka_unit_test_setup_teardown(approvers_see_what_awaits_approval, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
