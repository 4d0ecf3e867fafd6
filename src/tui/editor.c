/* editor.c: the feedback editor, a view over the submission: the overall
 * feedback or one criterion's comment. Nothing typed is lost: the text is
 * saved as a draft (scoring_draft_save) when the keys pause for a second, at
 * least every two seconds while typing, on leaving without saving, and on
 * SIGHUP/SIGTERM; the draft comes back when the same text is edited again.
 * Saving writes the feedback (scoring_feedback_set) or the comment (with the
 * criterion's score) and clears the draft. $VISUAL/$EDITOR edits a 0600
 * temporary file, run by the shell as git runs it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mcassess/priv.h"
#include "mcassess/scoring.h"
#include "mcassess/text.h"
#include "tui/tui_int.h"

#define SAVE_EVERY 2.0 /* seconds: a draft is never further behind while typing */

struct ed {
	char *sub, *target, *title;
	char *original;           /* the saved text it started from */
	int level;
	void (*saved)(struct tui_view *below);
	struct tui_text *text;
	int changed;              /* since the last draft save */
	int draft;                /* a draft of this text is in the database */
	char *kept;               /* where the draft went when the database could not take it */
	double last_save;
	WINDOW *title_w, *body, *hint;
	int h, w;                 /* body rows and cells */
	int top;                  /* first row shown */
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---------------------------------------------------------------- drafts */
static void save_draft(struct tui_view *v)
{
	struct ed *e = v->data;
	struct mc_error err = MC_ERROR_INIT;
	const char *s = tui_text_str(e->text);
	int rc;
	if (strcmp(s, e->original) == 0) /* back to the saved text: nothing to keep */
		rc = e->draft ? scoring_draft_clear(v->tui->store, e->sub, e->target, &err) : MC_OK;
	else
		rc = scoring_draft_save(v->tui->store, e->sub, e->target, s, &err);
	if (rc != MC_OK) {
		tui_error(v->tui, &err);
		return;
	}
	free(e->kept);
	e->kept = err.msg; /* set only when the draft went to a file */
	if (e->kept)
		tui_message(v->tui, "%s", e->kept);
	e->draft = strcmp(s, e->original) != 0;
	e->changed = 0;
	e->last_save = now_s();
	v->dirty |= TUI_DIRTY_ALL;
}

static void e_idle(struct tui_view *v)
{
	struct ed *e = v->data;
	if (e->changed)
		save_draft(v);
}

static void e_hangup(struct tui_view *v) { e_idle(v); }

/* ------------------------------------------------------------------ open */
static char *first_key(struct tui_view *v, enum tui_action a)
{
	char *k = tui_keymap_keys_for(v->tui->keymap, a);
	k[strcspn(k, ",")] = '\0';
	return k;
}

static int e_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	const struct tui_editor_arg *a = arg;
	struct ed *e = mc_xcalloc(1, sizeof *e);
	v->data = e;
	e->sub = mc_xstrdup(a->submission);
	e->target = mc_xstrdup(a->target);
	e->title = mc_xstrdup(a->title);
	e->original = mc_xstrdup(a->text ? a->text : "");
	e->level = a->level;
	e->saved = a->saved;
	e->last_save = now_s();
	char *draft = NULL, *at = NULL;
	if (scoring_draft_load(v->tui->store, e->sub, e->target, &draft, &at, err) != MC_OK)
		return err->status ? (int)err->status : MC_FAIL;
	e->text = tui_text_new(draft ? draft : e->original);
	if (draft) {
		e->draft = 1;
		char *save = first_key(v, ACT_EDIT_SAVE), *leave = first_key(v, ACT_EDIT_LEAVE);
		tui_message(v->tui, "your unsaved draft is back: %s saves it, %s leaves it kept", save, leave);
		free(save);
		free(leave);
	}
	free(draft);
	free(at);
	return MC_OK;
}

static void free_windows(struct ed *e)
{
	WINDOW **ws[] = { &e->title_w, &e->body, &e->hint };
	for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++)
		if (*ws[i]) {
			delwin(*ws[i]);
			*ws[i] = NULL;
		}
}

static void e_close(struct tui_view *v)
{
	struct ed *e = v->data;
	if (!e)
		return;
	if (e->changed) /* the program is leaving with the editor open */
		save_draft(v);
	free_windows(e);
	tui_text_free(&e->text);
	free(e->sub);
	free(e->target);
	free(e->title);
	free(e->original);
	free(e->kept);
	free(e);
}

