/* test_suggest.c: edit distances and the nearest name ("did you mean"). */
#include "unit.h"

#include "mcassess/suggest.h"

static void distances(void **state)
{
	(void)state;
	assert_int_equal(suggest_distance("queue", "queue"), 0);
	assert_int_equal(suggest_distance("qeueu", "queue"), 2);  /* two swaps */
	assert_int_equal(suggest_distance("--limt", "--limit"), 1);
	assert_int_equal(suggest_distance("shwo", "show"), 1);    /* a swap is one edit */
	assert_int_equal(suggest_distance("WP-231", "wp-231"), 0); /* case is no edit */
	assert_int_equal(suggest_distance("", "abc"), 3);
	assert_int_equal(suggest_distance("abc", ""), 3);
	assert_int_equal(suggest_distance("kitten", "sitting"), 3);
}

static void nearest(void **state)
{
	(void)state;
	const char *const cmds[] = { "import", "queue", "show", "score", "search", "check" };
	size_t n = sizeof cmds / sizeof *cmds;
	assert_string_equal(suggest_nearest("qeueu", cmds, n), "queue");
	assert_string_equal(suggest_nearest("imprt", cmds, n), "import");
	assert_string_equal(suggest_nearest("chekc", cmds, n), "check");
	assert_null(suggest_nearest("frobnicate", cmds, n));
	assert_null(suggest_nearest("xy", cmds, n));
	assert_null(suggest_nearest("x", cmds, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(distances),
		cmocka_unit_test(nearest),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
