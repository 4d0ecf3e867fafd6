/* view_queue.c: the evidence queue. Keeps only a window of rows in memory and
 * pages through queue_page() by key, so a million submissions page as smoothly
 * as ten. A cursor move repaints two rows; a scroll repaints the list. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mcassess/access.h"
#include "mcassess/queue.h"
#include "mcassess/util.h"
#include "tui/tui_int.h"

#define HEAD_LINES 3     /* title, counts, column headings */
#define PAGE_MIN 64      /* rows fetched at a time (at least a screen) */
#define KEEP_PAGES 4     /* rows kept: this many fetches */

struct qv {
	struct queue_filter f;
	struct mc_buf narrow;      /* what was typed after '/' */
	struct mc_buf last_narrow; /* the narrowing before this '/' (Up brings it back) */
	int narrowing;             /* typing a narrowing now */
	struct queue_row *rows;    /* a window of the list, in display order */
	int n;
	int at_start, at_end;      /* the window reaches the top / bottom of the list */
	int cursor, top;           /* indices into rows */
	int old_cursor;            /* the row to repaint unhighlighted (-1: none) */
	long long counts[QUEUE_NSTATUS]; /* what this list holds, by status (filters but status) */
	long long total;           /* rows of the list as filtered (narrowing aside) */
	long long base;            /* the list's row number of rows[0], from 0; -1 unknown */
	int pos_stale;             /* arrow cursor: the row number waits for a pause in the keys */
	int pos_now;               /* the pause came: draw it */
	WINDOW *head, *list;
	int h, w;                  /* list rows, columns */
	int stale;                 /* a submission was opened: statuses may have changed */
	int filtering;             /* typing a filter now */
	struct mc_buf filter;      /* the filter as typed: "status:S credential:C ..." */
	char *fv[4];               /* its values: status, pathway, credential, district */
};


static const char *const sort_names[] = { "age", "credential", "status" };

static int page_size(const struct tui_view *v)
{
	const struct qv *q = v->data;
	if (v->tui->page_rows)
		return v->tui->page_rows;
	return q->h * 2 > PAGE_MIN ? q->h * 2 : PAGE_MIN;
}

static void free_rows(struct qv *q)
{
	if (q->rows)
		queue_rows_free(&q->rows, q->n);
	q->rows = NULL;
	q->n = 0;
}

static void fill_down(struct tui_view *v, int top);
static void fill_up(struct tui_view *v);

/* What the list holds, by status, and its length: once per filter (and after a
 * submission was open, when statuses may have changed), never per key. */
static int recount(struct tui_view *v, struct mc_error *err)
{
	struct qv *q = v->data;
	if (queue_counts_for(v->tui->store, &q->f, q->counts, err) != MC_OK)
		return MC_FAIL;
	q->total = queue_counts_total(&q->f, q->counts);
	return MC_OK;
}

/* Load the list afresh from its top (dir > 0) or bottom (dir < 0). */
static int reload(struct tui_view *v, int dir)
{
	struct qv *q = v->data;
	struct mc_error err = MC_ERROR_INIT;
	struct queue_row *rows = NULL;
	int n = 0;
	q->f.narrow = q->narrow.len ? q->narrow.data : NULL;
	if (queue_page(v->tui->store, &q->f, NULL, dir, page_size(v), &rows, &n, &err) != MC_OK) {
		tui_error(v->tui, &err);
		return MC_FAIL;
	}
	free_rows(q);
	q->rows = rows;
	q->n = n;
	q->old_cursor = -1;
	if (dir > 0) {
		q->at_start = 1;
		q->at_end = n < page_size(v);
		q->cursor = q->top = 0;
		q->base = 0;
		fill_down(v, 0);
	} else {
		q->at_end = 1;
		q->at_start = n < page_size(v);
		q->cursor = q->top = 0;
		q->base = q->f.narrow ? -1 : q->total - n; /* narrowed, the length is not counted */
		fill_up(v);
		q->cursor = q->n ? q->n - 1 : 0;
		q->top = q->n > q->h ? q->n - q->h : 0;
	}
	v->dirty |= TUI_DIRTY_ALL;
	return MC_OK;
}

/* Fetch the next page after the window (dir > 0) or before it (dir < 0);
 * returns the rows added. Drops rows far from the screen to keep memory flat. */
