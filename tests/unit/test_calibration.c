/* test_calibration.c: calibration sets (calibration.h): the qualification rule
 * at its boundary (exactly the threshold qualifies), an unfinished set never
 * qualifies, blindness of the agreed levels, refusals that change nothing,
 * and assign --auto giving a credential with a set only to the qualified (and
 * nothing at all when nobody is). One credential C of five criteria with three
 * levels, so 80% is 4 of 5. */
#include "unit.h"

#include <math.h>
#include <sqlite3.h>

#include "mcassess/assign.h"
#include "mcassess/calibration.h"
#include "mcassess/identity.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

static const char FIXTURE[] =
	"INSERT INTO pathway(code, title) VALUES ('P', 'P');"
	"INSERT INTO credential(code, pathway_id, title, current_version) VALUES ('C', 1, 'C', 1), ('D', 1, 'D', 1);"
	"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule, source_sha256,"
	" loaded_at, loaded_by) VALUES (1, 1, 'C', 'c', 'k', 'all_criteria_pass', 'x', 'x', 'x'),"
	" (2, 1, 'D', 'd', 'k', 'all_criteria_pass', 'y', 'x', 'x');"
	"INSERT INTO part(rubric_id, seq, code, title, kind, prompt) VALUES (1, 1, 'overview', 'O', 'overview', 'p'),"
	" (2, 1, 'overview', 'O', 'overview', 'p');"
	"INSERT INTO criterion(rubric_id, part_id, seq, code, text) VALUES (1, 1, 1, 'K1', 't'), (1, 1, 2, 'K2', 't'),"
	" (1, 1, 3, 'K3', 't'), (1, 1, 4, 'K4', 't'), (1, 1, 5, 'K5', 't'), (2, 2, 1, 'K1', 't');"
	"INSERT INTO level(criterion_id, seq, code, label, descriptor, passes) SELECT c.id, l.seq, l.code, l.code,"
	" 'd', l.seq = 3 FROM criterion c, (SELECT 1 AS seq, 'low' AS code UNION ALL SELECT 2, 'mid'"
	" UNION ALL SELECT 3, 'high') l;"
	"INSERT INTO district(name) VALUES ('North');"
	"INSERT INTO educator(ext_id, name, district_id, anon_id) VALUES ('E-1', 'Ann Lee', 1, 'anon-1'),"
	" ('E-2', 'Bo Chen', 1, 'anon-2');"
	"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, status, submitted_at, imported_at,"
	" source_sha256, updated_at) VALUES ('S-1', 1, 1, 1, 'earned', 'x', 'x', 'a', 'x'),"
	" ('S-2', 2, 1, 1, 'queued', 'y', 'x', 'b', 'x'), ('S-3', 2, 2, 2, 'queued', 'z', 'x', 'c', 'x');"
	"INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, read, at)"
	" SELECT 'u' || c.id, 1, c.id, (SELECT id FROM level WHERE criterion_id = c.id AND seq = 3), 'x', 'first', 'x'"
	" FROM criterion c WHERE c.rubric_id = 1;"
	"INSERT INTO decision(uid, submission_id, outcome, decided_by, at) VALUES ('d1', 1, 'earned', 'x', 'x');";

static int setup(void **state)
{
	struct unit_db *d = unit_db_new(FIXTURE);
	char *people = mc_xasprintf("INSERT INTO person(user, role, created_at) VALUES ('%s', 'admin', 'x'),"
				    " ('ann', 'assessor', 'x'), ('bob', 'assessor', 'x');", identity_user());
	unit_exec(d->path, people);
	free(people);
	unit_reload(d->s);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(calib_add(d->s, "S-1", NULL, 0, NULL, &err), MC_OK);
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	struct unit_db *d = *state;
	unit_db_free(&d);
	return 0;
}

/* `user` scores S-1: the first `agree` criteria as agreed (3), the rest at 2;
 * then decides it unless `finish` is 0. */
static void calibrate(struct store *s, const char *user, int agree, int finish)
{
	struct mc_error err = MC_ERROR_INIT;
	unit_act_as(s, user);
	for (int i = 1; i <= 5; i++) {
		char crit[4];
		snprintf(crit, sizeof crit, "K%d", i);
		assert_int_equal(calib_score(s, "S-1", crit, i <= agree ? "3" : "2", &err), MC_OK);
	}
	if (finish)
		assert_int_equal(calib_decide(s, "S-1", agree == 5 ? "earned" : "resubmit", &err), MC_OK);
	unit_act_as(s, identity_user());
}

static int qualified(struct store *s, const char *credential, const char *user, int *has_set)
{
	char **users = NULL;
	int n = 0, yes = 0;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(calib_qualified(s, credential, has_set, &users, &n, &err), MC_OK);
	for (int i = 0; i < n; i++)
		yes |= strcmp(users[i], user) == 0;
	calib_users_free(&users, n);
	return yes;
}

