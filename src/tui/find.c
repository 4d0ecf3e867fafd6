/* find.c: `/` in a pager (the submission's evidence): find text, step with n and
 * N, every match on screen highlighted.
 *
 * Matching runs on whole paragraphs, not on screen lines, so a phrase broken
 * across a wrap is found: each pager line remembers its paragraph and the byte
 * offset where it starts (widgets.c), the paragraph is put back together from its
 * lines (the spaces dropped at a wrap come back as spaces, same byte count), and a
 * match's byte range is cut back into per-line ranges, each drawn from the cell
 * where its bytes start: tui_width() of the line before it, so a CJK character
 * counts two cells, an accented letter one, as when the line was wrapped.
 *
 * Plain text is found in any case (PCRE2 caseless, the text escaped); "re:" first
 * makes the rest a PCRE2 regular expression (also caseless; (?-i) turns that off).
 * A bad expression says PCRE2's message and the offset. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/search.h"
#include "tui/tui_int.h"

#define REGEX_PREFIX "re:"

struct match {
	int para;
	size_t start, end;   /* bytes in the paragraph */
	int line0, line1;    /* pager lines of its first and last byte */
};

struct tui_find {
	char *pattern;            /* as typed, NULL when no search */
	struct search_re *re;
	struct match *m;
	int n, cap;
	int cur;                  /* the match last jumped to, -1 none */
	int typing;               /* the prompt is open */
	struct mc_buf typed;
};

struct tui_find *tui_find_new(void)
{
	struct tui_find *f = mc_xcalloc(1, sizeof *f);
	f->cur = -1;
	return f;
}

static void find_clear(struct tui_find *f)
{
	free(f->pattern);
	f->pattern = NULL;
	search_re_free(&f->re);
	free(f->m);
	f->m = NULL;
	f->n = f->cap = 0;
	f->cur = -1;
}

void tui_find_free(struct tui_find **fp)
{
	if (!*fp)
		return;
	find_clear(*fp);
	mc_buf_free(&(*fp)->typed);
	free(*fp);
	*fp = NULL;
}

int tui_find_active(const struct tui_find *f) { return f && f->pattern != NULL; }
int tui_find_count(const struct tui_find *f) { return f ? f->n : 0; }

/* ------------------------------------------------------------ positions */
struct pos_ctx {
	const char *s;
	size_t at;
	int row, found, rows;
	int *outrow, *outcol;
};

static void pos_line(void *vctx, size_t off, size_t len)
{
	struct pos_ctx *c = vctx;
	int row = c->rows++;
	if (c->found)
		return;
	/* bytes dropped before this line (spaces at a wrap) land at its start */
	if (c->at < off) {
		*c->outrow = row;
		*c->outcol = 0;
		c->found = 1;
	} else if (c->at <= off + len) {
		*c->outrow = row;
		*c->outcol = tui_width(c->s + off, c->at - off);
		c->found = c->at < off + len; /* the end of a line may still be the next's start */
	}
}

void tui_find_pos(const char *s, size_t len, int width, size_t at, int *row, int *col)
{
	struct pos_ctx c = { s, at, 0, 0, 0, row, col };
	*row = *col = -1;
	tui_wrap(s, len, width, pos_line, &c);
	if (*row < 0) { /* past the end (trailing spaces): after the last line */
		*row = c.rows ? c.rows - 1 : 0;
		*col = 0;
	}
}

/* ------------------------------------------------------------- patterns */
/* Plain text as a PCRE2 pattern: every ASCII character but letters and digits
 * escaped (always literal in PCRE2), the rest as typed. */
static char *literal(const char *text)
{
	struct mc_buf b = MC_BUF_INIT;
	mc_buf_adds(&b, "");
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			mc_buf_addc(&b, '\\');
		mc_buf_addc(&b, (char)c);
	}
	return mc_buf_steal(&b);
}

int tui_find_set(struct tui_find *f, const char *pattern, struct mc_error *err)
{
	find_clear(f);
	if (!pattern || !*pattern)
		return MC_OK;
	int regex = strncmp(pattern, REGEX_PREFIX, strlen(REGEX_PREFIX)) == 0;
	const char *body = regex ? pattern + strlen(REGEX_PREFIX) : pattern;
	if (!*body)
		return mc_error_set(err, MC_USAGE, "%s needs a pattern after it", REGEX_PREFIX);
	char *re = regex ? mc_xstrdup(body) : literal(body);
	int rc = search_re_compile(re, 1, &f->re, err);
	free(re);
	if (rc != MC_OK)
		return rc;
	f->pattern = mc_xstrdup(pattern);
	return MC_OK;
}