static int extend(struct tui_view *v, int dir)
{
	struct qv *q = v->data;
	if (!q->n || (dir > 0 ? q->at_end : q->at_start))
		return 0;
	struct mc_error err = MC_ERROR_INIT;
	struct queue_row *rows = NULL;
	int n = 0, page = page_size(v);
	const struct queue_row *from = dir > 0 ? &q->rows[q->n - 1] : &q->rows[0];
	if (queue_page(v->tui->store, &q->f, from, dir, page, &rows, &n, &err) != MC_OK) {
		tui_error(v->tui, &err);
		return 0;
	}
	if (n < page) {
		if (dir > 0)
			q->at_end = 1;
		else
			q->at_start = 1;
	}
	if (!n) {
		free(rows);
		return 0;
	}
	struct queue_row *all = mc_xmalloc((size_t)(q->n + n) * sizeof *all);
	if (dir > 0) {
		memcpy(all, q->rows, (size_t)q->n * sizeof *all);
		memcpy(all + q->n, rows, (size_t)n * sizeof *all);
	} else {
		memcpy(all, rows, (size_t)n * sizeof *all);
		memcpy(all + n, q->rows, (size_t)q->n * sizeof *all);
		q->cursor += n;
		q->top += n;
		if (q->old_cursor >= 0)
			q->old_cursor += n;
		if (q->base >= 0)
			q->base = q->base >= n ? q->base - n : 0;
	}
	free(rows);
	free(q->rows);
	q->rows = all;
	q->n += n;
	/* Keep at most KEEP_PAGES pages, dropping from the far side of the screen. */
	int keep = KEEP_PAGES * page, excess = q->n - keep;
	if (excess > 0 && dir > 0) {
		int drop = excess < q->top ? excess : q->top;
		if (q->old_cursor >= 0 && q->old_cursor < drop)
			drop = q->old_cursor;
		if (drop > 0) {
			struct queue_row *gone = mc_xmalloc((size_t)drop * sizeof *gone);
			memcpy(gone, q->rows, (size_t)drop * sizeof *gone);
			queue_rows_free(&gone, drop);
			memmove(q->rows, q->rows + drop, (size_t)(q->n - drop) * sizeof *q->rows);
			q->n -= drop;
			q->cursor -= drop;
			q->top -= drop;
			if (q->base >= 0)
				q->base += drop;
			if (q->old_cursor >= 0)
				q->old_cursor -= drop;
			q->at_start = 0;
		}
	} else if (excess > 0) {
		int last_needed = q->top + q->h;
		if (q->old_cursor + 1 > last_needed)
			last_needed = q->old_cursor + 1;
		int drop = q->n - last_needed < excess ? q->n - last_needed : excess;
		if (drop > 0) {
			struct queue_row *gone = mc_xmalloc((size_t)drop * sizeof *gone);
			memcpy(gone, q->rows + q->n - drop, (size_t)drop * sizeof *gone);
			queue_rows_free(&gone, drop);
			q->n -= drop;
			q->at_end = 0;
		}
	}
	return n;
}

/* Make sure the rows from top to the bottom of the screen are in memory (a
 * tall screen can need more than one fetch). */
static void fill_down(struct tui_view *v, int top)
{
	struct qv *q = v->data;
	while (q->n < top + q->h && !q->at_end) {
		int before = q->top;
		if (extend(v, 1) <= 0)
			break;
		top -= before - q->top; /* rows dropped from the front shift indices */
	}
}

static void fill_up(struct tui_view *v)
{
	struct qv *q = v->data;
	while (q->n < q->h && !q->at_start)
		if (extend(v, -1) <= 0)
			break;
}

/* Fetch the rows of the window again (after scoring, statuses change), keeping
 * the window where it was: from the row before its first, as many rows. */
static void refresh_window(struct tui_view *v)
{
	struct qv *q = v->data;
	struct mc_error err = MC_ERROR_INIT;
	if (recount(v, &err) != MC_OK) {
		tui_error(v->tui, &err);
		return;
	}
	if (!q->n || q->at_start) {
		q->base = 0;
		int cursor = q->cursor, top = q->top, want = q->n > page_size(v) ? q->n : page_size(v);
		struct queue_row *rows = NULL;
		int n = 0;
		if (queue_page(v->tui->store, &q->f, NULL, 1, want, &rows, &n, &err) != MC_OK) {
			tui_error(v->tui, &err);
			return;
		}
		free_rows(q);
		q->rows = rows;
		q->n = n;
		q->at_start = 1;
		q->at_end = n < want;
		q->cursor = cursor < n ? cursor : n ? n - 1 : 0;
		q->top = top <= q->cursor ? top : q->cursor;
		return;
	}
	struct queue_row *before = NULL, *rows = NULL;
	int nb = 0, n = 0, want = q->n;
	if (queue_page(v->tui->store, &q->f, &q->rows[0], -1, 1, &before, &nb, &err) != MC_OK ||
	    queue_page(v->tui->store, &q->f, nb ? &before[0] : NULL, 1, want, &rows, &n,
		       &err) != MC_OK) {
		if (before)
			queue_rows_free(&before, nb);
		tui_error(v->tui, &err);
		return;
	}
	if (before)
		queue_rows_free(&before, nb);
	free_rows(q);
	q->rows = rows;
	q->n = n;
	q->at_start = nb == 0;
	q->at_end = n < want;
	if (q->cursor >= n)
		q->cursor = n ? n - 1 : 0;
	if (q->top > q->cursor)
		q->top = q->cursor;
}