static void test_threshold_boundary(void **state)
{
	struct unit_db *d = *state;
	int has_set = 0, changed = 0;
	struct mc_error err = MC_ERROR_INIT;
	calibrate(d->s, "ann", 4, 1); /* 4 of 5: exactly 80% */
	calibrate(d->s, "bob", 3, 1); /* 60% */
	assert_true(qualified(d->s, "C", "ann", &has_set));
	assert_int_equal(has_set, 1);
	assert_false(qualified(d->s, "C", "bob", &has_set));
	struct calib_result *r = NULL;
	int n = 0, threshold = 0;
	assert_int_equal(calib_results(d->s, "ann", NULL, &r, &n, &threshold, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_int_equal(threshold, 80);
	assert_int_equal(r[0].g.n, 5);
	assert_true(fabs(r[0].g.exact.value - 0.8) < 1e-12);
	assert_int_equal(r[0].outcomes_agreed, 0); /* resubmit against the agreed earned */
	calib_results_free(&r, n);
	assert_int_equal(calib_threshold_set(d->s, 81, &changed, &err), MC_OK);
	assert_int_equal(changed, 1);
	assert_false(qualified(d->s, "C", "ann", &has_set));
	assert_int_equal(calib_threshold_set(d->s, 101, &changed, &err), MC_USAGE);
	mc_error_clear(&err);
}

static void test_unfinished_and_blind(void **state)
{
	struct unit_db *d = *state;
	int has_set = 0;
	struct mc_error err = MC_ERROR_INIT;
	calibrate(d->s, "ann", 5, 0); /* all as agreed, not decided */
	assert_false(qualified(d->s, "C", "ann", &has_set));
	struct store_calib_row *rows = NULL;
	int n = 0;
	unit_act_as(d->s, "ann");
	assert_int_equal(calib_list(d->s, NULL, &rows, &n, &err), MC_OK);
	assert_int_equal(n, 1);
	assert_null(rows[0].agreed); /* blind until finished */
	assert_null(rows[0].outcome);
	assert_string_equal(rows[0].mine, "started");
	store_calib_rows_free(&rows, n);
	assert_int_equal(calib_decide(d->s, "S-1", "earned", &err), MC_OK);
	assert_int_equal(calib_list(d->s, NULL, &rows, &n, &err), MC_OK);
	assert_string_equal(rows[0].agreed, "K1=3 K2=3 K3=3 K4=3 K5=3");
	assert_string_equal(rows[0].mine, "done");
	store_calib_rows_free(&rows, n);
	unit_act_as(d->s, identity_user());
	assert_true(qualified(d->s, "C", "ann", &has_set));
}

static void test_refusals_change_nothing(void **state)
{
	struct unit_db *d = *state;
	struct mc_error err = MC_ERROR_INIT;
	long long before = -1;
	calibrate(d->s, "ann", 5, 1);
	unit_act_as(d->s, "ann");
	sqlite3 *db;
	assert_int_equal(sqlite3_open(d->path, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM audit", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	before = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	assert_int_equal(calib_add(d->s, "S-2", NULL, 0, NULL, &err), MC_FAIL); /* an assessor */
	mc_error_clear(&err);
	assert_int_equal(calib_score(d->s, "S-1", "K1", "1", &err), MC_FAIL); /* finished */
	assert_non_null(strstr(mc_error_msg(&err), "you have finished your calibration read of S-1"));
	mc_error_clear(&err);
	assert_int_equal(calib_decide(d->s, "S-1", "maybe", &err), MC_USAGE);
	mc_error_clear(&err);
	assert_int_equal(calib_score(d->s, "S-2", "K1", "1", &err), MC_FAIL); /* no exemplar */
	mc_error_clear(&err);
	unit_act_as(d->s, identity_user());
	assert_int_equal(calib_add(d->s, "S-2", NULL, 0, NULL, &err), MC_FAIL); /* undecided */
	mc_error_clear(&err);
	const char *lv[] = { "K1=9" };
	assert_int_equal(calib_add(d->s, "S-1", lv, 1, NULL, &err), MC_FAIL); /* already one */
	mc_error_clear(&err);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int64(st, 0), before);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static long long holder_is(struct unit_db *d, const char *id, const char *user)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_open(d->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM assignment a JOIN submission s ON s.id ="
					    " a.submission_id WHERE s.ext_id = ?1 AND (?2 IS NULL OR a.assessor = ?2)",
					    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, user, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* bob qualified, ann not: S-2 (C) goes to bob although ann wins a tie; S-3
 * (D, no set) goes to anyone, ann by the tie. */
static void test_auto_only_qualified(void **state)
{
	struct unit_db *d = *state;
	struct mc_error err = MC_ERROR_INIT;
	long given = 0, unplaced = 0;
	int has_set = 1;
	calibrate(d->s, "ann", 2, 1);
	calibrate(d->s, "bob", 5, 1);
	assert_false(qualified(d->s, "D", "ann", &has_set));
	assert_int_equal(has_set, 0);
	assert_int_equal(assign_auto(d->s, NULL, NULL, 0, NULL, NULL, &given, &unplaced, &err), MC_OK);
	assert_int_equal(given, 2);
	assert_int_equal(holder_is(d, "S-2", "bob"), 1);
	assert_int_equal(holder_is(d, "S-3", "ann"), 1);
}

static void test_auto_nobody_qualified(void **state)
{
	struct unit_db *d = *state;
	struct mc_error err = MC_ERROR_INIT;
	long given = 0, unplaced = 0;
	calibrate(d->s, "ann", 2, 1);
	calibrate(d->s, "bob", 3, 0);
	assert_int_equal(assign_auto(d->s, NULL, NULL, 0, NULL, NULL, &given, &unplaced, &err), MC_FAIL);
	assert_non_null(strstr(mc_error_msg(&err), "nobody is qualified to assess C"));
	mc_error_clear(&err);
	assert_int_equal(holder_is(d, "S-2", NULL), 0);
	assert_int_equal(holder_is(d, "S-3", NULL), 0); /* nothing at all, D's either */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_threshold_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unfinished_and_blind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_change_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_only_qualified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_nobody_qualified, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
