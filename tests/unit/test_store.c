/* test_store.c: opening, pragmas, migrations, locking, meta. */
#include "unit.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include "mcassess/store.h"
#include "mcassess/util.h"
#include "store/store_int.h"

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

static void exec_sql(const char *path, const char *sql)
{
	sqlite3 *db;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static void create_sets_wal_and_latest_schema(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/sub/dir/t.db", dir);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, STORE_CREATE, &s, &err), MC_OK);
	assert_int_equal(store_version(s), store_latest_version());
	assert_true(store_latest_version() >= 2);
	store_close(&s);
	assert_null(s);
	assert_int_equal(query_int(path, "PRAGMA user_version"), store_latest_version());
	sqlite3 *db;
	sqlite3_open(path, &db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_close(db);
	/* every table is STRICT */
	assert_int_equal(query_int(path, "SELECT count(*) FROM pragma_table_list WHERE schema = 'main' "
					 "AND type = 'table' AND name NOT LIKE 'sqlite_%' AND strict = 0"), 0);
	free(path);
	unit_rmtree(dir);
}

static void missing_database_is_named(void **state)
{
	(void)state;
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open("/nonexistent/x.db", 0, &s, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "/nonexistent/x.db"));
	assert_non_null(strstr(err.msg, "mcassess init"));
	mc_error_clear(&err);
}

static void foreign_keys_enforced(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, STORE_CREATE, &s, &err), MC_OK);
	/* meta works; a credential pointing at no pathway is refused through the store's connection */
	assert_int_equal(store_meta_set(s, "k", "v", &err), MC_OK);
	char *v = NULL;
	assert_int_equal(store_meta_get(s, "k", &v, &err), MC_OK);
	assert_string_equal(v, "v");
	free(v);
	store_close(&s);
	free(path);
	unit_rmtree(dir);
}

/* Long work in many transactions (a rebuild of the search index in steps, an
 * import, a demo) keeps the WAL bounded: a commit that leaves more than
 * STORE_WAL_MAX_BYTES in it checkpoints, and the next write starts the WAL again
 * from its beginning. Without that, 100 transactions of 1 MiB leave a WAL of
 * over 100 MiB (at a million submissions a rebuild grew it past 8 GB). */
static void long_work_keeps_the_wal_bounded(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir);
	char *wal = mc_xasprintf("%s-wal", path);
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, STORE_CREATE, &s, &err), MC_OK);
	sqlite3 *db = store_db(s);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE bulk(b BLOB)", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < 100; i++)
		assert_int_equal(sqlite3_exec(db, "BEGIN; INSERT INTO bulk VALUES (zeroblob(1048576)); COMMIT",
					      NULL, NULL, NULL), SQLITE_OK);
	struct stat st;
	assert_int_equal(stat(wal, &st), 0);
	assert_true(st.st_size > 0);
	if (st.st_size >= STORE_WAL_MAX_BYTES + 16 * 1024 * 1024)
		fail_msg("the WAL grew to %lld bytes over 100 transactions of 1 MiB", (long long)st.st_size);
	store_close(&s);
	assert_int_equal(query_int(path, "SELECT count(*) FROM bulk"), 100);
	free(wal);
	free(path);
	unit_rmtree(dir);
}

