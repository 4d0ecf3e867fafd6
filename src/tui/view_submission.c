/* view_submission.c: one submission. The evidence part by part in a pager
 * (wrapped by display width, CJK taking two cells), each part's word count
 * against its limits; the rubric pane beside it from 120 columns, below it on
 * narrower screens. Tab moves the focus; in the rubric, digits score. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mcassess/priv.h"
#include "mcassess/calibration.h"
#include "mcassess/claim.h"
#include "mcassess/evstore.h"
#include "mcassess/precheck.h"
#include "mcassess/review.h"
#include "mcassess/scoring.h"
#include "mcassess/show.h"
#include "mcassess/store.h"
#include "tui/tui_int.h"

#define TOUCH_EVERY 60 /* seconds between refreshes of the claim while the assessor works */

#define WIDE_COLS 120

enum { SV_TITLE = 1, SV_EVIDENCE = 2, SV_RUBRIC = 4 };

struct sv {
	char *id;
	struct show_submission *sub;
	struct tui_rubric *rubric;
	char *readonly;            /* why scoring is refused, NULL when allowed */
	int claimed;               /* this screen holds the claim on the submission */
	time_t touched;            /* when the claim was last refreshed */
	int deciding;              /* 1: asking earned or resubmit; 2: asking to confirm */
	const char *decision;      /* what is being confirmed */
	int returning;             /* incomplete: 1 typing the reason, 2 asking to confirm */
	int to_readers;            /* returning: to the readers (an approver's return), not incomplete */
	int approving;             /* 1: asking to confirm the approval */
	struct mc_buf reason;      /* what is missing, as typed */
	int drafts;                /* 1: drafts of this user's text wait for this submission */
	int focus;                 /* 0 evidence, 1 rubric */
	int summary;               /* the rubric summary fills the body (rubric-summary) */
	int follow;                /* back from the summary: the evidence shows the criterion's part */
	int checks_open;           /* every pre-check finding shown, not one summary line */
	int wide;
	unsigned parts_dirty;      /* SV_* under TUI_DIRTY_SOME */
	WINDOW *title, *ev, *sep, *rub;
	struct tui_pager pager;    /* evidence lines; mark = part index */
	int shown_part;            /* the part ] [ or a criterion brought into view, -1: the top line's */
	struct tui_find *find;     /* `/` in the evidence (find.c) */
	struct tui_find *personal; /* the personal data the pre-checks found, marked in place */
	int ev_h, ev_w;            /* evidence rows (under its header), cells */
	/* calibration (calibration.h): the exemplar scored in the user's own
	 * calibration read; once finished, the agreed levels (NULL before) */
	int calib;
	struct scoring_outcome *agreed;
};

static int load_outcome(struct tui_view *v, struct mc_error *err)
{
	struct sv *d = v->data;
	struct scoring_outcome *o = NULL;
	if (d->calib) {
		scoring_outcome_free(&d->agreed);
		if (calib_item(v->tui->store, d->id, &o, &d->agreed, err) != MC_OK)
			return err->status ? (int)err->status : MC_FAIL;
		free(d->readonly);
		d->readonly = d->agreed ? mc_xasprintf("you have finished your calibration read of %s: "
						       "its scores are final", d->id) : NULL;
	} else if (scoring_outcome(v->tui->store, d->sub->rowid, &o, err) != MC_OK) {
		return err->status ? (int)err->status : MC_FAIL;
	}
	tui_rubric_set(d->rubric, o);
	return MC_OK;
}

/* Drafts this user left for the submission (the overall feedback, comments). */
static void count_drafts(struct tui_view *v, int report)
{
	struct sv *d = v->data;
	long n = 0;
	struct mc_error err = MC_ERROR_INIT;
	if (scoring_draft_count(v->tui->store, d->id, &n, &err) != MC_OK)
		mc_error_clear(&err);
	d->drafts = n > 0;
	if (d->drafts && !d->readonly && report)
		tui_message(v->tui, "unsaved text you wrote here is kept as a draft: f (or c on a criterion) "
			    "brings it back");
}

/* The personal data the pre-checks count, to be marked where it stands. */
static void mark_personal(struct tui_view *v)
{
	struct sv *d = v->data;
	char **terms = NULL;
	int n = 0;
	struct mc_error err = MC_ERROR_INIT;
	if (precheck_personal_terms(v->tui->store, d->sub, &terms, &n, &err) != MC_OK ||
	    tui_find_set_terms(d->personal, terms, n, &err) != MC_OK)
		tui_error(v->tui, &err); /* the evidence still shows, unmarked */
	precheck_lines_free(terms, n);
}

static struct sv *sv_new(struct tui_view *v, const void *arg)
{
	struct sv *d = mc_xcalloc(1, sizeof *d);
	v->data = d;
	d->id = mc_xstrdup(arg);
	d->rubric = tui_rubric_new();
	d->find = tui_find_new();
	d->personal = tui_find_new();
	d->shown_part = -1;
	return d;
}

/* Start on the rubric's first unscored criterion. */
static void first_unscored(struct sv *d)
{
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	for (int i = 0; o && i < o->ncriteria; i++)
		if (o->criteria[i].level < 0) {
			tui_rubric_set_cursor(d->rubric, i);
			break;
		}
}

/* A calibration exemplar (the calibration screen's Enter): blind, no claim,
 * no drafts; digits and d write the user's calibration read only. */
static int s_open_calib(struct tui_view *v, const void *arg, struct mc_error *err)
{
	struct sv *d = sv_new(v, arg);
	d->calib = 1;
	if (calib_evidence(v->tui->store, d->id, &d->sub, err) != MC_OK || load_outcome(v, err) != MC_OK)
		return err->status ? (int)err->status : MC_FAIL;
	first_unscored(d);
	return MC_OK;
}

static int s_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	struct sv *d = sv_new(v, arg);
	if (show_load(v->tui->store, d->id, &d->sub, err) != MC_OK)
		return err->status ? (int)err->status : MC_FAIL;
	tui_rubric_set_reads(d->rubric, d->sub);
	if (load_outcome(v, err) != MC_OK)
		return err->status ? (int)err->status : MC_FAIL;
	mark_personal(v);
	/* claim_acquire asks scoring_may_write first: a refusal reads as its reason */
	struct mc_error why = MC_ERROR_INIT;
	if (claim_acquire(v->tui->store, d->id, &why) == MC_OK) {
		d->claimed = 1;
		d->touched = time(NULL);
	} else {
		d->readonly = mc_xstrdup(mc_error_msg(&why));
		/* held by someone else: say who (a decided one just reads read-only) */
		if (claim_check(v->tui->store, d->id, &why) != MC_OK)
			tui_message(v->tui, "%s", d->readonly);
		mc_error_clear(&why);
	}
	count_drafts(v, 1);
	first_unscored(d);
	return MC_OK;
}

