/* fts.c: the FTS5 tokenizer `mcassess` and the snippet function.
 *
 * Why a tokenizer of our own: unicode61 indexes an unspaced Chinese run as one
 * token, so `反馈` inside a sentence is never found; trigram misses terms under
 * three characters and is 2.6x the text. This one cuts the text into runs: a run
 * of CJK characters becomes overlapping bigrams (as Lucene's CJK analyzer does:
 * 我的反馈 -> 我的 的反 反馈), a lone CJK character a unigram; every other run is
 * handed to the built-in unicode61 tokenizer (remove_diacritics 2), so Latin
 * words are case-folded and stripped of accents exactly as unicode61 does.
 * In documents, the last character of a CJK run is also emitted as a unigram at
 * the position of the run's last bigram (FTS5_TOKEN_COLOCATED): then every
 * occurrence of a character X is the first character of a bigram or such a
 * unigram, and the prefix query X* finds a single character anywhere.
 *
 * Why a snippet function of our own: FTS5's snippet()/highlight() assume tokens
 * do not overlap; two matches on adjacent bigrams (哈哈 in 哈哈哈) overlap by a
 * character, and snippet() then copies the rest of the document into the
 * snippet. mcassess_snippet() merges the byte ranges of matches first. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/search.h"
#include "mcassess/util.h"
#include "search_int.h"

int search_utf8_next(const char *text, size_t len, size_t i, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)text + i;
	size_t left = len - i;
	unsigned c = s[0];
	int n;
	unsigned min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xe0) == 0xc0) {
		n = 2, c &= 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 3, c &= 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 4, c &= 0x07, min = 0x10000;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	if ((size_t)n > left)
		goto bad;
	for (int k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			goto bad;
		c = (c << 6) | (s[k] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		goto bad;
	*cp = c;
	return n;
bad:
	*cp = 0xfffd;
	return 1;
}

int search_is_cjk(unsigned cp)
{
	if (cp < 0x3005)
		return 0;
	return (cp >= 0x3005 && cp <= 0x3007) ||   /* 々 〆 〇 */
	       (cp >= 0x3040 && cp <= 0x30ff) ||   /* hiragana, katakana */
	       (cp >= 0x31f0 && cp <= 0x31ff) ||   /* katakana phonetic extensions */
	       (cp >= 0x3400 && cp <= 0x4dbf) ||   /* CJK extension A */
	       (cp >= 0x4e00 && cp <= 0x9fff) ||   /* CJK unified ideographs */
	       (cp >= 0xac00 && cp <= 0xd7a3) ||   /* hangul syllables */
	       (cp >= 0xf900 && cp <= 0xfaff) ||   /* compatibility ideographs */
	       (cp >= 0xff66 && cp <= 0xff9f) ||   /* halfwidth katakana */
	       (cp >= 0x20000 && cp <= 0x3134f);   /* extensions B-G */
}

/* ---------------------------------------------------------------- the tokenizer */

struct mc_tokenizer {
	fts5_tokenizer inner;       /* unicode61 */
	Fts5Tokenizer *inner_tok;
};

typedef int (*token_fn)(void *, int, const char *, int, int, int);

/* unicode61's tokens come with offsets into the run; shift them to the text. */
struct shift {
	void *ctx;
	token_fn xToken;
	int base;
};

static int shift_token(void *p, int tflags, const char *tok, int ntok, int start, int end)
{
	struct shift *sh = p;
	return sh->xToken(sh->ctx, tflags, tok, ntok, start + sh->base, end + sh->base);
}

