/* text.c: the feedback editor's text model, apart from drawing so that it can
 * be tested alone: a UTF-8 buffer with a cursor (a byte offset on a character
 * boundary), moves by character (grapheme cluster), word and row, a layout
 * wrapped by display width (wide CJK characters take two cells) and undo by
 * snapshots, one per typed word or run of deletions. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/text.h"
#include "tui/tui_int.h"

#define UNDO_MAX 200

struct snap {
	char *text;
	size_t cursor;
};

struct row {
	size_t start, end; /* the row's bytes; a paragraph's last row ends at its '\n' */
	int last;          /* the last row of its paragraph */
};

enum edit_kind { K_NONE, K_WORD, K_SPACE, K_BACK, K_DEL, K_BULK };

struct tui_text {
	struct mc_buf b;
	size_t cur;
	struct snap *undo;
	int nundo;
	enum edit_kind last;
	int width;
	struct row *rows;
	int nrows, caprows;
	int stale;     /* the layout must be made again */
	int want_col;  /* the column vertical moves keep (-1: the cursor's) */
};

struct tui_text *tui_text_new(const char *s)
{
	struct tui_text *t = mc_xcalloc(1, sizeof *t);
	mc_buf_adds(&t->b, s ? s : "");
	t->cur = t->b.len;
	t->width = 40;
	t->stale = 1;
	t->want_col = -1;
	return t;
}

void tui_text_free(struct tui_text **tp)
{
	struct tui_text *t = *tp;
	if (!t)
		return;
	for (int i = 0; i < t->nundo; i++)
		free(t->undo[i].text);
	free(t->undo);
	free(t->rows);
	mc_buf_free(&t->b);
	free(t);
	*tp = NULL;
}

const char *tui_text_str(const struct tui_text *t) { return t->b.data ? t->b.data : ""; }
size_t tui_text_cursor(const struct tui_text *t) { return t->cur; }

/* ------------------------------------------------------------------ undo */
static void push_undo(struct tui_text *t)
{
	if (t->nundo == UNDO_MAX) {
		free(t->undo[0].text);
		memmove(t->undo, t->undo + 1, (UNDO_MAX - 1) * sizeof *t->undo);
		t->nundo--;
	}
	t->undo = mc_xrealloc(t->undo, (size_t)(t->nundo + 1) * sizeof *t->undo);
	t->undo[t->nundo++] = (struct snap){ mc_xstrdup(tui_text_str(t)), t->cur };
}

/* One undo step per word typed (with the spaces after it), per run of
 * backspaces or deletes, per bulk change. */
static void begin_edit(struct tui_text *t, enum edit_kind k)
{
	int same = k == t->last && k != K_BULK;
	if (k == K_SPACE && t->last == K_WORD)
		same = 1;
	if (!same)
		push_undo(t);
	t->last = k;
	t->stale = 1;
	t->want_col = -1;
}

int tui_text_undo(struct tui_text *t)
{
	if (!t->nundo)
		return 0;
	struct snap *s = &t->undo[--t->nundo];
	mc_buf_reset(&t->b);
	mc_buf_adds(&t->b, s->text);
	t->cur = s->cursor <= t->b.len ? s->cursor : t->b.len;
	free(s->text);
	t->last = K_NONE;
	t->stale = 1;
	t->want_col = -1;
	return 1;
}

/* ----------------------------------------------------------------- edits */
static void replace(struct tui_text *t, size_t from, size_t to, const char *s)
{
	size_t n = strlen(s), tail = t->b.len - to;
	struct mc_buf nb = MC_BUF_INIT;
	mc_buf_add(&nb, t->b.data ? t->b.data : "", from);
	mc_buf_add(&nb, s, n);
	mc_buf_add(&nb, t->b.data ? t->b.data + to : "", tail);
	mc_buf_free(&t->b);
	t->b = nb;
	if (!t->b.data)
		mc_buf_adds(&t->b, "");
	t->cur = from + n;
}

void tui_text_set(struct tui_text *t, const char *s)
{
	begin_edit(t, K_BULK);
	mc_buf_reset(&t->b);
	mc_buf_adds(&t->b, s ? s : "");
	t->cur = t->b.len;
	t->last = K_NONE;
}

