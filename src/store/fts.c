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

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/store_search.h"
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

/* In documents: remembers the last token's place, for the length mark. */
struct last_token {
	void *ctx;
	token_fn xToken;
	int any, start, end;
};

static int last_token(void *p, int tflags, const char *tok, int ntok, int start, int end)
{
	struct last_token *l = p;
	l->any = 1;
	l->start = start;
	l->end = end;
	return l->xToken(l->ctx, tflags, tok, ntok, start, end);
}

static int tok_tokenize(Fts5Tokenizer *p, void *ctx, int flags, const char *text, int n,
			token_fn xToken)
{
	struct mc_tokenizer *t = (struct mc_tokenizer *)p;
	static const int mark_len = (int)sizeof SEARCH_LENGTH_MARK - 1;
	if ((flags & FTS5_TOKENIZE_QUERY) && n == mark_len && memcmp(text, SEARCH_LENGTH_MARK, (size_t)n) == 0)
		return xToken(ctx, 0, text, n, 0, n);
	struct last_token last = { ctx, xToken, 0, 0, 0 };
	if (flags & FTS5_TOKENIZE_DOCUMENT) {
		ctx = &last;
		xToken = last_token;
	}
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
	/* the length mark, at the last token's position (see SEARCH_LENGTH_MARK) */
	if (rc == SQLITE_OK && last.any)
		rc = last.xToken(last.ctx, FTS5_TOKEN_COLOCATED, SEARCH_LENGTH_MARK, mark_len, last.start,
				 last.end);
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
			mc_buf_adds(&b, SEARCH_ELLIPSIS);
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
		mc_buf_adds(&b, SEARCH_ELLIPSIS);
	sqlite3_result_text(ctx, mc_buf_str(&b), (int)b.len, SQLITE_TRANSIENT);
	mc_buf_free(&b);
out:
	free(sp);
	free(t.start);
	free(t.end);
}

/* ---------------------------------------------------------------- ranking: mcassess_top() */


/* Rows in rowid order, with each phrase's count in each (nph counts a row). */
struct plist {
	long long *rowid;
	int *tf;
	long n, cap;
	int nph;
};

static void plist_free(struct plist *l)
{
	free(l->rowid);
	free(l->tf);
	memset(l, 0, sizeof *l);
}

static void plist_grow(struct plist *l, long want)
{
	if (want <= l->cap)
		return;
	l->cap = l->cap ? l->cap * 2 : 1024;
	if (l->cap < want)
		l->cap = want;
	l->rowid = mc_xrealloc(l->rowid, sizeof *l->rowid * (size_t)l->cap);
	l->tf = mc_xrealloc(l->tf, sizeof *l->tf * (size_t)l->cap * (size_t)l->nph);
}

/* A phrase's count in the current row. With one column, FTS5's position list
 * (it.a..it.b after the first position) holds one varint a position and nothing
 * else (a second column would add a marker and its number), so the count is the
 * number of bytes that end a varint: no call a position (4 ms of 24 for
 * `questions students`). The unit test checks the scores against FTS5's bm25. */
static int phrase_tf(const Fts5ExtensionApi *api, Fts5Context *fts, int iph, int *tf)
{
	Fts5PhraseIter it;
	int ic, io, n = 0;
	int rc = api->xPhraseFirst(fts, iph, &it, &ic, &io);
	if (rc == SQLITE_OK && ic >= 0 && api->xColumnCount(fts) == 1) {
		n = 1;
		for (const unsigned char *q = it.a; q < it.b; q++)
			n += *q < 0x80;
		*tf = n;
		return rc;
	}
	for (; rc == SQLITE_OK && ic >= 0; api->xPhraseNext(fts, &it, &ic, &io))
		n++;
	*tf = n;
	return rc;
}

/* One walk of a phrase's rows (xQueryPhrase). The first phrase's rows become the
 * candidates; each next phrase only counts its rows and keeps its count in the
 * candidates it also holds (`hit`), and stops after the last candidate when its row
 * count is known already. */
/* The rows of its first phrase a walk holds at most (8 bytes and 4 a phrase each):
 * beyond, the query is answered a call a row, which holds only the best `limit`. */
#define WALK_ROWS (1L << 20)

