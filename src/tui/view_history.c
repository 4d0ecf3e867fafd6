/* view_history.c: a submission's history in the evidence archive (H on the
 * submission screen), newest change first: one line per commit (its time as
 * stored, UTC, who, what happened), Enter shows the commit's whole message.
 * Everything comes from archive_log (core); libgit2 is loaded only when this
 * pane opens on a database that has an archive. Without one, or without the
 * library, the pane says so in words and nothing else changes.
 *
 * Commit messages name submissions, criteria, levels and assessors, never an
 * educator (archive.c's summary(); tests/tui/test_history.sh checks it for a
 * blind viewer), so a blind assessor may read them as they are. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/archive.h"
#include "mcassess/store_archive.h"
#include "tui/tui_int.h"

#define AT_W 20     /* 2026-11-23T13:14:57Z */
#define AUTHOR_W 16

struct hentry {
	char *commit, *at, *author, *email, *summary, *message;
};

struct hist {
	char *id;
	struct hentry *e;  /* newest first */
	int n, cap;
	char *note;        /* why there is no history to show, NULL when there is */
	int cursor, top;   /* the list */
	int detail;        /* 1: the cursor's commit in full */
	struct tui_pager pager; /* the note, or the commit in full */
	WINDOW *title, *body;
	int h, w;
};

static int collect(void *ctx, const struct archive_log_entry *le)
{
	struct hist *d = ctx;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->e = mc_xrealloc(d->e, (size_t)d->cap * sizeof *d->e);
	}
	struct hentry *e = &d->e[d->n++];
	e->commit = mc_xstrdup(le->commit);
	e->at = mc_xstrdup(le->at);
	e->author = mc_xstrdup(le->author ? le->author : "");
	e->email = mc_xstrdup(le->email ? le->email : "");
	e->summary = mc_xstrdup(le->summary ? le->summary : "");
	e->message = mc_xstrdup(le->message ? le->message : e->summary);
	return 0;
}

static int hv_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	struct hist *d = mc_xcalloc(1, sizeof *d);
	v->data = d;
	d->id = mc_xstrdup(arg);
	if (!archive_available()) {
		d->note = mc_xstrdup("The history of a submission is kept in the evidence archive, which this copy "
				     "of mcassess cannot read: it was built without the archive library (libgit2). "
				     "Everything else works as usual.");
		return MC_OK;
	}
	char *path = NULL;
	if (store_archive_configured(v->tui->store, &path, err) != MC_OK)
		return err->status ? (int)err->status : MC_FAIL;
	if (!path) {
		d->note = mc_xstrdup("This database has no evidence archive yet, so there is no history to show.\n\n"
				     "An administrator starts one with the command\n\n"
				     "    mcassess archive init\n\n"
				     "From then on every import, score, feedback and decision is kept there, with who "
				     "made it and when, and this screen shows them.");
		return MC_OK;
	}
	free(path);
	/* What waits in the outbox (the claim of this very screen ...) first, so
	 * that the history ends now; what cannot be written yet is said. */
	struct mc_error why = MC_ERROR_INIT;
	long drained = 0;
	int drain_rc = archive_drain(v->tui->store, &drained, &why);
	mc_error_clear(&why);
	char *subject = mc_xasprintf("submission:%s", d->id);
	int pending = 0;
	if (drain_rc != MC_OK && store_archive_outbox_has(v->tui->store, subject, &pending, &why) != MC_OK)
		pending = 0;
	mc_error_clear(&why);
	free(subject);
	if (archive_log(v->tui->store, d->id, collect, d, &why) != MC_OK) {
		const char *msg = mc_error_msg(&why);
		d->note = mc_xasprintf("The history of %s cannot be shown: %s.%s", d->id, msg,
				       strstr(msg, "everything else works") ? "" : "\n\nEverything else works as usual.");
		mc_error_clear(&why);
	} else if (pending) {
		tui_message(v->tui, "the latest changes to %s wait to be written to the archive (they are safe in "
			    "the database) and are not shown here yet", d->id);
	}
	/* archive_log gives the oldest first: newest first reads best. */
	for (int i = 0, j = d->n - 1; i < j; i++, j--) {
		struct hentry tmp = d->e[i];
		d->e[i] = d->e[j];
		d->e[j] = tmp;
	}
	return MC_OK;
}

static void hv_close(struct tui_view *v)
{
	struct hist *d = v->data;
	if (!d)
		return;
	for (int i = 0; i < d->n; i++) {
		struct hentry *e = &d->e[i];
		free(e->commit);
		free(e->at);
		free(e->author);
		free(e->email);
		free(e->summary);
		free(e->message);
	}
	free(d->e);
	free(d->note);
	free(d->id);
	tui_pager_clear(&d->pager);
	if (d->title)
		delwin(d->title);
	if (d->body)
		delwin(d->body);
	free(d);
}