static void free_windows(struct sv *d)
{
	WINDOW **ws[] = { &d->title, &d->ev, &d->sep, &d->rub };
	for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
		if (*ws[i]) {
			delwin(*ws[i]);
			*ws[i] = NULL;
		}
}

static void s_close(struct tui_view *v)
{
	struct sv *d = v->data;
	if (!d)
		return;
	free_windows(d);
	if (d->claimed) {
		struct mc_error err = MC_ERROR_INIT;
		claim_release(v->tui->store, d->id, &err); /* a lapsed claim is nobody's loss */
		mc_error_clear(&err);
	}
	tui_pager_clear(&d->pager);
	tui_find_free(&d->find);
	tui_find_free(&d->personal);
	tui_rubric_free(&d->rubric);
	scoring_outcome_free(&d->agreed);
	mc_buf_free(&d->reason);
	show_free(&d->sub);
	free(d->readonly);
	free(d->id);
	free(d);
}

/* ------------------------------------------------------------- evidence */
static char *limits_text(const struct show_part *p)
{
	if (p->min_words >= 0 && p->max_words >= 0)
		return mc_xasprintf("%lld-%lld", p->min_words, p->max_words);
	if (p->min_words >= 0)
		return mc_xasprintf("at least %lld", p->min_words);
	if (p->max_words >= 0)
		return mc_xasprintf("at most %lld", p->max_words);
	return NULL;
}

static void human_size(long long n, char *out, size_t size)
{
	if (n < 10 * 1024)
		snprintf(out, size, "%lld bytes", n);
	else if (n < 10LL * 1024 * 1024)
		snprintf(out, size, "%lld KiB", n / 1024);
	else
		snprintf(out, size, "%lld MiB", n / (1024 * 1024));
}

/* The feedback under the evidence (mark = the number of parts, so ] reaches it). */
static void add_feedback(struct tui_view *v, int w)
{
	struct sv *d = v->data;
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	int m = d->sub->nparts;
	tui_pager_add(&d->pager, TUI_NORMAL, 0, m, "");
	char *head = o && o->feedback ? mc_xasprintf("Feedback · by %s", o->feedback_author ? o->feedback_author : "?")
				      : mc_xstrdup("Feedback");
	tui_pager_add_wrapped(&d->pager, TUI_PART, 0, m, head, w);
	free(head);
	if (o && o->feedback)
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 2, m, o->feedback, w);
	else
		tui_pager_add_wrapped(&d->pager, TUI_UNSCORED, 2, m, "(none yet: f writes it)", w);
	if (d->drafts)
		tui_pager_add_wrapped(&d->pager, TUI_KEY, 2, m, "(your unsaved draft is kept: f brings it back)", w);
	const struct show_submission *s = d->sub;
	if (s->decision_reason && *s->decision_reason) {
		char *l = mc_xasprintf("Returned as %s by %s:", s->decision ? s->decision : "?",
				       s->decided_by ? s->decided_by : "?");
		tui_pager_add_wrapped(&d->pager, TUI_FAIL, 2, m, l, w);
		free(l);
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 4, m, s->decision_reason, w);
	}
}

/* Calibration: once finished, the user's levels against the agreed ones. */
static void add_calib_result(struct tui_view *v, int w)
{
	struct sv *d = v->data;
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric), *g = d->agreed;
	int m = d->sub->nparts;
	tui_pager_add(&d->pager, TUI_NORMAL, 0, m, "");
	if (!o || !g || g->ncriteria != o->ncriteria) {
		tui_pager_add_wrapped(&d->pager, TUI_PART, 0, m, "Calibration · the agreed scores show here once you "
				      "have scored every criterion and decided (d)", w);
		return;
	}
	int same = 0;
	for (int i = 0; i < o->ncriteria; i++)
		same += o->criteria[i].level == g->criteria[i].level;
	char *l = mc_xasprintf("Calibration result · %d of %d criteria as agreed · outcome %s, agreed %s", same,
			       o->ncriteria, o->decision ? o->decision : "?", g->decision ? g->decision : "?");
	tui_pager_add_wrapped(&d->pager, TUI_PART, 0, m, l, w);
	free(l);
	for (int i = 0; i < o->ncriteria; i++) {
		const struct scoring_criterion *c = &o->criteria[i], *a = &g->criteria[i];
		int eq = c->level == a->level;
		l = mc_xasprintf("%-5s yours %-14s agreed %s%s", c->code, c->level >= 0 ? c->levels[c->level].label : "-",
				 a->level >= 0 ? a->levels[a->level].label : "-", eq ? "" : "  (differs)");
		tui_pager_add_wrapped(&d->pager, eq ? TUI_PASS : TUI_FAIL, 2, m, l, w);
		free(l);
	}
}

/* Earlier attempts: their decision, scores with comments, and feedback. */
static void add_history(struct tui_view *v, int w)
{
	struct sv *d = v->data;
	const struct show_submission *s = d->sub;
	for (int hi = s->nhistory - 1; hi >= 0; hi--) {
		const struct show_attempt *a = &s->history[hi];
		int m = s->nparts + 1;
		tui_pager_add(&d->pager, TUI_NORMAL, 0, m, "");
		char *l = mc_xasprintf("Earlier attempt %d · %s · submitted %s · %s%s%s", a->attempt, a->id,
				       a->submitted_at ? a->submitted_at : "?", a->decision ? a->decision : a->status,
				       a->decided_by ? " by " : "", a->decided_by ? a->decided_by : "");
		tui_pager_add_wrapped(&d->pager, TUI_PART, 0, m, l, w);
		free(l);
		for (int i = 0; i < a->nscores; i++) {
			const struct show_score *sc = &a->scores[i];
			l = mc_xasprintf("%-5s %s%s%s", sc->criterion, sc->level_label ? sc->level_label : sc->level,
					 sc->comment && *sc->comment ? ": " : "", sc->comment ? sc->comment : "");
			tui_pager_add_wrapped(&d->pager, sc->passes ? TUI_PASS : TUI_FAIL, 2, m, l, w);
			free(l);
		}
		if (a->decision_reason && *a->decision_reason) {
			tui_pager_add_wrapped(&d->pager, TUI_DIM, 2, m, "Returned because:", w);
			tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 4, m, a->decision_reason, w);
		}
		if (a->feedback) {
			tui_pager_add_wrapped(&d->pager, TUI_DIM, 2, m, "Feedback given:", w);
			tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 4, m, a->feedback, w);
		}
	}
}

