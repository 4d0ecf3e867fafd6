/* test_find.c: `/` in the evidence pager without a terminal: where a byte of a
 * wrapped paragraph lands on screen (CJK two cells, accented letters one, bytes
 * dropped at a wrap), the highlighted byte ranges of each pager line (matches
 * across a wrap, in any case), stepping with n and N (wrapping round, saying
 * so), "not found", and a bad regex's message. The driver's status-line calls
 * are stubbed here to see what the user would read. */
#include <locale.h>

#include "../unit/unit.h"

#include "mcassess/text.h"
#include "tui/tui_int.h"

/* ------------------------------------------------ the driver, stubbed */
void tui_message(struct tui *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	free(t->msg);
	t->msg = s;
	t->msg_error = 0;
}

void tui_error(struct tui *t, struct mc_error *err)
{
	free(t->msg);
	t->msg = mc_xstrdup(mc_error_msg(err));
	t->msg_error = 1;
	mc_error_clear(err);
}

void tui_set_prompt(struct tui *t, const char *prompt)
{
	free(t->prompt);
	t->prompt = prompt ? mc_xstrdup(prompt) : NULL;
}

/* ------------------------------------------------------------ helpers */
static size_t at(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);
	assert_non_null(p);
	return (size_t)(p - s);
}

#define ASSERT_POS(s, width, needle, want_row, want_col)                          \
	do {                                                                       \
		int r_, c_;                                                        \
		tui_find_pos((s), strlen(s), (width), at((s), (needle)), &r_, &c_); \
		if (r_ != (want_row) || c_ != (want_col))                          \
			fail_msg("'%s' in \"%s\" at width %d: row %d col %d, want %d %d", (needle), (s), \
				 (width), r_, c_, (want_row), (want_col));         \
	} while (0)

/* ------------------------------------------------------------ positions */
static void pos_accented_latin(void **state)
{
	(void)state;
	/* "Les élèves" is 10 cells (é, è one each) but 12 bytes */
	const char *s = "Les élèves étudient le café et la crème brûlée";
	ASSERT_POS(s, 10, "Les", 0, 0);
	ASSERT_POS(s, 10, "élèves", 0, 4);
	ASSERT_POS(s, 10, "ves", 0, 7);
	ASSERT_POS(s, 10, "étudient", 1, 0);
	ASSERT_POS(s, 10, " étudient", 1, 0);   /* the space dropped at the wrap */
	ASSERT_POS(s, 10, "café", 2, 3);
	ASSERT_POS(s, 10, "fé", 2, 5);
	ASSERT_POS(s, 10, "brûlée", 4, 0);
	ASSERT_POS(s, 10, "lée", 4, 3);
}

static void pos_cjk_two_cells(void **state)
{
	(void)state;
	/* five ideographs a line at 10 cells */
	const char *s = "我们的课堂每天都使用反馈来帮助学生思考";
	ASSERT_POS(s, 10, "我", 0, 0);
	ASSERT_POS(s, 10, "堂", 0, 8);
	ASSERT_POS(s, 10, "每", 1, 0);
	ASSERT_POS(s, 10, "反馈", 2, 0);
	ASSERT_POS(s, 10, "馈", 2, 2);
	ASSERT_POS(s, 10, "思考", 3, 4);
	/* mixed: lines may break between two ideographs ("abcd 反" is 7 cells) */
	const char *m = "abcd 反馈 ok éé 学生";
	ASSERT_POS(m, 7, "反馈", 0, 5);
	ASSERT_POS(m, 7, "馈", 1, 0);
	ASSERT_POS(m, 7, "ok", 1, 3);
	ASSERT_POS(m, 7, "éé", 2, 0);
	ASSERT_POS(m, 7, "学生", 2, 3);
}

/* ------------------------------------------------------------ matching */
struct fx {
	struct tui t;
	struct tui_pager p;
	struct tui_find *f;
};

