/* test_audit.c: the hash chain detects edited, deleted and truncated rows. */
#include "unit.h"

#include <sqlite3.h>

#include "mcassess/audit.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

struct collect {
	int n;
	char last[512];
};

static void collect(void *ctx, const char *p)
{
	struct collect *c = ctx;
	c->n++;
	snprintf(c->last, sizeof c->last, "%s", p);
}

static char *make_log(char **dirp, int rows)
{
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/a.db", dir);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(path, STORE_CREATE, &s, &err), MC_OK);
	for (int i = 0; i < rows; i++) {
		char subj[32], after[64];
		snprintf(subj, sizeof subj, "submission:S%d", i);
		snprintf(after, sizeof after, "{\"level\":\"demonstrated\",\"n\":%d}", i);
		assert_int_equal(store_begin(s, &err), MC_OK);
		assert_int_equal(audit_append(s, "score", subj, NULL, after, &err), MC_OK);
		assert_int_equal(store_commit(s, &err), MC_OK);
	}
	unit_close(&s);
	*dirp = dir;
	return path;
}

static int verify(const char *path, struct collect *c)
{
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	long problems = 0;
	assert_int_equal(unit_open(path, 0, &s, &err), MC_OK);
	assert_int_equal(audit_verify(s, collect, c, &problems, &err), MC_OK);
	unit_close(&s);
	assert_int_equal(problems, c->n);
	return (int)problems;
}

static void tamper(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	sqlite3_open(path, &db);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void intact_chain_verifies(void **state)
{
	(void)state;
	char *dir;
	char *path = make_log(&dir, 5);
	struct collect c = { 0 };
	assert_int_equal(verify(path, &c), 0);
	free(path);
	unit_rmtree(dir);
}

static void log_refuses_update_and_delete(void **state)
{
	(void)state;
	char *dir;
	char *path = make_log(&dir, 2);
	sqlite3 *db;
	sqlite3_open(path, &db);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE audit SET actor = 'x'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
	unit_rmtree(dir);
}

static void edited_row_detected(void **state)
{
	(void)state;
	char *dir;
	char *path = make_log(&dir, 5);
	tamper(path, "DROP TRIGGER audit_no_update; UPDATE audit SET after = '{\"level\":\"not_met\"}' WHERE seq = 3");
	struct collect c = { 0 };
	assert_int_equal(verify(path, &c), 1);
	assert_non_null(strstr(c.last, "row 3"));
	assert_non_null(strstr(c.last, "edited"));
	free(path);
	unit_rmtree(dir);
}

static void deleted_middle_row_detected(void **state)
{
	(void)state;
	char *dir;
	char *path = make_log(&dir, 5);
	tamper(path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2");
	struct collect c = { 0 };
	assert_true(verify(path, &c) >= 1);
	free(path);
	unit_rmtree(dir);
}

static void deleted_newest_row_detected(void **state)
{
	(void)state;
	char *dir;
	char *path = make_log(&dir, 4);
	tamper(path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4");
	struct collect c = { 0 };
	assert_int_equal(verify(path, &c), 1);
	assert_non_null(strstr(c.last, "deleted"));
	free(path);
	unit_rmtree(dir);
}

static void rehashed_row_still_breaks_chain(void **state)
{
	(void)state;
	/* Someone edits row 2 and recomputes its hash: row 3's prev_hash no longer matches. */
	char *dir;
	char *path = make_log(&dir, 4);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(unit_open(path, 0, &s, &err), MC_OK);
	unit_close(&s);
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "SELECT seq, uid, at, actor, action, subject, before, after, prev_hash FROM audit WHERE seq = 2", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	struct audit_row r = {
		.seq = 2, .uid = (const char *)sqlite3_column_text(st, 1), .at = (const char *)sqlite3_column_text(st, 2),
		.actor = "mallory", .action = (const char *)sqlite3_column_text(st, 4),
		.subject = (const char *)sqlite3_column_text(st, 5), .before = NULL,
		.after = (const char *)sqlite3_column_text(st, 7), .prev_hash = (const char *)sqlite3_column_text(st, 8),
	};
	char h[MC_SHA256_HEX];
	audit_row_hash(&r, h);
	sqlite3_finalize(st);
	char *sql = mc_xasprintf("DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory', hash = '%s' WHERE seq = 2", h);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	sqlite3_close(db);
	struct collect c = { 0 };
	assert_int_equal(verify(path, &c), 1);
	assert_non_null(strstr(c.last, "row 3"));
	free(path);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(intact_chain_verifies),
		cmocka_unit_test(log_refuses_update_and_delete),
		cmocka_unit_test(edited_row_detected),
		cmocka_unit_test(deleted_middle_row_detected),
		cmocka_unit_test(deleted_newest_row_detected),
		cmocka_unit_test(rehashed_row_still_breaks_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