/* The note, or the cursor's commit in full, wrapped to the width. */
static void build_pager(struct hist *d)
{
	int top = d->pager.top;
	tui_pager_clear(&d->pager);
	int w = d->w - 2;
	if (d->note) {
		tui_pager_add(&d->pager, TUI_NORMAL, 1, -1, "");
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 1, -1, d->note, w);
	} else if (d->detail && d->n) {
		const struct hentry *e = &d->e[d->cursor];
		char *l = mc_xasprintf("When:   %s", e->at);
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 1, -1, l, w);
		free(l);
		l = mc_xasprintf("Who:    %s <%s>", e->author, e->email);
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 1, -1, l, w);
		free(l);
		l = mc_xasprintf("Commit: %s", e->commit);
		tui_pager_add_wrapped(&d->pager, TUI_DIM, 1, -1, l, w);
		free(l);
		tui_pager_add(&d->pager, TUI_NORMAL, 1, -1, "");
		/* The summary stands out; the rest (body, trailers) as written. */
		const char *nl = strchr(e->message, '\n');
		char *first = mc_xstrndup(e->message, nl ? (size_t)(nl - e->message) : strlen(e->message));
		tui_pager_add_wrapped(&d->pager, TUI_HEADING, 1, -1, first, w);
		free(first);
		if (nl) {
			char *rest = mc_xstrdup(nl + 1);
			size_t len = strlen(rest);
			while (len && rest[len - 1] == '\n')
				rest[--len] = '\0';
			tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 1, -1, rest, w);
			free(rest);
		}
	}
	int max_top = d->pager.n - (d->h + 1) > 0 ? d->pager.n - (d->h + 1) : 0;
	d->pager.top = top > max_top ? max_top : top;
}

static void hv_layout(struct tui_view *v, int y, int h, int w)
{
	struct hist *d = v->data;
	tui_title_body(&d->title, &d->body, y, h, w);
	d->h = h - 2; /* the first row of the body is the list's heading */
	d->w = w;
	build_pager(d);
}

/* Keep the cursor in sight. */
static void follow(struct hist *d)
{
	if (d->cursor < d->top)
		d->top = d->cursor;
	if (d->cursor >= d->top + d->h)
		d->top = d->cursor - d->h + 1;
	if (d->top > d->n - d->h)
		d->top = d->n - d->h > 0 ? d->n - d->h : 0;
	if (d->top < 0)
		d->top = 0;
}

static void draw_row(struct tui_view *v, int row, int i)
{
	struct hist *d = v->data;
	const struct hentry *e = &d->e[i];
	int arrow = v->tui->arrow_cursor;
	attr_t a = i == d->cursor && !arrow ? tui_theme(TUI_CURSOR) : tui_theme(TUI_NORMAL);
	tui_put_pad(d->body, row, 0, i != d->cursor ? "" : arrow ? "->" : ">", 2, a);
	tui_put_pad(d->body, row, 2, e->at, AT_W + 2, a);
	tui_put_pad(d->body, row, 2 + AT_W + 2, e->author, AUTHOR_W + 2, a);
	int x = 2 + AT_W + 2 + AUTHOR_W + 2;
	tui_put_pad(d->body, row, x, e->summary, d->w - x, a);
}

static void hv_draw(struct tui_view *v)
{
	struct hist *d = v->data;
	char *t;
	if (d->note)
		t = mc_xasprintf(" History of %s · q goes back", d->id);
	else if (d->detail)
		t = mc_xasprintf(" History of %s · change %d of %d, newest first · q goes back to the list", d->id,
				 d->cursor + 1, d->n);
	else
		t = mc_xasprintf(" History of %s · %d change%s, newest first · Enter shows one · q goes back",
				 d->id, d->n, d->n == 1 ? "" : "s");
	tui_put_pad(d->title, 0, 0, t, d->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(d->title);
	werase(d->body);
	if (d->note || d->detail) {
		tui_pager_draw(&d->pager, d->body, 0, d->h + 1, d->w);
	} else {
		char *head = mc_xasprintf("  %-*s  %-*s  %s", AT_W, "WHEN (UTC)", AUTHOR_W, "WHO", "WHAT HAPPENED");
		tui_put_pad(d->body, 0, 0, head, d->w, tui_theme(TUI_HEADING));
		free(head);
		follow(d);
		for (int r = 0; r < d->h && d->top + r < d->n; r++)
			draw_row(v, r + 1, d->top + r);
	}
	wnoutrefresh(d->body);
}

static int hv_request(struct tui_view *v, enum tui_action a)
{
	struct hist *d = v->data;
	if (d->note || d->detail) {
		if (d->detail && (a == ACT_BACK || a == ACT_OPEN)) {
			d->detail = 0;
			v->dirty |= TUI_DIRTY_ALL;
			return TUI_HANDLED;
		}
		int moved = 0;
		/* one row of the body is not the pager's in the list: the note and details use all */
		if (!tui_pager_request(&d->pager, a, d->h + 1, &moved))
			return TUI_UNKNOWN;
		if (moved)
			v->dirty |= TUI_DIRTY_ALL;
		return TUI_HANDLED;
	}
	int c = d->cursor;
	int page = d->h > 1 ? d->h - 1 : 1;
	switch (a) {
	case ACT_MOVE_DOWN: c++; break;
	case ACT_MOVE_UP: c--; break;
	case ACT_PAGE_DOWN: c += page; d->top += page; break;
	case ACT_PAGE_UP: c -= page; d->top -= page; break;
	case ACT_FIRST: c = 0; break;
	case ACT_LAST: c = d->n - 1; break;
	case ACT_OPEN:
		if (!d->n)
			return TUI_HANDLED;
		d->detail = 1;
		d->pager.top = 0;
		build_pager(d);
		v->dirty |= TUI_DIRTY_ALL;
		return TUI_HANDLED;
	default: return TUI_UNKNOWN;
	}
	if (c >= d->n)
		c = d->n - 1;
	if (c < 0)
		c = 0;
	if (d->top < 0)
		d->top = 0;
	d->cursor = c;
	v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_history = {
	"history", hv_open, hv_layout, hv_draw, NULL, hv_request, hv_close, NULL, NULL,
};