void tui_text_insert(struct tui_text *t, const char *s)
{
	unsigned cp = 0;
	int one = s[0] && s[text_utf8_decode(s, &cp)] == '\0';
	enum edit_kind k = !one ? K_BULK : (cp == ' ' || cp == '\n' || cp == '\t') ? K_SPACE : K_WORD;
	begin_edit(t, k);
	replace(t, t->cur, t->cur, s);
	if (k == K_BULK)
		t->last = K_NONE;
}

/* Moves and deletions go by grapheme cluster: a letter with its marks, a
 * syllable of jamo, an emoji sequence is one character to the assessor. */
static size_t prev_pos(const struct tui_text *t, size_t i)
{
	return text_cluster_start(tui_text_str(t), t->b.len, i);
}

static size_t next_pos(const struct tui_text *t, size_t i)
{
	return text_cluster_end(tui_text_str(t), t->b.len, i);
}

void tui_text_backspace(struct tui_text *t)
{
	if (!t->cur)
		return;
	begin_edit(t, K_BACK);
	replace(t, prev_pos(t, t->cur), t->cur, "");
}

void tui_text_delete(struct tui_text *t)
{
	if (t->cur >= t->b.len)
		return;
	begin_edit(t, K_DEL);
	size_t at = t->cur;
	replace(t, at, next_pos(t, at), "");
	t->cur = at;
}

/* ------------------------------------------------------------------ moves */
static void moved(struct tui_text *t)
{
	t->last = K_NONE;
	t->want_col = -1;
}

void tui_text_left(struct tui_text *t)
{
	t->cur = prev_pos(t, t->cur);
	moved(t);
}

void tui_text_right(struct tui_text *t)
{
	t->cur = next_pos(t, t->cur);
	moved(t);
}

/* Character classes for word moves: spaces, letters and digits, punctuation,
 * and CJK, where every ideograph is a word of its own. */
enum { C_SPACE, C_WORD, C_PUNCT, C_CJK };

static int cls(unsigned cp)
{
	if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000)
		return C_SPACE;
	if (text_cp_is_cjk(cp))
		return C_CJK;
	if (cp < 0x80 && !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
			   cp == '_' || cp == '\''))
		return C_PUNCT;
	if ((cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff00 && cp <= 0xff0f) || cp == 0xff1a ||
	    cp == 0xff1b || cp == 0xff1f || cp == 0x2014 || cp == 0x2026 || (cp >= 0x2018 && cp <= 0x201f))
		return C_PUNCT; /* CJK and typographic punctuation */
	return C_WORD;
}

static int cls_at(const struct tui_text *t, size_t i)
{
	unsigned cp;
	text_utf8_decode(t->b.data + i, &cp);
	return cls(cp);
}

/* To the start of the next word (as vi's w): past this run, then past spaces. */
void tui_text_word_right(struct tui_text *t)
{
	size_t i = t->cur, n = t->b.len;
	if (i < n) {
		int c = cls_at(t, i);
		if (c == C_CJK)
			i = next_pos(t, i);
		else if (c != C_SPACE)
			while (i < n && cls_at(t, i) == c)
				i = next_pos(t, i);
	}
	while (i < n && cls_at(t, i) == C_SPACE)
		i = next_pos(t, i);
	t->cur = i;
	moved(t);
}

/* To the start of this word or the one before (as vi's b). */
void tui_text_word_left(struct tui_text *t)
{
	size_t i = t->cur;
	while (i > 0 && cls_at(t, prev_pos(t, i)) == C_SPACE)
		i = prev_pos(t, i);
	if (i > 0) {
		int c = cls_at(t, prev_pos(t, i));
		if (c == C_CJK)
			i = prev_pos(t, i);
		else
			while (i > 0 && cls_at(t, prev_pos(t, i)) == c)
				i = prev_pos(t, i);
	}
	t->cur = i;
	moved(t);
}

/* ----------------------------------------------------------------- layout */
struct lay_ctx {
	struct tui_text *t;
	size_t base;
};