/* The pre-checks at the top, counted with part 1 so that [ reaches them. */
static void add_checks(struct tui_view *v, int w)
{
	struct sv *d = v->data;
	int n;
	char **lines = precheck_lines(d->sub->checks, &n);
	/* Folded, the findings take one line, so the evidence keeps the screen. */
	int folded = n > 1 && !d->checks_open;
	char *head = !n ? mc_xstrdup("Pre-checks · nothing to look at")
		     : folded ? mc_xasprintf("Pre-checks · %d to look at (! shows them): %s", n, lines[0])
			      : mc_xasprintf("Pre-checks · %d to look at%s", n, n > 1 ? " (! folds them)" : "");
	if (folded)
		tui_pager_add(&d->pager, TUI_CHECK, 0, 0, head);
	else
		tui_pager_add_wrapped(&d->pager, n ? TUI_CHECK : TUI_DIM, 0, 0, head, w);
	free(head);
	for (int i = 0; i < n && !folded; i++) {
		char *l = mc_xasprintf("! %s", lines[i]);
		tui_pager_add_wrapped(&d->pager, TUI_CHECK, 2, 0, l, w);
		free(l);
	}
	precheck_lines_free(lines, n);
	if (d->sub->blind)
		tui_pager_add_wrapped(&d->pager, TUI_DIM, 2, 0,
				      "You score blind: names, e-mail addresses and phone numbers are masked.", w);
	tui_pager_add(&d->pager, TUI_NORMAL, 0, 0, "");
}

/* ----------------------------------------------------------------- find */
/* The pager was rebuilt (a resize rewraps it): the matches again. */
static void find_again(struct tui_view *v)
{
	struct sv *d = v->data;
	struct mc_error err = MC_ERROR_INIT;
	if (tui_find_scan(d->find, &d->pager, &err) != MC_OK ||
	    tui_find_scan(d->personal, &d->pager, &err) != MC_OK)
		tui_error(v->tui, &err);
}

/* `/`, n, N and the prompt's keys; the evidence is redrawn (highlights). */
static int find_request(struct tui_view *v, enum tui_action a, int key)
{
	struct sv *d = v->data;
	int moved = 0;
	int handled = key ? tui_find_key(d->find, v->tui, &d->pager, d->ev_h, key, &moved) == TUI_HANDLED
			  : tui_find_request(d->find, v->tui, &d->pager, d->ev_h, a, &moved);
	if (handled) {
		if (moved)
			d->shown_part = -1;
		d->parts_dirty |= SV_EVIDENCE;
		v->dirty |= TUI_DIRTY_SOME;
	}
	return handled ? TUI_HANDLED : TUI_UNKNOWN;
}

static void follow_criterion(struct tui_view *v);

static void build_evidence(struct tui_view *v)
{
	struct sv *d = v->data;
	const struct show_submission *s = d->sub;
	int top = d->pager.top;
	tui_pager_clear(&d->pager);
	int w = d->ev_w - 1 > 10 ? d->ev_w - 1 : 10; /* one cell of margin */
	add_checks(v, w);
	for (int pi = 0; pi < s->nparts; pi++) {
		const struct show_part *p = &s->parts[pi];
		char *lim = limits_text(p);
		const char *judge = p->out_of_range < 0 ? ": under the minimum"
				    : p->out_of_range > 0 ? ": over the maximum" : "";
		char *head = lim ? mc_xasprintf("%d. %s · %lld words (limit %s)%s", pi + 1, p->title, p->words,
						lim, judge)
				 : mc_xasprintf("%d. %s · %lld words", pi + 1, p->title, p->words);
		if (pi)
			tui_pager_add(&d->pager, TUI_NORMAL, 0, pi, "");
		tui_pager_add_wrapped(&d->pager, p->out_of_range ? TUI_FAIL : TUI_PART, 0, pi, head, w);
		free(head);
		free(lim);
		int items = 0;
		for (int ei = 0; ei < s->nevidence; ei++) {
			const struct show_evidence *e = &s->evidence[ei];
			if (e->part != pi)
				continue;
			items++;
			if (e->kind && strcmp(e->kind, "file") == 0) {
				char sz[32];
				human_size(e->size, sz, sizeof sz);
				char *l = mc_xasprintf("[file] %s · %s · %s · sha256 %.16s…", e->file ? e->file : "?",
						       e->media_type ? e->media_type : "?", sz,
						       e->sha256 ? e->sha256 : "");
				tui_pager_add_wrapped(&d->pager, TUI_KEY, 2, pi, l, w);
				free(l);
			} else {
				tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 2, pi, e->text, w);
			}
		}
		if (!items)
			tui_pager_add(&d->pager, TUI_UNSCORED, 2, pi, "(no evidence for this part)");
	}
	/* Evidence for parts the rubric does not name, so nothing is hidden. */
	for (int ei = 0; ei < s->nevidence; ei++) {
		const struct show_evidence *e = &s->evidence[ei];
		if (e->part >= 0)
			continue;
		char *l = mc_xasprintf("Part '%s' (not in the rubric)", e->part_code ? e->part_code : "?");
		tui_pager_add(&d->pager, TUI_NORMAL, 0, -1, "");
		tui_pager_add_wrapped(&d->pager, TUI_FAIL, 0, -1, l, w);
		free(l);
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 2, -1, e->text ? e->text : e->file, w);
	}
	if (d->calib)
		add_calib_result(v, w);
	else {
		add_feedback(v, w);
		add_history(v, w);
	}
	int max_top = d->pager.n - d->ev_h > 0 ? d->pager.n - d->ev_h : 0;
	d->pager.top = top > max_top ? max_top : top;
	find_again(v);
}

