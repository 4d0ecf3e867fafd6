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

/* ---------------------------------------------------------------- ranking: mcassess_top() */

#define BM25_K1 1.2
#define BM25_B 0.75

/* One phrase's rows in rowid order, with the phrase's count in each. */
struct plist {
	long long *rowid;
	int *tf;          /* cand: nph counts a row */
	long n, cap;
	int nph;          /* counts a row */
};

static void plist_free(struct plist *l)
{
	free(l->rowid);
	free(l->tf);
	memset(l, 0, sizeof *l);
}

static int phrase_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
	struct plist *l = p;
	Fts5PhraseIter it;
	int ic, io, tf = 0;
	int rc = api->xPhraseFirst(fts, 0, &it, &ic, &io);
	for (; rc == SQLITE_OK && ic >= 0; api->xPhraseNext(fts, &it, &ic, &io))
		tf++;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->rowid = mc_xrealloc(l->rowid, sizeof *l->rowid * (size_t)l->cap);
		l->tf = mc_xrealloc(l->tf, sizeof *l->tf * (size_t)l->cap);
	}
	l->rowid[l->n] = api->xRowid(fts);
	l->tf[l->n++] = tf;
	return rc;
}

/* Rows in both: cand (nph counts a row) and l (one); cand gets nph + 1 counts a row. */
static void plist_and(struct plist *cand, const struct plist *l)
{
	int w = cand->nph + 1;
	struct plist out = { mc_xmalloc(sizeof *out.rowid * (size_t)(cand->n ? cand->n : 1)),
			     mc_xmalloc(sizeof *out.tf * (size_t)(cand->n ? cand->n : 1) * (size_t)w), 0, 0, w };
	for (long a = 0, b = 0; a < cand->n && b < l->n;) {
		if (cand->rowid[a] < l->rowid[b]) {
			a++;
		} else if (cand->rowid[a] > l->rowid[b]) {
			b++;
		} else {
			out.rowid[out.n] = cand->rowid[a];
			memcpy(out.tf + out.n * w, cand->tf + a * cand->nph, sizeof *out.tf * (size_t)cand->nph);
			out.tf[out.n * w + cand->nph] = l->tf[b];
			out.n++, a++, b++;
		}
	}
	out.cap = out.n;
	plist_free(cand);
	*cand = out;
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

/* The length-mark pass: each candidate's length, its score, into the heap. */
struct score_pass {
	const struct plist *cand;
	const double *idf;
	double avgdl;
	long at;
	struct heap h;
};

/* FTS5's bm25() (fts5_aux.c), term by term in the same order: the same doubles. */
static double bm25_score(const struct score_pass *sp, long at, double dl)
{
	const struct plist *c = sp->cand;
	double score = 0;
	for (int i = 0; i < c->nph; i++) {
		double tf = c->tf[at * c->nph + i];
		score += sp->idf[i] * (tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * dl / sp->avgdl)));
	}
	return -1.0 * score;
}

static int mark_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *p)
{
	struct score_pass *sp = p;
	const struct plist *c = sp->cand;
	long long rowid = api->xRowid(fts);
	while (sp->at < c->n && c->rowid[sp->at] < rowid)
		sp->at++;
	if (sp->at == c->n)
		return SQLITE_DONE;   /* no candidate left: stop reading */
	if (c->rowid[sp->at] != rowid)
		return SQLITE_OK;
	Fts5PhraseIter it;
	int ic, io;
	int rc = api->xPhraseFirst(fts, 0, &it, &ic, &io);
	if (rc != SQLITE_OK)
		return rc;
	heap_push(&sp->h, rowid, bm25_score(sp, sp->at, io >= 0 ? io + 1 : 0));
	sp->at++;
	return SQLITE_OK;
}

/* The few-matches pass: each candidate's length from %_docsize (FTS5's record: a
 * varint a column, as SQLite writes varints). */
static int docsize_pass(sqlite3 *db, const char *table, struct score_pass *sp)
{
	const struct plist *c = sp->cand;
	sqlite3_blob *b = NULL;
	int rc = SQLITE_OK;
	for (long i = 0; i < c->n && rc == SQLITE_OK; i++) {
		rc = b ? sqlite3_blob_reopen(b, c->rowid[i])
		       : sqlite3_blob_open(db, "main", table, "sz", c->rowid[i], 0, &b);
		if (rc != SQLITE_OK)
			break;
		unsigned char buf[9];
		int n = sqlite3_blob_bytes(b);
		if (n > (int)sizeof buf)
			n = sizeof buf;
		if ((rc = sqlite3_blob_read(b, buf, n, 0)) != SQLITE_OK)
			break;
		unsigned long long v = 0;
		for (int k = 0; k < n; k++) {
			if (k == 8) {
				v = (v << 8) | buf[k];
				break;
			}
			v = (v << 7) | (buf[k] & 0x7f);
			if (!(buf[k] & 0x80))
				break;
		}
		heap_push(&sp->h, c->rowid[i], bm25_score(sp, i, (double)v));
	}
	sqlite3_blob_close(b);
	return rc;
}

static int top_run(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3 *db, struct search_top *t)
{
	int nph = api->xPhraseCount(fts) - 1;   /* the last is the length mark */
	sqlite3_int64 nrow = 0, ntok = 0;
	int rc = api->xRowCount(fts, &nrow);
	if (rc == SQLITE_OK)
		rc = api->xColumnTotalSize(fts, -1, &ntok);
	if (rc != SQLITE_OK || nph < 1 || nrow <= 0)
		return rc;
	double *idf = mc_xcalloc((size_t)nph, sizeof *idf);
	struct plist cand = { 0 }, l = { 0 };
	for (int i = 0; rc == SQLITE_OK && i < nph; i++) {
		struct plist *into = i == 0 ? &cand : &l;
		into->n = 0;
		into->nph = 1;
		rc = api->xQueryPhrase(fts, i, into, phrase_row);
		idf[i] = log(((double)nrow - (double)into->n + 0.5) / ((double)into->n + 0.5));
		if (idf[i] <= 0.0)
			idf[i] = 1e-6;
		if (rc == SQLITE_OK && i > 0)
			plist_and(&cand, &l);
	}
	t->matched = cand.n;
	if (rc == SQLITE_OK && cand.n > 0) {
		struct score_pass sp = { &cand, idf, (double)ntok / (double)nrow, 0, { t, 0 } };
		if (t->docsize && cand.n * 16 < nrow)
			rc = docsize_pass(db, t->docsize, &sp);
		else
			rc = api->xQueryPhrase(fts, nph, &sp, mark_row);
		heap_sort(t);
	}
	plist_free(&cand);
	plist_free(&l);
	free(idf);
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
	t->rc = top_run(api, fts, sqlite3_context_db_handle(ctx), t);
	sqlite3_result_int(ctx, t->rc);
}

void search_top_free(struct search_top *t)
{
	free(t->rowid);
	free(t->score);
	t->rowid = NULL;
	t->score = NULL;
	t->n = 0;
}

int search_fts_register(fts5_api *api)
{
	static fts5_tokenizer tok = { tok_create, tok_delete, tok_tokenize };
	int rc = api->xCreateTokenizer(api, SEARCH_TOKENIZER, api, &tok, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, SEARCH_SNIPPET_FN, NULL, snippet_fn, NULL);
	if (rc == SQLITE_OK)
		rc = api->xCreateFunction(api, SEARCH_TOP_FN, NULL, top_fn, NULL);
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