static void add_row(void *vctx, size_t off, size_t len)
{
	(void)len;
	struct lay_ctx *c = vctx;
	struct tui_text *t = c->t;
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 32;
		t->rows = mc_xrealloc(t->rows, (size_t)t->caprows * sizeof *t->rows);
	}
	t->rows[t->nrows++] = (struct row){ c->base + off, 0, 0 };
}

static void layout(struct tui_text *t)
{
	if (!t->stale)
		return;
	t->nrows = 0;
	const char *s = tui_text_str(t);
	size_t p = 0, n = t->b.len;
	for (;;) {
		const char *nl = memchr(s + p, '\n', n - p);
		size_t end = nl ? (size_t)(nl - s) : n;
		int first = t->nrows;
		struct lay_ctx c = { t, p };
		tui_wrap(s + p, end - p, t->width, add_row, &c);
		/* Rows tile the paragraph: each runs to the next one's start. */
		for (int r = first; r < t->nrows; r++) {
			t->rows[r].last = r == t->nrows - 1;
			t->rows[r].end = t->rows[r].last ? end : t->rows[r + 1].start;
		}
		if (t->nrows > first)
			t->rows[first].start = p; /* leading spaces belong to the first row */
		if (!nl)
			break;
		p = end + 1;
	}
	t->stale = 0;
}

void tui_text_layout(struct tui_text *t, int width)
{
	if (width < 2)
		width = 2;
	if (width != t->width)
		t->stale = 1;
	t->width = width;
	layout(t);
}

int tui_text_rows(const struct tui_text *t) { return t->nrows; }

void tui_text_row(const struct tui_text *t, int row, size_t *off, size_t *len)
{
	*off = t->rows[row].start;
	*len = t->rows[row].end - t->rows[row].start;
}

static int cursor_row(const struct tui_text *t)
{
	for (int r = 0; r < t->nrows; r++) {
		const struct row *w = &t->rows[r];
		if (t->cur >= w->start && (t->cur < w->end || (w->last && t->cur == w->end)))
			return r;
	}
	return t->nrows ? t->nrows - 1 : 0;
}

void tui_text_cursor_pos(const struct tui_text *t, int *row, int *col)
{
	int r = cursor_row(t);
	*row = r;
	*col = t->nrows ? tui_width(tui_text_str(t) + t->rows[r].start, t->cur - t->rows[r].start) : 0;
	if (*col > t->width)
		*col = t->width; /* in the spaces hanging past the edge */
}

/* The position in `row` nearest to display column `col`. */
static size_t at_col(const struct tui_text *t, int row, int col)
{
	const struct row *w = &t->rows[row];
	size_t i = w->start;
	int x = 0;
	while (i < w->end) {
		size_t e = next_pos(t, i);
		int cw = text_cluster_width(t->b.data + i, e - i);
		if (x + cw > col)
			break;
		x += cw;
		i = e;
	}
	if (!w->last && i >= w->end)
		i = prev_pos(t, w->end); /* the end is the next row's start */
	return i;
}

void tui_text_vmove(struct tui_text *t, int rows)
{
	layout(t);
	int r, c;
	tui_text_cursor_pos(t, &r, &c);
	if (t->want_col < 0)
		t->want_col = c;
	int to = r + rows;
	if (to < 0)
		to = 0;
	if (to >= t->nrows)
		to = t->nrows - 1;
	if (to == r) {
		/* at the top or the bottom: to the start or the end */
		t->cur = rows < 0 ? 0 : rows > 0 ? t->b.len : t->cur;
		t->want_col = -1;
	} else {
		t->cur = at_col(t, to, t->want_col);
	}
	t->last = K_NONE;
}

void tui_text_home(struct tui_text *t)
{
	layout(t);
	if (t->nrows)
		t->cur = t->rows[cursor_row(t)].start;
	moved(t);
}

void tui_text_end(struct tui_text *t)
{
	layout(t);
	if (t->nrows) {
		const struct row *w = &t->rows[cursor_row(t)];
		t->cur = w->last ? w->end : prev_pos(t, w->end);
	}
	moved(t);
}