/* Move the cursor by delta rows (fetching as needed); scroll to keep it shown. */
static void move_cursor(struct tui_view *v, int delta)
{
	struct qv *q = v->data;
	if (!q->n)
		return;
	int old = q->cursor, old_top = q->top;
	q->old_cursor = old;
	int target = q->cursor + delta;
	while (target >= q->n && extend(v, 1) > 0)
		;
	while (target < 0) {
		int added = extend(v, -1);
		if (added <= 0)
			break;
		target += added;
		old += added;
		old_top += added;
	}
	if (target >= q->n)
		target = q->n - 1;
	if (target < 0)
		target = 0;
	q->cursor = target;
	if (q->cursor < q->top)
		q->top = q->cursor;
	else if (q->cursor >= q->top + q->h)
		q->top = q->cursor - q->h + 1;
	if (q->top != old_top)
		v->dirty |= TUI_DIRTY_ALL;
	else if (q->cursor != old)
		v->dirty |= TUI_DIRTY_SOME;
	else
		q->old_cursor = -1;
	if (q->cursor == old && q->top == old_top && !(v->dirty & TUI_DIRTY_ALL))
		tui_message(v->tui, delta > 0 ? "end of the queue" : "top of the queue");
}

static void page(struct tui_view *v, int dir)
{
	struct qv *q = v->data;
	if (!q->n)
		return;
	/* Scroll a whole screen, keeping the cursor's place on it. */
	int step = q->h > 1 ? q->h - 1 : 1;
	int old_top = q->top, rel = q->cursor - q->top;
	move_cursor(v, dir * step);
	int want_top = q->cursor - rel;
	if (want_top < 0)
		want_top = 0;
	if (dir > 0) {
		int shift = q->top;
		fill_down(v, want_top);
		want_top -= shift - q->top; /* rows dropped from the front */
		old_top -= shift - q->top;
	}
	if (want_top + q->h > q->n)
		want_top = q->n - q->h > 0 ? q->n - q->h : 0;
	if (want_top <= q->cursor && q->cursor < want_top + q->h)
		q->top = want_top;
	if (q->top != old_top)
		v->dirty |= TUI_DIRTY_ALL;
}

/* ----------------------------------------------------------------- open */
static int q_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	struct qv *q = mc_xcalloc(1, sizeof *q);
	v->data = q;
	q->f.sort = QUEUE_SORT_AGE;
	/* What the queue holds is core's to say (access.h): an assessor's own work,
	 * a coordinator's district, everything for admins. An approver's open
	 * work is what awaits their approval. */
	const char *open = queue_default_status(v->tui->store);
	if (open) {
		q->fv[0] = mc_xstrdup(open);
		q->f.status = q->fv[0];
	}
	q->h = 20;
	q->old_cursor = -1;
	if (recount(v, err) != MC_OK)
		return err->status;
	struct queue_row *rows = NULL;
	int n = 0;
	if (queue_page(v->tui->store, &q->f, NULL, 1, page_size(v), &rows, &n, err) != MC_OK)
		return err->status;
	q->rows = rows;
	q->n = n;
	q->at_start = 1;
	q->at_end = n < page_size(v);
	q->base = 0;
	return MC_OK;
}

static void q_close(struct tui_view *v)
{
	struct qv *q = v->data;
	if (!q)
		return;
	free_rows(q);
	mc_buf_free(&q->narrow);
	mc_buf_free(&q->last_narrow);
	mc_buf_free(&q->filter);
	for (int i = 0; i < 4; i++)
		free(q->fv[i]);
	if (q->head)
		delwin(q->head);
	if (q->list)
		delwin(q->list);
	free(q);
}