/* ---------------------------------------------------------------- layout */
static void s_layout(struct tui_view *v, int y, int h, int w)
{
	struct sv *d = v->data;
	free_windows(d);
	d->wide = w >= WIDE_COLS;
	d->title = newwin(1, w, y, 0);
	int body = h - 1, by = y + 1;
	int rub_w, rub_h;
	if (d->summary) {
		/* The whole rubric: every score, and the focused descriptors in full. */
		rub_w = w;
		rub_h = body;
		d->ev_w = w;
		d->ev_h = 1;
		d->rub = newwin(rub_h, w, by, 0);
	} else if (d->wide) {
		rub_w = w * 2 / 5;
		if (rub_w > 72)
			rub_w = 72;
		d->ev_w = w - rub_w - 1;
		d->ev = newwin(body, d->ev_w, by, 0);
		d->sep = newwin(body, 1, by, d->ev_w);
		d->rub = newwin(body, rub_w, by, d->ev_w + 1);
		d->ev_h = body - 1;
		rub_h = body;
	} else {
		rub_w = w;
		rub_h = body * 2 / 5 > 8 ? body * 2 / 5 : 8;
		int ev_rows = body - rub_h;
		d->ev_w = w;
		d->ev = newwin(ev_rows, w, by, 0);
		d->rub = newwin(rub_h, w, by + ev_rows, 0);
		d->ev_h = ev_rows - 1;
	}
	tui_rubric_layout(d->rubric, d->rub, rub_h, rub_w);
	tui_rubric_set_summary(d->rubric, d->summary);
	build_evidence(v);
	if (d->follow) {
		d->follow = 0;
		follow_criterion(v);
	}
}

/* ----------------------------------------------------------------- draw */
/* The part in view: the one just jumped to (at the end of the evidence its
 * heading may sit below the top line), else the top line's. */
static int current_part(const struct sv *d)
{
	if (d->shown_part >= 0)
		return d->shown_part;
	for (int i = d->pager.top; i >= 0 && i < d->pager.n; i--)
		if (d->pager.lines[i].mark >= 0)
			return d->pager.lines[i].mark;
	return 0;
}

