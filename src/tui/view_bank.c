/* view_bank.c: the comment bank, over the editor. Comments come from the
 * shipped bank (data/comments/NAME.txt) and the user's own
 * ($XDG_CONFIG_HOME/mcassess/comments: a file, or a directory of *.txt files).
 * In a bank file, "# Heading" lines group comments and blank lines separate
 * them. Enter inserts the chosen comment at the editor's cursor. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mcassess/priv.h"
#include "mcassess/util.h"
#include "tui/tui_int.h"

struct bv {
	char **text;          /* comments */
	char **group;         /* the heading each sits under (shared strings, owned in groups) */
	int n;
	char **groups;
	int ngroups;
	int cursor;
	struct tui_pager pager; /* mark = comment index, -1 for headings */
	WINDOW *title, *body;
	int h, w;
};

static void add_comment(struct bv *b, const char *group, struct mc_buf *para)
{
	if (!para->len)
		return;
	b->text = mc_xrealloc(b->text, (size_t)(b->n + 1) * sizeof *b->text);
	b->group = mc_xrealloc(b->group, (size_t)(b->n + 1) * sizeof *b->group);
	b->text[b->n] = mc_buf_steal(para);
	b->group[b->n] = (char *)group;
	b->n++;
}

static void load_file(struct bv *b, const char *path)
{
	char *data;
	size_t len;
	if (mc_read_file(path, &data, &len) != 0)
		return;
	const char *group = "";
	struct mc_buf para = MC_BUF_INIT;
	char *save = NULL;
	(void)save;
	char *p = data;
	while (p && *p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		size_t l = strlen(p);
		if (l && p[l - 1] == '\r')
			p[--l] = '\0';
		if (p[0] == '#') {
			add_comment(b, group, &para);
			const char *h = p + 1;
			while (*h == ' ')
				h++;
			b->groups = mc_xrealloc(b->groups, (size_t)(b->ngroups + 1) * sizeof *b->groups);
			b->groups[b->ngroups++] = mc_xstrdup(h);
			group = b->groups[b->ngroups - 1];
		} else if (!l) {
			add_comment(b, group, &para);
		} else {
			if (para.len)
				mc_buf_addc(&para, ' ');
			mc_buf_adds(&para, p);
		}
		p = nl ? nl + 1 : NULL;
	}
	add_comment(b, group, &para);
	mc_buf_free(&para);
	free(data);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* A bank file, or every *.txt in a directory, in name order. */
static void load_path(struct bv *b, const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		load_file(b, path);
		return;
	}
	DIR *d = opendir(path);
	if (!d)
		return;
	char **names = NULL;
	int n = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
			continue;
		names = mc_xrealloc(names, (size_t)(n + 1) * sizeof *names);
		names[n++] = mc_xasprintf("%s/%s", path, de->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, (size_t)n, sizeof *names, by_name);
	for (int i = 0; i < n; i++) {
		load_file(b, names[i]);
		free(names[i]);
	}
	free(names);
}

static int b_open(struct tui_view *v, const void *arg, struct mc_error *err)
{
	(void)arg;
	struct bv *b = mc_xcalloc(1, sizeof *b);
	v->data = b;
	char *shipped = mc_xasprintf("%s/comments", mc_data_dir());
	load_path(b, shipped);
	free(shipped);
	const char *x = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *own = x && *x ? mc_xasprintf("%s/mcassess/comments", x)
			    : mc_xasprintf("%s/.config/mcassess/comments", home && *home ? home : ".");
	priv_user_begin(); /* the person's own comments, with their own rights */
	load_path(b, own);
	priv_user_end();
	free(own);
	if (!b->n)
		return mc_error_set(err, MC_FAIL, "the comment bank is empty: put comments in %s/comments or "
				    "in $XDG_CONFIG_HOME/mcassess/comments", mc_data_dir());
	return MC_OK;
}