static int setup(void **state)
{
	struct fx *x = mc_xcalloc(1, sizeof *x);
	x->f = tui_find_new();
	/* width 20, indent 2: 18 cells of text a line */
	tui_pager_add(&x->p, TUI_PART, 0, 0, "1. Overview");
	tui_pager_add_wrapped(&x->p, TUI_NORMAL, 2, 0,
			      "Students give academic feedback to peers. Student FEEDBACK loops are short.", 20);
	tui_pager_add_wrapped(&x->p, TUI_NORMAL, 2, 0, "我们的课堂每天都使用反馈来帮助学生思考。", 20);
	tui_pager_add_wrapped(&x->p, TUI_NORMAL, 2, 0, "Les élèves étudient le CAFÉ et le café.", 20);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct fx *x = *state;
	tui_find_free(&x->f);
	tui_pager_clear(&x->p);
	free(x->t.msg);
	free(x->t.prompt);
	free(x);
	return 0;
}

/* The highlighted text of pager line i, "[...]" around each range. */
static char *marked(struct fx *x, int i)
{
	size_t b0[8], b1[8];
	int k = tui_find_line_spans(x->f, &x->p, i, b0, b1, 8);
	const char *t = x->p.lines[i].text;
	struct mc_buf b = MC_BUF_INIT;
	size_t pos = 0;
	mc_buf_adds(&b, "");
	for (int j = 0; j < k; j++) {
		mc_buf_add(&b, t + pos, b0[j] - pos);
		mc_buf_addc(&b, '[');
		mc_buf_add(&b, t + b0[j], b1[j] - b0[j]);
		mc_buf_addc(&b, ']');
		pos = b1[j];
	}
	mc_buf_adds(&b, t + pos);
	return mc_buf_steal(&b);
}

#define ASSERT_LINE(x, i, want)                         \
	do {                                            \
		char *got_ = marked((x), (i));          \
		assert_string_equal(got_, (want));      \
		free(got_);                             \
	} while (0)

static void find(struct fx *x, const char *pattern)
{
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(tui_find_set(x->f, pattern, &err), MC_OK);
	assert_int_equal(tui_find_scan(x->f, &x->p, &err), MC_OK);
}

static void matches_across_a_wrap_in_any_case(void **state)
{
	struct fx *x = *state;
	/* the lines as wrapped: the phrase "Student FEEDBACK" is cut by the wrap */
	assert_string_equal(x->p.lines[1].text, "Students give");
	assert_string_equal(x->p.lines[2].text, "academic feedback");
	assert_string_equal(x->p.lines[3].text, "to peers. Student");
	assert_string_equal(x->p.lines[4].text, "FEEDBACK loops are");
	find(x, "student feedback");
	assert_int_equal(tui_find_count(x->f), 1);
	ASSERT_LINE(x, 3, "to peers. [Student]");
	ASSERT_LINE(x, 4, "[FEEDBACK] loops are");
	ASSERT_LINE(x, 1, "Students give");
	/* a word: every one, in any case */
	find(x, "FEEDBACK");
	assert_int_equal(tui_find_count(x->f), 2);
	ASSERT_LINE(x, 2, "academic [feedback]");
	ASSERT_LINE(x, 4, "[FEEDBACK] loops are");
	/* punctuation is plain text, not a pattern */
	find(x, "peers.");
	assert_int_equal(tui_find_count(x->f), 1);
	ASSERT_LINE(x, 3, "to [peers.] Student");
	find(x, "a.a");
	assert_int_equal(tui_find_count(x->f), 0);
}

static void matches_cjk_and_accented(void **state)
{
	struct fx *x = *state;
	/* 9 ideographs a line (18 cells) */
	assert_string_equal(x->p.lines[6].text, "我们的课堂每天都使");
	assert_string_equal(x->p.lines[7].text, "用反馈来帮助学生思");
	find(x, "反馈");
	assert_int_equal(tui_find_count(x->f), 1);
	ASSERT_LINE(x, 7, "用[反馈]来帮助学生思");
	/* across the wrap between 使 and 用 */
	find(x, "使用");
	ASSERT_LINE(x, 6, "我们的课堂每天都[使]");
	ASSERT_LINE(x, 7, "[用]反馈来帮助学生思");
	/* caseless beyond ASCII: café finds CAFÉ */
	find(x, "café");
	assert_int_equal(tui_find_count(x->f), 2);
	int row = -1;
	for (int i = 0; i < x->p.n; i++)
		if (strstr(x->p.lines[i].text, "CAFÉ"))
			row = i;
	assert_true(row > 0);
	char *l = marked(x, row);
	assert_non_null(strstr(l, "[CAFÉ]"));
	free(l);
	/* a regular expression after re: */
	find(x, "re:\\bstudents?\\b");
	assert_int_equal(tui_find_count(x->f), 2);
	ASSERT_LINE(x, 1, "[Students] give");
}

