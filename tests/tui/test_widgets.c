/* test_widgets.c: the TUI's pure parts without a terminal: wrapping by display
 * width (CJK two cells, long words, spaces), key names, the keymap and the
 * action list that help is generated from. */
#include <locale.h>

#include "../unit/unit.h"

#include "mcassess/text.h"
#include "tui/tui_int.h"

struct lines {
	char *l[64];
	int n;
	const char *s;
};

static void collect(void *ctx, size_t off, size_t len)
{
	struct lines *ls = ctx;
	assert_true(ls->n < 64);
	ls->l[ls->n++] = strndup(ls->s + off, len);
}

static void wrap(struct lines *ls, const char *s, int width)
{
	memset(ls, 0, sizeof *ls);
	ls->s = s;
	tui_wrap(s, strlen(s), width, collect, ls);
}

static void free_lines(struct lines *ls)
{
	for (int i = 0; i < ls->n; i++)
		free(ls->l[i]);
}

static void wrap_breaks_at_spaces(void **state)
{
	(void)state;
	struct lines ls;
	wrap(&ls, "the quick brown fox jumps", 10);
	assert_int_equal(ls.n, 3);
	assert_string_equal(ls.l[0], "the quick");
	assert_string_equal(ls.l[1], "brown fox");
	assert_string_equal(ls.l[2], "jumps");
	free_lines(&ls);
}

static void wrap_exact_fit_and_spaces_dropped(void **state)
{
	(void)state;
	struct lines ls;
	wrap(&ls, "abcd    efgh", 4);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.l[0], "abcd");
	assert_string_equal(ls.l[1], "efgh");
	free_lines(&ls);
}

static void wrap_long_word_is_cut(void **state)
{
	(void)state;
	struct lines ls;
	wrap(&ls, "abcdefghijkl xy", 5);
	assert_int_equal(ls.n, 3);
	assert_string_equal(ls.l[0], "abcde");
	assert_string_equal(ls.l[1], "fghij");
	assert_string_equal(ls.l[2], "kl xy");
	free_lines(&ls);
}

static void wrap_cjk_by_cells(void **state)
{
	(void)state;
	struct lines ls;
	/* Seven ideographs (14 cells) in 6 cells: three a line, never a half. */
	wrap(&ls, "我们班有二十六", 6);
	assert_int_equal(ls.n, 3);
	for (int i = 0; i < ls.n; i++)
		assert_true(tui_width(ls.l[i], strlen(ls.l[i])) <= 6);
	assert_string_equal(ls.l[0], "我们班");
	assert_string_equal(ls.l[2], "六");
	free_lines(&ls);
	/* An odd width: a wide character never straddles the edge. */
	wrap(&ls, "ab学生cd", 3);
	for (int i = 0; i < ls.n; i++)
		assert_true(tui_width(ls.l[i], strlen(ls.l[i])) <= 3);
	assert_string_equal(ls.l[0], "ab");
	assert_string_equal(ls.l[1], "学");
	free_lines(&ls);
}

static void wrap_mixed_scripts(void **state)
{
	(void)state;
	struct lines ls;
	wrap(&ls, "Students 学生 answered 回答了问题 twice", 12);
	for (int i = 0; i < ls.n; i++)
		assert_true(tui_width(ls.l[i], strlen(ls.l[i])) <= 12);
	/* Nothing lost but spaces, and no line starts with one. */
	char joined[200] = "";
	for (int i = 0; i < ls.n; i++) {
		assert_true(ls.l[i][0] != ' ');
		for (const char *c = ls.l[i]; *c; c++)
			if (*c != ' ')
				strncat(joined, c, 1);
	}
	assert_string_equal(joined, "Students学生answered回答了问题twice");
	assert_true(ls.n >= 3);
	free_lines(&ls);
}

static void wrap_empty_paragraph(void **state)
{
	(void)state;
	struct lines ls;
	wrap(&ls, "", 10);
	assert_int_equal(ls.n, 1);
	assert_string_equal(ls.l[0], "");
	free_lines(&ls);
}

static void width_counts_cells(void **state)
{
	(void)state;
	assert_int_equal(tui_width("abc", 3), 3);
	assert_int_equal(tui_width("学生", strlen("学生")), 4);
	assert_int_equal(tui_width("e\xcc\x81", 3), 1); /* e + combining acute */
}