static void draw_title(struct tui_view *v)
{
	struct sv *d = v->data;
	const struct show_submission *s = d->sub;
	int w = getmaxx(d->title);
	char *t = d->calib ? mc_xasprintf(" Calibration · %s · %s %s · %s · %s", s->id, s->credential,
					  s->credential_title ? s->credential_title : "", d->agreed ? "finished" : "blind",
					  s->educator_name ? s->educator_name : "?")
		: mc_xasprintf(" %s · %s %s · attempt %d · %s · %s%s%s", s->id, s->credential,
			       s->credential_title ? s->credential_title : "", s->attempt, s->status,
			       s->educator_name ? s->educator_name : "?", s->district ? " · " : "",
			       s->district ? s->district : "");
	tui_put_pad(d->title, 0, 0, t, w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(d->title);
}

static void draw_evidence(struct tui_view *v)
{
	struct sv *d = v->data;
	int part = current_part(d);
	int last = d->pager.top + d->ev_h < d->pager.n ? d->pager.top + d->ev_h : d->pager.n;
	char *where = part < d->sub->nparts ? mc_xasprintf("part %d of %d", d->sub->nparts ? part + 1 : 0, d->sub->nparts)
		      : mc_xstrdup(part == d->sub->nparts ? "feedback" : "earlier attempts");
	char *head = mc_xasprintf(" Evidence · %s · lines %d-%d of %d%s", where,
				  d->pager.n ? d->pager.top + 1 : 0, last, d->pager.n,
				  d->focus == 0 ? " · ] [ parts" : " · Tab to read");
	free(where);
	tui_put_pad(d->ev, 0, 0, head, d->ev_w, tui_theme(d->focus == 0 ? TUI_FOCUS : TUI_HEADING));
	free(head);
	tui_pager_draw(&d->pager, d->ev, 1, d->ev_h, d->ev_w);
	tui_find_draw(d->personal, &d->pager, d->ev, 1, d->ev_h, d->ev_w);
	tui_find_draw(d->find, &d->pager, d->ev, 1, d->ev_h, d->ev_w);
	wnoutrefresh(d->ev);
}

static void s_draw(struct tui_view *v)
{
	struct sv *d = v->data;
	unsigned parts = v->dirty & TUI_DIRTY_ALL ? SV_TITLE | SV_EVIDENCE | SV_RUBRIC : d->parts_dirty;
	if (parts & SV_TITLE)
		draw_title(v);
	if ((parts & SV_EVIDENCE) && d->ev)
		draw_evidence(v);
	if (d->sep && (v->dirty & TUI_DIRTY_ALL)) {
		/* A literal box-drawing bar: the same cells on every terminal (and in dumps). */
		for (int y = 0; y < getmaxy(d->sep); y++)
			tui_put(d->sep, y, 0, "│", strlen("│"), 1, tui_theme(TUI_BORDER));
		wnoutrefresh(d->sep);
	}
	if (parts & SV_RUBRIC)
		tui_rubric_draw(d->rubric, d->focus == 1);
	d->parts_dirty = 0;
}

/* -------------------------------------------------------------- requests */
static void mark(struct tui_view *v, unsigned parts)
{
	struct sv *d = v->data;
	d->parts_dirty |= parts;
	v->dirty |= TUI_DIRTY_SOME;
}

/* The evidence shows the focused criterion's part (unless it already does). */
static void follow_criterion(struct tui_view *v)
{
	struct sv *d = v->data;
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	int c = tui_rubric_cursor(d->rubric);
	if (!o || c < 0 || d->summary || current_part(d) == o->criteria[c].part)
		return;
	for (int i = 0; i < d->pager.n; i++)
		if (d->pager.lines[i].mark == o->criteria[c].part) {
			int max_top = d->pager.n - d->ev_h > 0 ? d->pager.n - d->ev_h : 0;
			d->pager.top = i > max_top ? max_top : i;
			d->shown_part = o->criteria[c].part;
			mark(v, SV_EVIDENCE);
			return;
		}
}

static void score(struct tui_view *v, int level)
{
	struct sv *d = v->data;
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	int c = tui_rubric_cursor(d->rubric);
	if (!o || c < 0)
		return;
	const struct scoring_criterion *cr = &o->criteria[c];
	if (level > cr->nlevels) {
		tui_message(v->tui, "%s has %d levels: press 1-%d", cr->code, cr->nlevels, cr->nlevels);
		return;
	}
	if (d->readonly) {
		tui_message(v->tui, "%s", d->readonly);
		return;
	}
	char lv[12];
	snprintf(lv, sizeof lv, "%d", level);
	char *code = mc_xstrdup(cr->code);
	char *label = mc_xstrdup(cr->levels[level - 1].label);
	int passes = cr->levels[level - 1].passes;
	struct mc_error err = MC_ERROR_INIT;
	/* A comment written before the score waits as a draft: it goes in with the score. */
	char *comment = NULL, *at = NULL;
	if (cr->level < 0 && d->drafts && scoring_draft_load(v->tui->store, d->id, code, &comment, &at, &err) != MC_OK)
		mc_error_clear(&err);
	if ((d->calib ? calib_score(v->tui->store, d->id, code, lv, &err)
		      : scoring_score(v->tui->store, d->id, code, lv, comment, &err)) != MC_OK ||
	    (comment && scoring_draft_clear(v->tui->store, d->id, code, &err) != MC_OK) ||
	    load_outcome(v, &err) != MC_OK) {
		tui_error(v->tui, &err);
	} else {
		o = tui_rubric_outcome(d->rubric);
		tui_message(v->tui, "%s: %s (%s) · %d of %d scored", code, label,
			    passes ? "passes" : "does not pass", o->nscored, o->ncriteria);
		/* On to the next criterion: scoring is one keystroke per line. */
		tui_rubric_move(d->rubric, ACT_MOVE_DOWN);
		follow_criterion(v);
		if (comment) { /* the kept comment is saved now: the evidence stops saying so */
			count_drafts(v, 0);
			v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
		}
		/* The status shown in the title may have changed (queued -> in_progress). */
		free(d->sub->status);
		d->sub->status = mc_xstrdup(o->status);
	}
	free(comment);
	free(at);
	free(code);
	free(label);
	mark(v, SV_RUBRIC | SV_TITLE);
}

static int jump_part(struct sv *d, int dir)
{
	int cur = current_part(d), want = cur + dir;
	if (dir < 0 && d->pager.top > 0) {
		/* back to the start of this part first, if not already there */
		for (int i = 0; i < d->pager.n; i++)
			if (d->pager.lines[i].mark == cur && i < d->pager.top) {
				want = cur;
				break;
			}
	}
	for (int i = 0; i < d->pager.n; i++)
		if (d->pager.lines[i].mark == want) {
			int max_top = d->pager.n - d->ev_h > 0 ? d->pager.n - d->ev_h : 0;
			d->pager.top = i > max_top ? max_top : i;
			d->shown_part = want;
			return 1;
		}
	return 0;
}

/* After the editor saved: the outcome (feedback, comments) and the pager again. */
static void after_save(struct tui_view *v)
{
	struct sv *d = v->data;
	struct mc_error err = MC_ERROR_INIT;
	if (load_outcome(v, &err) != MC_OK)
		tui_error(v->tui, &err);
	count_drafts(v, 0);
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	if (o) {
		free(d->sub->status);
		d->sub->status = mc_xstrdup(o->status);
	}
	v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
}

static void edit_feedback(struct tui_view *v)
{
	struct sv *d = v->data;
	if (d->readonly) {
		tui_message(v->tui, "%s", d->readonly);
		return;
	}
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	char *title = mc_xasprintf("Feedback on %s", d->id);
	struct tui_editor_arg a = { d->id, "overall", title, o ? o->feedback : NULL, 0, after_save };
	tui_push(v->tui, &tui_view_editor, &a);
	free(title);
}

static void edit_comment(struct tui_view *v)
{
	struct sv *d = v->data;
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	int c = tui_rubric_cursor(d->rubric);
	if (d->readonly) {
		tui_message(v->tui, "%s", d->readonly);
		return;
	}
	if (!o || c < 0)
		return;
	const struct scoring_criterion *cr = &o->criteria[c];
	/* Unscored: the editor keeps the comment as a draft until a digit scores it. */
	char *title = cr->level >= 0
			      ? mc_xasprintf("Comment on %s of %s (%s)", cr->code, d->id, cr->levels[cr->level].label)
			      : mc_xasprintf("Comment on %s of %s (not scored yet)", cr->code, d->id);
	struct tui_editor_arg a = { d->id, cr->code, title, cr->comment,
				    cr->level >= 0 ? cr->levels[cr->level].seq : 0, after_save };
	tui_push(v->tui, &tui_view_editor, &a);
	free(title);
}

/* Leave this submission and open the one after it in the queue. */
static void open_next(struct tui_view *v)
{
	struct sv *d = v->data;
	struct tui *t = v->tui;
	char *id = mc_xstrdup(d->id);
	tui_pop(t); /* v is gone from here on */
	struct tui_view *q = t->depth ? t->stack[t->depth - 1] : NULL;
	if (q && q->ops == &tui_view_queue)
		tui_queue_open_next(q, id);
	free(id);
}

/* After a decision: the next submission of the queue opens, and the status line says
 * what was recorded (unless opening the next one had an error to show). */
static void recorded_next(struct tui_view *v, const char *what)
{
	struct sv *d = v->data;
	struct tui *t = v->tui;
	char *done = mc_xasprintf("%s %s", d->id, what); /* "S-1 recorded as earned" */
	open_next(v); /* v and d are gone from here on */
	if (!t->msg || !t->msg_error)
		tui_message(t, "%s%s", done, t->depth > 1 ? "; here is the next submission" :
				"; nothing more in the queue");
	free(done);
}

static void ask_decision(struct tui_view *v)
{
	struct sv *d = v->data;
	if (d->readonly) {
		tui_message(v->tui, "%s", d->readonly);
		return;
	}
	d->deciding = 1;
	char *p = mc_xasprintf("Decide %s: e earned · r resubmit · any other key cancels", d->id);
	tui_set_prompt(v->tui, p);
	free(p);
}

/* ------------------------------------------------ incomplete (completeness check) */
/* The reason being typed, its end kept in view when it is longer than the line. */
static const char REASON_ASK[] = "Incomplete: what is missing? (Enter goes on, Esc cancels) ";
static const char RETURN_ASK[] = "Return to the readers: why? (Enter goes on, Esc cancels) ";

static void reason_prompt(struct tui_view *v, const char *head)
{
	struct sv *d = v->data;
	tui_prompt_show(v->tui, head, &d->reason);
}

static void ask_incomplete(struct tui_view *v)
{
	struct sv *d = v->data;
	struct tui *t = v->tui;
	struct mc_error err = MC_ERROR_INIT;
	if (scoring_may_return_incomplete(t->store, d->id, &err) != MC_OK) {
		tui_error(t, &err);
		return;
	}
	if (d->readonly) {
		tui_message(t, "%s", d->readonly);
		return;
	}
	d->returning = 1;
	d->to_readers = 0;
	mc_buf_reset(&d->reason);
	reason_prompt(v, REASON_ASK);
}

/* ------------------------------------------------ approval (review.h) */
/* What the reads say: the adjudication's outcome, else the first read's. */
static const char *reads_say(const struct show_submission *m)
{
	const char *said = NULL;
	for (int i = 0; i < m->nreads; i++)
		if (m->reads[i].outcome && (!said || strcmp(m->reads[i].read, "adjudication") == 0))
			said = m->reads[i].outcome;
	return said;
}

/* Only what awaits approval is approved or returned; core says who may. */
static int awaits_approval(struct tui_view *v)
{
	struct sv *d = v->data;
	if (strcmp(d->sub->status, "awaiting_approval") == 0)
		return 1;
	tui_message(v->tui, "%s is %s, not awaiting approval; nothing to approve or return", d->id,
		    d->sub->status);
	return 0;
}

static void ask_approval(struct tui_view *v)
{
	struct sv *d = v->data;
	if (!awaits_approval(v))
		return;
	const char *said = reads_say(d->sub);
	d->approving = 1;
	char *p = mc_xasprintf("Approve %s: its reads say %s. y approves (final) · any other key cancels", d->id,
			       said ? said : "(nothing)");
	tui_set_prompt(v->tui, p);
	free(p);
}

static int approval_key(struct tui_view *v, int key)
{
	struct sv *d = v->data;
	struct tui *t = v->tui;
	d->approving = 0;
	tui_set_prompt(t, NULL);
	if (key != 'y' && key != 'Y') {
		tui_message(t, "nothing recorded");
		return TUI_HANDLED;
	}
	struct mc_error err = MC_ERROR_INIT;
	if (review_approve(t->store, d->id, &err) != MC_OK) {
		tui_error(t, &err);
		return TUI_HANDLED;
	}
	recorded_next(v, "approved");
	return TUI_HANDLED;
}

static void ask_return(struct tui_view *v)
{
	struct sv *d = v->data;
	if (!awaits_approval(v))
		return;
	d->returning = 1;
	d->to_readers = 1;
	mc_buf_reset(&d->reason);
	reason_prompt(v, RETURN_ASK);
}

static int incomplete_key(struct tui_view *v, int key)
{
	struct sv *d = v->data;
	struct tui *t = v->tui;
	const char *ask = d->to_readers ? RETURN_ASK : REASON_ASK;
	if (d->returning == 1) {
		if (key == '\n' && d->reason.len) {
			d->returning = 2;
			char *p = d->to_readers ? mc_xasprintf("Return %s to its READERS? y returns it · any other key "
							       "cancels", d->id)
						: mc_xasprintf("Return %s as INCOMPLETE, unscored? y records it · any "
							       "other key cancels", d->id);
			tui_set_prompt(t, p);
			free(p);
		} else if (key == '\n') { /* the prompt says it: a message would sit under it */
			reason_prompt(v, d->to_readers ? "First say what the readers should look at again (Esc "
							 "cancels): "
						       : "First say what is missing or cannot be read (Esc cancels): ");
		} else if (key == TUI_KEY_ESC) {
			d->returning = 0;
			tui_set_prompt(t, NULL);
			tui_message(t, "nothing recorded");
		} else if (key == TUI_KEY_CTRL('U')) {
			mc_buf_reset(&d->reason);
			reason_prompt(v, ask);
		} else if (tui_prompt_edit(&d->reason, key)) {
			reason_prompt(v, ask);
		}
		return TUI_HANDLED;
	}
	d->returning = 0;
	tui_set_prompt(t, NULL);
	if (key != 'y' && key != 'Y') {
		tui_message(t, "nothing recorded");
		return TUI_HANDLED;
	}
	struct mc_error err = MC_ERROR_INIT;
	if ((d->to_readers ? review_return(t->store, d->id, d->reason.data, &err)
			   : scoring_return_incomplete(t->store, d->id, d->reason.data, &err)) != MC_OK) {
		tui_error(t, &err);
		return TUI_HANDLED;
	}
	recorded_next(v, d->to_readers ? "returned to its readers" : "returned as incomplete");
	return TUI_HANDLED;
}

/* The outcome model knows before asking whether a decision can be recorded:
 * say why not instead of asking to confirm (core checks again on recording). */
static int decision_refused(struct tui_view *v, int earned)
{
	struct sv *d = v->data;
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	if (!o)
		return 0;
	if (earned && !o->eligible) {
		struct mc_buf b = MC_BUF_INIT;
		for (int i = 0; i < o->nreasons; i++)
			mc_buf_printf(&b, "%s%s", i ? "; " : "", o->reasons[i]);
		tui_message(v->tui, "%s cannot be earned: %s; nothing recorded", d->id, mc_buf_str(&b));
		v->tui->msg_error = 1;
		mc_buf_free(&b);
		return 1;
	}
	if (!earned && !o->feedback && !d->calib) {
		tui_message(v->tui, "%s: a resubmission needs feedback for the teacher: press f to write it, "
			    "then d r; nothing recorded", d->id);
		v->tui->msg_error = 1;
		return 1;
	}
	return 0;
}

/* Calibration: the read ends; the screen stays, now with the agreed scores. */
static void calib_finished(struct tui_view *v)
{
	struct sv *d = v->data;
	struct mc_error err = MC_ERROR_INIT;
	if (calib_decide(v->tui->store, d->id, d->decision, &err) != MC_OK || load_outcome(v, &err) != MC_OK) {
		tui_error(v->tui, &err);
		mark(v, SV_TITLE | SV_RUBRIC);
		return;
	}
	const struct scoring_outcome *o = tui_rubric_outcome(d->rubric);
	int same = 0;
	for (int i = 0; o && d->agreed && i < o->ncriteria && i < d->agreed->ncriteria; i++)
		same += o->criteria[i].level == d->agreed->criteria[i].level;
	tui_message(v->tui, "%s: calibration finished as %s · %d of %d criteria as agreed (the result is under "
		    "the evidence: G)", d->id, d->decision, same, o ? o->ncriteria : 0);
	v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
}

static int s_key(struct tui_view *v, int key)
{
	struct sv *d = v->data;
	if (d->returning)
		return incomplete_key(v, key);
	if (d->approving)
		return approval_key(v, key);
	if (!d->deciding)
		return find_request(v, ACT_NONE, key);
	struct tui *t = v->tui;
	if (d->deciding == 1 && (key == 'e' || key == 'r') && !decision_refused(v, key == 'e')) {
		d->deciding = 2;
		d->decision = key == 'e' ? "earned" : "resubmit";
		char *p = mc_xasprintf("Record %s as %s? y records it · any other key cancels", d->id,
				       key == 'e' ? "EARNED" : "RESUBMIT");
		tui_set_prompt(t, p);
		free(p);
		return TUI_HANDLED;
	}
	if (d->deciding == 1 && (key == 'e' || key == 'r')) { /* refused: the status line says why */
		d->deciding = 0;
		tui_set_prompt(t, NULL);
		return TUI_HANDLED;
	}
	int confirmed = d->deciding == 2 && (key == 'y' || key == 'Y');
	d->deciding = 0;
	tui_set_prompt(t, NULL);
	if (!confirmed) {
		tui_message(t, "no decision recorded");
		return TUI_HANDLED;
	}
	struct mc_error err = MC_ERROR_INIT;
	if (d->calib) {
		calib_finished(v);
		return TUI_HANDLED;
	}
	if (scoring_decide(t->store, d->id, d->decision, &err) != MC_OK) {
		tui_error(t, &err); /* the rubric or the missing feedback says why */
		mark(v, SV_TITLE | SV_RUBRIC);
		return TUI_HANDLED;
	}
	int process = 0; /* the reader's read ends; the process decides (review.h) */
	if (review_uses_process(t->store, &process, &err) != MC_OK)
		mc_error_clear(&err);
	char *what = mc_xasprintf(process ? "your read ended as %s" : "recorded as %s", d->decision);
	recorded_next(v, what);
	free(what);
	return TUI_HANDLED;
}

static void s_idle(struct tui_view *v)
{
	struct sv *d = v->data;
	/* Refreshed while the assessor works (a key since the last refresh), at most
	 * once a minute; someone who has walked away lets it expire. */
	time_t now = time(NULL);
	if (!d->claimed || now - d->touched < TOUCH_EVERY || v->tui->idle_ticks >= now - d->touched)
		return;
	d->touched = now;
	struct mc_error err = MC_ERROR_INIT;
	if (claim_touch(v->tui->store, d->id, &err) != MC_OK) {
		d->claimed = 0;
		free(d->readonly);
		d->readonly = mc_xstrdup(mc_error_msg(&err));
		tui_error(v->tui, &err);
	}
}

/* ------------------------------------------------------------- file viewer */
/* The viewer for a media type, mailcap-style: the first entry in ~/.mailcap,
 * then /etc/mailcap, whose type matches (exactly or "type/ *"); heap or NULL. */
static char *mailcap_lookup(const char *type)
{
	const char *home = getenv("HOME");
	char *files[2] = { home && *home ? mc_xasprintf("%s/.mailcap", home) : NULL, mc_xstrdup("/etc/mailcap") };
	char *found = NULL;
	for (int f = 0; f < 2 && !found; f++) {
		char *text;
		size_t len;
		if (!files[f] || mc_read_file(files[f], &text, &len) != 0)
			continue;
		for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
			if (line[0] == '#')
				continue;
			char *semi = strchr(line, ';');
			if (!semi)
				continue;
			*semi = '\0';
			char *t = line;
			while (*t == ' ' || *t == '\t')
				t++;
			char *te = t + strlen(t);
			while (te > t && (te[-1] == ' ' || te[-1] == '\t'))
				*--te = '\0';
			size_t major = strcspn(type, "/");
			int match = strcasecmp(t, type) == 0 ||
				    (strncasecmp(t, type, major) == 0 && (strcmp(t + major, "/*") == 0 || t[major] == '\0'));
			if (!match)
				continue;
			char *cmd = semi + 1;
			char *end = strchr(cmd, ';'); /* flags after the command are not for us */
			if (end)
				*end = '\0';
			while (*cmd == ' ' || *cmd == '\t')
				cmd++;
			if (*cmd)
				found = mc_xstrdup(cmd);
		}
		free(text);
	}
	free(files[0]);
	free(files[1]);
	return found;
}

