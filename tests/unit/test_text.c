/* test_text.c: UTF-8 validation, positions, word counts, widths. */
#include "unit.h"

#include "mcassess/text.h"

static void valid_utf8_accepted(void **state)
{
	(void)state;
	const char *ok[] = { "", "plain ascii", "café naïve", "学生的反馈很重要", "emoji 🙂 ok" };
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++)
		assert_true(text_utf8_valid(ok[i], strlen(ok[i]), NULL));
}

static void invalid_utf8_rejected_with_offset(void **state)
{
	(void)state;
	struct { const char *s; size_t len, off; } bad[] = {
		{ "ab\xff", 3, 2 },            /* not a lead byte */
		{ "a\xc3", 2, 1 },             /* truncated */
		{ "\xc0\xaf", 2, 0 },          /* overlong '/' */
		{ "x\xe0\x80\xaf", 4, 1 },     /* overlong 3-byte */
		{ "\xed\xa0\x80", 3, 0 },      /* surrogate */
		{ "ok\xf4\x90\x80\x80", 6, 2 },/* above U+10FFFF */
		{ "a\0b", 3, 1 },              /* NUL */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		size_t off = 99;
		assert_false(text_utf8_valid(bad[i].s, bad[i].len, &off));
		assert_int_equal(off, bad[i].off);
	}
}

static void position_counts_characters(void **state)
{
	(void)state;
	long l, c;
	const char *s = "ab\n学生x";
	text_position(s, 9, &l, &c); /* the 'x' after two 3-byte characters */
	assert_int_equal(l, 2);
	assert_int_equal(c, 3);
	/* lines end at LF, CRLF or a lone CR (issue 14) */
	text_position("a\rb\r\nc\nd", 7, &l, &c); /* the 'd' */
	assert_int_equal(l, 4);
	assert_int_equal(c, 1);
	text_position("a\rb\r\nc", 4, &l, &c);     /* the LF of CRLF: still line 2, after 'b' */
	assert_int_equal(l, 2);
	assert_int_equal(c, 2);
	text_position(s, 0, &l, &c);
	assert_int_equal(l, 1);
	assert_int_equal(c, 1);
}

static void word_counts(void **state)
{
	(void)state;
	const char *s1 = "Students explain their reasoning, don't they?";
	assert_int_equal(text_word_count(s1, strlen(s1)), 6);
	const char *s2 = "  ";
	assert_int_equal(text_word_count(s2, strlen(s2)), 0);
	const char *s3 = "学生的反馈"; /* five ideographs */
	assert_int_equal(text_word_count(s3, strlen(s3)), 5);
	const char *s4 = "Feedback 反馈 helps — élèves";
	assert_int_equal(text_word_count(s4, strlen(s4)), 5);
}

static void widths(void **state)
{
	(void)state;
	assert_int_equal(text_cp_width('a'), 1);
	assert_int_equal(text_cp_width(0x5b66), 2);  /* 学 */
	assert_int_equal(text_cp_width(0xff01), 2);  /* fullwidth ! */
	assert_int_equal(text_cp_width(0x0301), 0);  /* combining acute */
	assert_true(text_cp_is_cjk(0x3042));
	assert_false(text_cp_is_cjk('z'));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_utf8_accepted),
		cmocka_unit_test(invalid_utf8_rejected_with_offset),
		cmocka_unit_test(position_counts_characters),
		cmocka_unit_test(word_counts),
		cmocka_unit_test(widths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