/* One line editor for every prompt: characters in, the last one out by
 * Backspace (whole UTF-8 characters), moves and Alt keys swallowed. */
static void prompt_edit_keys(void **state)
{
	(void)state;
	struct mc_buf b = MC_BUF_INIT;
	assert_int_equal(tui_prompt_edit(&b, 'a'), 1);
	assert_int_equal(tui_prompt_edit(&b, 0x53cd), 1); /* 反 */
	assert_string_equal(b.data, "a\xe5\x8f\x8d");
	assert_int_equal(tui_prompt_edit(&b, TUI_KEY_META | 'b'), 0);
	assert_int_equal(tui_prompt_edit(&b, TUI_KEY_FN | KEY_DOWN), 0);
	assert_int_equal(tui_prompt_edit(&b, 0x01), 0);
	assert_string_equal(b.data, "a\xe5\x8f\x8d");
	assert_int_equal(tui_prompt_edit(&b, TUI_KEY_FN | KEY_BACKSPACE), 1);
	assert_string_equal(b.data, "a");
	assert_int_equal(tui_prompt_edit(&b, TUI_KEY_FN | KEY_BACKSPACE), 1);
	assert_int_equal(b.len, 0);
	assert_int_equal(tui_prompt_edit(&b, TUI_KEY_FN | KEY_BACKSPACE), 0);
	mc_buf_free(&b);
}

static void key_names_round_trip(void **state)
{
	(void)state;
	const char *names[] = { "j", "G", "Down", "PgDn", "Enter", "Tab", "Esc", "^L", "F1", "?", "é" };
	char buf[16];
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		int k = tui_key_parse(names[i]);
		assert_true(k >= 0);
		assert_string_equal(tui_key_name(k, buf, sizeof buf), names[i]);
	}
	assert_int_equal(tui_key_parse("Nope"), -1);
	assert_int_equal(tui_key_parse(""), -1);
	assert_int_equal(tui_key_parse("^L"), 12);
}

static void keymap_defaults_and_user_bindings(void **state)
{
	(void)state;
	struct tui_keymap *km = tui_keymap_new();
	assert_int_equal(tui_keymap_lookup(km, 'j'), ACT_MOVE_DOWN);
	assert_int_equal(tui_keymap_lookup(km, '?'), ACT_HELP);
	assert_int_equal(tui_keymap_lookup(km, '3'), ACT_SCORE_3);
	struct mc_error err = MC_ERROR_INIT;
	assert_int_equal(tui_keymap_bind(km, "n", "move-down", "cfg", 1, &err), MC_OK);
	assert_int_equal(tui_keymap_bind(km, "j", "none", "cfg", 2, &err), MC_OK);
	assert_int_equal(tui_keymap_lookup(km, 'n'), ACT_MOVE_DOWN);
	assert_int_equal(tui_keymap_lookup(km, 'j'), ACT_NONE);
	char *keys = tui_keymap_keys_for(km, ACT_MOVE_DOWN);
	assert_string_equal(keys, "Down, n");
	free(keys);
	assert_int_equal(tui_keymap_bind(km, "n", "fly", "cfg", 7, &err), MC_INVALID);
	assert_non_null(strstr(mc_error_msg(&err), "cfg:7: bind: unknown action 'fly'"));
	mc_error_clear(&err);
	assert_int_equal(tui_keymap_bind(km, "Hyper", "help", "cfg", 8, &err), MC_INVALID);
	assert_non_null(strstr(mc_error_msg(&err), "cfg:8: bind: unknown key 'Hyper'"));
	mc_error_clear(&err);
	tui_keymap_free(&km);
	assert_null(km);
}

static void every_action_has_name_help_and_a_key(void **state)
{
	(void)state;
	struct tui_keymap *km = tui_keymap_new();
	for (int a = 1; a < ACT__COUNT; a++) {
		assert_non_null(tui_action_name((enum tui_action)a));
		assert_true(strlen(tui_action_help((enum tui_action)a)) > 10);
		assert_int_equal(tui_action_parse(tui_action_name((enum tui_action)a)), a);
		char *keys = tui_keymap_keys_for(km, (enum tui_action)a);
		assert_true(keys[0] != '\0'); /* nothing is out of reach by default */
		free(keys);
	}
	tui_keymap_free(&km);
}