static void e_layout(struct tui_view *v, int y, int h, int w)
{
	struct ed *e = v->data;
	free_windows(e);
	e->title_w = newwin(1, w, y, 0);
	e->body = newwin(h - 2, w, y + 1, 0);
	e->hint = newwin(1, w, y + h - 1, 0);
	e->h = h - 2;
	e->w = w;
	/* One cell kept free so the cursor has room after the last character. */
	tui_text_layout(e->text, w - 2);
}

/* ------------------------------------------------------------------ draw */
static void keep_cursor_shown(struct ed *e)
{
	int r, c;
	tui_text_layout(e->text, e->w - 2);
	tui_text_cursor_pos(e->text, &r, &c);
	if (r < e->top)
		e->top = r;
	if (r >= e->top + e->h)
		e->top = r - e->h + 1;
	int rows = tui_text_rows(e->text);
	if (e->top > 0 && e->top + e->h > rows)
		e->top = rows - e->h > 0 ? rows - e->h : 0;
}

static void draw_hint(struct tui_view *v)
{
	struct ed *e = v->data;
	static const enum tui_action acts[] = { ACT_EDIT_SAVE, ACT_EDIT_LEAVE, ACT_EDIT_EXTERN, ACT_EDIT_BANK,
						ACT_EDIT_UNDO };
	static const char *const what[] = { "save", "leave (draft kept)", "$EDITOR", "comment bank", "undo" };
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, " ");
	for (size_t i = 0; i < sizeof acts / sizeof acts[0]; i++) {
		char *k = first_key(v, acts[i]);
		if (*k)
			mc_buf_printf(&b, "%s%s %s", b.len > 1 ? " · " : "", k, what[i]);
		free(k);
	}
	tui_put_pad(e->hint, 0, 0, b.data, e->w, tui_theme(TUI_DIM));
	mc_buf_free(&b);
	wnoutrefresh(e->hint);
}

