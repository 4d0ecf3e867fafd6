/* view_conflict.c: one submission's open packet conflict, its sides side by
 * side (the server's, then each packet's: status, scores, feedback,
 * decision, who and when); the coordinator keeps one, as `packet resolve`
 * does (audited there). Opened from the packets screen (view_packet.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/packet.h"
#include "tui/tui_int.h"

struct side {
	char *label, *packet_id, *what;
	char **lines;
	size_t n;
};

struct cv {
	char *sub;
	struct side *sides;
	size_t n, sel;
	int asking; /* 1: asking to confirm keeping the selected side */
	WINDOW *title, *body;
	int h, w;
};

static int add_side(void *ctx, const struct packet_side *d)
{
	struct cv *c = ctx;
	c->sides = mc_xrealloc(c->sides, (c->n + 1) * sizeof *c->sides);
	struct side *s = &c->sides[c->n++];
	*s = (struct side){ .label = mc_xstrdup(d->label), .packet_id = d->packet_id ? mc_xstrdup(d->packet_id) : NULL,
			    .what = mc_xstrdup(d->what ? d->what : ""), .n = d->n };
	s->lines = mc_xcalloc(d->n + 1, sizeof *s->lines);
	for (size_t i = 0; i < d->n; i++)
		s->lines[i] = mc_xstrdup(d->lines[i]);
	return 0;
}

static void sides_free(struct cv *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t k = 0; k < c->sides[i].n; k++)
			free(c->sides[i].lines[k]);
		free(c->sides[i].lines);
		free(c->sides[i].label);
		free(c->sides[i].packet_id);
		free(c->sides[i].what);
	}
	free(c->sides);
	c->sides = NULL;
	c->n = 0;
}

static int c_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	struct cv *c = mc_xcalloc(1, sizeof *c);
	v->data = c;
	c->sub = mc_xstrdup(arg);
	c->sel = 1; /* the first packet's side: the one the coordinator came to look at */
	int rc = packet_conflict_sides(v->tui->store, c->sub, add_side, c, err);
	if (c->sel >= c->n)
		c->sel = 0;
	return rc;
}

static void c_close(struct tui_view *v)
{
	struct cv *c = v->data;
	if (!c)
		return;
	sides_free(c);
	free(c->sub);
	if (c->title)
		delwin(c->title);
	if (c->body)
		delwin(c->body);
	free(c);
}

static void c_layout(struct tui_view *v, int y, int rows, int w)
{
	struct cv *c = v->data;
	tui_title_body(&c->title, &c->body, y, rows, w);
	c->h = rows - 1;
	c->w = w;
}

/* One column: the side's label, its records, then who did what, wrapped. */
struct col {
	WINDOW *win;
	int x, w, y, h;
	attr_t attr;
	const char *text;
};

static void col_line(void *ctx, size_t off, size_t len)
{
	struct col *k = ctx;
	if (k->y < k->h)
		tui_put(k->win, k->y++, k->x, k->text + off, len, k->w, k->attr);
}

static void draw_side(struct cv *c, size_t i, int x, int w)
{
	const struct side *s = &c->sides[i];
	int on = i == c->sel;
	char *head = mc_xasprintf("%s%s", on ? "> " : "  ", s->label);
	tui_put_pad(c->body, 0, x, head, w, tui_theme(on ? TUI_CURSOR : TUI_HEADING));
	free(head);
	struct col k = { .win = c->body, .x = x + 2, .w = w - 2, .y = 1, .h = c->h, .attr = tui_theme(TUI_NORMAL) };
	for (size_t l = 0; l < s->n; l++) {
		k.text = s->lines[l];
		tui_wrap(k.text, strlen(k.text), k.w, col_line, &k);
	}
	k.y++;
	k.attr = tui_theme(TUI_DIM);
	k.text = s->what;
	tui_wrap(k.text, strlen(k.text), k.w, col_line, &k);
}

static void c_draw(struct tui_view *v)
{
	struct cv *c = v->data;
	char *t = mc_xasprintf(" mcassess · conflict on %s · %zu sides · Tab next side · u keep · q back",
			       c->sub, c->n);
	tui_put_pad(c->title, 0, 0, t, c->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(c->title);
	werase(c->body);
	int n = c->n ? (int)c->n : 1, cw = (c->w - (n - 1)) / n;
	for (size_t i = 0; i < c->n; i++)
		draw_side(c, i, (int)i * (cw + 1), cw);
	wnoutrefresh(c->body);
}

static void ask_keep(struct tui_view *v)
{
	struct cv *c = v->data;
	const struct side *s = &c->sides[c->sel];
	c->asking = 1;
	char *p = s->packet_id && packet_id_is_pull(s->packet_id)
			  ? mc_xasprintf("Keep the remote archive's records for %s? y keeps · n cancels", c->sub)
		  : s->packet_id ? mc_xasprintf("Keep %s for %s over the server's records? y keeps · n cancels",
						s->label, c->sub)
				 : mc_xasprintf("Keep the server's records for %s, packets' noted? y keeps · n cancels",
					      c->sub);
	tui_set_prompt(v->tui, p);
	free(p);
}

static int c_key(struct tui_view *v, int key)
{
	struct cv *c = v->data;
	struct tui *t = v->tui;
	if (!c->asking)
		return TUI_UNKNOWN;
	c->asking = 0;
	tui_set_prompt(t, NULL);
	if (key != 'y' && key != 'Y') {
		tui_message(t, "nothing resolved");
		return TUI_HANDLED;
	}
	const struct side *s = &c->sides[c->sel];
	char *which = s->packet_id ? mc_xasprintf("%s/%s", s->packet_id, c->sub) : mc_xstrdup(c->sub);
	struct mc_error err = MC_ERROR_INIT;
	if (packet_resolve(t->store, which, s->packet_id ? "packet" : "server", &err) != MC_OK) {
		tui_error(t, &err);
	} else {
		char *msg = mc_xasprintf("%s: resolved, %s's records kept", c->sub, s->label);
		tui_pop(t); /* the packets screen below lists what is still open */
		tui_message(t, "%s", msg);
		free(msg);
	}
	free(which);
	return TUI_HANDLED;
}

static int c_request(struct tui_view *v, enum tui_action a)
{
	struct cv *c = v->data;
	if (c->n == 0)
		return TUI_UNKNOWN;
	switch (a) {
	case ACT_FOCUS: c->sel = (c->sel + 1) % c->n; break;
	case ACT_FOCUS_PREV: c->sel = (c->sel + c->n - 1) % c->n; break;
	case ACT_KEEP_SIDE: ask_keep(v); return TUI_HANDLED;
	default: return TUI_UNKNOWN;
	}
	v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_conflict = {
	"packet conflict", c_open, c_layout, c_draw, c_key, c_request, c_close, NULL, NULL,
};
