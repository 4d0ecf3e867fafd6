/* view_workload.c: who holds what (key W from the queue; coordinators and
 * admins): each assessor's open reads, how many are overdue and how old the
 * oldest is, from assign_workload (the same core call as `assign list`'s
 * figures). A pager: the moves are the pager's own. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/assign.h"
#include "tui/tui_int.h"

struct wv {
	struct tui_pager pager;
	WINDOW *title, *body;
	int h, w;
	struct assign_load *loads;
	int n;
	long open, overdue;
};

static int w_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	struct wv *w = mc_xcalloc(1, sizeof *w);
	v->data = w;
	char now[MC_TIME_LEN];
	mc_time_format(v->tui->now, now);
	int rc = assign_workload(v->tui->store, now, &w->loads, &w->n, err);
	for (int i = 0; rc == MC_OK && i < w->n; i++) {
		w->open += w->loads[i].open;
		w->overdue += w->loads[i].overdue;
	}
	return rc;
}

static void w_close(struct tui_view *v)
{
	struct wv *w = v->data;
	if (!w)
		return;
	tui_pager_clear(&w->pager);
	assign_workload_free(&w->loads, w->n);
	if (w->title)
		delwin(w->title);
	if (w->body)
		delwin(w->body);
	free(w);
}

/* "3d" since `at` on the workstation's clock; "-" when none. */
static void age(time_t now, const char *at, char *out, size_t size)
{
	time_t t;
	if (!at || mc_time_parse(at, &t) != 0)
		snprintf(out, size, "-");
	else
		snprintf(out, size, "%lldd", (long long)(now > t ? (now - t) / 86400 : 0));
}

static void build(struct tui_view *v)
{
	struct wv *w = v->data;
	struct tui_pager *p = &w->pager;
	tui_pager_clear(p);
	int dw = w->w - 14 - 6 - 8 - 7 - 5; /* the district takes what the numbers leave */
	if (dw > 40)
		dw = 40;
	if (dw < 8)
		dw = 8;
	char *l = mc_xasprintf("%-13s %5s %7s %6s  %-.*s", "ASSESSOR", "OPEN", "OVERDUE", "OLDEST", dw, "DISTRICT");
	tui_pager_add(p, TUI_HEADING, 0, -1, l);
	free(l);
	for (int i = 0; i < w->n; i++) {
		const struct assign_load *a = &w->loads[i];
		char old[24];
		age(v->tui->now, a->oldest_at, old, sizeof old);
		l = mc_xasprintf("%-13s %5ld %7ld %6s  %s", a->user, a->open, a->overdue, old,
				 a->district ? a->district : "-");
		tui_pager_add(p, a->overdue ? TUI_UNSCORED : TUI_NORMAL, 0, -1, l);
		free(l);
	}
	tui_pager_add(p, TUI_NORMAL, 0, -1, "");
	tui_pager_add_wrapped(p, TUI_DIM, 0, -1,
			      "Reads of open submissions. The same from the command line: mcassess assign list "
			      "[--user U] [--overdue]; share out the unassigned: mcassess assign --auto.",
			      w->w - 1);
}

static void w_layout(struct tui_view *v, int y, int rows, int cols)
{
	struct wv *w = v->data;
	if (w->title)
		delwin(w->title);
	if (w->body)
		delwin(w->body);
	w->title = newwin(1, cols, y, 0);
	w->body = newwin(rows - 1, cols, y + 1, 0);
	w->h = rows - 1;
	w->w = cols;
	int top = w->pager.top;
	build(v);
	int max_top = w->pager.n - w->h > 0 ? w->pager.n - w->h : 0;
	w->pager.top = top > max_top ? max_top : top;
}

static void w_draw(struct tui_view *v)
{
	struct wv *w = v->data;
	char *t = mc_xasprintf(" mcassess · workload · %d assessors · %ld open reads · %ld overdue · q goes back",
			       w->n, w->open, w->overdue);
	tui_put_pad(w->title, 0, 0, t, w->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(w->title);
	tui_pager_draw(&w->pager, w->body, 0, w->h, w->w);
	wnoutrefresh(w->body);
}

static int w_request(struct tui_view *v, enum tui_action a)
{
	struct wv *w = v->data;
	int moved = 0;
	if (a == ACT_WORKLOAD) {
		tui_pop(v->tui); /* W again goes back */
		return TUI_HANDLED;
	}
	if (!tui_pager_request(&w->pager, a, w->h, &moved))
		return TUI_UNKNOWN;
	if (moved)
		v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_workload = {
	"workload", w_open, w_layout, w_draw, NULL, w_request, w_close, NULL, NULL,
};