static void e_draw(struct tui_view *v)
{
	struct ed *e = v->data;
	keep_cursor_shown(e);
	int r, c;
	tui_text_cursor_pos(e->text, &r, &c);
	int rows = tui_text_rows(e->text);
	const char *s = tui_text_str(e->text);
	char *t = mc_xasprintf(" %s · line %d of %d, column %d · %ld words%s", e->title, r + 1, rows, c + 1,
			       text_word_count(s, strlen(s)),
			       e->changed ? " · changed" : e->draft ? " · draft kept" : "");
	tui_put_pad(e->title_w, 0, 0, t, e->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(e->title_w);
	for (int y = 0; y < e->h; y++) {
		int row = e->top + y;
		if (row >= rows) {
			tui_put_pad(e->body, y, 0, "", e->w, A_NORMAL);
			continue;
		}
		size_t off, len;
		tui_text_row(e->text, row, &off, &len);
		if (len && s[off + len - 1] == '\n')
			len--;
		tui_put_pad(e->body, y, 0, "", 1, A_NORMAL);
		int used = tui_put(e->body, y, 1, s + off, len, e->w - 1, A_NORMAL);
		for (int x = 1 + used; x < e->w; x++)
			mvwaddch(e->body, y, x, ' ');
	}
	/* The cursor: the character under it (or a space) in reverse. */
	int cy = r - e->top, cx = 1 + c;
	if (cy >= 0 && cy < e->h && cx < e->w) {
		size_t at = tui_text_cursor(e->text), n = text_cluster_end(s, strlen(s), at) - at;
		unsigned cp = 0;
		if (n)
			text_utf8_decode(s + at, &cp);
		if (!n || cp == '\n' || cp < 0x20)
			tui_put(e->body, cy, cx, " ", 1, 1, A_REVERSE);
		else /* the whole character under it, marks and all */
			tui_put(e->body, cy, cx, s + at, n, text_cluster_width(s + at, n), A_REVERSE);
	}
	wnoutrefresh(e->body);
	draw_hint(v);
}

/* ---------------------------------------------------------------- actions */
static void edited(struct tui_view *v)
{
	struct ed *e = v->data;
	e->changed = 1;
	v->dirty |= TUI_DIRTY_ALL;
	if (now_s() - e->last_save >= SAVE_EVERY)
		save_draft(v);
}

void tui_editor_insert(struct tui_view *editor, const char *text)
{
	struct ed *e = editor->data;
	const char *s = tui_text_str(e->text);
	size_t at = tui_text_cursor(e->text);
	/* A comment from the bank is a sentence of its own: a space before it. */
	char *ins = at && s[at - 1] != ' ' && s[at - 1] != '\n' ? mc_xasprintf(" %s", text) : mc_xstrdup(text);
	tui_text_insert(e->text, ins);
	free(ins);
	edited(editor);
}

static void leave(struct tui_view *v)
{
	struct ed *e = v->data;
	struct tui *t = v->tui;
	if (e->changed)
		save_draft(v);
	int kept = e->draft;
	char *where = e->kept ? mc_xstrdup(e->kept) : NULL;
	struct tui_view *below = tui_view_below(t, v);
	void (*saved)(struct tui_view *) = e->saved;
	tui_pop(t);
	if (below && saved)
		saved(below); /* it shows that a draft waits */
	if (kept)
		tui_message(t, "%s", where ? where : "your text is kept as a draft; it comes back when you edit it again");
	free(where);
}

/* A comment kept until its criterion is scored: back to the submission. */
static void pending_comment(struct tui_view *v)
{
	struct ed *e = v->data;
	struct tui *t = v->tui;
	struct tui_view *below = tui_view_below(t, v);
	void (*saved)(struct tui_view *) = e->saved;
	char *target = mc_xstrdup(e->target);
	tui_pop(t);
	if (below && saved)
		saved(below);
	tui_message(t, "the comment on %s is kept; it is saved with %s's score (press its level's digit)",
		    target, target);
	free(target);
}

static void save(struct tui_view *v)
{
	struct ed *e = v->data;
	struct tui *t = v->tui;
	struct mc_error err = MC_ERROR_INIT;
	const char *s = tui_text_str(e->text);
	int rc;
	int overall = strcmp(e->target, "overall") == 0;
	if (!overall && e->level <= 0) {
		/* A comment on an unscored criterion: the score (a digit) takes it along. */
		if (scoring_draft_save(t->store, e->sub, e->target, s, &err) == MC_OK)
			pending_comment(v);
		else
			tui_error(t, &err);
		return;
	}
	if (overall) {
		rc = scoring_feedback_set(t->store, e->sub, s, &err);
	} else {
		char lv[16];
		snprintf(lv, sizeof lv, "%d", e->level);
		rc = scoring_score(t->store, e->sub, e->target, lv, s, &err);
		if (rc == MC_OK)
			rc = scoring_draft_clear(t->store, e->sub, e->target, &err);
	}
	if (rc != MC_OK) {
		if (e->changed)
			save_draft(v);
		tui_error(t, &err);
		return;
	}
	e->changed = 0; /* saved for good: no draft on the way out */
	struct tui_view *below = tui_view_below(t, v);
	void (*saved)(struct tui_view *) = e->saved;
	char *what = overall ? mc_xstrdup("the feedback") : mc_xasprintf("the comment on %s", e->target);
	char *sub = mc_xstrdup(e->sub);
	tui_pop(t);
	if (below && saved)
		saved(below);
	tui_message(t, "%s of %s is saved", what, sub);
	free(what);
	free(sub);
}

/* $VISUAL or $EDITOR on a 0600 temporary file, then the text comes back. */
static void external(struct tui_view *v)
{
	struct ed *e = v->data;
	struct tui *t = v->tui;
	const char *cmd = getenv("VISUAL");
	if (!cmd || !*cmd)
		cmd = getenv("EDITOR");
	if (!cmd || !*cmd)
		cmd = "vi";
	const char *tmp = getenv("TMPDIR");
	char *path = mc_xasprintf("%s/mcassess-feedback-XXXXXX.txt", tmp && *tmp ? tmp : "/tmp");
	priv_user_begin(); /* the file is the person's: their editor opens it */
	int fd = mkstemps(path, 4);
	priv_user_end();
	if (fd < 0) {
		tui_message(t, "cannot make a temporary file in %s: %s", tmp && *tmp ? tmp : "/tmp",
			    strerror(errno));
		free(path);
		return;
	}
	fchmod(fd, 0600);
	const char *s = tui_text_str(e->text);
	size_t len = strlen(s);
	int ok = write(fd, s, len) == (ssize_t)len && (len == 0 || s[len - 1] == '\n' || write(fd, "\n", 1) == 1);
	if (close(fd) != 0)
		ok = 0;
	if (!ok) {
		tui_message(t, "%s: cannot write: %s", path, strerror(errno));
		priv_user_begin();
		unlink(path);
		priv_user_end();
		free(path);
		return;
	}
	/* As git does: the shell reads $VISUAL, so quotes and arguments work. */
	char *script = mc_xasprintf("%s \"$@\"", cmd);
	struct mc_error err = MC_ERROR_INIT;
	int st = tui_run_command(t, script, cmd, path, &err);
	free(script);
	char *back = NULL;
	size_t blen = 0;
	priv_user_begin();
	int rd = st < 0 ? 0 : mc_read_file(path, &back, &blen);
	int rerr = errno;
	priv_user_end();
	if (st < 0) {
		tui_message(t, "the editor %s; your text is as it was (set VISUAL or EDITOR to the editor to use)",
			    mc_error_msg(&err));
		t->msg_error = 1;
	} else if (rd != 0) {
		errno = rerr;
		tui_message(t, "%s: cannot read it back: %s", path, strerror(errno));
	} else if (!text_utf8_valid(back, blen, NULL)) {
		tui_message(t, "the edited text is not valid UTF-8; the editor's text was not taken");
	} else {
		/* Editors end the file with a newline; the text had none. */
		if (blen && back[blen - 1] == '\n' && !(len && s[len - 1] == '\n'))
			back[--blen] = '\0';
		int changed = strcmp(back, s) != 0;
		if (changed) {
			tui_text_set(e->text, back);
			edited(v);
			save_draft(v); /* at once: the program may have run a long time */
		}
		if (st != 0 && changed) {
			char *undo = first_key(v, ACT_EDIT_UNDO);
			tui_message(t, "%s exited with status %d; its text was taken anyway (%s undoes it)", cmd, st,
				    undo);
			free(undo);
		} else if (st != 0) {
			tui_message(t, "%s exited with status %d; the text is unchanged", cmd, st);
		}
	}
	free(back);
	mc_error_clear(&err);
	priv_user_begin();
	unlink(path);
	priv_user_end();
	free(path);
	v->dirty |= TUI_DIRTY_LAYOUT | TUI_DIRTY_ALL;
}

static int e_key(struct tui_view *v, int key)
{
	struct ed *e = v->data;
	struct tui_text *x = e->text;
	if (!(key & (TUI_KEY_FN | TUI_KEY_META)) && (key >= 0x20 || key == '\n' || key == '\t') && key != 0x7f) {
		char buf[8];
		if (key == '\t')
			key = ' ';
		tui_utf8_put((unsigned)key, buf);
		tui_text_insert(x, buf);
		edited(v);
		return TUI_HANDLED;
	}
	int page = e->h > 1 ? e->h - 1 : 1;
	switch (key) {
	case TUI_KEY_FN | KEY_BACKSPACE: tui_text_backspace(x); edited(v); return TUI_HANDLED;
	case TUI_KEY_FN | KEY_DC: tui_text_delete(x); edited(v); return TUI_HANDLED;
	case TUI_KEY_FN | KEY_LEFT: tui_text_left(x); break;
	case TUI_KEY_FN | KEY_RIGHT: tui_text_right(x); break;
	case TUI_KEY_FN | KEY_UP: tui_text_vmove(x, -1); break;
	case TUI_KEY_FN | KEY_DOWN: tui_text_vmove(x, 1); break;
	case TUI_KEY_FN | KEY_PPAGE: tui_text_vmove(x, -page); break;
	case TUI_KEY_FN | KEY_NPAGE: tui_text_vmove(x, page); break;
	case TUI_KEY_FN | KEY_HOME: tui_text_home(x); break;
	case TUI_KEY_FN | KEY_END: tui_text_end(x); break;
	default: {
		enum tui_action a = tui_keymap_lookup(v->tui->keymap, key);
		switch (a) {
		case ACT_EDIT_SAVE: save(v); return TUI_HANDLED;
		case ACT_EDIT_LEAVE: leave(v); return TUI_HANDLED;
		case ACT_EDIT_EXTERN: external(v); return TUI_HANDLED;
		case ACT_EDIT_UNDO:
			if (tui_text_undo(x))
				edited(v);
			else
				tui_message(v->tui, "nothing to undo");
			return TUI_HANDLED;
		case ACT_EDIT_BANK: tui_push(v->tui, &tui_view_bank, NULL); return TUI_HANDLED;
		case ACT_WORD_LEFT: tui_text_word_left(x); break;
		case ACT_WORD_RIGHT: tui_text_word_right(x); break;
		case ACT_HELP:
		case ACT_REDRAW:
			return TUI_UNKNOWN; /* the driver's */
		default: {
			char name[16];
			tui_message(v->tui, "%s does nothing in the editor; press F1 for the keys",
				    tui_key_name(key, name, sizeof name));
			return TUI_HANDLED;
		}
		}
	}
	}
	v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

static int e_request(struct tui_view *v, enum tui_action a)
{
	(void)v;
	(void)a;
	return TUI_UNKNOWN;
}

const struct tui_view_ops tui_view_editor = {
	"editor", e_open, e_layout, e_draw, e_key, e_request, e_close, e_idle, e_hangup,
};