static void b_close(struct tui_view *v)
{
	struct bv *b = v->data;
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		free(b->text[i]);
	free(b->text);
	free(b->group);
	for (int i = 0; i < b->ngroups; i++)
		free(b->groups[i]);
	free(b->groups);
	tui_pager_clear(&b->pager);
	if (b->title)
		delwin(b->title);
	if (b->body)
		delwin(b->body);
	free(b);
}

static void build(struct bv *b)
{
	tui_pager_clear(&b->pager);
	const char *group = NULL;
	for (int i = 0; i < b->n; i++) {
		if (b->group[i] != group && b->group[i][0]) {
			if (group)
				tui_pager_add(&b->pager, TUI_NORMAL, 0, -1, "");
			tui_pager_add(&b->pager, TUI_HEADING, 1, -1, b->group[i]);
		}
		group = b->group[i];
		int first = b->pager.n;
		tui_pager_add_wrapped(&b->pager, i == b->cursor ? TUI_CURSOR : TUI_NORMAL, 5, i, b->text[i], b->w - 1);
		char *l = mc_xasprintf("%c - %s", i == b->cursor ? '>' : ' ', b->pager.lines[first].text);
		free(b->pager.lines[first].text);
		b->pager.lines[first].text = l;
		b->pager.lines[first].indent = 1;
	}
}

static void b_layout(struct tui_view *v, int y, int h, int w)
{
	struct bv *b = v->data;
	if (b->title)
		delwin(b->title);
	if (b->body)
		delwin(b->body);
	b->title = newwin(1, w, y, 0);
	b->body = newwin(h - 1, w, y + 1, 0);
	b->h = h - 1;
	b->w = w;
}

static void b_draw(struct tui_view *v)
{
	struct bv *b = v->data;
	build(b);
	/* Keep the chosen comment in sight. */
	int first = -1, last = -1;
	for (int i = 0; i < b->pager.n; i++)
		if (b->pager.lines[i].mark == b->cursor) {
			if (first < 0)
				first = i;
			last = i;
		}
	if (first >= 0 && first < b->pager.top)
		b->pager.top = first > 0 && b->pager.lines[first - 1].mark == -1 ? first - 1 : first;
	if (last >= b->pager.top + b->h)
		b->pager.top = last - b->h + 1;
	char *t = mc_xasprintf(" Comment bank · %d of %d · Enter inserts it · q goes back", b->cursor + 1, b->n);
	tui_put_pad(b->title, 0, 0, t, b->w, tui_theme(TUI_TITLE));
	free(t);
	wnoutrefresh(b->title);
	tui_pager_draw(&b->pager, b->body, 0, b->h, b->w);
	wnoutrefresh(b->body);
}

static int b_request(struct tui_view *v, enum tui_action a)
{
	struct bv *b = v->data;
	int c = b->cursor;
	switch (a) {
	case ACT_MOVE_DOWN: c++; break;
	case ACT_MOVE_UP: c--; break;
	case ACT_PAGE_DOWN: c += 5; break;
	case ACT_PAGE_UP: c -= 5; break;
	case ACT_FIRST: c = 0; break;
	case ACT_LAST: c = b->n - 1; break;
	case ACT_EDIT_LEAVE: tui_pop(v->tui); return TUI_HANDLED;
	case ACT_OPEN: {
		struct tui *t = v->tui;
		struct tui_view *editor = tui_view_below(t, v);
		char *text = mc_xstrdup(b->text[b->cursor]);
		tui_pop(t);
		if (editor && editor->ops == &tui_view_editor)
			tui_editor_insert(editor, text);
		free(text);
		return TUI_HANDLED;
	}
	default: return TUI_UNKNOWN;
	}
	if (c < 0)
		c = 0;
	if (c >= b->n)
		c = b->n - 1;
	b->cursor = c;
	v->dirty |= TUI_DIRTY_ALL;
	return TUI_HANDLED;
}

const struct tui_view_ops tui_view_bank = {
	"comment bank", b_open, b_layout, b_draw, NULL, b_request, b_close, NULL, NULL,
};
