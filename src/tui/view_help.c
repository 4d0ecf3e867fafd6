/* view_help.c: help, generated on every open from the action list and the
 * keymap as it is now (defaults plus the user's config), so it cannot drift. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tui/tui_int.h"

struct hv {
	struct tui_pager pager;
	WINDOW *title, *body;
	int h, w;
	const char *from;   /* the screen help was opened from */
};

static int h_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	(void)err;
	struct hv *h = mc_xcalloc(1, sizeof *h);
	v->data = h;
	struct tui_view *below = v->tui->depth ? v->tui->stack[v->tui->depth - 1] : NULL;
	h->from = below ? below->ops->name : "queue";
	return MC_OK;
}

static void h_close(struct tui_view *v)
{
	struct hv *h = v->data;
	if (!h)
		return;
	tui_pager_clear(&h->pager);
	if (h->title)
		delwin(h->title);
	if (h->body)
		delwin(h->body);
	free(h);
}

/* 1 when score-1 .. score-9 are bound to exactly the digits 1 .. 9. */
static int digits_bound(struct tui_view *v)
{
	for (int a = ACT_SCORE_1; a <= ACT_SCORE_9; a++) {
		char *keys = tui_keymap_keys_for(v->tui->keymap, (enum tui_action)a);
		int ok = keys[0] == '1' + (a - ACT_SCORE_1) && !keys[1];
		free(keys);
		if (!ok)
			return 0;
	}
	return 1;
}

#define KEYS_W 18
#define NAME_W 14

static void build(struct tui_view *v)
{
	struct hv *h = v->data;
	struct tui_pager *p = &h->pager;
	tui_pager_clear(p);
	char *l = mc_xasprintf("%-*s %-*s %s", KEYS_W, "KEYS", NAME_W, "ACTION", "WHAT IT DOES");
	tui_pager_add(p, TUI_HEADING, 1, -1, l);
	free(l);
	int help_w = h->w - KEYS_W - NAME_W - 3;
	int digits = digits_bound(v);
	for (int a = 1; a < ACT__COUNT; a++) {
		if (digits && a > ACT_SCORE_1 && a <= ACT_SCORE_9)
			continue;
		char *keys = tui_keymap_keys_for(v->tui->keymap, (enum tui_action)a);
		const char *name = tui_action_name((enum tui_action)a);
		const char *help = tui_action_help((enum tui_action)a);
		if (digits && a == ACT_SCORE_1) {
			/* Nine lines that differ by a digit say it once. */
			free(keys);
			keys = mc_xstrdup("1 ... 9");
			name = "score-N";
			help = "Score the focused criterion at level N (1 = the lowest), from either pane";
		}
		/* The help text wrapped in its column; keys and name on the first line. */
		struct tui_pager tmp = { 0 };
		tui_pager_add_wrapped(&tmp, TUI_NORMAL, 0, -1, help, help_w > 10 ? help_w : 10);
		for (int i = 0; i < tmp.n; i++) {
			char *line = i == 0 ? mc_xasprintf("%-*s %-*s %s", KEYS_W, *keys ? keys : "(unbound)",
							   NAME_W, name, tmp.lines[i].text)
					    : mc_xasprintf("%*s%s", KEYS_W + NAME_W + 2, "", tmp.lines[i].text);
			tui_pager_add(p, i == 0 && !*keys ? TUI_DIM : TUI_NORMAL, 1, a, line);
			free(line);
		}
		tui_pager_clear(&tmp);
		free(keys);
	}
	tui_pager_add(p, TUI_NORMAL, 0, -1, "");
	const char *notes[] = {
		"Keys and colours are yours to change in $XDG_CONFIG_HOME/mcassess/config "
		"(~/.config/mcassess/config), one setting a line:",
		"  bind KEY ACTION  ('bind n move-down'; 'bind x none' unbinds)",
		"  color ELEMENT FG BG [bold underline reverse]  ('color cursor black yellow')",
		"  set cursor arrow  (a \"->\" instead of a highlighted row: fewer bytes on slow links)",
		"KEY is a character, ^X, M-x (Alt), C-Left, C-Right, F1-F12, or Enter, Tab, Esc, Space, "
		"Up, Down, Left, Right, PgUp, PgDn, Home, End. NO_COLOR=1 turns colours off.",
		"In the editor, arrows, Home, End, PgUp and PgDn move, Backspace and Delete delete; "
		"the comment bank is data/comments plus your own $XDG_CONFIG_HOME/mcassess/comments.",
	};
	for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++)
		tui_pager_add_wrapped(p, TUI_DIM, 1, -1, notes[i], h->w - 1);
}

static void h_layout(struct tui_view *v, int y, int rows, int w)
{
	struct hv *h = v->data;
	if (h->title)
		delwin(h->title);
	if (h->body)
		delwin(h->body);
	h->title = newwin(1, w, y, 0);
	h->body = newwin(rows - 1, w, y + 1, 0);
	h->h = rows - 1;
	h->w = w;
	int top = h->pager.top;
	build(v);
	int max_top = h->pager.n - h->h > 0 ? h->pager.n - h->h : 0;
	h->pager.top = top > max_top ? max_top : top;
}

static void h_draw(struct tui_view *v)
{
	struct hv *h = v->data;
	int last = h->pager.top + h->h < h->pager.n ? h->pager.top + h->h : h->pager.n;
	char *t = mc_xasprintf(" mcassess · help (from the %s screen) · lines %d-%d of %d · q goes back",
			       h->from, h->pager.top + 1, last, h->pager.n);
	tui_put_pad(h->title, 0, 0, t, h->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(h->title);
	tui_pager_draw(&h->pager, h->body, 0, h->h, h->w);
	wnoutrefresh(h->body);
}

static int h_request(struct tui_view *v, enum tui_action a)
{
	struct hv *h = v->data;
	int moved = 0;
	if (a == ACT_HELP) {
		tui_pop(v->tui); /* ? again closes help */
		return TUI_HANDLED;
	}
	if (!tui_pager_request(&h->pager, a, h->h, &moved))
		return TUI_UNKNOWN;
	if (moved)
		v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_help = {
	"help", h_open, h_layout, h_draw, NULL, h_request, h_close, NULL, NULL,
};
