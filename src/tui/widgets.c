/* widgets.c: drawing text by display width, wrapping, and the pager that the
 * evidence and help screens share. Text goes by grapheme clusters (a letter with
 * its marks is one), their widths from text_cluster_width, so wrapping and
 * drawing agree and a cluster is never split; the rare character the terminal
 * library measures differently is drawn as a replacement character padded to its
 * width, so the layout can never shift; a control character is drawn visibly in
 * one cell, never passed to the terminal. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mcassess/text.h"
#include "tui/tui_int.h"

int tui_width(const char *s, size_t len) { return text_width(s, len); }

/* One cluster as curses lays it out: each code point curses gives cells starts a
 * cell, the marks and joiners after it (none) ride on that cell. Draws it and
 * returns 0, or returns -1 (drawing nothing) when curses would give it another
 * number of cells than `cw` or cannot hold it. */
static int put_cluster_as_is(WINDOW *w, const char *s, size_t len, int cw, attr_t attr)
{
	wchar_t cells[16][CCHARW_MAX + 1];
	int ncells = 0, nmarks = 0, width = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		i += (size_t)text_utf8_decode(s + i, &cp);
		int wc = wcwidth((wchar_t)cp);
		if (wc < 0 || (wc == 0 && !ncells))
			return -1;
		if (wc > 0) {
			if (ncells == 16)
				return -1;
			cells[ncells][0] = (wchar_t)cp;
			cells[ncells++][1] = 0;
			nmarks = 0;
			width += wc;
		} else if (nmarks < CCHARW_MAX - 1) { /* more marks than curses holds are left off */
			cells[ncells - 1][++nmarks] = (wchar_t)cp;
			cells[ncells - 1][nmarks + 1] = 0;
		}
	}
	cchar_t cc[16];
	if (width != cw)
		return -1;
	for (int k = 0; k < ncells; k++)
		if (setcchar(&cc[k], cells[k], attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL) == ERR)
			return -1;
	for (int k = 0; k < ncells; k++)
		wadd_wch(w, &cc[k]);
	return 0;
}

/* A control character in outside text, drawn visibly in its one cell instead of
 * reaching the terminal: C0 and DEL as their control pictures (ESC as U+241B),
 * C1 and the bidi overrides and isolates as U+FFFD. A tab is a space. */
static wchar_t visible_control(unsigned cp)
{
	if (cp == '\t')
		return L' ';
	if (cp < 0x20)
		return (wchar_t)(0x2400 + cp);
	if (cp == 0x7f)
		return (wchar_t)0x2421;
	return (wchar_t)0xfffd;
}

/* One cell in attr. setcchar takes the colour pair as its own argument and
 * overrides the pair inside attr with it, so the pair is passed there. */
static void put_cell(WINDOW *w, const wchar_t *wc, attr_t attr)
{
	cchar_t cc;
	setcchar(&cc, wc, attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
	wadd_wch(w, &cc);
}

/* A cluster `cw` cells wide: as it is when curses agrees on its width, else a
 * replacement character (or the bare first code point when curses gives it
 * fewer cells) padded with spaces, so the layout never shifts. Control
 * characters are spaces. */
static void put_cluster(WINDOW *w, const char *s, size_t len, int cw, attr_t attr)
{
	unsigned cp;
	text_utf8_decode(s, &cp);
	int used = 0;
	if (text_cp_is_control(cp)) {
		wchar_t wc[2] = { visible_control(cp), 0 };
		put_cell(w, wc, attr);
		used = 1;
	} else if (put_cluster_as_is(w, s, len, cw, attr) == 0) {
		return;
	} else {
		wchar_t wc[2] = { (wchar_t)cp, 0 };
		int first = wcwidth((wchar_t)cp);
		if (first < 1 || first > cw) {
			wc[0] = wcwidth(0xfffd) == 1 ? (wchar_t)0xfffd : L'?';
			first = 1;
		}
		put_cell(w, wc, attr);
		used = first;
	}
	for (; used < cw; used++)
		put_cell(w, L" ", attr);
}

int tui_put(WINDOW *w, int y, int x, const char *s, size_t len, int cells, attr_t attr)
{
	int used = 0;
	if (cells <= 0)
		return 0;
	wmove(w, y, x);
	size_t i = 0;
	while (i < len && s[i]) {
		size_t e = text_cluster_end(s, len, i);
		int cw = text_cluster_width(s + i, e - i);
		if (used + cw > cells)
			break;
		if (cw > 0) /* else marks with nothing to join, or a lone joiner */
			put_cluster(w, s + i, e - i, cw, attr);
		used += cw;
		i = e;
	}
	return used;
}

void tui_put_pad(WINDOW *w, int y, int x, const char *s, int cells, attr_t attr)
{
	int used = s ? tui_put(w, y, x, s, strlen(s), cells, attr) : 0;
	if (!s)
		wmove(w, y, x);
	for (; used < cells; used++)
		put_cell(w, L" ", attr);
}

/* ---------------------------------------------------------------- wrapping */
static int is_space(unsigned cp) { return cp == ' ' || cp == '\t' || cp == 0x3000; }

static size_t skip_spaces(const char *s, size_t i, size_t len)
{
	while (i < len) {
		unsigned cp;
		size_t n = (size_t)text_utf8_decode(s + i, &cp);
		if (!is_space(cp) || text_cluster_end(s, len, i) != i + n)
			break; /* a space that carries a mark is a character of its own */
		i += n;
	}
	return i;
}

static void emit(const char *s, size_t start, size_t end,
		 void (*line)(void *ctx, size_t off, size_t len), void *ctx)
{
	while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	line(ctx, start, end - start);
}

void tui_wrap(const char *s, size_t len, int width, void (*line)(void *ctx, size_t off, size_t len),
	      void *ctx)
{
	if (width < 1)
		width = 1;
	if (len == 0) {
		line(ctx, 0, 0);
		return;
	}
	size_t start = 0;
	while (start < len) {
		size_t i = start, brk_end = 0, brk_next = 0;
		int w = 0, have = 0;
		for (;;) {
			if (i >= len) {
				emit(s, start, len, line, ctx);
				return;
			}
			unsigned cp;
			size_t n = text_cluster_end(s, len, i) - i;
			text_utf8_decode(s + i, &cp);
			int cw = text_cluster_width(s + i, n);
			if (is_space(cp) && n == (size_t)text_utf8_decode(s + i, &cp)) { /* a bare space */
				/* A break chance; spaces may hang past the edge (they are trimmed). */
				have = 1;
				brk_end = i;
				brk_next = i + n;
				w += cw;
				i += n;
				continue;
			}
			if (w + cw > width) {
				if (have) {
					emit(s, start, brk_end, line, ctx);
					start = skip_spaces(s, brk_next, len);
				} else {
					/* A word longer than the line: break inside it, between clusters. */
					size_t end = i > start ? i : i + n;
					emit(s, start, end, line, ctx);
					start = end;
				}
				break;
			}
			if (text_cp_is_cjk(cp) && i > start) {
				have = 1; /* before an ideograph */
				brk_end = brk_next = i;
			}
			w += cw;
			i += n;
			if (text_cp_is_cjk(cp)) {
				have = 1; /* and after it */
				brk_end = brk_next = i;
			}
		}
	}
}

/* ------------------------------------------------------------------ pager */
void tui_pager_clear(struct tui_pager *p)
{
	for (int i = 0; i < p->n; i++)
		free(p->lines[i].text);
	free(p->lines);
	p->lines = NULL;
	p->n = p->cap = 0;
	p->paras = 0;
}

static void add_para_line(struct tui_pager *p, enum tui_elem e, int indent, int mark, const char *text,
			  int para, size_t off)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->lines = mc_xrealloc(p->lines, (size_t)p->cap * sizeof *p->lines);
	}
	p->lines[p->n++] = (struct tui_pline){ mc_xstrdup(text), e, indent, mark, para, off };
}