static void q_layout(struct tui_view *v, int y, int h, int w)
{
	struct qv *q = v->data;
	if (q->head)
		delwin(q->head);
	if (q->list)
		delwin(q->list);
	q->head = newwin(HEAD_LINES, w, y, 0);
	q->list = newwin(h - HEAD_LINES, w, y + HEAD_LINES, 0);
	q->h = h - HEAD_LINES;
	q->w = w;
	if (q->stale) {
		q->stale = 0;
		refresh_window(v);
	}
	if (q->cursor >= q->top + q->h)
		q->top = q->cursor - q->h + 1;
	if (q->top > 0 && q->top + q->h > q->n)
		q->top = q->n - q->h > 0 ? q->n - q->h : 0;
	/* A taller screen may need more rows than the window holds. */
	fill_down(v, q->top);
}

/* ----------------------------------------------------------------- draw */
struct cols {
	int id, status, cred, educ, dist, att, rd, age, date; /* date: 0 when not shown */
	int reads;                                           /* who holds the reads; 0 when not shown */
};

static struct cols columns(int w)
{
	struct cols c = { 10, 11, 12, 0, 0, 3, 2, 4, 0, 0 };
	if (w >= 120) {
		c.id = 14;
		c.status = 17;
		c.date = 10;
		c.reads = w >= 150 ? 42 : 26;
	}
	int fixed = c.id + c.status + c.cred + c.att + c.rd + c.age + 7 + (c.date ? c.date + 1 : 0) +
		    (c.reads ? c.reads + 1 : 0);
	int rest = w - fixed;
	if (rest < 10)
		rest = 10;
	c.dist = rest * 2 / 5;
	if (c.dist > 30)
		c.dist = 30;
	c.educ = rest - c.dist;
	if (c.educ > 44) {
		c.dist += c.educ - 44 < 30 - c.dist ? c.educ - 44 : 30 - c.dist;
		c.educ = rest - c.dist > 44 ? 44 : rest - c.dist;
	}
	return c;
}

static void age_text(time_t now, const char *when, char *out, size_t size)
{
	time_t t;
	if (!when || mc_time_parse(when, &t) != 0) {
		snprintf(out, size, "?");
		return;
	}
	long long s = (long long)(now - t);
	if (s < 0)
		s = 0;
	if (s < 3600)
		snprintf(out, size, "%lldm", s / 60);
	else if (s < 48 * 3600)
		snprintf(out, size, "%lldh", s / 3600);
	else if (s < 100LL * 86400)
		snprintf(out, size, "%lldd", s / 86400);
	else if (s < 730LL * 86400)
		snprintf(out, size, "%lldmo", s / (30LL * 86400));
	else
		snprintf(out, size, "%lldy", s / (365LL * 86400));
}

static const char *status_short(const char *st, int wide)
{
	if (wide)
		return st;
	if (strcmp(st, "awaiting_approval") == 0)
		return "awaiting";
	return st;
}

/* The viewer's own read of the row: 1 (first), 2 (second), A (adjudication),
 * with b when it is blind; "" when it is not assigned to them. */
static const char *read_text(const struct queue_row *r)
{
	if (!r->read)
		return "";
	int k = strcmp(r->read, "first") == 0 ? 0 : strcmp(r->read, "second") == 0 ? 1 : 2;
	static const char *const t[2][3] = { { "1", "2", "A" }, { "1b", "2b", "Ab" } };
	return t[r->read_blind ? 1 : 0][k];
}