/* A mailcap command as a shell script whose "$1" is the file: %s becomes "$1"
 * (with the quotes around it, as in Debian's `less '%s'`, taken off), so no file
 * name is ever parsed by the shell; without %s the file comes on standard input
 * (RFC 1524). */
static char *mailcap_script(const char *cmd)
{
	struct mc_buf b = MC_BUF_INIT;
	int placed = 0;
	for (const char *p = cmd; *p; p++) {
		int quoted = (*p == '\'' || *p == '"') && p[1] == '%' && p[2] == 's' && p[3] == *p;
		if (quoted || (p[0] == '%' && p[1] == 's')) {
			mc_buf_adds(&b, "\"$1\"");
			p += quoted ? 3 : 1;
			placed = 1;
		} else {
			mc_buf_addc(&b, *p);
		}
	}
	if (!placed)
		mc_buf_adds(&b, " <\"$1\"");
	return mc_buf_steal(&b);
}

static void view_file(struct tui_view *v)
{
	struct sv *d = v->data;
	int part = current_part(d);
	const struct show_evidence *e = NULL;
	for (int i = 0; i < d->sub->nevidence && !e; i++)
		if (d->sub->evidence[i].part == part && d->sub->evidence[i].kind &&
		    strcmp(d->sub->evidence[i].kind, "file") == 0 && d->sub->evidence[i].sha256)
			e = &d->sub->evidence[i];
	for (int i = 0; i < d->sub->nevidence && !e; i++) /* else the first file anywhere */
		if (d->sub->evidence[i].kind && strcmp(d->sub->evidence[i].kind, "file") == 0 &&
		    d->sub->evidence[i].sha256)
			e = &d->sub->evidence[i];
	if (!e) {
		tui_message(v->tui, "%s has no file evidence to open", d->id);
		return;
	}
	char *path = evstore_path(store_evidence_dir(v->tui->store), e->sha256);
	char *copy = NULL; /* a shared install: the viewer gets a copy it may read */
	struct mc_error cerr = MC_ERROR_INIT;
	if (priv_active() && priv_user_copy(path, &copy, &cerr) != MC_OK) {
		tui_error(v->tui, &cerr);
		free(path);
		return;
	}
	if (copy) {
		free(path);
		path = copy;
	}
	priv_user_begin(); /* the person's own mailcap */
	char *cmd = mailcap_lookup(e->media_type ? e->media_type : "application/octet-stream");
	priv_user_end();
	char *script;
	if (cmd) {
		script = mailcap_script(cmd);
	} else {
		const char *pager = getenv("PAGER");
		cmd = mc_xstrdup(pager && *pager ? pager : "less");
		script = mc_xasprintf("%s \"$@\"", cmd);
	}
	struct mc_error err = MC_ERROR_INIT;
	int st = tui_run_command(v->tui, script, cmd, path, &err);
	if (st < 0)
		tui_error(v->tui, &err);
	else if (st != 0)
		tui_message(v->tui, "%s exited with status %d", cmd, st);
	else
		tui_message(v->tui, "viewed %s (%s)", e->file ? e->file : e->sha256, e->media_type ? e->media_type : "?");
	free(script);
	free(cmd);
	if (copy)
		priv_user_unlink(path);
	free(path);
	v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
}

