/* test_audit.c: the hash chain detects edited, deleted and truncated rows. */
#include "unit.h"

#include <jansson.h>
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

/* The chain's sum (audit_sum) over the rows read by subject, as check reads
 * them (not in seq order): whether it holds. */
static int sum_holds(struct store *s)
{
	struct mc_error err = MC_ERROR_INIT;
	struct audit_sum sum;
	struct store_audit_cursor *cur = NULL;
	assert_int_equal(store_begin_read(s, &err), MC_OK);
	assert_int_equal(audit_sum_start(s, &sum, &err), MC_OK);
	assert_int_equal(store_audit_cursor_open(s, "", NULL, &cur, &err), MC_OK);
	const struct audit_row *r;
	while ((r = store_audit_cursor_row(cur))) {
		audit_sum_row(&sum, r);
		assert_int_equal(store_audit_cursor_next(cur, &err), MC_OK);
	}
	store_audit_cursor_close(&cur);
	store_end_read(s);
	return audit_sum_holds(&sum);
}

/* The chain's problems; the sum holds exactly when there are none. */
static int verify(const char *path, struct collect *c)
{
	struct store *s = NULL;
	struct mc_error err = MC_ERROR_INIT;
	long problems = 0;
	assert_int_equal(unit_open(path, 0, &s, &err), MC_OK);
	assert_int_equal(audit_verify(s, collect, c, &problems, &err), MC_OK);
	int holds = sum_holds(s);
	unit_close(&s);
	assert_int_equal(problems, c->n);
	assert_int_equal(holds, problems == 0);
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

/* Rows written by hand with their own hashes right (as one who knows how the
 * chain is made could), seq order 1 to 4 but linked 1, 3, 2, 4: each row's
 * prev_hash is some row's hash, so only the seqs tell that the links are wrong. */
static void links_out_of_seq_order(void **state)
{
	(void)state;
	char *dir;
	char *path = make_log(&dir, 0);
	char h[5][MC_SHA256_HEX] = { "" };
	const int follows[5] = { 0, 0, 3, 1, 2 }; /* row k's prev_hash: row follows[k]'s hash */
	const int order[4] = { 1, 3, 2, 4 };      /* written in the order of the links */
	sqlite3 *db;
	sqlite3_open(path, &db);
	for (int i = 0; i < 4; i++) {
		int k = order[i];
		char subj[32], uid[32];
		snprintf(subj, sizeof subj, "submission:S%d", k);
		snprintf(uid, sizeof uid, "uid-%d", k);
		struct audit_row r = { .seq = k, .uid = uid, .at = "2026-01-01T00:00:00Z", .actor = "ann",
				       .action = "score", .subject = subj, .after = "{}", .prev_hash = h[follows[k]] };
		audit_row_hash(&r, h[k]);
		char *sql = mc_xasprintf("INSERT INTO audit(seq, uid, at, actor, action, subject, before, after, "
					 "prev_hash, hash) VALUES (%d, '%s', '%s', 'ann', 'score', '%s', NULL, '{}', '%s', '%s')",
					 k, uid, r.at, subj, h[follows[k]], h[k]);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		free(sql);
	}
	char *sql = mc_xasprintf("INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head_seq', '4'), "
				 "('audit_head_hash', '%s')", h[4]);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	free(sql);
	sqlite3_close(db);
	struct collect c = { 0 };
	assert_true(verify(path, &c) >= 1); /* and the sum does not hold */
	free(path);
	unit_rmtree(dir);
}

/* A row of another database's log (its own hash right) in place of one of this log's. */
static void row_of_another_log(void **state)
{
	(void)state;
	char *dir, *dir2;
	char *path = make_log(&dir, 12), *other = make_log(&dir2, 12);
	char *sql = mc_xasprintf("ATTACH '%s' AS o; DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 7;"
				 " INSERT INTO audit SELECT * FROM o.audit WHERE seq = 7", other);
	tamper(path, sql);
	free(sql);
	struct collect c = { 0 };
	assert_true(verify(path, &c) >= 1);
	free(path);
	free(other);
	unit_rmtree(dir);
	unit_rmtree(dir2);
}

/* An empty log and a long one (rows read by subject far from seq order). */
static void sum_holds_on_whole_chains(void **state)
{
	(void)state;
	for (int rows = 0; rows <= 30; rows += 30) {
		char *dir;
		char *path = make_log(&dir, rows);
		struct collect c = { 0 };
		assert_int_equal(verify(path, &c), 0);
		free(path);
		unit_rmtree(dir);
	}
}

/* A row's JSON read as jansson reads it, whatever the text; what mcassess writes
 * read in place, without jansson. */
static void row_json_read_as_jansson_reads_it(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int plain; /* read in place */
	} cases[] = {
		{ "{\"assessor\":\"lsimmons\",\"criterion\":\"O1\",\"level\":\"demonstrated\",\"read\":\"first\"}", 1 },
		{ "{\"district\":null,\"role\":\"admin\"}", 1 },
		{ " {\t\"level\" :\r\n\"x\" , \"b\":true,\"c\":false} \n", 1 },
		{ "{}", 1 },
		{ "{\"level\":\"\"}", 1 },
		{ "{\"level\":\"a\",\"level\":\"b\"}", 0 },       /* a key twice */
		{ "{\"level\":\"a\\nb\",\"read\":\"second\"}", 1 }, /* an escape (a feedback's line breaks) */
		{ "{\"level\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\",\"read\":\"x\\\"\"}", 1 }, /* every one but \\u */
		{ "{\"le\\/vel\":\"a\",\"le/vel\":\"b\"}", 0 }, /* a key twice once decoded */
		{ "{\"level\":\"\\u0041\"}", 0 },
		{ "{\"level\":\"a\\nb\\u0041\",\"read\":\"c\"}", 0 }, /* \\u after an escape decoded */
		{ "{\"level\":\"\\u0000\"}", 0 },
		{ "{\"level\":\"\\x\"}", 0 },                      /* not an escape */
		{ "{\"level\":\"a\\\"}", 0 },                      /* an escape at the end */
		{ "{\"level\":\"Tom\xc3\xa1s\",\"read\":\"\xe2\x82\xac \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"}", 1 }, /* UTF-8 */
		{ "{\"level\":\"\xc3\"}", 0 },                       /* not UTF-8 */
		{ "{\"level\":\"\xc3x\"}", 0 },
		{ "{\"level\":\"\xc0\xaf\"}", 0 },                   /* overlong */
		{ "{\"level\":\"\xe0\x80\xaf\"}", 0 },
		{ "{\"level\":\"\xf0\x80\x80\xaf\"}", 0 },
		{ "{\"level\":\"\xed\xa0\x80\"}", 0 },               /* a surrogate */
		{ "{\"level\":\"\xf4\x90\x80\x80\"}", 0 },           /* past U+10FFFF */
		{ "{\"level\":\"\xf5\x80\x80\x80\"}", 0 },
		{ "{\"level\":\"\x80\"}", 0 },
		{ "{\"level\":\"\xe2\x82\"}", 0 },                    /* cut short */
		{ "{\"level\":\"a\tb\"}", 0 },                       /* a control character */
		{ "{\"level\":\"a\x7f\"}", 0 },
		{ "{\"n\":1,\"level\":\"x\"}", 0 },
		{ "{\"level\":{\"a\":\"b\"},\"read\":\"x\"}", 0 },
		{ "{\"level\":[\"a\"]}", 0 },
		{ "{\"level\":\"x\"}x", 0 },
		{ "{\"level\":\"x\",}", 0 },
		{ "{\"level\" \"x\"}", 0 },
		{ "{\"level\":nul}", 0 },
		{ "{\"level\":nullx}", 0 },
		{ "{\"level\":\"x\"", 0 },
		{ "{\"level\":\"x", 0 },
		{ "{\"level", 0 },
		{ "{", 0 },
		{ "", 0 },
		{ "null", 0 },
		{ "[1]", 0 },
		{ "\"level\"", 0 },
		{ "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\",\"d\":\"4\",\"e\":\"5\",\"f\":\"6\",\"g\":\"7\",\"h\":\"8\","
		  "\"i\":\"9\",\"j\":\"10\",\"k\":\"11\",\"l\":\"12\",\"m\":\"13\",\"n\":\"14\",\"o\":\"15\",\"p\":\"16\",\"level\":\"17\"}", 0 },
	};
	static const char *const keys[] = { "level", "read", "role", "district", "b", "a", "p", "x", "",
					    "le/vel" };
	struct audit_json a = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		json_t *j = json_loads(cases[i].text, 0, NULL);
		int object = audit_json_load(&a, cases[i].text);
		if (object != json_is_object(j))
			fail_msg("%s: an object %d, jansson %d", cases[i].text, object, json_is_object(j));
		if (object && (a.j == NULL) != cases[i].plain)
			fail_msg("%s: read in place %d, expected %d", cases[i].text, a.j == NULL, cases[i].plain);
		for (size_t k = 0; object && k < sizeof keys / sizeof *keys; k++) {
			int present = -1;
			const char *v = audit_json_get(&a, keys[k], &present), *want = json_string_value(json_object_get(j, keys[k]));
			if (present != (json_object_get(j, keys[k]) != NULL) || (v == NULL) != (want == NULL) ||
			    (v && strcmp(v, want) != 0))
				fail_msg("%s: member %s: %s (present %d), jansson %s", cases[i].text, keys[k], v ? v : "none",
					 present, want ? want : "none");
		}
		json_decref(j);
	}
	audit_json_free(&a);
}