static void draw_row(struct tui_view *v, int i)
{
	struct qv *q = v->data;
	int y = i - q->top;
	if (y < 0 || y >= q->h)
		return;
	if (i >= q->n) {
		wmove(q->list, y, 0);
		wclrtoeol(q->list);
		return;
	}
	const struct queue_row *r = &q->rows[i];
	struct cols c = columns(q->w);
	int arrow = v->tui->arrow_cursor;
	attr_t a = i == q->cursor && !arrow ? tui_theme(TUI_CURSOR) : A_NORMAL;
	int x = 0;
	if (arrow) {
		/* For slow links: only these two cells change when the cursor moves. */
		tui_put_pad(q->list, y, 0, i == q->cursor ? "->" : "", 2,
			    i == q->cursor ? tui_theme(TUI_KEY) : A_NORMAL);
		x = 2;
		c.id -= 2;
	}
	char att[16], age[16];
	snprintf(att, sizeof att, "%d", r->attempt);
	age_text(v->tui->now, r->submitted_at, age, sizeof age);
	tui_put_pad(q->list, y, x, r->id, c.id, a), x += c.id;
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	attr_t sa = a;
	if ((i != q->cursor || arrow) && strcmp(r->status, "queued") == 0)
		sa = tui_theme(TUI_UNSCORED);
	tui_put_pad(q->list, y, x, status_short(r->status, c.status >= 17), c.status, sa), x += c.status;
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	tui_put_pad(q->list, y, x, r->credential, c.cred, a), x += c.cred;
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	char *educ = r->claimed_by ? mc_xasprintf("%s [%s]", r->educator, r->claimed_by)
				   : mc_xstrdup(r->educator ? r->educator : "");
	tui_put_pad(q->list, y, x, educ, c.educ, a), x += c.educ;
	free(educ);
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	tui_put_pad(q->list, y, x, r->district, c.dist, a), x += c.dist;
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	char attr_txt[24];
	snprintf(attr_txt, sizeof attr_txt, "%3.3s", att);
	tui_put_pad(q->list, y, x, attr_txt, c.att, a), x += c.att;
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	tui_put_pad(q->list, y, x, read_text(r), c.rd, a), x += c.rd;
	tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
	char age_txt[16];
	snprintf(age_txt, sizeof age_txt, "%*s", c.age, age);
	if (c.date) {
		tui_put_pad(q->list, y, x, age_txt, c.age, a), x += c.age;
		tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
		tui_put_pad(q->list, y, x, r->submitted_at, c.date, a), x += c.date;
		tui_put_pad(q->list, y, x, " ", 1, a), x += 1;
		/* overdue work first catches the eye: "! " before its readers */
		char *reads = mc_xasprintf("%s%s", r->overdue ? "! " : "", r->assignees ? r->assignees : "");
		tui_put_pad(q->list, y, x, reads, q->w - x, r->overdue && (i != q->cursor || arrow)
			    ? tui_theme(TUI_UNSCORED) : a);
		free(reads);
	} else {
		tui_put_pad(q->list, y, x, age_txt, q->w - x, a);
	}
}

/* "row 12 of 448" at the right of the title: where the cursor is in the whole list. */
static void draw_position(struct tui_view *v)
{
	struct qv *q = v->data;
	char pos[64];
	if (!q->n)
		snprintf(pos, sizeof pos, " ");
	else if (q->base < 0)
		snprintf(pos, sizeof pos, " ");
	else if (q->narrow.len) /* the title says it is narrowed; its length is not counted */
		snprintf(pos, sizeof pos, " · row %lld ", q->base + q->cursor + 1);
	else
		snprintf(pos, sizeof pos, " · row %lld of %lld ", q->base + q->cursor + 1, q->total);
	q->pos_stale = 0;
	int pw = tui_width(pos, strlen(pos));
	tui_put_pad(q->head, 0, q->w - pw > 0 ? q->w - pw : 0, pos, pw, tui_theme(TUI_TITLE));
}

static void draw_head(struct tui_view *v)
{
	struct qv *q = v->data;
	int own = q->f.mine || access_assigned_only(v->tui->store);
	const char *what = q->f.status ? q->f.status : own ? "your open work" : "open work";
	struct mc_buf fl = MC_BUF_INIT;
	for (int i = 1; i < 4; i++)
		if (q->fv[i])
			mc_buf_printf(&fl, " · %s %s", queue_filter_keys[i], q->fv[i]);
	char *title = mc_xasprintf(" mcassess · queue: %s%s · sorted by %s%s%s%s", what, mc_buf_str(&fl),
				   sort_names[q->f.sort], q->narrow.len ? " · narrowed to \"" : "",
				   q->narrow.len ? q->narrow.data : "", q->narrow.len ? "\"" : "");
	mc_buf_free(&fl);
	tui_put_pad(q->head, 0, 0, title, q->w, tui_theme(TUI_TITLE));
	free(title);
	draw_position(v); /* over the title's end when that is long */
	static const char *const labels[2][QUEUE_NSTATUS] = {
		{ "queued", "in progress", "awaiting", "earned", "resubmit", "incomplete", "withdrawn" },
		{ "queued", "in prog", "await", "earned", "resub", "incompl", "withdrn" },
	};
	/* What this list holds (the viewer's, as filtered), every count when they fit;
	 * else the empty ones give way, then the words get shorter. */
	struct mc_buf b = MC_BUF_INIT;
	for (int pass = 0; pass < 3; pass++) {
		mc_buf_reset(&b);
		mc_buf_adds(&b, q->f.mine ? " yours: " : " ");
		int first = 1;
		for (int i = 0; i < QUEUE_NSTATUS; i++) {
			if (pass && !q->counts[i] && i > 1)
				continue;
			mc_buf_printf(&b, "%s%s %lld", first ? "" : pass == 2 ? "  " : " · ", labels[pass == 2][i],
				      q->counts[i]);
			first = 0;
		}
		if (tui_width(b.data, b.len) <= q->w)
			break;
	}
	tui_put_pad(q->head, 1, 0, b.data, q->w, A_NORMAL);
	mc_buf_free(&b);
	struct cols c = columns(q->w);
	struct mc_buf h = MC_BUF_INIT;
	if (v->tui->arrow_cursor)
		mc_buf_adds(&h, "  "), c.id -= 2;
	mc_buf_printf(&h, "%-*s %-*s %-*s ", c.id, "ID", c.status, "STATUS", c.cred, "CREDENTIAL");
	mc_buf_printf(&h, "%-*s %-*s %*s %-*s %*s", c.educ, "EDUCATOR", c.dist, "DISTRICT", c.att, "ATT",
		      c.rd, "RD", c.age, "AGE");
	if (c.date)
		mc_buf_adds(&h, " SUBMITTED ");
	if (c.reads)
		mc_buf_adds(&h, "READS (! overdue)");
	tui_put_pad(q->head, 2, 0, h.data, q->w, tui_theme(TUI_HEADING));
	mc_buf_free(&h);
	wnoutrefresh(q->head);
}