struct walk {
	struct plist *cand;
	int col;              /* which count of the row */
	char *hit;            /* next phrases: candidates this one holds */
	long at;
	long long count;      /* the phrase's rows (read so far) */
	int count_known;
	int many;             /* the first phrase has more than WALK_ROWS rows */
};

static int walk_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
	struct walk *w = p;
	struct plist *c = w->cand;
	long long rowid = api->xRowid(fts);
	w->count++;
	if (!w->hit) {
		if (c->n == WALK_ROWS) {
			w->many = 1;
			return SQLITE_DONE;
		}
		plist_grow(c, c->n + 1);
		c->rowid[c->n] = rowid;
		return phrase_tf(api, fts, 0, &c->tf[c->n++ * c->nph]);
	}
	while (w->at < c->n && c->rowid[w->at] < rowid)
		w->at++;
	if (w->at == c->n)
		return w->count_known ? SQLITE_DONE : SQLITE_OK;
	if (c->rowid[w->at] != rowid)
		return SQLITE_OK;
	w->hit[w->at] = 1;
	return phrase_tf(api, fts, 0, &c->tf[w->at++ * c->nph + w->col]);
}

/* Keeps the candidates marked in hit. */
static void plist_keep(struct plist *c, const char *hit)
{
	long m = 0;
	for (long i = 0; i < c->n; i++) {
		if (!hit[i])
			continue;
		c->rowid[m] = c->rowid[i];
		memmove(c->tf + m * c->nph, c->tf + i * c->nph, sizeof *c->tf * (size_t)c->nph);
		m++;
	}
	c->n = m;
}

/* The best `limit` (score, rowid) so far: a heap with the worst on top. */
struct heap {
	struct search_top *t;
	int cap;
};

static int worse(const struct search_top *t, int i, int j)
{
	return t->score[i] != t->score[j] ? t->score[i] > t->score[j] : t->rowid[i] > t->rowid[j];
}

static void hswap(struct search_top *t, int i, int j)
{
	long long r = t->rowid[i];
	double s = t->score[i];
	t->rowid[i] = t->rowid[j], t->score[i] = t->score[j];
	t->rowid[j] = r, t->score[j] = s;
}

static void heap_down(struct search_top *t, int i, int n)
{
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < n && worse(t, l, m))
			m = l;
		if (r < n && worse(t, r, m))
			m = r;
		if (m == i)
			return;
		hswap(t, i, m);
		i = m;
	}
}

