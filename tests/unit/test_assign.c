/* test_assign.c: assignments (who may give which read to whom, moves, removal,
 * audit rows), blind scoring for everyone, and the one function that decides
 * what a viewer sees of an educator. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/assign.h"
#include "mcassess/identity.h"
#include "mcassess/queue.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

struct fx {
	char *dir;
	struct store *s;
};

static void exec_sql(struct fx *f, const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(store_path(f->s), &db), SQLITE_OK);
	sqlite3_busy_timeout(db, 5000);
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static long long q_int(struct fx *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(store_path(f->s), &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	f->dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", f->dir);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(path, STORE_CREATE, &f->s, &err), MC_OK);
	free(path);
	char *me = mc_xasprintf(
		"INSERT INTO pathway(code, title) VALUES ('P', 'P');"
		"INSERT INTO credential(code, pathway_id, title, current_version) VALUES ('C', 1, 'C', 1);"
		"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule,"
		" source_sha256, loaded_at, loaded_by) VALUES (1, 1, 'C', 'c', 'k', 'all_criteria_pass', 'x', 'x', 'x');"
		"INSERT INTO district(name) VALUES ('North'), ('South');"
		"INSERT INTO school(district_id, name) VALUES (1, 'Oak School');"
		"INSERT INTO educator(ext_id, name, district_id, school_id, anon_id) VALUES"
		" ('E-1', 'Ann Lee', 1, 1, 'anon-1'), ('E-2', 'Bo Chen', 2, NULL, 'anon-2');"
		"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, submitted_at, imported_at,"
		" source_sha256, updated_at) VALUES ('S-1', 1, 1, 1, 'x', 'x', 'x', 'x'),"
		" ('S-2', 2, 1, 1, 'x', 'x', 'x', 'x'), ('S-3', 1, 1, 1, 'x', 'x', 'x', 'x');"
		"INSERT INTO person(user, role, created_at) VALUES ('%s', 'admin', 'x'), ('ann', 'assessor', 'x'),"
		" ('bob', 'assessor', 'x');", identity_user());
	exec_sql(f, me);
	free(me);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unit_close(&f->s);
	unit_rmtree(f->dir);
	free(f);
	return 0;
}

static void set_role(struct fx *f, const char *role, const char *district)
{
	char *sql = mc_xasprintf("UPDATE person SET role = '%s', district_id = %s WHERE user = '%s'", role,
				 district ? "(SELECT id FROM district WHERE name = 'North')" : "NULL", identity_user());
	exec_sql(f, sql);
	free(sql);
}

static void assign_and_move(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	enum assign_change what;
	char *prev = NULL;
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 0, &what, &prev, &err), MC_OK);
	assert_int_equal(what, ASSIGN_ADDED);
	assert_null(prev);
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 0, &what, NULL, &err), MC_OK);
	assert_int_equal(what, ASSIGN_UNCHANGED);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE action = 'assign'"), 1);
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 1, &what, NULL, &err), MC_OK);
	assert_int_equal(what, ASSIGN_CHANGED);
	assert_int_equal(q_int(f, "SELECT blind FROM assignment"), 1);
	assert_int_equal(assign_set(f->s, "S-1", "bob", NULL, 0, &what, &prev, &err), MC_OK);
	assert_int_equal(what, ASSIGN_REPLACED);
	assert_string_equal(prev, "ann");
	free(prev);
	assert_int_equal(q_int(f, "SELECT count(*) FROM assignment WHERE assessor = 'bob' AND read = 'first'"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE action = 'assign'"), 3);
	/* one person, one read */
	assert_int_equal(assign_set(f->s, "S-1", "bob", "second", 0, &what, NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "one person reads a submission once"));
	mc_error_clear(&err);
	assert_int_equal(what, ASSIGN_UNCHANGED);
	assert_int_equal(assign_set(f->s, "S-1", "ann", "second", 0, &what, NULL, &err), MC_OK);
	/* bad input */
	assert_int_equal(assign_set(f->s, "S-1", "ann", "third", 0, NULL, NULL, &err), MC_USAGE);
	mc_error_clear(&err);
	assert_int_equal(assign_set(f->s, "S-1", "Ann Lee", "first", 0, NULL, NULL, &err), MC_INVALID);
	mc_error_clear(&err);
	assert_int_equal(assign_set(f->s, "S-1", "carol", "first", 0, NULL, NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "carol is not one of this database's people"));
	mc_error_clear(&err);
	assert_int_equal(assign_set(f->s, "S-9", "ann", "first", 0, NULL, NULL, &err), MC_FAIL);
	assert_string_equal(err.msg, "no submission 'S-9'");
	mc_error_clear(&err);
}