/* Narrower than the READS column needs: the cursor row's readers go on the
 * status line instead ("! first: ann, second: bo", '!' when overdue). */
static void note_reads(struct tui_view *v)
{
	struct qv *q = v->data;
	const struct queue_row *r = q->n && q->cursor < q->n ? &q->rows[q->cursor] : NULL;
	if (columns(q->w).reads || !r || !r->assignees) {
		tui_set_note(v->tui, NULL);
		return;
	}
	char *note = mc_xasprintf("%s%s ", r->overdue ? "! " : "", r->assignees);
	tui_set_note(v->tui, note);
	free(note);
}

static void q_draw(struct tui_view *v)
{
	struct qv *q = v->data;
	note_reads(v);
	if (v->dirty & TUI_DIRTY_ALL) {
		draw_head(v);
		if (!q->n) {
			werase(q->list);
			const char *m = q->narrow.len ? "Nothing matches the narrowing; Esc after / clears it."
			    : q->f.mine || access_assigned_only(v->tui->store)
				? "Nothing assigned to you here; your coordinator assigns the work."
					: "Nothing to score here: the queue is empty.";
			tui_put_pad(q->list, 1, 2, m, q->w - 2, tui_theme(TUI_DIM));
		} else {
			for (int i = q->top; i < q->top + q->h; i++)
				draw_row(v, i);
		}
	} else {
		/* A cursor move: the row it left, the row it reached and its number. */
		if (q->old_cursor >= 0)
			draw_row(v, q->old_cursor);
		draw_row(v, q->cursor);
		/* With the arrow cursor (slow links) the row number waits for a pause. */
		if (v->tui->arrow_cursor && !q->pos_now) {
			q->pos_stale = 1;
		} else {
			draw_position(v);
			wnoutrefresh(q->head);
		}
		q->pos_now = 0;
	}
	q->old_cursor = -1;
	wnoutrefresh(q->list);
}

/* ------------------------------------------------------------ requests */
static void show_prompt(struct tui_view *v)
{
	struct qv *q = v->data;
	char *p = mc_xasprintf("/%s", q->narrow.len ? q->narrow.data : "");
	tui_set_prompt(v->tui, p);
	free(p);
}

static void show_filter_prompt(struct tui_view *v)
{
	struct qv *q = v->data;
	char *p = mc_xasprintf("filter (status: pathway: credential: district:; ^U clears): %s",
			       mc_buf_str(&q->filter));
	tui_set_prompt(v->tui, p);
	free(p);
}

/* The values as typed made exact, as the command line does (queue_filter_resolve):
 * "awaiting", a district by the start of its name, codes in any case. */
static int resolve_filter(struct tui_view *v, char *fv[4])
{
	struct queue_filter f = { .status = fv[0], .pathway = fv[1], .credential = fv[2], .district = fv[3] };
	struct queue_filter_names names;
	struct mc_error err = MC_ERROR_INIT;
	if (queue_filter_resolve(v->tui->store, &f, &names, &err) != MC_OK) {
		tui_message(v->tui, "filter: %s", mc_error_msg(&err));
		mc_error_clear(&err);
		queue_filter_names_free(&names);
		return MC_FAIL;
	}
	const char *exact[4] = { f.status, f.pathway, f.credential, f.district };
	for (int i = 0; i < 4; i++)
		if (exact[i] != fv[i]) {
			free(fv[i]);
			fv[i] = mc_xstrdup(exact[i]);
		}
	queue_filter_names_free(&names);
	return MC_OK;
}

