/* view_calibration.c: the user's calibration set (C from the queue): every
 * exemplar with where the user stands on it (to do, started, done), and their
 * results per credential against the agreed scores (calibration.h). Enter
 * opens the selected exemplar on the submission screen in calibration mode:
 * scored exactly as real work, blind, in a calibration read of the user's own. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/calibration.h"
#include "tui/tui_int.h"

struct cv {
	struct store_calib_row *rows;
	int n, cursor;
	struct calib_result *res;
	int nres, threshold;
	struct tui_pager pager;
	WINDOW *title, *body;
	int h, w;
};

static int load(struct tui_view *v, struct mc_error *err)
{
	struct cv *c = v->data;
	store_calib_rows_free(&c->rows, c->n);
	calib_results_free(&c->res, c->nres);
	c->n = c->nres = 0;
	int rc = calib_list(v->tui->store, NULL, &c->rows, &c->n, err);
	if (rc == MC_OK)
		rc = calib_results(v->tui->store, v->tui->viewer, NULL, &c->res, &c->nres, &c->threshold, err);
	if (c->cursor >= c->n)
		c->cursor = c->n ? c->n - 1 : 0;
	return rc;
}

static int c_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	v->data = mc_xcalloc(1, sizeof(struct cv));
	return load(v, err);
}

static void c_close(struct tui_view *v)
{
	struct cv *c = v->data;
	if (!c)
		return;
	tui_pager_clear(&c->pager);
	store_calib_rows_free(&c->rows, c->n);
	calib_results_free(&c->res, c->nres);
	if (c->title)
		delwin(c->title);
	if (c->body)
		delwin(c->body);
	free(c);
}

static const char *state(const struct store_calib_row *r)
{
	return !r->mine ? "to do" : strcmp(r->mine, "done") == 0 ? "done" : "started";
}

static void add_result(struct tui_pager *p, const struct calib_result *r, int threshold, int w)
{
	char *l;
	if (r->g.n && !isnan(r->g.exact.value))
		l = mc_xasprintf("%s · %ld of %ld done · exact %.0f%% · adjacent %.0f%% · kappa %.2f · AC1 %.2f · "
				 "qualified: %s (%d%% exact over the whole set)",
				 r->credential, r->done, r->exemplars, 100 * r->g.exact.value, 100 * r->g.adjacent.value,
				 r->g.kappa.value, r->g.ac1.value, r->qualified ? "yes" : "no", threshold);
	else
		l = mc_xasprintf("%s · %ld of %ld done · qualified: no (finish every exemplar; %d%% exact agreement "
				 "needed)", r->credential, r->done, r->exemplars, threshold);
	tui_pager_add_wrapped(p, r->qualified ? TUI_PASS : TUI_UNSCORED, 2, -1, l, w);
	free(l);
}

static void build(struct tui_view *v)
{
	struct cv *c = v->data;
	struct tui_pager *p = &c->pager;
	tui_pager_clear(p);
	tui_pager_add(p, TUI_HEADING, 0, -1, " EXEMPLAR      CREDENTIAL      YOURS");
	if (!c->n)
		tui_pager_add_wrapped(p, TUI_DIM, 1, -1, "No calibration exemplars yet: a coordinator adds them "
				      "(mcassess calibration add ID).", c->w - 2);
	for (int i = 0; i < c->n; i++) {
		char *l = mc_xasprintf(" %-13s %-15s %s", c->rows[i].id, c->rows[i].credential, state(&c->rows[i]));
		tui_pager_add(p, TUI_NORMAL, 0, i, l);
		free(l);
	}
	tui_pager_add(p, TUI_NORMAL, 0, -1, "");
	tui_pager_add(p, TUI_HEADING, 0, -1, " Your results against the agreed scores");
	if (!c->nres)
		tui_pager_add_wrapped(p, TUI_DIM, 2, -1, "none yet: score an exemplar (digits), then decide it (d).",
				      c->w - 3);
	for (int i = 0; i < c->nres; i++)
		add_result(p, &c->res[i], c->threshold, c->w - 3);
	tui_pager_add(p, TUI_NORMAL, 0, -1, "");
	tui_pager_add_wrapped(p, TUI_DIM, 1, -1, "Calibration is scored blind, as real work; the submission's "
			      "real scores, feedback and outcome never change. The agreed scores show once you "
			      "finish an exemplar.", c->w - 2);
}

static void c_layout(struct tui_view *v, int y, int h, int w)
{
	struct cv *c = v->data;
	struct mc_error err = MC_ERROR_INIT;
	if (load(v, &err) != MC_OK) /* back from an exemplar: where the user stands now */
		tui_error(v->tui, &err);
	tui_title_body(&c->title, &c->body, y, h, w);
	c->h = h - 1;
	c->w = w;
	build(v);
}

static void c_draw(struct tui_view *v)
{
	struct cv *c = v->data;
	long done = 0;
	for (int i = 0; i < c->n; i++)
		done += c->rows[i].mine && strcmp(c->rows[i].mine, "done") == 0;
	char *t = mc_xasprintf(" mcassess · calibration · %ld of %d done · Enter scores the selected one · q back",
			       done, c->n);
	tui_put_pad(c->title, 0, 0, t, c->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(c->title);
	werase(c->body);
	tui_pager_draw(&c->pager, c->body, 0, c->h, c->w);
	for (int i = 0; i < c->pager.n; i++) /* the selected exemplar */
		if (c->n && c->pager.lines[i].mark == c->cursor && i >= c->pager.top && i < c->pager.top + c->h)
			tui_put_pad(c->body, i - c->pager.top, 0, c->pager.lines[i].text, c->w, tui_theme(TUI_CURSOR));
	wnoutrefresh(c->body);
}

static int c_request(struct tui_view *v, enum tui_action a)
{
	struct cv *c = v->data;
	switch (a) {
	case ACT_CALIBRATION: tui_pop(v->tui); return TUI_HANDLED; /* C again goes back */
	case ACT_MOVE_DOWN: c->cursor += c->cursor + 1 < c->n; break;
	case ACT_MOVE_UP: c->cursor -= c->cursor > 0; break;
	case ACT_FIRST: c->cursor = 0; break;
	case ACT_LAST: c->cursor = c->n ? c->n - 1 : 0; break;
	case ACT_OPEN:
		if (c->n)
			tui_push(v->tui, &tui_view_calib_item, c->rows[c->cursor].id);
		else
			tui_message(v->tui, "nothing to open");
		return TUI_HANDLED;
	default: return TUI_UNKNOWN;
	}
	/* keep the selected exemplar on screen: its line is the cursor's + 1 (the header) */
	if (c->cursor + 1 < c->pager.top)
		c->pager.top = c->cursor + 1;
	else if (c->cursor + 1 >= c->pager.top + c->h)
		c->pager.top = c->cursor + 2 - c->h;
	v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_calibration = {
	"calibration", c_open, c_layout, c_draw, NULL, c_request, c_close, NULL, NULL,
};