static void remove_reads(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	int n = -1;
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 0, NULL, NULL, &err), MC_OK);
	assert_int_equal(assign_set(f->s, "S-3", "ann", "adjudication", 0, NULL, NULL, &err), MC_OK);
	assert_int_equal(assign_remove(f->s, "S-1", "ann", "second", &n, &err), MC_FAIL);
	assert_int_equal(n, 0);
	mc_error_clear(&err);
	assert_int_equal(assign_remove(f->s, "S-1", "ann", NULL, &n, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM assignment"), 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE action = 'unassign' AND before IS NOT NULL"), 1);
	assert_int_equal(assign_remove(f->s, "S-1", "ann", NULL, &n, &err), MC_FAIL);
	mc_error_clear(&err);
}

static void who_may_assign(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	set_role(f, "assessor", NULL);
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 0, NULL, NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "assigning submissions needs a coordinator"));
	mc_error_clear(&err);
	set_role(f, "coordinator", "North");
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 0, NULL, NULL, &err), MC_OK);
	assert_int_equal(assign_set(f->s, "S-2", "ann", "first", 0, NULL, NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "coordinate North, and S-2 is from South"));
	mc_error_clear(&err);
	assert_int_equal(q_int(f, "SELECT count(*) FROM assignment WHERE submission_id = 2"), 0);
	set_role(f, "coordinator", NULL);
	assert_int_equal(assign_set(f->s, "S-2", "ann", "first", 0, NULL, NULL, &err), MC_OK);
	/* decided: no more changes */
	exec_sql(f, "INSERT INTO decision(uid, submission_id, outcome, decided_by, at) VALUES ('d', 2, 'earned', 'x', 'x')");
	assert_int_equal(assign_remove(f->s, "S-2", "ann", NULL, NULL, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "S-2 was decided 'earned'"));
	mc_error_clear(&err);
}

static void blind_for_everyone(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	int on = -1, changed = -1;
	assert_int_equal(assign_blind_all_get(f->s, &on, &err), MC_OK);
	assert_int_equal(on, 0);
	assert_int_equal(assign_blind_all_set(f->s, 1, &changed, &err), MC_OK);
	assert_int_equal(changed, 1);
	assert_int_equal(assign_blind_all_set(f->s, 1, &changed, &err), MC_OK);
	assert_int_equal(changed, 0);
	assert_int_equal(assign_blind_all_get(f->s, &on, &err), MC_OK);
	assert_int_equal(on, 1);
	assert_int_equal(q_int(f, "SELECT count(*) FROM audit WHERE action = 'config'"), 1);
	set_role(f, "coordinator", NULL);
	assert_int_equal(assign_blind_all_set(f->s, 0, &changed, &err), MC_FAIL);
	mc_error_clear(&err);
	assert_int_equal(changed, 0);
}