/* "status:earned district:Knox County": each key's value runs to the next key. */
static int apply_filter(struct tui_view *v)
{
	struct qv *q = v->data;
	char *fv[4] = { 0 };
	const char *p = mc_buf_str(&q->filter);
	const char *bad = queue_filter_words(p, fv);
	if (bad) {
		tui_message(v->tui, "filter: expected status:, pathway:, credential: or district: at \"%s\"", bad);
		for (int i = 0; i < 4; i++)
			free(fv[i]);
		return MC_FAIL;
	}
	if (fv[0] && strcasecmp(fv[0], "all") != 0 && !queue_status_canonical(fv[0])) {
		tui_message(v->tui, "filter: no status '%s' (all, queued, in_progress, awaiting_approval, earned, "
			    "resubmit, incomplete, withdrawn)", fv[0]);
		for (int i = 0; i < 4; i++)
			free(fv[i]);
		return MC_FAIL;
	}
	if (resolve_filter(v, fv) != MC_OK) {
		for (int i = 0; i < 4; i++)
			free(fv[i]);
		return MC_FAIL;
	}
	for (int i = 0; i < 4; i++) {
		free(q->fv[i]);
		q->fv[i] = fv[i];
	}
	q->f.status = q->fv[0];
	q->f.pathway = q->fv[1];
	q->f.credential = q->fv[2];
	q->f.district = q->fv[3];
	return MC_OK;
}

static int filter_key(struct tui_view *v, int key)
{
	struct qv *q = v->data;
	if (key == '\n') {
		q->filtering = 0;
		tui_set_prompt(v->tui, NULL);
		struct mc_error err = MC_ERROR_INIT;
		if (apply_filter(v) != MC_OK)
			return TUI_HANDLED; /* it said what is wrong */
		if (recount(v, &err) != MC_OK) {
			tui_error(v->tui, &err);
			return TUI_HANDLED;
		}
		reload(v, 1);
		if (q->narrow.len) /* the count is the filter's; the narrowing shows fewer */
			tui_message(v->tui, "%lld submission%s match the filter", q->total, q->total == 1 ? "" : "s");
		else
			tui_message(v->tui, "%lld submission%s match%s", q->total, q->total == 1 ? "" : "s",
				    q->total == 1 ? "es" : "");
		return TUI_HANDLED;
	}
	if (key == TUI_KEY_ESC) {
		q->filtering = 0;
		tui_set_prompt(v->tui, NULL);
		return TUI_HANDLED;
	}
	if (key == TUI_KEY_CTRL('U')) { /* clear the line, as shells do */
		mc_buf_reset(&q->filter);
		show_filter_prompt(v);
		return TUI_HANDLED;
	}
	if (tui_prompt_edit(&q->filter, key) || key == (TUI_KEY_FN | KEY_BACKSPACE))
		show_filter_prompt(v);
	return TUI_HANDLED;
}

static int q_key(struct tui_view *v, int key)
{
	struct qv *q = v->data;
	if (q->filtering)
		return filter_key(v, key);
	if (!q->narrowing)
		return TUI_UNKNOWN;
	if (key == '\n') {
		q->narrowing = 0;
		tui_set_prompt(v->tui, NULL);
		if (q->narrow.len)
			tui_message(v->tui, "narrowed to \"%s\" (/ then Esc clears it)", q->narrow.data);
		return TUI_HANDLED;
	}
	if (key == TUI_KEY_ESC) {
		q->narrowing = 0;
		mc_buf_reset(&q->narrow);
		tui_set_prompt(v->tui, NULL);
		reload(v, 1);
		return TUI_HANDLED;
	}
	if (key == (TUI_KEY_FN | KEY_UP) && q->last_narrow.len) { /* the last narrowing again */
		mc_buf_reset(&q->narrow);
		mc_buf_adds(&q->narrow, q->last_narrow.data);
		show_prompt(v);
		reload(v, 1);
		return TUI_HANDLED;
	}
	/* no moves while typing: other keys are swallowed */
	if (key == (TUI_KEY_FN | KEY_BACKSPACE)) {
		if (tui_prompt_edit(&q->narrow, key))
			reload(v, 1);
		show_prompt(v);
	} else if (tui_prompt_edit(&q->narrow, key)) {
		show_prompt(v);
		reload(v, 1);
	}
	return TUI_HANDLED;
}

