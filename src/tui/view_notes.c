/* view_notes.c: the private notes on a submission (P on the submission
 * screen): oldest first, each with who wrote it, when and for which read; P
 * again asks for a new one on the prompt line (Enter keeps it, Esc cancels).
 * Notes never reach the teacher (notes.h); core decides which the user sees. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/notes.h"
#include "tui/tui_int.h"

static const char NOTE_ASK[] = "New private note (Enter keeps it, Esc cancels): ";

struct nv {
	char *id;
	struct store_note *l;
	int n;
	int adding;
	struct mc_buf text;
	struct tui_pager pager;
	WINDOW *title, *body;
	int h, w;
};

static void build_pager(struct nv *d)
{
	int top = d->pager.top;
	tui_pager_clear(&d->pager);
	int w = d->w - 2;
	if (!d->n)
		tui_pager_add_wrapped(&d->pager, TUI_DIM, 1, -1, "No notes yet. Notes are for the people who assess "
				      "and coordinate; the teacher never sees them.", w);
	for (int i = 0; i < d->n; i++) {
		const struct store_note *e = &d->l[i];
		char *h = mc_xasprintf("%s · %s%s%s", e->author, e->at, e->read ? " · read " : "",
				       e->read ? e->read : "");
		if (i)
			tui_pager_add(&d->pager, TUI_NORMAL, 1, -1, "");
		tui_pager_add_wrapped(&d->pager, TUI_HEADING, 1, -1, h, w);
		tui_pager_add_wrapped(&d->pager, TUI_NORMAL, 3, -1, e->body, w - 2);
		free(h);
	}
	int max_top = d->pager.n - d->h > 0 ? d->pager.n - d->h : 0;
	d->pager.top = top > max_top ? max_top : top;
}

static int load(struct tui_view *v, struct mc_error *err)
{
	struct nv *d = v->data;
	notes_free(&d->l, d->n);
	d->n = 0;
	return notes_list(v->tui->store, d->id, &d->l, &d->n, err);
}

static int nv_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	struct nv *d = mc_xcalloc(1, sizeof *d);
	v->data = d;
	d->id = mc_xstrdup(arg);
	d->text = (struct mc_buf)MC_BUF_INIT;
	int rc = load(v, err);
	return rc == MC_OK ? MC_OK : err->status ? (int)err->status : MC_FAIL;
}

static void nv_close(struct tui_view *v)
{
	struct nv *d = v->data;
	if (!d)
		return;
	if (d->adding)
		tui_set_prompt(v->tui, NULL);
	notes_free(&d->l, d->n);
	mc_buf_free(&d->text);
	tui_pager_clear(&d->pager);
	if (d->title)
		delwin(d->title);
	if (d->body)
		delwin(d->body);
	free(d->id);
	free(d);
}

static void nv_layout(struct tui_view *v, int y, int h, int w)
{
	struct nv *d = v->data;
	tui_title_body(&d->title, &d->body, y, h, w);
	d->h = h - 1;
	d->w = w;
	build_pager(d);
	if (d->adding)
		tui_prompt_show(v->tui, NOTE_ASK, &d->text);
}

static void nv_draw(struct tui_view *v)
{
	struct nv *d = v->data;
	char *key = tui_keymap_keys_for(v->tui->keymap, ACT_NOTES);
	key[strcspn(key, ",")] = '\0';
	char *t = mc_xasprintf(" Private notes on %s · never sent to the teacher · %s adds one · q back", d->id,
			       key);
	tui_put_pad(d->title, 0, 0, t, d->w, tui_theme(TUI_TITLE));
	free(t);
	free(key);
	wnoutrefresh(d->title);
	werase(d->body);
	tui_pager_draw(&d->pager, d->body, 0, d->h, d->w);
	wnoutrefresh(d->body);
}

/* Enter: keep the note (core checks who may), then show it. */
static void keep(struct tui_view *v)
{
	struct nv *d = v->data;
	struct mc_error err = MC_ERROR_INIT;
	if (notes_add(v->tui->store, d->id, mc_buf_str(&d->text), &err) != MC_OK || load(v, &err) != MC_OK) {
		tui_error(v->tui, &err);
		return; /* the prompt stays open with the text: nothing typed is lost */
	}
	d->adding = 0;
	tui_set_prompt(v->tui, NULL);
	tui_message(v->tui, "note kept on %s (private: never sent to the teacher)", d->id);
	d->pager.top = 1 << 20; /* the newest, at the end */
	build_pager(d);
	v->dirty |= TUI_DIRTY_ALL;
}

static int nv_key(struct tui_view *v, int key)
{
	struct nv *d = v->data;
	if (!d->adding)
		return TUI_UNKNOWN;
	if (key == '\n' && d->text.len)
		keep(v);
	else if (key == TUI_KEY_ESC) {
		d->adding = 0;
		tui_set_prompt(v->tui, NULL);
		tui_message(v->tui, "no note kept");
	} else if (key == TUI_KEY_CTRL('U')) {
		mc_buf_reset(&d->text);
		tui_prompt_show(v->tui, NOTE_ASK, &d->text);
	} else if (tui_prompt_edit(&d->text, key))
		tui_prompt_show(v->tui, NOTE_ASK, &d->text);
	return TUI_HANDLED;
}

static int nv_request(struct tui_view *v, enum tui_action a)
{
	struct nv *d = v->data;
	if (a == ACT_NOTES) {
		d->adding = 1;
		mc_buf_reset(&d->text);
		tui_prompt_show(v->tui, NOTE_ASK, &d->text);
		return TUI_HANDLED;
	}
	int moved = 0;
	if (!tui_pager_request(&d->pager, a, d->h, &moved))
		return TUI_UNKNOWN;
	if (moved)
		v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_notes = {
	"notes", nv_open, nv_layout, nv_draw, nv_key, nv_request, nv_close, NULL, NULL,
};