static int tok_create(void *api_ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	(void)argv;
	(void)argc;
	fts5_api *api = api_ctx;
	void *uctx = NULL;
	struct mc_tokenizer *t = calloc(1, sizeof *t);
	if (!t)
		return SQLITE_NOMEM;
	int rc = api->xFindTokenizer(api, "unicode61", &uctx, &t->inner);
	if (rc == SQLITE_OK) {
		const char *args[] = { "remove_diacritics", "2" };
		rc = t->inner.xCreate(uctx, args, 2, &t->inner_tok);
	}
	if (rc != SQLITE_OK) {
		free(t);
		return rc;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
	struct mc_tokenizer *t = (struct mc_tokenizer *)p;
	if (t) {
		t->inner.xDelete(t->inner_tok);
		free(t);
	}
}

/* Bigrams of the CJK run text[a..e): `starts` walks the characters. */
static int cjk_run(const char *text, int n, int a, int flags, void *ctx, token_fn xToken, int *endp)
{
	unsigned cp;
	int prev = a, cur = a + search_utf8_next(text, (size_t)n, (size_t)a, &cp);
	int chars = 1, rc = SQLITE_OK;
	while (cur < n) {
		int len = search_utf8_next(text, (size_t)n, (size_t)cur, &cp);
		if (!search_is_cjk(cp))
			break;
		rc = xToken(ctx, 0, text + prev, cur + len - prev, prev, cur + len);
		if (rc != SQLITE_OK)
			return rc;
		chars++;
		prev = cur;
		cur += len;
	}
	/* A lone character is a unigram; in documents the last character of a longer
	 * run is one too, at the last bigram's position (see the top of the file). */
	if (chars == 1)
		rc = xToken(ctx, 0, text + prev, cur - prev, prev, cur);
	else if (!(flags & FTS5_TOKENIZE_QUERY))
		rc = xToken(ctx, FTS5_TOKEN_COLOCATED, text + prev, cur - prev, prev, cur);
	*endp = cur;
	return rc;
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
			token_fn xToken)
{
	struct mc_tokenizer *t = (struct mc_tokenizer *)p;
	int i = 0, rc = SQLITE_OK;
	while (i < n && rc == SQLITE_OK) {
		/* the run of anything but CJK from i */
		int j = i;
		unsigned cp = 0;
		while (j < n) {
			if ((unsigned char)text[j] < 0x80) {
				j++;
				continue;
			}
			int len = search_utf8_next(text, (size_t)n, (size_t)j, &cp);
			if (search_is_cjk(cp))
				break;
			j += len;
		}
		if (j > i) {
			struct shift sh = { ctx, xToken, i };
			rc = t->inner.xTokenize(t->inner_tok, &sh, flags, text + i, j - i, shift_token);
		}
		if (rc != SQLITE_OK || j >= n)
			break;
		rc = cjk_run(text, n, j, flags, ctx, xToken, &i);
	}
	return rc;
}

/* ---------------------------------------------------------------- the snippet function */

struct toks {
	int *start, *end;    /* byte offsets of each position's token */
	int n, cap;
};

static int collect_token(void *p, int tflags, const char *tok, int ntok, int start, int end)
{
	(void)tok;
	(void)ntok;
	struct toks *t = p;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->start = mc_xrealloc(t->start, sizeof *t->start * (size_t)t->cap);
		t->end = mc_xrealloc(t->end, sizeof *t->end * (size_t)t->cap);
	}
	t->start[t->n] = start;
	t->end[t->n] = end;
	t->n++;
	return SQLITE_OK;
}

struct span {
	int first, last;   /* token positions */
	int bstart, bend;  /* bytes */
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->bstart != y->bstart ? (x->bstart < y->bstart ? -1 : 1) : (x->bend > y->bend) - (x->bend < y->bend);
}

/* The instances of phrases in column 0 as byte spans, sorted and merged where they
 * overlap or touch. */
static int match_spans(const Fts5ExtensionApi *api, Fts5Context *fts, const struct toks *t,
		       struct span **out, int *nout)
{
	int ninst = 0, rc = api->xInstCount(fts, &ninst);
	*out = NULL;
	*nout = 0;
	if (rc != SQLITE_OK || ninst == 0 || t->n == 0)
		return rc;
	struct span *sp = mc_xmalloc(sizeof *sp * (size_t)ninst);
	int n = 0;
	for (int i = 0; i < ninst; i++) {
		int ip, ic, io;
		if ((rc = api->xInst(fts, i, &ip, &ic, &io)) != SQLITE_OK)
			break;
		int last = io + api->xPhraseSize(fts, ip) - 1;
		if (ic != 0 || io < 0 || io >= t->n)
			continue;
		if (last >= t->n)
			last = t->n - 1;
		if (last < io)
			last = io;
		sp[n++] = (struct span){ io, last, t->start[io], t->end[last] };
	}
	qsort(sp, (size_t)n, sizeof *sp, span_cmp);
	int m = 0;
	for (int i = 0; i < n; i++) {
		if (m && sp[i].bstart <= sp[m - 1].bend) {
			struct span *p = &sp[m - 1];
			if (sp[i].bend > p->bend)
				p->bend = sp[i].bend;
			if (sp[i].last > p->last)
				p->last = sp[i].last;
			if (sp[i].first < p->first)
				p->first = sp[i].first;
		} else {
			sp[m++] = sp[i];
		}
	}
	*out = sp;
	*nout = m;
	return rc;
}