static int q_request(struct tui_view *v, enum tui_action a)
{
	struct qv *q = v->data;
	switch (a) {
	case ACT_MOVE_DOWN: move_cursor(v, 1); return TUI_HANDLED;
	case ACT_MOVE_UP: move_cursor(v, -1); return TUI_HANDLED;
	case ACT_PAGE_DOWN: page(v, 1); return TUI_HANDLED;
	case ACT_PAGE_UP: page(v, -1); return TUI_HANDLED;
	case ACT_HALF_DOWN:
	case ACT_HALF_UP:
		move_cursor(v, (a == ACT_HALF_DOWN ? 1 : -1) * (q->h > 1 ? q->h / 2 : 1));
		return TUI_HANDLED;
	case ACT_FIRST: reload(v, 1); return TUI_HANDLED;
	case ACT_LAST: reload(v, -1); return TUI_HANDLED;
	case ACT_SORT:
		q->f.sort = (enum queue_sort)((q->f.sort + 1) % 3);
		reload(v, 1);
		tui_message(v->tui, "sorted by %s", sort_names[q->f.sort]);
		return TUI_HANDLED;
	case ACT_SEARCH:
		/* A new narrowing starts empty (as less does); Up brings the last one back. */
		q->narrowing = 1;
		if (q->narrow.len) {
			mc_buf_reset(&q->last_narrow);
			mc_buf_adds(&q->last_narrow, q->narrow.data);
			mc_buf_reset(&q->narrow);
			reload(v, 1);
		}
		show_prompt(v);
		return TUI_HANDLED;
	case ACT_WORKLOAD:
		tui_push(v->tui, &tui_view_workload, NULL);
		return TUI_HANDLED;
	case ACT_FILTER:
		q->filtering = 1;
		if (q->filter.len && q->filter.data[q->filter.len - 1] != ' ')
			mc_buf_addc(&q->filter, ' '); /* ready for one more "key:value" */
		show_filter_prompt(v);
		return TUI_HANDLED;
	case ACT_REPORTS:
		tui_push(v->tui, &tui_view_report, NULL);
		return TUI_HANDLED;
	case ACT_CALIBRATION:
		tui_push(v->tui, &tui_view_calibration, NULL);
		return TUI_HANDLED;
	case ACT_NEXT:
		if (q->n)
			tui_queue_open_next(v, q->rows[q->cursor].id);
		return TUI_HANDLED;
	case ACT_OPEN:
		if (!q->n) {
			tui_message(v->tui, "nothing to open");
			return TUI_HANDLED;
		}
		if (tui_push(v->tui, &tui_view_submission, q->rows[q->cursor].id) == MC_OK)
			q->stale = 1;
		return TUI_HANDLED;
	default:
		return TUI_UNKNOWN;
	}
}

void tui_queue_open_next(struct tui_view *v, const char *after_id)
{
	struct qv *q = v->data;
	q->stale = 0;
	refresh_window(v);
	v->dirty |= TUI_DIRTY_ALL;
	int at = -1;
	for (int i = 0; i < q->n && at < 0; i++)
		if (strcmp(q->rows[i].id, after_id) == 0)
			at = i;
	if (at >= 0) {
		/* Still listed (the filter shows decided work too): the row after it. */
		q->cursor = at;
		move_cursor(v, 1);
		if (q->cursor == at) {
			free(v->tui->msg);
			v->tui->msg = NULL;
			tui_message(v->tui, "%s was the last in the queue", after_id);
			return;
		}
	} else if (q->cursor >= q->n) {
		/* It left the list: the row now in its place is the next one. */
		tui_message(v->tui, "the queue has nothing after %s", after_id);
		return;
	}
	if (q->cursor < q->top || q->cursor >= q->top + q->h)
		q->top = q->cursor;
	if (tui_push(v->tui, &tui_view_submission, q->rows[q->cursor].id) == MC_OK)
		q->stale = 1;
}

/* A second without a key: the arrow cursor's row number catches up. */
static void q_idle(struct tui_view *v)
{
	struct qv *q = v->data;
	if (q->pos_stale) {
		q->pos_now = 1;
		v->dirty |= TUI_DIRTY_SOME;
	}
}

const struct tui_view_ops tui_view_queue = {
	"queue", q_open, q_layout, q_draw, q_key, q_request, q_close, q_idle, NULL,
};