static void what_a_viewer_sees(void **state)
{
	struct fx *f = *state;
	struct mc_error err = MC_ERROR_INIT;
	struct queue_viewer v;
	struct queue_educator raw = { "E-1", "Ann Lee", "Oak School", "anon-1" }, shown;
	assert_int_equal(queue_viewer_load(f->s, "ann", &v, &err), MC_OK);
	assert_int_equal(queue_educator_view(&v, 1, &raw, &shown), 1);
	assert_string_equal(shown.id, "anon-1");
	assert_string_equal(shown.name, "anon-1");
	assert_null(shown.school);
	assert_null(shown.anon_id);
	assert_int_equal(queue_educator_view(&v, 0, &raw, &shown), 0);
	assert_string_equal(shown.name, "Ann Lee");
	assert_string_equal(shown.school, "Oak School");
	queue_viewer_free(&v);
	assert_int_equal(queue_viewer_load(f->s, identity_user(), &v, &err), MC_OK);
	assert_int_equal(queue_educator_view(&v, 1, &raw, &shown), 0); /* admins see both */
	assert_string_equal(shown.id, "E-1");
	queue_viewer_free(&v);
	/* through the database: a blind assignment hides the educator on every submission of theirs */
	assert_int_equal(assign_set(f->s, "S-1", "ann", "first", 1, NULL, NULL, &err), MC_OK);
	struct queue_educator_seen e;
	assert_int_equal(queue_educator_seen(f->s, "ann", 3, &e, &err), MC_OK); /* S-3: same educator */
	assert_int_equal(e.blind, 1);
	assert_string_equal(e.name, "anon-1");
	assert_null(e.school);
	queue_educator_seen_free(&e);
	assert_int_equal(queue_educator_seen(f->s, "ann", 2, &e, &err), MC_OK); /* S-2: someone else */
	assert_int_equal(e.blind, 0);
	assert_string_equal(e.name, "Bo Chen");
	queue_educator_seen_free(&e);
	assert_int_equal(queue_educator_seen(f->s, "bob", 1, &e, &err), MC_OK);
	assert_int_equal(e.blind, 0);
	assert_string_equal(e.school, "Oak School");
	assert_string_equal(e.anon_id, "anon-1"); /* both: to speak of them as a blind assessor sees them */
	queue_educator_seen_free(&e);
	/* and the admin's queue narrows by the anonymous id too; the blind assessor's only by what it shows */
	struct queue_filter qf = { .status = "all", .narrow = "anon-2" };
	struct queue_row *rows;
	int n;
	unit_act_as(f->s, identity_user());
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].id, "S-2");
	assert_string_equal(rows[0].educator, "Bo Chen");
	queue_rows_free(&rows, n);
	qf.narrow = "Ann Lee";
	unit_act_as(f->s, "ann");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 0);
	qf.narrow = "anon-1";
	unit_act_as(f->s, "ann");
	assert_int_equal(queue_page(f->s, &qf, NULL, 1, 10, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 1); /* S-1; S-3 (the same educator) is not assigned to her (access.h) */
	assert_string_equal(rows[0].id, "S-1");
	queue_rows_free(&rows, n);
}

/* Due dates count business days: Saturday and Sunday are skipped, the time of
 * day is kept. */
static void due_in_business_days(void **state)
{
	(void)state;
	static const struct {
		const char *at;
		int days;
		const char *due;
	} cases[] = {
		{ "2026-12-01T10:00:00Z", 1, "2026-12-02T10:00:00Z" }, /* Tuesday -> Wednesday */
		{ "2026-12-04T16:30:00Z", 1, "2026-12-07T16:30:00Z" }, /* Friday -> Monday */
		{ "2026-12-04T16:30:00Z", 5, "2026-12-11T16:30:00Z" }, /* Friday -> next Friday */
		{ "2026-12-05T08:00:00Z", 1, "2026-12-07T08:00:00Z" }, /* Saturday -> Monday */
		{ "2026-12-06T08:00:00Z", 5, "2026-12-11T08:00:00Z" }, /* Sunday -> Friday */
		{ "2026-12-31T09:00:00Z", 3, "2027-01-05T09:00:00Z" }, /* over the year's end */
		{ "2026-12-01T10:00:00Z", 10, "2026-12-15T10:00:00Z" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		time_t at;
		char due[MC_TIME_LEN];
		assert_int_equal(mc_time_parse(cases[i].at, &at), 0);
		assign_due_after(at, cases[i].days, due);
		assert_string_equal(due, cases[i].due);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(assign_and_move, setup, teardown),
		cmocka_unit_test_setup_teardown(remove_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(who_may_assign, setup, teardown),
		cmocka_unit_test_setup_teardown(blind_for_everyone, setup, teardown),
		cmocka_unit_test_setup_teardown(what_a_viewer_sees, setup, teardown),
		cmocka_unit_test(due_in_business_days),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
