/* view_packet.c: the coordinator's summary of offline review sessions: each
 * packet merged back (who took it away, who brought it back, how much came
 * home) and the conflicts still open, with what to do about them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/packet.h"
#include "tui/tui_int.h"

struct pv {
	struct tui_pager pager;
	WINDOW *title, *body;
	int h, w;
	long npackets, nopen, nlisted;
	char **subs; /* the submission of each open conflict listed, in order */
	long sel;    /* the selected one (j/k), opened with Enter */
};

static void subs_free(struct pv *p)
{
	for (long i = 0; i < p->nlisted; i++)
		free(p->subs[i]);
	free(p->subs);
	p->subs = NULL;
	p->nlisted = 0;
}

/* The selected conflict's heading stands out (and, scroll: is on the screen). */
static void show_selected(struct pv *p, int scroll)
{
	for (int i = 0; i < p->pager.n; i++) {
		struct tui_pline *l = &p->pager.lines[i];
		if (l->mark < 0)
			continue;
		l->elem = l->mark == p->sel ? TUI_CURSOR : TUI_HEADING;
		if (scroll && l->mark == p->sel && (i < p->pager.top || i >= p->pager.top + p->h))
			p->pager.top = i > 1 ? i - 1 : 0;
	}
}

static int add_session(void *ctx, const struct packet_session_view *s)
{
	struct pv *p = ctx;
	char *l = mc_xasprintf("%.8s  %-12.12s  %-8.8s  %.10s  %6ld  %ld open, %ld resolved", s->packet_id,
			       s->district, s->exported_by, s->imported_at, s->events, s->conflicts_open,
			       s->conflicts_resolved);
	tui_pager_add(&p->pager, s->conflicts_open ? TUI_NORMAL : TUI_DIM, 1, -1, l);
	free(l);
	p->npackets++;
	return 0;
}

static int add_conflict(void *ctx, const struct packet_conflict_view *c)
{
	struct pv *p = ctx;
	p->subs = mc_xrealloc(p->subs, (size_t)(p->nlisted + 1) * sizeof *p->subs);
	p->subs[p->nlisted] = mc_xstrdup(c->submission);
	size_t len = strlen(c->packet_id); /* named as the conflict's sides name it */
	char *l = c->pull ? mc_xasprintf("%s (pulled from remote archive %.8s)", c->submission, c->packet_id + 8)
			  : mc_xasprintf("%s (packet %s)", c->submission, c->packet_id + (len > 8 ? len - 8 : 0));
	tui_pager_add(&p->pager, TUI_HEADING, 1, (int)p->nlisted++, l);
	free(l);
	l = mc_xasprintf("on the server: %s", c->server);
	tui_pager_add_wrapped(&p->pager, TUI_NORMAL, 3, -1, l, p->w - 4);
	free(l);
	l = mc_xasprintf("%s: %s", c->pull ? "in the remote archive" : "in the packet", c->packet);
	tui_pager_add_wrapped(&p->pager, TUI_NORMAL, 3, -1, l, p->w - 4);
	free(l);
	return 0;
}

static int build(struct tui_view *v, struct mc_error *err)
{
	struct pv *p = v->data;
	tui_pager_clear(&p->pager);
	subs_free(p);
	p->npackets = 0;
	tui_pager_add(&p->pager, TUI_HEADING, 1, -1,
		      "PACKET    DISTRICT      TAKEN BY  MERGED      EVENTS  CONFLICTS");
	int rc = packet_sessions(v->tui->store, add_session, p, err);
	if (rc == MC_OK && p->npackets == 0)
		tui_pager_add(&p->pager, TUI_DIM, 1, -1, "No packet has come back yet ('mcassess packet import FILE').");
	tui_pager_add(&p->pager, TUI_NORMAL, 0, -1, "");
	if (rc == MC_OK)
		rc = packet_conflicts(v->tui->store, 0, add_conflict, p, &p->nopen, err);
	if (rc == MC_OK)
		tui_pager_add_wrapped(&p->pager, TUI_DIM, 1, -1,
				      p->nopen ? "j/k selects a conflict, Enter shows its sides side by side to keep "
						 "one (or 'mcassess packet resolve ID --keep server|packet')." :
						 "No conflict is open.",
				      p->w - 2);
	if (p->sel >= p->nlisted)
		p->sel = p->nlisted ? p->nlisted - 1 : 0;
	show_selected(p, 0);
	return rc;
}

static int p_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	struct pv *p = mc_xcalloc(1, sizeof *p);
	v->data = p;
	p->w = 80;
	return build(v, err); /* refused (not a coordinator): the driver says why */
}

static void p_close(struct tui_view *v)
{
	struct pv *p = v->data;
	if (!p)
		return;
	tui_pager_clear(&p->pager);
	subs_free(p);
	if (p->title)
		delwin(p->title);
	if (p->body)
		delwin(p->body);
	free(p);
}

static void p_layout(struct tui_view *v, int y, int rows, int w)
{
	struct pv *p = v->data;
	if (p->title)
		delwin(p->title);
	if (p->body)
		delwin(p->body);
	p->title = newwin(1, w, y, 0);
	p->body = newwin(rows - 1, w, y + 1, 0);
	p->h = rows - 1;
	p->w = w;
	struct mc_error err = MC_ERROR_INIT;
	if (build(v, &err) != MC_OK)
		tui_error(v->tui, &err);
	mc_error_clear(&err);
}

static void p_draw(struct tui_view *v)
{
	struct pv *p = v->data;
	char *t = mc_xasprintf(" mcassess · review packets · %ld merged, %ld conflict%s open · q goes back",
			       p->npackets, p->nopen, p->nopen == 1 ? "" : "s");
	tui_put_pad(p->title, 0, 0, t, p->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(p->title);
	tui_pager_draw(&p->pager, p->body, 0, p->h, p->w);
	wnoutrefresh(p->body);
}

static int p_request(struct tui_view *v, enum tui_action a)
{
	struct pv *p = v->data;
	int moved = 0;
	if (p->nlisted && (a == ACT_MOVE_DOWN || a == ACT_MOVE_UP)) {
		p->sel += a == ACT_MOVE_DOWN ? (p->sel + 1 < p->nlisted) : -(p->sel > 0);
		show_selected(p, 1);
		v->dirty |= TUI_DIRTY_ALL;
		return TUI_HANDLED;
	}
	if (p->nlisted && a == ACT_OPEN) {
		tui_push(v->tui, &tui_view_conflict, p->subs[p->sel]);
		return TUI_HANDLED;
	}
	if (!tui_pager_request(&p->pager, a, p->h, &moved))
		return TUI_UNKNOWN;
	if (moved)
		v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_packet = {
	"review packets", p_open, p_layout, p_draw, NULL, p_request, p_close, NULL, NULL,
};
