/* view_report.c: the reports screen (R from the queue): progress against goals
 * with a bar per pathway, and the viewer's own agreement. Every figure is
 * loaded when the screen opens and when asked again (refresh, r), with the time
 * they were taken shown; other keys only scroll, and a resize redraws the bars
 * from what was loaded. Bars are Unicode eighth blocks, or '#'
 * when the terminal's character set is not UTF-8. */
#include "config.h"

#include <langinfo.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mcassess/report.h"
#include "tui/tui_int.h"

struct rv {
	struct report_scope scope;
	struct report_progress progress;
	struct report_agreement agreement;
	struct tui_pager pager;
	WINDOW *title, *body;
	int h, w;
	int utf8;
	char taken[MC_TIME_LEN]; /* when the figures were read */
};

/* The figures, read afresh; on failure the ones shown stay. */
static int load(struct tui_view *v, struct rv *r, struct mc_error *err)
{
	struct report_progress p;
	struct report_agreement a;
	int rc = report_progress(v->tui->store, &r->scope, &p, err);
	if (rc != MC_OK)
		return rc;
	if ((rc = report_agreement(v->tui->store, &r->scope, &a, err)) != MC_OK) {
		report_progress_free(&p);
		return rc;
	}
	report_progress_free(&r->progress);
	report_agreement_free(&r->agreement);
	r->progress = p;
	r->agreement = a;
	mc_time_format(v->tui->script ? v->tui->now : time(NULL), r->taken); /* fixed in screen tests */
	return MC_OK;
}

static int r_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	struct rv *r = mc_xcalloc(1, sizeof *r);
	v->data = r;
	r->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	struct report_request rq = { 0 };
	int rc = report_scope_for(v->tui->store, v->tui->viewer, &rq, &r->scope, err);
	return rc == MC_OK ? load(v, r, err) : rc;
}

static void r_close(struct tui_view *v)
{
	struct rv *r = v->data;
	if (!r)
		return;
	tui_pager_clear(&r->pager);
	report_progress_free(&r->progress);
	report_agreement_free(&r->agreement);
	report_scope_free(&r->scope);
	if (r->title)
		delwin(r->title);
	if (r->body)
		delwin(r->body);
	free(r);
}

/* A bar of `cells` cells standing for the goal: filled as far as earned goes
 * (in eighths of a cell when UTF-8), dotted for what is left to earn. */
static void bar(struct mc_buf *b, long earned, long goal, int cells, int utf8)
{
	static const char *const eighths[] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };
	if (goal <= 0)
		return;
	long units = earned >= goal ? (long)cells * 8 : (long)((double)earned * cells * 8 / goal);
	int used = 0;
	for (; units >= 8 && used < cells; units -= 8, used++)
		mc_buf_adds(b, utf8 ? "█" : "#");
	if (utf8 && units > 0 && used < cells) {
		mc_buf_adds(b, eighths[units]);
		used++;
	}
	for (; used < cells; used++)
		mc_buf_adds(b, utf8 ? "·" : ".");
}

#define LABEL_W 8

static void progress_lines(struct rv *r, struct tui_pager *p)
{
	int cells = r->w - (1 + LABEL_W + 6 + 7 + 6 + 6 + 3);
	cells = cells < 10 ? 10 : cells > 60 ? 60 : cells; /* longer bars say no more */
	char *head = mc_xasprintf("%-*s %5s %6s %5s %5s  earned against the goal", LABEL_W, "pathway", "goal",
				  "earned", "of", "open");
	tui_pager_add(p, TUI_HEADING, 1, -1, head);
	free(head);
	struct mc_buf b = { 0 };
	for (int i = 0; i < r->progress.n; i++) {
		const struct report_progress_row *x = &r->progress.rows[i];
		if (x->level != REPORT_PATHWAY)
			continue;
		mc_buf_reset(&b);
		mc_buf_printf(&b, "%-*.*s %5ld %6ld ", LABEL_W, LABEL_W, x->pathway, x->goal, x->c.earned);
		if (x->goal > 0)
			mc_buf_printf(&b, "%4.0f%% ", 100.0 * x->c.earned / x->goal);
		else
			mc_buf_printf(&b, "%5s ", "-");
		mc_buf_printf(&b, "%5ld  ", x->c.in_process);
		bar(&b, x->c.earned, x->goal, cells, r->utf8);
		tui_pager_add(p, TUI_NORMAL, 1, -1, mc_buf_str(&b));
	}
	mc_buf_reset(&b);
	const struct report_counts *t = &r->progress.total;
	mc_buf_printf(&b, "%-*s %5ld %6ld ", LABEL_W, "total", r->progress.goal_total, t->earned);
	if (r->progress.goal_total > 0)
		mc_buf_printf(&b, "%4.0f%% ", 100.0 * t->earned / r->progress.goal_total);
	else
		mc_buf_printf(&b, "%5s ", "-");
	mc_buf_printf(&b, "%5ld", t->in_process);
	tui_pager_add(p, TUI_HEADING, 1, -1, mc_buf_str(&b));
	double rate = report_first_pass_rate(t);
	mc_buf_reset(&b);
	if (isnan(rate))
		mc_buf_printf(&b, "Nothing decided yet.");
	else
		mc_buf_printf(&b, "Earned at the first attempt: %.0f%% of %ld decided; %.2f attempts per credential "
			      "earned.", 100 * rate, t->first_decided, report_attempts_to_earn(t));
	tui_pager_add_wrapped(p, TUI_DIM, 1, -1, mc_buf_str(&b), r->w - 2);
	mc_buf_free(&b);
}