/* An admin takes over someone else's claim (core refuses anyone else, saying so). */
static void take_claim(struct tui_view *v)
{
	struct sv *d = v->data;
	struct tui *t = v->tui;
	if (d->claimed) {
		tui_message(t, "you hold %s already", d->id);
		return;
	}
	struct mc_error err = MC_ERROR_INIT;
	if (claim_take(t->store, d->id, &err) != MC_OK) {
		tui_error(t, &err); /* not an admin, not claimed, or decided: the message says which */
		return;
	}
	d->claimed = 1;
	d->touched = time(NULL);
	free(d->readonly);
	d->readonly = NULL;
	tui_message(t, "%s is yours now: the other claim was released (and audited)", d->id);
}

/* What a calibration read does not have: feedback, comments, notes, the
 * submission's history, claims, returns; said on the status line. */
static int calib_refused(struct tui_view *v, enum tui_action a)
{
	static const enum tui_action none[] = { ACT_FEEDBACK, ACT_COMMENT, ACT_INCOMPLETE, ACT_APPROVE,
						ACT_RETURN_READS, ACT_HISTORY, ACT_NOTES, ACT_TAKE_CLAIM, ACT_NEXT };
	for (size_t i = 0; i < sizeof none / sizeof none[0]; i++)
		if (none[i] == a) {
			tui_message(v->tui, "calibration: only your levels and your decision count here; the "
				    "submission itself, its feedback and notes are not touched");
			return 1;
		}
	return 0;
}