/* ------------------------------------------------------------ the editor's text */
static void text_edits_and_undo(void **state)
{
	(void)state;
	struct tui_text *t = tui_text_new("");
	tui_text_insert(t, "H");
	tui_text_insert(t, "i");
	tui_text_insert(t, " ");
	tui_text_insert(t, "你");
	tui_text_insert(t, "好");
	assert_string_equal(tui_text_str(t), "Hi 你好");
	assert_int_equal(tui_text_cursor(t), strlen("Hi 你好"));
	tui_text_backspace(t); /* one whole character, three bytes */
	assert_string_equal(tui_text_str(t), "Hi 你");
	tui_text_left(t);
	tui_text_delete(t);
	assert_string_equal(tui_text_str(t), "Hi ");
	/* Undo: the delete, the backspace (a move between: two steps), the word
	 * typed, then "Hi " with its space. */
	assert_true(tui_text_undo(t));
	assert_string_equal(tui_text_str(t), "Hi 你");
	assert_true(tui_text_undo(t));
	assert_string_equal(tui_text_str(t), "Hi 你好");
	assert_true(tui_text_undo(t));
	assert_string_equal(tui_text_str(t), "Hi ");
	assert_true(tui_text_undo(t));
	assert_string_equal(tui_text_str(t), "");
	assert_false(tui_text_undo(t));
	tui_text_set(t, "replaced");
	tui_text_insert(t, " and more"); /* a bulk insert is one step */
	assert_true(tui_text_undo(t));
	assert_string_equal(tui_text_str(t), "replaced");
	assert_true(tui_text_undo(t));
	assert_string_equal(tui_text_str(t), "");
	tui_text_free(&t);
	assert_null(t);
}