int tui_find_set_terms(struct tui_find *f, char *const *terms, int n, struct mc_error *err)
{
	find_clear(f);
	if (n <= 0)
		return MC_OK;
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < n; i++) {
		char *lit = literal(terms[i]);
		mc_buf_printf(&b, "%s%s", i ? "|" : "", lit);
		free(lit);
	}
	int rc = search_re_compile(b.data, 1, &f->re, err);
	mc_buf_free(&b);
	return rc;
}

/* --------------------------------------------------------------- scanning */
/* The pager line of byte `at` of the paragraph whose lines are [first, last]. */
static int line_of(const struct tui_pager *p, int first, int last, size_t at, int is_end)
{
	for (int i = last; i > first; i--) {
		size_t off = p->lines[i].off;
		if (is_end ? at > off : at >= off)
			return i;
	}
	return first;
}

static void add_match(struct tui_find *f, struct match m)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 32;
		f->m = mc_xrealloc(f->m, sizeof *f->m * (size_t)f->cap);
	}
	f->m[f->n++] = m;
}

int tui_find_scan(struct tui_find *f, const struct tui_pager *p, struct mc_error *err)
{
	f->n = 0;
	f->cur = -1;
	if (!f->re)
		return MC_OK;
	struct mc_buf para = MC_BUF_INIT;
	for (int first = 0; first < p->n;) {
		int last = first;
		while (last + 1 < p->n && p->lines[last + 1].para == p->lines[first].para)
			last++;
		/* the paragraph again: each line at its offset, the gaps as spaces */
		mc_buf_reset(&para);
		mc_buf_adds(&para, "");
		for (int i = first; i <= last; i++) {
			while (para.len < p->lines[i].off)
				mc_buf_addc(&para, ' ');
			mc_buf_adds(&para, p->lines[i].text);
		}
		size_t from = 0, s, e;
		int r;
		while (from <= para.len && (r = search_re_next(f->re, para.data, para.len, from, &s, &e, err)) == 1) {
			if (e == s) { /* an empty match: nothing to show; on by one character */
				from = s + 1;
				while (from < para.len && ((unsigned char)para.data[from] & 0xc0) == 0x80)
					from++;
				continue;
			}
			add_match(f, (struct match){ p->lines[first].para, s, e, line_of(p, first, last, s, 0),
						     line_of(p, first, last, e, 1) });
			from = e;
		}
		if (r < 0) {
			mc_buf_free(&para);
			return err->status ? (int)err->status : MC_FAIL;
		}
		first = last + 1;
	}
	mc_buf_free(&para);
	return MC_OK;
}

