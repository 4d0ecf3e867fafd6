/* pane_rubric.c: the rubric pane of the submission screen. Its lines are built
 * from the outcome model (scoring_outcome) for the pane's width; the focused
 * criterion shows its levels with descriptors, unscored criteria stand out, and
 * each part's state and the whole outcome sit above them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/scoring.h"
#include "mcassess/show.h"
#include "tui/tui_int.h"

struct tui_rubric {
	struct scoring_outcome *o;
	struct tui_pager lines;  /* mark = criterion index, -1 for other lines */
	WINDOW *w;
	int h, width;            /* rows for lines (the window minus its header), cells */
	int cursor;
	int summary;             /* one line a criterion, the focused one's levels in full */
	int built_for;           /* the cursor the lines were built for (-2: stale) */
	const struct show_submission *reads; /* the other reads, side by side (not ours) */
	char *keys;              /* the header's keys for who cannot score (NULL: scoring's) */
};

void tui_rubric_set_reads(struct tui_rubric *rp, const struct show_submission *m)
{
	rp->reads = m;
	rp->built_for = -2;
}

/* Each ended read the viewer may see in a line ("Reads: first earned (ann) ·
 * second resubmit (bo)"), when the process is in use. */
static void add_reads(struct tui_rubric *rp, int w)
{
	const struct show_submission *m = rp->reads;
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; m && m->process && i < m->nreads; i++)
		if (m->reads[i].outcome) /* never another reader's while hidden: it has none */
			mc_buf_printf(&b, "%s%s %s (%s)", b.len ? " · " : "Reads: ", m->reads[i].read,
				      m->reads[i].outcome, m->reads[i].assessor ? m->reads[i].assessor : "?");
	if (b.len)
		tui_pager_add_wrapped(&rp->lines, TUI_NORMAL, 0, -1, mc_buf_str(&b), w);
	mc_buf_free(&b);
}

/* Criterion `ci` as the other visible reads scored it, on one line under it. */
static void add_other_scores(struct tui_rubric *rp, int ci, int w)
{
	const struct show_submission *m = rp->reads;
	const struct scoring_criterion *c = &rp->o->criteria[ci];
	struct mc_buf b = MC_BUF_INIT;
	for (int k = 0; m && k < m->nscores; k++)
		if (strcmp(m->scores[k].criterion, c->code) == 0 && rp->o->read &&
		    strcmp(m->scores[k].read, rp->o->read) != 0)
			mc_buf_printf(&b, "%s%s: %s (%s)", b.len ? " · " : "", m->scores[k].read,
				      m->scores[k].level_label, m->scores[k].passes ? "passes" : "does not pass");
	if (b.len)
		tui_pager_add_wrapped(&rp->lines, TUI_NORMAL, 8, ci, mc_buf_str(&b), w);
	mc_buf_free(&b);
}

struct tui_rubric *tui_rubric_new(void)
{
	struct tui_rubric *rp = mc_xcalloc(1, sizeof *rp);
	rp->cursor = -1;
	rp->built_for = -2;
	return rp;
}

void tui_rubric_free(struct tui_rubric **rp)
{
	if (!*rp)
		return;
	tui_pager_clear(&(*rp)->lines);
	scoring_outcome_free(&(*rp)->o);
	free((*rp)->keys);
	free(*rp);
	*rp = NULL;
}

void tui_rubric_set_keys(struct tui_rubric *rp, const char *keys)
{
	free(rp->keys);
	rp->keys = keys ? mc_xstrdup(keys) : NULL;
}

const struct scoring_outcome *tui_rubric_outcome(const struct tui_rubric *rp) { return rp->o; }
int tui_rubric_cursor(const struct tui_rubric *rp) { return rp->cursor; }

void tui_rubric_set_cursor(struct tui_rubric *rp, int i)
{
	if (rp->o && i >= 0 && i < rp->o->ncriteria)
		rp->cursor = i;
	rp->built_for = -2;
}

void tui_rubric_set(struct tui_rubric *rp, struct scoring_outcome *o)
{
	char *code = NULL;
	if (rp->o && rp->cursor >= 0)
		code = mc_xstrdup(rp->o->criteria[rp->cursor].code);
	scoring_outcome_free(&rp->o);
	rp->o = o;
	rp->cursor = o && o->ncriteria ? 0 : -1;
	if (code && o)
		for (int i = 0; i < o->ncriteria; i++)
			if (strcmp(o->criteria[i].code, code) == 0)
				rp->cursor = i;
	free(code);
	rp->built_for = -2;
}

void tui_rubric_set_summary(struct tui_rubric *rp, int on)
{
	rp->summary = on;
	rp->built_for = -2;
}

void tui_rubric_layout(struct tui_rubric *rp, WINDOW *w, int h, int width)
{
	rp->w = w;
	rp->h = h - 1;
	rp->width = width;
	rp->built_for = -2;
}

