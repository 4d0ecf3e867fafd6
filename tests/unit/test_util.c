/* test_util.c: buffers, time parsing, ids, paths. */
#include "unit.h"

#include "mcassess/error.h"
#include "mcassess/hash.h"
#include "mcassess/util.h"

static void buf_grows_and_stays_terminated(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT;
	assert_string_equal(mc_buf_str(&b), "");
	for (int i = 0; i < 1000; i++)
		mc_buf_printf(&b, "%d,", i % 10);
	assert_int_equal(b.len, 2000);
	assert_int_equal(b.data[b.len], '\0');
	assert_memory_equal(b.data, "0,1,2,", 6);
	char *s = mc_buf_steal(&b);
	assert_null(b.data);
	free(s);
}

/* One at a time, 10,000 elements: the room doubles, so it moves 11 times (16 to 16,384), not
 * 10,000 (a sanitizer's realloc copies the whole array at every move). */
static void array_room_doubles(void **state)
{
	(void)state;
	int *v = NULL;
	size_t cap = 0, moves = 0, last = 0;
	for (int i = 0; i < 10000; i++) {
		v = mc_xgrow(v, &cap, (size_t)i + 1, sizeof *v);
		assert_true(cap >= (size_t)i + 1);
		if (cap != last)
			moves++, last = cap;
		v[i] = i;
	}
	assert_true(moves <= 12);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(v[i], i);
	assert_ptr_equal(mc_xgrow(v, &cap, 5, sizeof *v), v); /* room enough: as it was */
	free(v);
}

static void time_parse_accepts_iso_forms(void **state)
{
	(void)state;
	time_t t;
	char out[MC_TIME_LEN];
	assert_int_equal(mc_time_parse("2026-11-22T10:48:00Z", &t), 0);
	mc_time_format(t, out);
	assert_string_equal(out, "2026-11-22T10:48:00Z");
	assert_int_equal(mc_time_parse("2026-11-22T12:48:00+02:00", &t), 0);
	mc_time_format(t, out);
	assert_string_equal(out, "2026-11-22T10:48:00Z");
	assert_int_equal(mc_time_parse("2024-02-29", &t), 0);
	mc_time_format(t, out);
	assert_string_equal(out, "2024-02-29T00:00:00Z");
	assert_int_equal(mc_time_parse("2026-11-22 10:48:00", &t), 0);
	assert_int_equal(mc_time_parse("2026-11-22T10:48:00.250Z", &t), 0);
}

static void time_parse_rejects_bad_dates(void **state)
{
	(void)state;
	time_t t;
	const char *bad[] = { "", "yesterday", "2026-13-01", "2025-02-29", "2026-11-31",
			      "2026-11-22T24:00:00Z", "2026-11-22T10:61:00Z", "2026-11-22T10:48Z",
			      "2026-11-22T10:48:00+2", "2026/11/22", "2026-11-22T10:48:00Zjunk" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		if (mc_time_parse(bad[i], &t) == 0)
			fail_msg("accepted '%s'", bad[i]);
	}
}

static void uuids_are_v7_unique_and_ordered(void **state)
{
	(void)state;
	char a[MC_UUID_LEN], b[MC_UUID_LEN];
	assert_int_equal(mc_uuid(a, NULL), MC_OK);
	usleep(2000);
	assert_int_equal(mc_uuid(b, NULL), MC_OK);
	assert_int_equal(strlen(a), 36);
	assert_int_equal(a[14], '7');
	assert_true(strchr("89ab", a[19]) != NULL);
	assert_string_not_equal(a, b);
	assert_true(strcmp(a, b) < 0);
}

/* Without random bytes there is no id: an error, never a guessable one. */
static void uuid_without_randomness_is_an_error(void **state)
{
	(void)state;
	char a[MC_UUID_LEN];
	struct mc_error err = MC_ERROR_INIT;
	int (*saved)(void *, size_t) = mc_random_source;
	mc_random_source = unit_no_random;
	assert_int_equal(mc_uuid(a, &err), MC_FAIL);
	mc_random_source = saved;
	assert_string_equal(a, "");
	assert_non_null(strstr(mc_error_msg(&err), "cannot make a unique id: the system gives no random bytes"));
	mc_error_clear(&err);
}

static void sha256_known_vectors(void **state)
{
	(void)state;
	char h[MC_SHA256_HEX];
	mc_sha256_hex("", 0, h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	mc_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void errors_carry_location_and_status(void **state)
{
	(void)state;
	struct mc_error e = MC_ERROR_INIT;
	assert_int_equal(mc_error_at(&e, MC_INVALID, "a.csv", 4, 7, "column '%s': bad", "part"), MC_INVALID);
	assert_string_equal(e.msg, "a.csv:4:7: column 'part': bad");
	mc_error_prefix(&e, "import");
	assert_string_equal(e.msg, "import: a.csv:4:7: column 'part': bad");
	mc_error_at(&e, MC_FAIL, "b.json", 2, 0, "x");
	assert_string_equal(e.msg, "b.json:2: x");
	assert_int_equal(e.status, MC_FAIL);
	mc_error_clear(&e);
	assert_null(e.msg);
}

static void default_db_path_follows_env(void **state)
{
	(void)state;
	setenv("MCASSESS_DB", "/x/y.db", 1);
	char *p = mc_default_db_path();
	assert_string_equal(p, "/x/y.db");
	free(p);
	unsetenv("MCASSESS_DB");
	setenv("XDG_DATA_HOME", "/data", 1);
	p = mc_default_db_path();
	assert_string_equal(p, "/data/mcassess/mcassess.db");
	free(p);
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/a", 1);
	p = mc_default_db_path();
	assert_string_equal(p, "/home/a/.local/share/mcassess/mcassess.db");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stays_terminated),
		cmocka_unit_test(array_room_doubles),
		cmocka_unit_test(uuid_without_randomness_is_an_error),
		cmocka_unit_test(time_parse_accepts_iso_forms),
		cmocka_unit_test(time_parse_rejects_bad_dates),
		cmocka_unit_test(uuids_are_v7_unique_and_ordered),
		cmocka_unit_test(sha256_known_vectors),
		cmocka_unit_test(errors_carry_location_and_status),
		cmocka_unit_test(default_db_path_follows_env),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