static int s_request(struct tui_view *v, enum tui_action a)
{
	struct sv *d = v->data;
	if (find_request(v, a, 0) == TUI_HANDLED)
		return TUI_HANDLED;
	if (d->calib && calib_refused(v, a))
		return TUI_HANDLED;
	switch (a) {
	case ACT_FEEDBACK: edit_feedback(v); return TUI_HANDLED;
	case ACT_COMMENT: edit_comment(v); return TUI_HANDLED;
	case ACT_RUBRIC_ALL:
		d->summary = !d->summary;
		d->follow = !d->summary;
		v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
		return TUI_HANDLED;
	case ACT_CHECKS:
		d->checks_open = !d->checks_open;
		v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
		return TUI_HANDLED;
	case ACT_DECIDE: ask_decision(v); return TUI_HANDLED;
	case ACT_INCOMPLETE: ask_incomplete(v); return TUI_HANDLED;
	case ACT_APPROVE: ask_approval(v); return TUI_HANDLED;
	case ACT_RETURN_READS: ask_return(v); return TUI_HANDLED;
	case ACT_NEXT: open_next(v); return TUI_HANDLED;
	case ACT_VIEW_FILE: view_file(v); return TUI_HANDLED;
	case ACT_HISTORY: tui_push(v->tui, &tui_view_history, d->id); return TUI_HANDLED;
	case ACT_NOTES: tui_push(v->tui, &tui_view_notes, d->id); return TUI_HANDLED;
	case ACT_TAKE_CLAIM: take_claim(v); return TUI_HANDLED;
	default: break;
	}
	if ((a == ACT_FOCUS || a == ACT_FOCUS_PREV) && !d->summary) {
		d->focus = !d->focus; /* two panes: next and previous are the other one */
		mark(v, SV_EVIDENCE | SV_RUBRIC);
		return TUI_HANDLED;
	}
	if (a >= ACT_SCORE_1 && a <= ACT_SCORE_9) {
		score(v, (int)(a - ACT_SCORE_1) + 1);
		return TUI_HANDLED;
	}
	if (d->focus == 1 || d->summary || a == ACT_NEXT_CRIT || a == ACT_PREV_CRIT) {
		if (tui_rubric_move(d->rubric, a)) {
			follow_criterion(v);
			mark(v, SV_RUBRIC);
			return TUI_HANDLED;
		}
		return TUI_UNKNOWN;
	}
	int moved = 0;
	if (a == ACT_NEXT_PART || a == ACT_PREV_PART) {
		int shown = current_part(d);
		jump_part(d, a == ACT_NEXT_PART ? 1 : -1);
		moved = shown != current_part(d);
	} else if (!tui_pager_request(&d->pager, a, d->ev_h, &moved)) {
		return TUI_UNKNOWN;
	} else if (moved) {
		d->shown_part = -1; /* scrolled by hand: the top line says where */
	}
	if (moved)
		mark(v, SV_EVIDENCE);
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_submission = {
	"submission", s_open, s_layout, s_draw, s_key, s_request, s_close, s_idle, NULL,
};

/* The same screen for a calibration exemplar (arg: its id). */
const struct tui_view_ops tui_view_calib_item = {
	"calibration-item", s_open_calib, s_layout, s_draw, s_key, s_request, s_close, NULL, NULL,
};
