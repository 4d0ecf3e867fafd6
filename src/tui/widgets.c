/* widgets.c: drawing text by display width, wrapping, and the pager that the
 * evidence and help screens share. Widths come from text_cp_width so wrapping and
 * drawing agree; a character the terminal library measures differently is drawn
 * as '?' cells, so the layout can never shift, and a control character is drawn
 * visibly in one cell, never passed to the terminal. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "mcassess/text.h"
#include "tui/tui_int.h"

int tui_width(const char *s, size_t len)
{
	int w = 0;
	size_t i = 0;
	while (i < len && s[i]) {
		unsigned cp;
		i += (size_t)text_utf8_decode(s + i, &cp);
		w += cp < 0x20 || cp == 0x7f ? 1 : text_cp_width(cp);
	}
	return w;
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

static void put_cp(WINDOW *w, unsigned cp, int cw, attr_t attr)
{
	wchar_t wc[2] = { (wchar_t)cp, 0 };
	cchar_t cc;
	if (text_cp_is_control(cp)) {
		wc[0] = visible_control(cp);
	} else if (wcwidth((wchar_t)cp) != cw) {
		/* The terminal library would lay it out differently: keep our cells. */
		for (int i = 0; i < cw; i++) {
			setcchar(&cc, L"?", attr, 0, NULL);
			wadd_wch(w, &cc);
		}
		return;
	}
	setcchar(&cc, wc, attr, 0, NULL);
	wadd_wch(w, &cc);
}

int tui_put(WINDOW *w, int y, int x, const char *s, size_t len, int cells, attr_t attr)
{
	int used = 0;
	if (cells <= 0)
		return 0;
	wmove(w, y, x);
	size_t i = 0;
	while (i < len && s[i]) {
		unsigned cp;
		int n = text_utf8_decode(s + i, &cp);
		int cw = cp < 0x20 || cp == 0x7f ? 1 : text_cp_width(cp);
		if (used + cw > cells)
			break;
		if (cw == 0 && used == 0) { /* a combining mark with nothing to join */
			i += (size_t)n;
			continue;
		}
		if (cw == 0) {
			/* Combining: ncurses attaches it to the previous cell. */
			wchar_t wc[2] = { (wchar_t)cp, 0 };
			if (wcwidth((wchar_t)cp) == 0)
				waddnwstr(w, wc, 1);
		} else {
			put_cp(w, cp, cw, attr);
		}
		used += cw;
		i += (size_t)n;
	}
	return used;
}

void tui_put_pad(WINDOW *w, int y, int x, const char *s, int cells, attr_t attr)
{
	int used = s ? tui_put(w, y, x, s, strlen(s), cells, attr) : 0;
	if (!s)
		wmove(w, y, x);
	for (; used < cells; used++) {
		cchar_t cc;
		setcchar(&cc, L" ", attr, 0, NULL);
		wadd_wch(w, &cc);
	}
}

/* ---------------------------------------------------------------- wrapping */
static int is_space(unsigned cp) { return cp == ' ' || cp == '\t' || cp == 0x3000; }

static size_t skip_spaces(const char *s, size_t i, size_t len)
{
	while (i < len) {
		unsigned cp;
		int n = text_utf8_decode(s + i, &cp);
		if (!is_space(cp))
			break;
		i += (size_t)n;
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
			int n = text_utf8_decode(s + i, &cp);
			int cw = cp < 0x20 ? 1 : text_cp_width(cp);
			if (is_space(cp)) {
				/* A break chance; spaces may hang past the edge (they are trimmed). */
				have = 1;
				brk_end = i;
				brk_next = i + (size_t)n;
				w += cw;
				i += (size_t)n;
				continue;
			}
			if (w + cw > width) {
				if (have) {
					emit(s, start, brk_end, line, ctx);
					start = skip_spaces(s, brk_next, len);
				} else {
					/* A word longer than the line: break inside it. */
					size_t end = i > start ? i : i + (size_t)n;
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
			i += (size_t)n;
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
		size_t n = b->len;
		do
			n--;
		while (n > 0 && ((unsigned char)b->data[n] & 0xc0) == 0x80);
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