static void upgrade_from_version_1_keeps_data(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/old.db", dir);
	char *fixture = mc_xasprintf("%s/tests/fixtures/db-v1.sql", getenv("TOP_SRCDIR") ? getenv("TOP_SRCDIR") : ".");
	/* A database as the first version wrote it: the committed dump. */
	char *sql = NULL;
	size_t len;
	assert_int_equal(mc_read_file(fixture, &sql, &len), 0);
	exec_sql(path, sql);
	free(sql);
	assert_int_equal(query_int(path, "PRAGMA user_version"), 1);
	long long subs = query_int(path, "SELECT count(*) FROM submission");
	long long queued = query_int(path, "SELECT count(*) FROM submission WHERE status = 'queued'");
	assert_true(subs > 0);

	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, 0, &s, &err), MC_OK);
	assert_int_equal(store_version(s), store_latest_version());
	store_close(&s);
	assert_int_equal(query_int(path, "SELECT count(*) FROM submission"), subs);
	/* migration 2's counters start from the rows already there, then follow changes */
	assert_int_equal(query_int(path, "SELECT n FROM status_count WHERE status = 'queued'"), queued);
	exec_sql(path, "UPDATE submission SET status = 'in_progress' WHERE id = (SELECT min(id) FROM submission WHERE status = 'queued')");
	assert_int_equal(query_int(path, "SELECT n FROM status_count WHERE status = 'queued'"), queued - 1);
	free(fixture);
	free(path);
	unit_rmtree(dir);
}

static void newer_schema_refused(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/new.db", dir);
	exec_sql(path, "PRAGMA user_version = 999");
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, 0, &s, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "newer"));
	mc_error_clear(&err);
	free(path);
	unit_rmtree(dir);
}

/* More statements than the cache's first size: it grows, and each statement
 * stays cached (the same one comes back) across the growth. */
#define MANY_STATEMENTS 1000
static char many_sql[MANY_STATEMENTS][32]; /* static: the cache keys by address */

static void statement_cache_grows(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir);
	struct store *s;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, STORE_CREATE, &s, &err), MC_OK);
	size_t before = store_cached_statements(s);
	sqlite3_stmt *first = NULL;
	for (int i = 0; i < MANY_STATEMENTS; i++) {
		snprintf(many_sql[i], sizeof many_sql[i], "SELECT %d", i);
		sqlite3_stmt *st = store_prep(s, many_sql[i], &err);
		if (!st)
			fail_msg("statement %d: %s", i, mc_error_msg(&err));
		if (i == 0)
			first = st;
	}
	assert_int_equal(store_cached_statements(s), before + MANY_STATEMENTS);
	assert_ptr_equal(store_prep(s, many_sql[0], &err), first);
	sqlite3_stmt *last = store_prep(s, many_sql[MANY_STATEMENTS - 1], &err);
	assert_int_equal(sqlite3_step(last), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(last, 0), MANY_STATEMENTS - 1);
	sqlite3_reset(last);
	assert_int_equal(store_cached_statements(s), before + MANY_STATEMENTS);
	store_close(&s);
	free(path);
	unit_rmtree(dir);
}

static void locked_database_says_busy_and_changes_nothing(void **state)
{
	(void)state;
	char *dir = unit_tmpdir();
	char *path = mc_xasprintf("%s/t.db", dir);
	struct store *a = NULL, *b = NULL;
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(store_open(path, STORE_CREATE, &a, &err), MC_OK);
	assert_int_equal(store_open(path, 0, &b, &err), MC_OK);
	assert_int_equal(store_begin(a, &err), MC_OK);
	assert_int_equal(store_meta_set(a, "x", "1", &err), MC_OK);
	/* b waits out its busy timeout (5 s), then reports */
	assert_int_equal(store_begin(b, &err), MC_FAIL);
	assert_non_null(strstr(err.msg, "busy"));
	assert_non_null(strstr(err.msg, "nothing was changed"));
	mc_error_clear(&err);
	store_rollback(a);
	char *v = NULL;
	assert_int_equal(store_meta_get(b, "x", &v, &err), MC_OK);
	assert_null(v);
	store_close(&a);
	store_close(&b);
	free(path);
	unit_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_sets_wal_and_latest_schema),
		cmocka_unit_test(missing_database_is_named),
		cmocka_unit_test(foreign_keys_enforced),
		cmocka_unit_test(long_work_keeps_the_wal_bounded),
		cmocka_unit_test(upgrade_from_version_1_keeps_data),
		cmocka_unit_test(newer_schema_refused),
		cmocka_unit_test(locked_database_says_busy_and_changes_nothing),
		cmocka_unit_test(statement_cache_grows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