/* A hash's digits as the chain's sum reads them: 64 lowercase hex digits and
 * nothing else; what the table reads is what a digit's value says. */
static void hash_read_as_limbs(void **state)
{
	(void)state;
	uint32_t x[8];
	assert_true(audit_hash_limbs("0123456789abcdef" "fedcba9876543210" "00000000ffffffff" "1000000000000001", x));
	static const uint32_t want[8] = { 0x00000001, 0x10000000, 0xffffffff, 0x00000000,
					  0x76543210, 0xfedcba98, 0x89abcdef, 0x01234567 };
	for (int i = 0; i < 8; i++)
		assert_int_equal(x[i], want[i]);
	char h[66];
	memset(h, 'f', 64);
	h[64] = '\0';
	assert_true(audit_hash_limbs(h, x));
	for (int i = 0; i < 8; i++)
		assert_int_equal(x[i], 0xffffffffu);
	static const char *const bad[] = {
		"", "0", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef", /* upper case */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde",   /* 63 */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0", /* 65 */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
		"g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
		"0123456789abcdef0123456789abcdef 123456789abcdef0123456789abcdef",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		if (audit_hash_limbs(bad[i], x))
			fail_msg("'%s' read as a hash", bad[i]);
	assert_false(audit_hash_limbs(NULL, x));
	for (int c = 1; c < 256; c++) { /* every byte but the digits refused, wherever it is */
		memset(h, '0', 64);
		h[17] = (char)c;
		int digit = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
		if (audit_hash_limbs(h, x) != digit)
			fail_msg("byte %d: read %d", c, !digit);
	}
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
		cmocka_unit_test(links_out_of_seq_order),
		cmocka_unit_test(row_of_another_log),
		cmocka_unit_test(sum_holds_on_whole_chains),
		cmocka_unit_test(row_json_read_as_jansson_reads_it),
		cmocka_unit_test(hash_read_as_limbs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