static enum tui_elem state_elem(enum scoring_part_state st)
{
	return st == SCORING_PART_MET ? TUI_PASS : st == SCORING_PART_NOT_MET ? TUI_FAIL : TUI_UNSCORED;
}

/* The focused criterion's levels, descriptors whole, and its comment. */
static void add_levels(struct tui_pager *p, const struct scoring_criterion *c, int ci, int indent, int w)
{
	for (int li = 0; li < c->nlevels; li++) {
		const struct scoring_level *l = &c->levels[li];
		char *line = mc_xasprintf("%d %s%s: %s", li + 1, l->label, l->passes ? " (passes)" : "",
					  l->descriptor);
		tui_pager_add_wrapped(p, li == c->level ? TUI_KEY : TUI_DIM, indent, ci, line, w);
		free(line);
	}
	if (c->comment && *c->comment) {
		char *line = mc_xasprintf("comment: %s", c->comment);
		tui_pager_add_wrapped(p, TUI_DIM, indent, ci, line, w);
		free(line);
	}
}

/* The summary: every criterion on one line with its part and score, then the
 * focused one in full, so a whole rubric fits 80x24. */
static void build_summary(struct tui_rubric *rp, int w)
{
	struct tui_pager *p = &rp->lines;
	const struct scoring_outcome *o = rp->o;
	int pw = 0; /* the part column: as wide as the widest title, up to a third of the pane */
	for (int pi = 0; pi < o->nparts; pi++) {
		int tw = tui_width(o->parts[pi].title, strlen(o->parts[pi].title));
		pw = tw > pw ? tw : pw;
	}
	pw = pw > w / 3 ? w / 3 : pw;
	for (int ci = 0; ci < o->ncriteria; ci++) {
		const struct scoring_criterion *c = &o->criteria[ci];
		const char *lab = c->level >= 0 ? c->levels[c->level].label : "** unscored **";
		const char *title = o->parts[c->part].title;
		struct mc_buf b = MC_BUF_INIT;
		mc_buf_printf(&b, "%s %-5s ", ci == rp->cursor ? ">" : " ", c->code);
		size_t cut = strlen(title); /* the title cut (whole characters) or padded to pw cells */
		while (cut && tui_width(title, cut) > pw)
			while (cut && ((unsigned char)title[--cut] & 0xc0) == 0x80)
				;
		mc_buf_add(&b, title, cut);
		for (int pad = pw - tui_width(title, cut); pad > 0; pad--)
			mc_buf_addc(&b, ' ');
		mc_buf_printf(&b, " %-24s %s", lab, c->level < 0 ? "" : c->passes ? "passes" : "does not pass");
		char *line = mc_buf_steal(&b);
		enum tui_elem e = ci == rp->cursor ? TUI_CURSOR : c->level < 0 ? TUI_UNSCORED
							  : c->passes ? TUI_PASS : TUI_FAIL;
		tui_pager_add(p, e, 0, -1, line);
		free(line);
	}
	if (rp->cursor < 0)
		return;
	const struct scoring_criterion *c = &o->criteria[rp->cursor];
	tui_pager_add(p, TUI_NORMAL, 0, rp->cursor, "");
	char *line = mc_xasprintf("%s · %s: %s", c->code, o->parts[c->part].title, c->text);
	tui_pager_add_wrapped(p, TUI_HEADING, 0, rp->cursor, line, w);
	free(line);
	add_levels(p, c, rp->cursor, 2, w);
}