static void heap_push(struct heap *h, long long rowid, double score)
{
	struct search_top *t = h->t;
	if (t->limit > 0 && t->n == t->limit) {
		if (score > t->score[0] || (score == t->score[0] && rowid > t->rowid[0]))
			return;
		t->rowid[0] = rowid, t->score[0] = score;
		heap_down(t, 0, t->n);
		return;
	}
	if (t->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		t->rowid = mc_xrealloc(t->rowid, sizeof *t->rowid * (size_t)h->cap);
		t->score = mc_xrealloc(t->score, sizeof *t->score * (size_t)h->cap);
	}
	int i = t->n++;
	t->rowid[i] = rowid, t->score[i] = score;
	while (i > 0 && worse(t, i, (i - 1) / 2)) {
		hswap(t, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

/* Best first: heapsort the worst-on-top heap in place. */
static void heap_sort(struct search_top *t)
{
	for (int n = t->n; n > 1; n--) {
		hswap(t, 0, n - 1);
		heap_down(t, 0, n - 1);
	}
}

void search_top_push(struct search_top *t, long long rowid, double score)
{
	if (!t->rowid) {
		t->rowid = mc_xmalloc(sizeof *t->rowid * (size_t)t->limit);
		t->score = mc_xmalloc(sizeof *t->score * (size_t)t->limit);
	}
	struct heap h = { t, t->limit };
	heap_push(&h, rowid, score);
}

void search_top_sort(struct search_top *t) { heap_sort(t); }

/* FTS5's bm25() (fts5_aux.c), term by term in the same order: the same doubles. */
double search_bm25(const double *idf, const int *tfs, int nph, double dl, double avgdl)
{
	double score = 0;
	for (int i = 0; i < nph; i++) {
		double tf = tfs[i];
		score += idf[i] * (tf * (SEARCH_BM25_K1 + 1) / (tf + SEARCH_BM25_K1 * (1 - SEARCH_BM25_B + SEARCH_BM25_B * dl / avgdl)));
	}
	return -1.0 * score;
}

/* bm25's idf from a phrase's row count, as FTS5 computes it. */
double search_idf(long long nrow, long long nhit)
{
	double idf = log(((double)nrow - (double)nhit + 0.5) / ((double)nhit + 0.5));
	return idf <= 0.0 ? SEARCH_IDF_FLOOR : idf;
}

/* ---------------------------------------------------------------- what a connection keeps */

/* Per connection (the function's user data), valid while the index is unchanged:
 * the same data_version (no other connection committed) and the same count of
 * changes by this one (the caller passes changes -1 inside a transaction, which
 * may yet roll back, and then nothing is kept or used).
 * - The phrases' row counts (bm25's idf) of the last few queries: a ranked query
 *   of two words must know both counts before it can choose how to read.
 * - Every row's length, by rowid, as read from the length marks: the pass over the
 *   marks (7 ms for 201,424 items) is then made once, not for every query (as
 *   Lucene keeps its norms in memory). 4 bytes an item. Kept from the second pass
 *   over the marks on: reading every mark, not only the candidates', costs the
 *   pass a few ms more, which a single query (a command) would pay for nothing. */
#define DF_CACHE 16

struct df_entry {
	char *key;
	long long data_version, changes;
	sqlite3_int64 nrow;
	int nph;
	long long *nhit;
};

struct lens {
	char *table;
	long long data_version, changes;
	long long lo;        /* rowid of len[0] */
	int *len;            /* -1: no such row; NULL: not read (yet) */
	long n, cap;         /* cap -1: given up (see lens_add) */
};

struct top_cache {
	struct df_entry e[DF_CACHE];
	int next;
	struct lens lens[2];
	int next_lens;
};

static void lens_free(struct lens *l)
{
	free(l->table);
	free(l->len);
	memset(l, 0, sizeof *l);
}

static void top_cache_free(void *p)
{
	struct top_cache *c = p;
	if (!c)
		return;
	for (int i = 0; i < DF_CACHE; i++) {
		free(c->e[i].key);
		free(c->e[i].nhit);
	}
	lens_free(&c->lens[0]);
	lens_free(&c->lens[1]);
	free(c);
}

static int cache_usable(const struct top_cache *c, const struct search_top *t)
{
	return c && t->key && t->docsize && t->changes >= 0;
}

static const struct df_entry *df_find(const struct top_cache *c, const struct search_top *t,
				      sqlite3_int64 nrow, int nph)
{
	if (!cache_usable(c, t))
		return NULL;
	for (int i = 0; i < DF_CACHE; i++) {
		const struct df_entry *e = &c->e[i];
		if (e->key && e->data_version == t->data_version && e->changes == t->changes && e->nrow == nrow &&
		    e->nph == nph && strcmp(e->key, t->key) == 0)
			return e;
	}
	return NULL;
}

static void df_put(struct top_cache *c, const struct search_top *t, sqlite3_int64 nrow, int nph,
		   const long long *nhit)
{
	if (!cache_usable(c, t) || df_find(c, t, nrow, nph))
		return;
	struct df_entry *e = &c->e[c->next];
	c->next = (c->next + 1) % DF_CACHE;
	free(e->key);
	free(e->nhit);
	*e = (struct df_entry){ mc_xstrdup(t->key), t->data_version, t->changes, nrow, nph,
				mc_xmalloc(sizeof *e->nhit * (size_t)nph) };
	memcpy(e->nhit, nhit, sizeof *nhit * (size_t)nph);
}

/* The table's lengths, read or only asked for once, while the index is unchanged. */
static struct lens *lens_find(struct top_cache *c, const struct search_top *t)
{
	if (!cache_usable(c, t))
		return NULL;
	for (int i = 0; i < 2; i++) {
		struct lens *l = &c->lens[i];
		if (l->table && l->data_version == t->data_version && l->changes == t->changes &&
		    strcmp(l->table, t->docsize) == 0)
			return l;
	}
	return NULL;
}

/* Rows come in rowid order; a table whose rowids spread over more than 4 times
 * its rows (and some) is not kept. */
static void lens_add(struct lens *l, long long rowid, int dl, sqlite3_int64 nrow)
{
	if (!l->len && l->n == 0 && l->cap == 0)
		l->lo = rowid;
	long long off = rowid - l->lo;
	if (l->cap < 0 || off < l->n || off > 4 * (long long)nrow + 4096) {
		free(l->len);
		l->len = NULL;
		l->cap = -1;   /* given up */
		return;
	}
	if (off >= l->cap) {
		long cap = l->cap ? l->cap : 1024;
		while (cap <= off)
			cap *= 2;
		l->len = mc_xrealloc(l->len, sizeof *l->len * (size_t)cap);
		l->cap = cap;
	}
	for (long i = l->n; i < off; i++)
		l->len[i] = -1;
	l->len[off] = dl;
	l->n = (long)off + 1;
}

/* ---------------------------------------------------------------- lengths, then scores */

struct score_pass {
	const struct plist *cand;
	const double *idf;
	double avgdl;
	long at;
	struct heap h;
	struct lens *build;      /* every row's length into this, or NULL */
	sqlite3_int64 nrow;
};

static double cand_score(const struct score_pass *sp, long at, double dl)
{
	const struct plist *c = sp->cand;
	return search_bm25(sp->idf, c->tf + at * c->nph, c->nph, dl, sp->avgdl);
}

/* The pass over the length marks (the mark is at each row's last position). */
static int mark_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
	struct score_pass *sp = p;
	const struct plist *c = sp->cand;
	long long rowid = api->xRowid(fts);
	while (sp->at < c->n && c->rowid[sp->at] < rowid)
		sp->at++;
	if (sp->at == c->n && !sp->build)
		return SQLITE_DONE;   /* no candidate left: stop reading */
	int cand = sp->at < c->n && c->rowid[sp->at] == rowid;
	if (!cand && !sp->build)
		return SQLITE_OK;
	Fts5PhraseIter it;
	int ic, io;
	int rc = api->xPhraseFirst(fts, 0, &it, &ic, &io);
	if (rc != SQLITE_OK)
		return rc;
	int dl = io >= 0 ? io + 1 : 0;
	if (sp->build)
		lens_add(sp->build, rowid, dl, sp->nrow);
	if (cand)
		heap_push(&sp->h, rowid, cand_score(sp, sp->at++, dl));
	return SQLITE_OK;
}

int search_varint(const unsigned char *buf, int n, unsigned long long *v)
{
	*v = 0;
	for (int k = 0; k < n; k++) {
		if (k == 8) {
			*v = (*v << 8) | buf[k];
			return 9;
		}
		*v = (*v << 7) | (buf[k] & 0x7f);
		if (!(buf[k] & 0x80))
			return k + 1;
	}
	return n;
}

long long search_docsize_reads;

/* A row's length from %_docsize (a varint a column; one column). */
static int docsize_read(sqlite3 *db, const char *table, sqlite3_blob **b, long long rowid, int *dl)
{
	int rc = *b ? sqlite3_blob_reopen(*b, rowid) : sqlite3_blob_open(db, "main", table, "sz", rowid, 0, b);
	unsigned char buf[9];
	int n = rc == SQLITE_OK ? sqlite3_blob_bytes(*b) : 0;
	if (n > (int)sizeof buf)
		n = sizeof buf;
	if (rc == SQLITE_OK)
		rc = sqlite3_blob_read(*b, buf, n, 0);
	unsigned long long v = 0;
	if (rc == SQLITE_OK)
		search_varint(buf, n, &v);
	*dl = (int)v;
	search_docsize_reads++;
	return rc;
}

/* Few candidates: each one's length from %_docsize (FTS5's record: a varint a
 * column, as SQLite writes varints), a blob seek each. */
static int docsize_pass(sqlite3 *db, const char *table, struct score_pass *sp)
{
	const struct plist *c = sp->cand;
	sqlite3_blob *b = NULL;
	int rc = SQLITE_OK, dl;
	for (long i = 0; i < c->n && rc == SQLITE_OK; i++)
		if ((rc = docsize_read(db, table, &b, c->rowid[i], &dl)) == SQLITE_OK)
			heap_push(&sp->h, c->rowid[i], cand_score(sp, i, dl));
	sqlite3_blob_close(b);
	return rc;
}

/* Each candidate's length, then its score into t's heap: from the connection's
 * lengths when it holds them; else from %_docsize for under 1/16 of the items;
 * else one pass over all the length marks, kept for the next query. */
static int lengths_pass(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, struct search_top *t,
			const struct plist *cand, const double *idf, double avgdl, sqlite3_int64 nrow)
{
	struct score_pass sp = { cand, idf, avgdl, 0, { t, 0 }, NULL, nrow };
	struct top_cache *c = api->xUserData(fts);
	struct lens *l = lens_find(c, t);
	if (l && l->len) {
		long i = 0;
		for (; i < cand->n; i++) {
			long long off = cand->rowid[i] - l->lo;
			if (off < 0 || off >= l->n || l->len[off] < 0)
				break;   /* not there: read them */
		}
		if (i == cand->n) {
			for (i = 0; i < cand->n; i++)
				heap_push(&sp.h, cand->rowid[i], cand_score(&sp, i, l->len[cand->rowid[i] - l->lo]));
			return SQLITE_OK;
		}
	}
	if (t->docsize && cand->n * 16 < nrow)
		return docsize_pass(db, t->docsize, &sp);
	if (!l && cache_usable(c, t)) {   /* asked for once: read them the next time */
		l = &c->lens[c->next_lens];
		c->next_lens = (c->next_lens + 1) % 2;
		for (int i = 0; i < 2; i++) {   /* the table's old lengths go */
			if (c->lens[i].table && strcmp(c->lens[i].table, t->docsize) == 0)
				l = &c->lens[i];
		}
		lens_free(l);
		l->table = mc_xstrdup(t->docsize);
		l->data_version = t->data_version;
		l->changes = t->changes;
		l = NULL;
	}
	struct lens build = { 0 };
	if (l && !l->len && l->cap == 0)
		sp.build = &build;
	int rc = api->xQueryPhrase(fts, api->xPhraseCount(fts) - 1, &sp, mark_row);
	if (sp.build && rc == SQLITE_OK && build.cap >= 0) {
		l->lo = build.lo;
		l->len = build.len;
		l->n = build.n;
		l->cap = build.cap;
	} else {
		if (sp.build)
			l->cap = -1;   /* not kept: do not try again */
		lens_free(&build);
	}
	return rc;
}

/* ---------------------------------------------------------------- reading every phrase's rows */

/* The phrases' rows one walk each (xQueryPhrase: no SQL step a row), the rarest
 * first when the counts are known; then lengths and scores. */
static int top_walks(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, struct search_top *t,
		     const long long *known, int *many)
{
	int nph = api->xPhraseCount(fts) - 1;   /* the last is the length mark */
	sqlite3_int64 nrow = 0, ntok = 0;
	int rc = api->xRowCount(fts, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntok);
	if (rc != SQLITE_OK || nph < 1 || nrow <= 0)
		return rc;
	double *idf = mc_xcalloc((size_t)nph, sizeof *idf);
	long long *nhit = mc_xcalloc((size_t)nph, sizeof *nhit);
	int *order = mc_xcalloc((size_t)nph, sizeof *order);
	for (int i = 0; i < nph; i++) {
		int k = i;
		for (; known && k > 0 && known[order[k - 1]] > known[i]; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
	struct plist cand = { NULL, NULL, 0, 0, nph };
	char *hit = NULL;
	for (int k = 0; rc == SQLITE_OK && k < nph; k++) {
		int i = order[k];
		if (k > 0)
			hit = mc_xcalloc((size_t)(cand.n ? cand.n : 1), 1);
		struct walk w = { &cand, i, hit, 0, 0, known != NULL, 0 };
		if (k == 0 || cand.n > 0 || !known)
			rc = api->xQueryPhrase(fts, i, &w, walk_row);
		if (w.many) {
			*many = 1;
			break;
		}
		nhit[i] = known ? known[i] : w.count;
		idf[i] = search_idf(nrow, nhit[i]);
		if (hit) {
			plist_keep(&cand, hit);
			free(hit);
			hit = NULL;
		}
		if (k == 0) {   /* the first walk wrote its counts in column 0 */
			for (long r = 0; i != 0 && r < cand.n; r++)
				cand.tf[r * nph + i] = cand.tf[r * nph];
		}
	}
	if (rc == SQLITE_OK && !known && !*many)
		df_put(api->xUserData(fts), t, nrow, nph, nhit);
	if (rc == SQLITE_OK && cand.n > 0 && !*many) {
		rc = lengths_pass(api, fts, db, t, &cand, idf, (double)ntok / (double)nrow, nrow);
		heap_sort(t);
	}
	plist_free(&cand);
	free(order);
	free(nhit);
	free(idf);
	return rc;
}

/* ---------------------------------------------------------------- or a call a row */

/* Counting a phrase's rows stops at `cap`: at half the items, idf is 1e-6
 * whatever the count (log of a ratio <= 1, which bm25 replaces by 1e-6). */
struct df_count {
	long long n, cap;
};

long long search_count_walked;

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
	(void)api;
	(void)fts;
	struct df_count *c = p;
	search_count_walked++;
	return ++c->n >= c->cap ? SQLITE_DONE : SQLITE_OK;
}

struct top_state {
	int nph;
	double avgdl;
	double *idf;
	int *tf;
	struct heap h;
	sqlite3_blob *docsize;   /* the query has no length mark: lengths from %_docsize */
};

/* One row of the query: its counts, its length (from the mark, or when the query
 * has none, from %_docsize), into the heap. */
static int top_row(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, struct search_top *t)
{
	struct top_state *st = t->state;
	int rc = SQLITE_OK, dl = 0;
	for (int i = 0; rc == SQLITE_OK && i < st->nph; i++)
		rc = phrase_tf(api, fts, i, &st->tf[i]);
	if (rc == SQLITE_OK && api->xPhraseCount(fts) > st->nph) {
		Fts5PhraseIter it;
		int ic, io;
		rc = api->xPhraseFirst(fts, st->nph, &it, &ic, &io);
		dl = io >= 0 ? io + 1 : 0;
	} else if (rc == SQLITE_OK) {
		rc = docsize_read(db, t->docsize, &st->docsize, api->xRowid(fts), &dl);
	}
	if (rc != SQLITE_OK)
		return rc;
	heap_push(&st->h, api->xRowid(fts), search_bm25(st->idf, st->tf, st->nph, dl, st->avgdl));
	return SQLITE_OK;
}

void search_top_finish(struct search_top *t)
{
	struct top_state *st = t->state;
	if (st) {
		if (t->rc == SQLITE_OK)
			heap_sort(t);
		sqlite3_blob_close(st->docsize);
		free(st->idf);
		free(st->tf);
		free(st);
		t->state = NULL;
	}
}

/* Two phrases or more: when one is in under 1/8 of the items, FTS5's own AND
 * (which skips through the longer doclists to the rare phrase's rows) and a call a
 * row cost less than reading each phrase's rows whole; that needs every phrase's
 * row count first (kept per connection). Else (and for one phrase) the walks,
 * unless their first phrase has more than WALK_ROWS rows: then a call a row too. */
static int top_choose(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, struct search_top *t)
{
	int nph = api->xPhraseCount(fts) - 1;
	sqlite3_int64 nrow = 0, ntok = 0;
	int rc = api->xRowCount(fts, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntok);
	if (rc != SQLITE_OK || nrow <= 0)
		return rc;
	struct top_cache *c = api->xUserData(fts);
	const struct df_entry *e = df_find(c, t, nrow, nph);
	/* the counts kept by the connection, or given by the ranking index */
	const long long *known = e ? e->nhit : t->nknown == nph ? t->known : NULL;
	long long *nhit = mc_xcalloc((size_t)nph, sizeof *nhit), rare = SEARCH_AND_BELOW(nrow), least = nrow;
	int counted = known || nph > 1;   /* one phrase: its walk counts it */
	for (int i = 0; rc == SQLITE_OK && counted && i < nph; i++) {
		if (known) {
			nhit[i] = known[i];
		} else {   /* up to 1/8 of the items for now */
			struct df_count dc = { 0, rare };
			rc = api->xQueryPhrase(fts, i, &dc, count_row);
			nhit[i] = dc.n;
		}
		if (nhit[i] < least)
			least = nhit[i];
	}
	int walk = rc == SQLITE_OK && least >= rare && (!known || least <= WALK_ROWS), many = 0;
	if (walk)
		rc = top_walks(api, fts, db, t, known ? nhit : NULL, &many);
	if (rc == SQLITE_OK && (!walk || many)) {
		for (int i = 0; rc == SQLITE_OK && !known && i < nph; i++) {
			if (counted && nhit[i] < rare)
				continue;
			struct df_count dc = { 0, (nrow + 1) / 2 };
			rc = api->xQueryPhrase(fts, i, &dc, count_row);
			nhit[i] = dc.n;
		}
		if (rc == SQLITE_OK) {
			df_put(c, t, nrow, nph, nhit);
			struct top_state *st = mc_xcalloc(1, sizeof *st);
			*st = (struct top_state){ nph, (double)ntok / (double)nrow, mc_xcalloc((size_t)nph, sizeof *st->idf),
						  mc_xcalloc((size_t)nph, sizeof *st->tf), { t, 0 }, NULL };
			for (int i = 0; i < nph; i++)
				st->idf[i] = search_idf(nrow, nhit[i]);
			t->state = st;
			t->by_row = 1;   /* the caller steps the query without LIMIT (by_row 2) */
			/* A rare phrase: FTS5's AND steps its rows and skips through the others'
			 * doclists, the length mark's too (every item's), a seek for most of
			 * the rare phrase's rows; without the mark only the rows holding every
			 * phrase are stepped, and each one's length is a %_docsize seek. */
			t->no_mark = least < rare && t->docsize;
		}
	}
	free(nhit);
	return rc;
}

static void top_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
		   sqlite3_value **val)
{
	struct search_top *t = nval >= 1 ? sqlite3_value_pointer(val[0], SEARCH_TOP_FN) : NULL;
	if (!t) {
		sqlite3_result_error(ctx, SEARCH_TOP_FN "(): no request bound", -1);
		return;
	}
	if (t->rc != SQLITE_OK || t->by_row == 1)
		;
	else if (t->by_row == 2)
		t->rc = top_row(api, fts, sqlite3_context_db_handle(ctx), t);
	else
		t->rc = top_choose(api, fts, sqlite3_context_db_handle(ctx), t);
	sqlite3_result_int(ctx, t->rc);
}

/* mcassess_tf(table): the first phrase's count in the row (impact lookups). */
static void tf_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int nval,
		  sqlite3_value **val)
{
	(void)nval;
	(void)val;
	int tf = 0, rc = phrase_tf(api, fts, 0, &tf);
	if (rc != SQLITE_OK)
		sqlite3_result_error_code(ctx, rc);
	else
		sqlite3_result_int(ctx, tf);
}

void search_top_free(struct search_top *t)
{
	free(t->rowid);
	free(t->score);
	t->rowid = NULL;
	t->score = NULL;
	t->n = 0;
	search_top_finish(t);
}

int search_fts_register(fts5_api *api)
{
	static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
	int rc = api->xCreateTokenizer(api, SEARCH_TOKENIZER, api, &tok, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, SEARCH_SNIPPET_FN, NULL, snippet_fn, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, SEARCH_TF_FN, NULL, tf_fn, NULL);
	if (rc == SQLITE_OK) {
		struct top_cache *c = mc_xcalloc(1, sizeof *c);
		rc = api->xCreateFunction(api, SEARCH_TOP_FN, c, top_fn, top_cache_free);
		if (rc != SQLITE_OK)
			top_cache_free(c);
	}
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

/* ---------------------------------------------------------------- on each connection */
fts5_api *search_fts_fetch_api(sqlite3_stmt *st)
{
	fts5_api *api = NULL;
	sqlite3_bind_pointer(st, 1, &api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_reset(st);
	return api;
}

/* Called by store_open's configure() on every connection, before any migration
 * (migration 3 creates the tables that name the tokenizer). */
int store_search_setup(sqlite3 *db)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db, SEARCH_FTS_API_SQL, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return rc;
	fts5_api *api = search_fts_fetch_api(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	return search_fts_register(api);
}