static void text_word_moves(void **state)
{
	(void)state;
	struct tui_text *t = tui_text_new("Good work, 学生 answered.");
	/* from the end: '.', "answered", then each ideograph is a word */
	tui_text_word_left(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work, 学生 answered"));
	tui_text_word_left(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work, 学生 "));
	tui_text_word_left(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work, 学"));
	tui_text_word_left(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work, "));
	tui_text_word_left(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work"));
	tui_text_word_left(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good "));
	tui_text_word_right(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work"));
	tui_text_word_right(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work, "));
	tui_text_word_right(t);
	assert_int_equal(tui_text_cursor(t), strlen("Good work, 学"));
	tui_text_free(&t);
}

static void text_layout_cjk_and_vertical_moves(void **state)
{
	(void)state;
	/* 10 cells wide: five ideographs a row, "ok" on a row of its own */
	struct tui_text *t = tui_text_new("我们班有二十六名学生 ok\nsecond");
	tui_text_layout(t, 10);
	assert_int_equal(tui_text_rows(t), 4);
	size_t off, len;
	tui_text_row(t, 0, &off, &len);
	assert_int_equal(off, 0);
	assert_int_equal(tui_width(tui_text_str(t) + off, len), 10); /* five ideographs */
	tui_text_row(t, 3, &off, &len);
	assert_string_equal(tui_text_str(t) + off, "second");
	int r, c;
	tui_text_cursor_pos(t, &r, &c);
	assert_int_equal(r, 3);
	assert_int_equal(c, 6);
	tui_text_vmove(t, -1); /* "ok" is shorter: its end */
	tui_text_cursor_pos(t, &r, &c);
	assert_int_equal(r, 2);
	assert_int_equal(c, 2);
	tui_text_vmove(t, -1); /* back to column 6: after three ideographs */
	tui_text_cursor_pos(t, &r, &c);
	assert_int_equal(r, 1);
	assert_int_equal(c, 6);
	assert_int_equal(tui_text_cursor(t), strlen("我们班有二十六名"));
	tui_text_vmove(t, -1);
	tui_text_cursor_pos(t, &r, &c);
	assert_int_equal(r, 0);
	assert_int_equal(c, 6);
	tui_text_vmove(t, -1); /* at the top: to the start */
	assert_int_equal(tui_text_cursor(t), 0);
	tui_text_end(t);
	tui_text_cursor_pos(t, &r, &c);
	assert_int_equal(r, 0);
	tui_text_home(t);
	assert_int_equal(tui_text_cursor(t), 0);
	tui_text_free(&t);
}

/* Moves and deletions take whole characters: a Thai consonant with its marks, a
 * Devanagari conjunct, an emoji sequence; so do wrapping and the prompt. */
static void text_moves_by_cluster(void **state)
{
	(void)state;
	struct tui_text *t = tui_text_new("สมศักดิ์ नमस्ते 👩‍🏫");
	tui_text_backspace(t); /* the whole teacher, not a dangling joiner */
	assert_string_equal(tui_text_str(t), "สมศักดิ์ नमस्ते ");
	tui_text_left(t);
	tui_text_left(t); /* over "ते" (consonant and vowel sign) */
	assert_int_equal(tui_text_cursor(t), strlen("สมศักดิ์ नमस्"));
	tui_text_left(t); /* over "स्" (consonant and virama) */
	assert_int_equal(tui_text_cursor(t), strlen("สมศักดิ์ नम"));
	tui_text_right(t);
	assert_int_equal(tui_text_cursor(t), strlen("สมศักดิ์ नमस्"));
	tui_text_home(t);
	tui_text_right(t);
	tui_text_right(t);
	tui_text_right(t); /* past ส ม ศั */
	assert_int_equal(tui_text_cursor(t), strlen("สมศั"));
	tui_text_right(t);
	tui_text_delete(t); /* ดิ์: the consonant and both marks */
	assert_string_equal(tui_text_str(t), "สมศัก नमस्ते ");
	tui_text_backspace(t);
	assert_string_equal(tui_text_str(t), "สมศั नमस्ते ");
	tui_text_free(&t);

	/* the column of a cursor counts cells of whole characters */
	t = tui_text_new("שָלוֹם कि");
	tui_text_layout(t, 40);
	int r, c;
	tui_text_cursor_pos(t, &r, &c);
	assert_int_equal(c, 4 + 1 + 2);
	tui_text_free(&t);

	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "สมศักดิ์");
	assert_true(tui_prompt_edit(&b, TUI_KEY_FN | KEY_BACKSPACE));
	assert_string_equal(b.data, "สมศัก");
	mc_buf_free(&b);
}

static void wrap_never_splits_a_character(void **state)
{
	(void)state;
	struct lines ls;
	wrap(&ls, "किरण", 1); /* कि is two cells: alone on its line, not cut after क */
	assert_int_equal(ls.n, 3);
	assert_string_equal(ls.l[0], "कि");
	assert_string_equal(ls.l[1], "र");
	free_lines(&ls);
	wrap(&ls, "ab👩‍🏫", 4);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.l[0], "ab");
	assert_string_equal(ls.l[1], "👩‍🏫");
	free_lines(&ls);
	wrap(&ls, "สมศักดิ์", 3);
	assert_int_equal(ls.n, 2);
	assert_string_equal(ls.l[0], "สมศั");
	assert_string_equal(ls.l[1], "กดิ์");
	free_lines(&ls);
	assert_int_equal(tui_width("✅ 🇹🇭 か\xe3\x82\x99", strlen("✅ 🇹🇭 か\xe3\x82\x99")), 2 + 1 + 2 + 1 + 2);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prompt_edit_keys),
		cmocka_unit_test(text_edits_and_undo),
		cmocka_unit_test(text_word_moves),
		cmocka_unit_test(text_layout_cjk_and_vertical_moves),
		cmocka_unit_test(text_moves_by_cluster),
		cmocka_unit_test(wrap_never_splits_a_character),
		cmocka_unit_test(wrap_breaks_at_spaces),
		cmocka_unit_test(wrap_exact_fit_and_spaces_dropped),
		cmocka_unit_test(wrap_long_word_is_cut),
		cmocka_unit_test(wrap_cjk_by_cells),
		cmocka_unit_test(wrap_mixed_scripts),
		cmocka_unit_test(wrap_empty_paragraph),
		cmocka_unit_test(width_counts_cells),
		cmocka_unit_test(key_names_round_trip),
		cmocka_unit_test(keymap_defaults_and_user_bindings),
		cmocka_unit_test(every_action_has_name_help_and_a_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