static void build(struct tui_rubric *rp)
{
	struct tui_pager *p = &rp->lines;
	int top = p->top;
	tui_pager_clear(p);
	p->top = top;
	const struct scoring_outcome *o = rp->o;
	int w = rp->width > 4 ? rp->width : 4;
	if (!o)
		return;
	/* The whole outcome first. */
	char *line;
	if (o->decision)
		line = mc_xasprintf("Decided: %s (%s, %s)", o->decision, o->decided_by ? o->decided_by : "?",
				    o->decided_at ? o->decided_at : "?");
	else if (o->eligible)
		line = mc_xasprintf("Outcome: every criterion passes: may be earned");
	else if (o->nscored < o->ncriteria)
		line = mc_xasprintf("Outcome: incomplete, %d of %d criteria unscored",
				    o->ncriteria - o->nscored, o->ncriteria);
	else if (o->npassing == o->ncriteria && o->nreasons) /* every criterion passes: what else stops it */
		line = mc_xasprintf("Outcome: cannot be earned: %s", o->reasons[0]);
	else
		line = mc_xasprintf("Outcome: resubmit, %d of %d criteria do not pass",
				    o->ncriteria - o->npassing, o->ncriteria);
	tui_pager_add_wrapped(p, o->eligible ? TUI_PASS : o->nscored < o->ncriteria ? TUI_UNSCORED : TUI_FAIL,
			      0, -1, line, w);
	free(line);
	add_reads(rp, w);
	for (int pi = 0; pi < o->nparts && !rp->summary; pi++) {
		const struct scoring_part *part = &o->parts[pi];
		tui_pager_add(p, TUI_NORMAL, 0, -1, "");
		line = mc_xasprintf("%s: %s", part->title, scoring_part_state_name(part->state));
		tui_pager_add_wrapped(p, state_elem(part->state), 0, -1, line, w);
		free(line);
		for (int ci = part->first; ci < part->first + part->n; ci++) {
			const struct scoring_criterion *c = &o->criteria[ci];
			int focus = ci == rp->cursor;
			const char *lab = c->level >= 0 ? c->levels[c->level].label : NULL;
			line = lab ? mc_xasprintf("%s %-5s %s (%s)", focus ? ">" : " ", c->code, lab,
						  c->passes ? "passes" : "does not pass")
				   : mc_xasprintf("%s %-5s ** unscored **", focus ? ">" : " ", c->code);
			enum tui_elem e = focus ? TUI_CURSOR : !lab ? TUI_UNSCORED : c->passes ? TUI_PASS : TUI_FAIL;
			tui_pager_add(p, e, 0, ci, line);
			free(line);
			add_other_scores(rp, ci, w);
			tui_pager_add_wrapped(p, TUI_NORMAL, 8, ci, c->text, w);
			if (focus)
				add_levels(p, c, ci, 8, w);
		}
	}
	if (rp->summary)
		build_summary(rp, w);
	/* Keep the focused criterion in sight. */
	int first = -1, last = -1;
	for (int i = 0; i < p->n; i++)
		if (p->lines[i].mark == rp->cursor && rp->cursor >= 0) {
			if (first < 0)
				first = i;
			last = i;
		}
	if (first >= 0) {
		int want = first; /* with the part heading above a part's first criterion */
		while (want > 0 && p->lines[want - 1].mark == -1)
			want--;
		/* Not all in sight: bring the criterion (with its part heading) to the top. */
		if (first < p->top || last >= p->top + rp->h)
			p->top = last - want < rp->h ? want : first;
	}
	if (p->top > p->n - rp->h)
		p->top = p->n - rp->h;
	if (p->top < 0)
		p->top = 0;
	rp->built_for = rp->cursor;
}

void tui_rubric_draw(struct tui_rubric *rp, int focused)
{
	if (!rp->w)
		return;
	if (rp->built_for != rp->cursor || rp->built_for == -2)
		build(rp);
	const struct scoring_outcome *o = rp->o;
	const char *state = !o ? "" : o->decision ? o->decision : o->eligible ? "all pass"
			    : o->nscored < o->ncriteria ? "incomplete"
			    : o->npassing == o->ncriteria ? "all pass, parts missing" : "resubmit";
	char *head = o ? mc_xasprintf(" Rubric v%d · %d/%d scored · %s%s", o->rubric_version, o->nscored,
				      o->ncriteria, state, rp->keys ? rp->keys : rp->summary ? " · digits score, j/k move, = two panes"
				      : focused ? " · digits score, j/k move" : " · digits score, J/K move")
		       : mc_xstrdup(" Rubric: not available");
	tui_put_pad(rp->w, 0, 0, head, rp->width, tui_theme(focused ? TUI_FOCUS : TUI_HEADING));
	free(head);
	tui_pager_draw(&rp->lines, rp->w, 1, rp->h, rp->width);
	wnoutrefresh(rp->w);
}

int tui_rubric_move(struct tui_rubric *rp, enum tui_action a)
{
	if (!rp->o || !rp->o->ncriteria)
		return 0;
	int n = rp->o->ncriteria, c = rp->cursor;
	switch (a) {
	case ACT_MOVE_DOWN:
	case ACT_NEXT_CRIT: c++; break;
	case ACT_MOVE_UP:
	case ACT_PREV_CRIT: c--; break;
	case ACT_PAGE_DOWN: c += 3; break;
	case ACT_PAGE_UP: c -= 3; break;
	case ACT_FIRST: c = 0; break;
	case ACT_LAST: c = n - 1; break;
	case ACT_NEXT_PART:
	case ACT_PREV_PART: {
		int part = rp->o->criteria[c < 0 ? 0 : c].part + (a == ACT_NEXT_PART ? 1 : -1);
		if (part < 0 || part >= rp->o->nparts)
			return 1;
		c = rp->o->parts[part].first;
		break;
	}
	default: return 0;
	}
	if (c < 0)
		c = 0;
	if (c >= n)
		c = n - 1;
	if (c != rp->cursor) {
		rp->cursor = c;
		rp->built_for = -2;
	}
	return 1;
}