static void keys(struct fx *x, const char *typed, int *moved)
{
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_SEARCH, moved));
	assert_string_equal(x->t.prompt, "/");
	for (const char *p = typed; *p;) {
		unsigned cp;
		p += text_utf8_decode(p, &cp);
		assert_int_equal(tui_find_key(x->f, &x->t, &x->p, 3, (int)cp, moved), TUI_HANDLED);
	}
	assert_int_equal(tui_find_key(x->f, &x->t, &x->p, 3, '\n', moved), TUI_HANDLED);
	assert_null(x->t.prompt);
}

static void n_and_N_step_and_wrap(void **state)
{
	struct fx *x = *state;
	int moved;
	/* before any search, n is not ours (it opens the next submission) */
	assert_false(tui_find_request(x->f, &x->t, &x->p, 3, ACT_NEXT, &moved));
	x->p.top = 0;
	keys(x, "le", &moved);   /* in "élèves", "le CAFÉ", "le café" */
	assert_int_equal(tui_find_count(x->f), 3);
	assert_string_equal(x->t.msg, "/le · match 1 of 3");
	int first = x->p.top;
	assert_true(moved && first > 0);
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_NEXT, &moved));
	assert_string_equal(x->t.msg, "/le · match 2 of 3");
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_NEXT, &moved));
	assert_string_equal(x->t.msg, "/le · match 3 of 3");
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_NEXT, &moved));
	assert_string_equal(x->t.msg, "search hit BOTTOM, continuing at TOP");
	assert_false(x->t.msg_error);
	assert_int_equal(x->p.top, first);
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_FIND_PREV, &moved));
	assert_string_equal(x->t.msg, "search hit TOP, continuing at BOTTOM");
	/* from the screen's top when the last match scrolled away */
	x->p.top = 0;
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_NEXT, &moved));
	assert_string_equal(x->t.msg, "/le · match 1 of 3");

	/* not found: said, the screen stays */
	x->p.top = 2;
	keys(x, "zebra", &moved);
	assert_string_equal(x->t.msg, "not found: zebra");
	assert_true(x->t.msg_error);
	assert_int_equal(x->p.top, 2);
	assert_false(moved);

	/* a bad regex: PCRE2's message and where */
	keys(x, "re:a(b", &moved);
	assert_true(x->t.msg_error);
	assert_non_null(strstr(x->t.msg, "offset 3"));
	assert_non_null(strstr(x->t.msg, "missing closing parenthesis"));
	assert_false(tui_find_active(x->f));

	/* Esc leaves the prompt, an empty one clears the search */
	keys(x, "CAFÉ", &moved);
	assert_true(tui_find_active(x->f));
	assert_true(tui_find_request(x->f, &x->t, &x->p, 3, ACT_SEARCH, &moved));
	assert_int_equal(tui_find_key(x->f, &x->t, &x->p, 3, TUI_KEY_ESC, &moved), TUI_HANDLED);
	assert_true(tui_find_active(x->f));
	keys(x, "", &moved);
	assert_false(tui_find_active(x->f));
	assert_false(tui_find_request(x->f, &x->t, &x->p, 3, ACT_NEXT, &moved));
	assert_int_equal(tui_find_key(x->f, &x->t, &x->p, 3, 'x', &moved), TUI_UNKNOWN);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pos_accented_latin),
		cmocka_unit_test(pos_cjk_two_cells),
		cmocka_unit_test_setup_teardown(matches_across_a_wrap_in_any_case, setup, teardown),
		cmocka_unit_test_setup_teardown(matches_cjk_and_accented, setup, teardown),
		cmocka_unit_test_setup_teardown(n_and_N_step_and_wrap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