void tui_pager_add(struct tui_pager *p, enum tui_elem e, int indent, int mark, const char *text)
{
	add_para_line(p, e, indent, mark, text, p->paras++, 0);
}

struct wrap_ctx {
	struct tui_pager *p;
	const char *s;
	enum tui_elem e;
	int indent, mark, para;
};

static void add_line(void *vctx, size_t off, size_t len)
{
	struct wrap_ctx *c = vctx;
	char *t = mc_xstrndup(c->s + off, len);
	add_para_line(c->p, c->e, c->indent, c->mark, t, c->para, off);
	free(t);
}

void tui_pager_add_wrapped(struct tui_pager *p, enum tui_elem e, int indent, int mark,
			   const char *text, int width)
{
	const char *s = text ? text : "";
	struct wrap_ctx c = { p, s, e, indent, mark, 0 };
	int w = width - indent;
	for (;;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		if (len && s[len - 1] == '\r')
			len--;
		c.s = s;
		c.para = p->paras++;
		tui_wrap(s, len, w, add_line, &c);
		if (!nl)
			break;
		s = nl + 1;
	}
}

void tui_pager_draw(const struct tui_pager *p, WINDOW *w, int y, int h, int width)
{
	for (int r = 0; r < h; r++) {
		int i = p->top + r;
		if (i < p->n) {
			const struct tui_pline *l = &p->lines[i];
			attr_t a = tui_theme(l->elem);
			tui_put_pad(w, y + r, 0, "", l->indent, A_NORMAL);
			tui_put_pad(w, y + r, l->indent, l->text, width - l->indent, a);
		} else {
			tui_put_pad(w, y + r, 0, "", width, A_NORMAL);
		}
	}
}

int tui_pager_request(struct tui_pager *p, enum tui_action a, int h, int *moved)
{
	int max_top = p->n - h > 0 ? p->n - h : 0;
	int top = p->top;
	switch (a) {
	case ACT_MOVE_DOWN: top++; break;
	case ACT_MOVE_UP: top--; break;
	case ACT_PAGE_DOWN: top += h > 1 ? h - 1 : 1; break;
	case ACT_PAGE_UP: top -= h > 1 ? h - 1 : 1; break;
	case ACT_HALF_DOWN: top += h > 1 ? h / 2 : 1; break;
	case ACT_HALF_UP: top -= h > 1 ? h / 2 : 1; break;
	case ACT_FIRST: top = 0; break;
	case ACT_LAST: top = max_top; break;
	default: return 0;
	}
	if (top > max_top)
		top = max_top;
	if (top < 0)
		top = 0;
	*moved = top != p->top;
	p->top = top;
	return 1;
}

int tui_prompt_edit(struct mc_buf *b, int key)
{
	if (key == (TUI_KEY_FN | KEY_BACKSPACE)) {
		if (!b->len)
			return 0;
		size_t n = text_cluster_start(b->data, b->len, b->len); /* a whole character, marks and all */
		b->len = n;
		b->data[n] = '\0';
		return 1;
	}
	if (key & (TUI_KEY_FN | TUI_KEY_META) || key < 0x20)
		return 0;
	char buf[8];
	tui_utf8_put((unsigned)key, buf);
	mc_buf_adds(b, buf);
	return 1;
}