static void estimate(struct mc_buf *b, const char *name, const struct stats_estimate *e)
{
	if (isnan(e->value))
		mc_buf_printf(b, "  %s -", name);
	else
		mc_buf_printf(b, "  %s %.2f (%.2f-%.2f)", name, e->value, e->lo, e->hi);
}

static void agreement_line(struct tui_pager *p, const char *what, const struct stats_agreement *a, int w)
{
	struct mc_buf b = { 0 };
	mc_buf_printf(&b, "%s: %ld scores compared;", what, a->n);
	estimate(&b, "exact", &a->exact);
	estimate(&b, "kappa", &a->kappa);
	estimate(&b, "AC1", &a->ac1);
	tui_pager_add_wrapped(p, TUI_NORMAL, 1, -1, mc_buf_str(&b), w - 2);
	mc_buf_free(&b);
}

/* The viewer's own line against the final outcome, and everyone's first and
 * second reads as far as the viewer may see them. */
static void agreement_lines(struct tui_view *v, struct rv *r, struct tui_pager *p)
{
	tui_pager_add(p, TUI_NORMAL, 0, -1, "");
	tui_pager_add(p, TUI_HEADING, 1, -1, "Agreement (95% confidence intervals)");
	const struct report_agreement_row *mine = NULL, *pairs = NULL;
	for (int i = 0; i < r->agreement.n; i++) {
		const struct report_agreement_row *x = &r->agreement.rows[i];
		if (strcmp(x->what, "assessor-final") == 0 && strcmp(x->key, v->tui->viewer) == 0)
			mine = x;
		if (strcmp(x->what, "first-second") == 0 && strcmp(x->key, "all") == 0)
			pairs = x;
	}
	if (mine)
		agreement_line(p, "You against the final outcome", &mine->a, r->w);
	else
		tui_pager_add(p, TUI_DIM, 1, -1, "You: no scores of yours have a later read to compare with yet.");
	if (pairs)
		agreement_line(p, "First read against second read", &pairs->a, r->w);
	tui_pager_add_wrapped(p, TUI_DIM, 1, -1, "Kappa reads low when nearly every score passes; AC1 does not. "
			      "mcassess report agreement has every criterion.", r->w - 2);
}

static void build(struct tui_view *v)
{
	struct rv *r = v->data;
	tui_pager_clear(&r->pager);
	char *when = mc_xasprintf("Figures taken %.10s at %.5s UTC; r takes them again.", r->taken, r->taken + 11);
	tui_pager_add(&r->pager, TUI_DIM, 1, -1, when);
	free(when);
	progress_lines(r, &r->pager);
	agreement_lines(v, r, &r->pager);
}

/* The lines again, kept at the same place as far as they go. */
static void rebuild(struct tui_view *v, struct rv *r)
{
	int top = r->pager.top;
	build(v);
	int max_top = r->pager.n - r->h > 0 ? r->pager.n - r->h : 0;
	r->pager.top = top > max_top ? max_top : top;
}

static void r_layout(struct tui_view *v, int y, int rows, int w)
{
	struct rv *r = v->data;
	if (r->title)
		delwin(r->title);
	if (r->body)
		delwin(r->body);
	r->title = newwin(1, w, y, 0);
	r->body = newwin(rows - 1, w, y + 1, 0);
	r->h = rows - 1;
	r->w = w;
	rebuild(v, r);
}

static void r_draw(struct tui_view *v)
{
	struct rv *r = v->data;
	const char *whose = r->scope.assessor ? "your own work" : r->scope.district ? r->scope.district
										    : "all districts";
	char *t = mc_xasprintf(" mcassess · reports · %s · q goes back", whose);
	tui_put_pad(r->title, 0, 0, t, r->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(r->title);
	werase(r->body);
	tui_pager_draw(&r->pager, r->body, 0, r->h, r->w);
	wnoutrefresh(r->body);
}

/* Only here are the reports read again: never on a move. */
static void take_again(struct tui_view *v, struct rv *r)
{
	struct mc_error err = MC_ERROR_INIT;
	if (load(v, r, &err) != MC_OK)
		tui_message(v->tui, "The figures could not be taken again; these are from %.10s %.5s: %s", r->taken,
			    r->taken + 11, err.msg);
	mc_error_clear(&err);
	rebuild(v, r);
	v->dirty |= TUI_DIRTY_ALL;
}

static int r_request(struct tui_view *v, enum tui_action a)
{
	struct rv *r = v->data;
	if (a == ACT_REFRESH) {
		take_again(v, r);
		return TUI_HANDLED;
	}
	int moved = 0;
	if (!tui_pager_request(&r->pager, a, r->h, &moved))
		return TUI_UNKNOWN;
	if (moved)
		v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_report = {
	"reports", r_open, r_layout, r_draw, NULL, r_request, r_close, NULL, NULL,
};