/* The window of `ntok` tokens holding the most matches, its start a quarter of the
 * window before a match (as snippet() does). */
static void best_window(const struct span *sp, int nsp, int ntoks, int ntok, int *ws, int *we)
{
	int best = -1;
	*ws = 0;
	*we = ntoks - 1 < ntok - 1 ? ntoks - 1 : ntok - 1;
	for (int i = 0; i < nsp; i++) {
		int s = sp[i].first - ntok / 4;
		if (s < 0)
			s = 0;
		int e = s + ntok - 1;
		if (e >= ntoks) {
			e = ntoks - 1;
			s = e - ntok + 1 < 0 ? 0 : e - ntok + 1;
		}
		int hits = 0;
		for (int k = i; k < nsp && sp[k].first <= e; k++)
			hits++;
		if (hits > best) {
			best = hits;
			*ws = s;
			*we = e;
		}
	}
}

static void snippet_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
		       int nval, sqlite3_value **val)
{
	int ntok = nval >= 1 ? sqlite3_value_int(val[0]) : 16;
	if (ntok < 1)
		ntok = 1;
	const char *z = NULL;
	int n = 0;
	int rc = api->xColumnText(fts, 0, &z, &n);
	if (rc != SQLITE_OK || !z) {
		if (rc != SQLITE_OK)
			sqlite3_result_error_code(ctx, rc);
		return;
	}
	struct toks t = { NULL, NULL, 0, 0 };
	struct span *sp = NULL;
	int nsp = 0;
	rc = api->xTokenize(fts, z, n, &t, collect_token);
	if (rc == SQLITE_OK)
		rc = match_spans(api, fts, &t, &sp, &nsp);
	if (rc != SQLITE_OK) {
		sqlite3_result_error_code(ctx, rc);
		goto out;
	}
	struct mc_buf b = MC_BUF_INIT;
	int bs = 0, be = n;
	if (t.n > 0) {
		int ws, we;
		best_window(sp, nsp, t.n, ntok, &ws, &we);
		bs = ws == 0 ? 0 : t.start[ws];
		be = we == t.n - 1 ? n : t.end[we];
		if (ws > 0)
			mc_buf_adds(&b, "…");
	}
	int at = bs;
	for (int i = 0; i < nsp; i++) {
		int s = sp[i].bstart < bs ? bs : sp[i].bstart;
		int e = sp[i].bend > be ? be : sp[i].bend;
		if (s >= be || e <= bs || s < at)
			continue;
		mc_buf_add(&b, z + at, (size_t)(s - at));
		mc_buf_adds(&b, SEARCH_MARK_OPEN);
		mc_buf_add(&b, z + s, (size_t)(e - s));
		mc_buf_adds(&b, SEARCH_MARK_CLOSE);
		at = e;
	}
	mc_buf_add(&b, z + at, (size_t)(be - at));
	if (be < n)
		mc_buf_adds(&b, "…");
	sqlite3_result_text(ctx, mc_buf_str(&b), (int)b.len, SQLITE_TRANSIENT);
	mc_buf_free(&b);
out:
	free(sp);
	free(t.start);
	free(t.end);
}

int search_fts_register(fts5_api *api)
{
	static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
	int rc = api->xCreateTokenizer(api, SEARCH_TOKENIZER, api, &tok, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, SEARCH_SNIPPET_FN, NULL, snippet_fn, NULL);
	return rc;
}

int search_fts_tokenize(fts5_api *api, const char *text, int len, int flags, void *ctx, token_fn cb)
{
	void *uctx = NULL;
	fts5_tokenizer tok;
	Fts5Tokenizer *t = NULL;
	int rc = api->xFindTokenizer(api, SEARCH_TOKENIZER, &uctx, &tok);
	if (rc == SQLITE_OK)
		rc = tok.xCreate(uctx, NULL, 0, &t);
	if (rc == SQLITE_OK)
		rc = tok.xTokenize(t, ctx, flags, text, len, cb);
	if (t)
		tok.xDelete(t);
	return rc;
}
