/* test_text.c: UTF-8 validation, positions, word counts, widths. */
#include "unit.h"

#include "mcassess/text.h"
#include "mcassess/util.h"

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
	assert_int_equal(text_cp_width(0x2705), 2);  /* ✅, wide in Unicode */
	assert_int_equal(text_cp_width(0x1f680), 2); /* 🚀 */
	assert_int_equal(text_cp_width(0x0e31), 0);  /* Thai mai han-akat */
	assert_int_equal(text_cp_width(0x093f), 1);  /* Devanagari vowel sign I (spacing) */
	assert_int_equal(text_cp_width(0x05b8), 0);  /* Hebrew qamats */
	assert_int_equal(text_cp_width(0x200d), 0);  /* zero width joiner */
	assert_true(text_cp_is_cjk(0x3042));
	assert_false(text_cp_is_cjk('z'));
}

/* Clusters of s, as "len:width" pairs separated by spaces. */
static char *clusters(const char *s)
{
	static char out[256];
	size_t len = strlen(s), o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < len;) {
		size_t e = text_cluster_end(s, len, i);
		assert_true(e > i);
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%zu:%d", o ? " " : "", e - i,
				      text_cluster_width(s + i, e - i));
		/* and back again: the start of the cluster that ends at e is i */
		assert_int_equal(text_cluster_start(s, len, e), i);
		i = e;
	}
	return out;
}

static void clusters_and_widths_of_many_scripts(void **state)
{
	(void)state;
	/* Thai สมศักดิ์: 8 code points, 5 characters, 5 cells (the marks ride above) */
	assert_string_equal(clusters("สมศักดิ์"), "3:1 3:1 6:1 3:1 9:1");
	assert_int_equal(text_width("สมศักดิ์", strlen("สมศักดิ์")), 5);
	/* Hindi नमस्ते: virama and vowel sign E join their consonants */
	assert_string_equal(clusters("नमस्ते"), "3:1 3:1 6:1 6:1");
	assert_int_equal(text_width("नमस्ते", strlen("नमस्ते")), 4);
	/* कि: the spacing vowel sign I takes a cell of its own, as terminals draw it */
	assert_string_equal(clusters("कि"), "6:2");
	/* Hebrew שָלוֹם with points (qamats, holam) */
	assert_string_equal(clusters("שָלוֹם"), "4:1 2:1 4:1 2:1");
	/* decomposed Japanese が (か + U+3099): one wide character */
	assert_string_equal(clusters("か\xe3\x82\x99"), "6:2");
	/* Korean 각 as jamo (ᄀ ᅡ ᆨ): one syllable, two cells */
	assert_string_equal(clusters("\xe1\x84\x80\xe1\x85\xa1\xe1\x86\xa8"), "9:2");
	assert_string_equal(clusters("각"), "3:2");
	/* emoji: woman teacher (ZWJ sequence) is one character; a flag is one */
	assert_string_equal(clusters("👩‍🏫"), "11:4");
	assert_string_equal(clusters("🇹🇭🇮🇳"), "8:2 8:2");
	assert_int_equal(text_width("✅⭐🚀", strlen("✅⭐🚀")), 6);
	/* CJK and Latin with a combining accent */
	assert_string_equal(clusters("学生"), "3:2 3:2");
	assert_string_equal(clusters("ce\xcc\x81"), "1:1 3:1");
	/* clusters never run across a line end, and stop at a NUL */
	assert_string_equal(clusters("a\n\xcc\x81"), "1:1 1:1 2:0");
	assert_int_equal(text_cluster_end("ab", 5, 1), 2);
	assert_int_equal(text_cluster_start("", 0, 0), 0);
}

static void safe_is(const char *in, int flags, const char *want)
{
	char *got = text_safe_dup(in, flags);
	assert_string_equal(got, want);
	free(got);
}

static void safe_text_makes_controls_visible(void **state)
{
	(void)state;
	/* OSC 52 (clipboard) and OSC 0 (window title): ESC and BEL shown, not sent */
	safe_is("a\x1b]52;c;aGk=\x07" "b", 0, "a^[]52;c;aGk=^Gb");
	safe_is("\x1b]0;pwned\x1b\\", 0, "^[]0;pwned^[\\");
	safe_is("\x1b[2J\x7f\x01", 0, "^[[2J^?^A");
	/* C1 CSI as UTF-8, and the bidi override and isolates */
	safe_is("x\xc2\x9b" "31m", 0, "x<U+009B>31m");
	safe_is("\xe2\x80\xae" "cod.exe", 0, "<U+202E>cod.exe");
	safe_is("\xe2\x81\xa6" "a\xe2\x81\xa9", 0, "<U+2066>a<U+2069>");
	/* invalid UTF-8 byte by byte; a lone 0x9b is not C1 but an invalid byte */
	safe_is("a\x9b\xff", 0, "a\\x9B\\xFF");
	/* valid text, backslashes and wide characters unchanged */
	safe_is("Élèves 学生 \\n ok", 0, "Élèves 学生 \\n ok");
	safe_is(NULL, 0, "");
}

static void safe_text_lines(void **state)
{
	(void)state;
	/* one-line fields show line breaks and tabs; multi-line text keeps them */
	safe_is("report\n.pdf\tx\r", 0, "report\\n.pdf\\tx\\r");
	safe_is("one\r\ntwo\n\tthree\rfour\x1b", TEXT_SAFE_LINES, "one\ntwo\n\tthree\\rfour^[");
	/* a truncated sequence at the end is shown, not read past */
	struct mc_buf b = MC_BUF_INIT;
	text_safe_append(&b, "ab\xe5\xad", 4, 0);
	assert_string_equal(mc_buf_str(&b), "ab\\xE5\\xAD");
	mc_buf_free(&b);
	assert_true(text_cp_is_control(0x85));
	assert_false(text_cp_is_control(0xa0));
	assert_false(text_cp_is_control(0x200f));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_utf8_accepted),
		cmocka_unit_test(invalid_utf8_rejected_with_offset),
		cmocka_unit_test(position_counts_characters),
		cmocka_unit_test(word_counts),
		cmocka_unit_test(widths),
		cmocka_unit_test(clusters_and_widths_of_many_scripts),
		cmocka_unit_test(safe_text_makes_controls_visible),
		cmocka_unit_test(safe_text_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