/* --------------------------------------------------------------- drawing */
int tui_find_line_spans(const struct tui_find *f, const struct tui_pager *p, int line, size_t *b0,
			size_t *b1, int max)
{
	if (!f || line < 0 || line >= p->n)
		return 0;
	/* the first match not ending before this line (matches are in line order) */
	int lo = 0, hi = f->n;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (f->m[mid].line1 < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	const struct tui_pline *l = &p->lines[line];
	size_t len = strlen(l->text);
	int k = 0;
	for (int i = lo; i < f->n && f->m[i].line0 <= line && k < max; i++) {
		const struct match *m = &f->m[i];
		size_t s = m->start > l->off ? m->start - l->off : 0;
		size_t e = m->end - l->off < len ? m->end - l->off : len;
		if (m->end <= l->off || s >= e)
			continue;
		b0[k] = s;
		b1[k] = e;
		k++;
	}
	return k;
}

void tui_find_draw(const struct tui_find *f, const struct tui_pager *p, WINDOW *w, int y, int h, int width)
{
	if (!f || !f->n)
		return;
	attr_t a = tui_theme(TUI_MATCH);
	for (int r = 0; r < h && p->top + r < p->n; r++) {
		const struct tui_pline *l = &p->lines[p->top + r];
		size_t b0[16], b1[16];
		int k = tui_find_line_spans(f, p, p->top + r, b0, b1, 16);
		for (int i = 0; i < k; i++) {
			int x = l->indent + tui_width(l->text, b0[i]);
			if (x < width)
				tui_put(w, y + r, x, l->text + b0[i], b1[i] - b0[i], width - x, a);
		}
	}
}

/* --------------------------------------------------------------- stepping */
/* The match to jump to, dir +1 or -1, from the current one while it is on screen
 * (rows [top, top + h)), else from the screen's top line. *wrapped: went round. */
static int step(struct tui_find *f, int top, int h, int dir, int *wrapped)
{
	*wrapped = 0;
	if (!f->n)
		return -1;
	int cur = f->cur;
	if (cur >= 0 && (f->m[cur].line0 < top || f->m[cur].line0 >= top + h))
		cur = -1;
	int next;
	if (cur >= 0) {
		next = cur + dir;
	} else if (dir > 0) {
		for (next = 0; next < f->n && f->m[next].line0 < top; next++)
			;
	} else {
		for (next = f->n - 1; next >= 0 && f->m[next].line0 >= top; next--)
			;
	}
	if (next >= f->n) {
		next = 0;
		*wrapped = 1;
	} else if (next < 0) {
		next = f->n - 1;
		*wrapped = 1;
	}
	return next;
}

/* Jump and say so; *moved when the pager scrolled. */
static void jump(struct tui_find *f, struct tui *t, struct tui_pager *p, int h, int dir, int *moved)
{
	int wrapped;
	int i = step(f, p->top, h, dir, &wrapped);
	if (i < 0) {
		struct mc_error err = MC_ERROR_INIT;
		mc_error_set(&err, MC_USAGE, "not found: %s", f->pattern);
		tui_error(t, &err);
		return;
	}
	f->cur = i;
	const struct match *m = &f->m[i];
	int top = p->top;
	if (m->line0 < top || m->line1 >= top + h) {
		int max_top = p->n - h > 0 ? p->n - h : 0;
		top = m->line0 > max_top ? max_top : m->line0;
	}
	*moved = top != p->top;
	p->top = top;
	if (wrapped)
		tui_message(t, dir > 0 ? "search hit BOTTOM, continuing at TOP" : "search hit TOP, continuing at BOTTOM");
	else
		tui_message(t, "/%s · match %d of %d", f->pattern, i + 1, f->n);
}

static void show_prompt(struct tui_find *f, struct tui *t)
{
	char *pr = mc_xasprintf("/%s", f->typed.len ? f->typed.data : "");
	tui_set_prompt(t, pr);
	free(pr);
}

int tui_find_request(struct tui_find *f, struct tui *t, struct tui_pager *p, int h, enum tui_action a,
		     int *moved)
{
	*moved = 0;
	if (a == ACT_SEARCH) {
		f->typing = 1;
		mc_buf_reset(&f->typed);
		show_prompt(f, t);
		return 1;
	}
	if (a == ACT_NEXT && tui_find_active(f)) {
		jump(f, t, p, h, 1, moved);
		return 1;
	}
	if (a == ACT_FIND_PREV) {
		if (tui_find_active(f))
			jump(f, t, p, h, -1, moved);
		else
			tui_message(t, "/ finds text first; then n and N step through it");
		return 1;
	}
	return 0;
}

int tui_find_key(struct tui_find *f, struct tui *t, struct tui_pager *p, int h, int key, int *moved)
{
	*moved = 0;
	if (!f->typing)
		return TUI_UNKNOWN;
	if (key == TUI_KEY_ESC || (key == (TUI_KEY_FN | KEY_BACKSPACE) && !f->typed.len)) {
		f->typing = 0;
		tui_set_prompt(t, NULL);
		return TUI_HANDLED;
	}
	if (key == '\n') {
		f->typing = 0;
		tui_set_prompt(t, NULL);
		struct mc_error err = MC_ERROR_INIT;
		if (!f->typed.len) {
			tui_find_set(f, NULL, &err);
			tui_message(t, "search cleared; n opens the next submission again");
		} else if (tui_find_set(f, f->typed.data, &err) != MC_OK || tui_find_scan(f, p, &err) != MC_OK) {
			tui_error(t, &err);
		} else {
			jump(f, t, p, h, 1, moved);
		}
		return TUI_HANDLED;
	}
	if (key == (TUI_KEY_FN | KEY_UP) && f->pattern) { /* the last search again, to change it */
		mc_buf_reset(&f->typed);
		mc_buf_adds(&f->typed, f->pattern);
		show_prompt(f, t);
	} else if (tui_prompt_edit(&f->typed, key)) { /* no moves while typing */
		show_prompt(f, t);
	}
	return TUI_HANDLED;
}
