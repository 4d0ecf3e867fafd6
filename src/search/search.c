/* search.c: the search API: text queries through FTS5, regex scans through
 * PCRE2, one shape of result for both. No SQL here (store_search.c). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/search.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

#define TEXT_SNIPPET_TOKENS 12  /* tokens in a text-search snippet */
#define REGEX_CONTEXT 30        /* characters either side of a regex match */

void search_hits_free(struct search_hit **hits, int n)
{
	if (!*hits)
		return;
	for (int i = 0; i < n; i++) {
		free((*hits)[i].submission);
		free((*hits)[i].part);
		free((*hits)[i].snippet);
	}
	free(*hits);
	*hits = NULL;
}

/* ---------------------------------------------------------------- the tokenizer, for callers */

struct token_list {
	struct search_token *t;
	int n, cap;
};

static int add_token(void *p, const char *tok, int ntok, int start, int end, int colocated)
{
	struct token_list *l = p;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->t = mc_xrealloc(l->t, sizeof *l->t * (size_t)l->cap);
	}
	l->t[l->n++] = (struct search_token){ mc_xstrndup(tok, (size_t)ntok), start, end, colocated };
	return 0;
}

int search_tokens(struct store *s, const char *text, int query, struct search_token **toks, int *n,
		  struct mc_error *err)
{
	struct token_list l = { NULL, 0, 0 };
	*toks = NULL;
	*n = 0;
	int rc = store_search_tokenize(s, text, strlen(text), query, add_token, &l, err);
	if (rc != MC_OK) {
		search_tokens_free(&l.t, l.n);
		return rc;
	}
	*toks = l.t;
	*n = l.n;
	return MC_OK;
}

void search_tokens_free(struct search_token **toks, int n)
{
	if (!*toks)
		return;
	for (int i = 0; i < n; i++)
		free((*toks)[i].text);
	free(*toks);
	*toks = NULL;
}

/* ---------------------------------------------------------------- text queries */

/* One term of the user's query as an FTS5 string: quoted (so no word is taken for
 * an operator), `"` doubled, `*` after it for a prefix. A term of one CJK character
 * is a prefix: the index holds it as the first character of bigrams. Terms with
 * nothing to index (punctuation alone) are dropped. */
static void add_term(struct store *s, struct mc_buf *q, const char *t, size_t len, int prefix)
{
	char *term = mc_xstrndup(t, len);
	struct search_token *toks;
	int n;
	struct mc_error err = MC_ERROR_INIT;
	if (search_tokens(s, term, 1, &toks, &n, &err) != MC_OK || n == 0) {
		mc_error_clear(&err);
		free(term);
		return;
	}
	unsigned cp;
	if (n == 1 && (size_t)search_utf8_next(term, len, 0, &cp) == len && search_is_cjk(cp))
		prefix = 1;
	search_tokens_free(&toks, n);
	if (q->len)
		mc_buf_addc(q, ' ');
	mc_buf_addc(q, '"');
	for (const char *p = term; *p; p++) {
		if (*p == '"')
			mc_buf_addc(q, '"');
		mc_buf_addc(q, *p);
	}
	mc_buf_addc(q, '"');
	if (prefix)
		mc_buf_addc(q, '*');
	free(term);
}

/* The user's words as an FTS5 query: words (all must occur), "a phrase", word*. */
static char *fts_query(struct store *s, const char *user)
{
	struct mc_buf q = MC_BUF_INIT;
	const char *p = user;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		const char *start;
		size_t len;
		if (*p == '"') {
			start = ++p;
			while (*p && *p != '"')
				p++;
			len = (size_t)(p - start);
			if (*p)
				p++;
		} else {
			start = p;
			while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r' && *p != '"')
				p++;
			len = (size_t)(p - start);
		}
		int prefix = 0;
		if (*p == '*') {
			prefix = 1;
			p++;
		} else if (len > 1 && start[len - 1] == '*') {
			prefix = 1;
			len--;
		}
		add_term(s, &q, start, len, prefix);
	}
	return mc_buf_steal(&q);
}

static int rank_cmp(const void *a, const void *b)
{
	const struct search_rank *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	return (x->rowid > y->rowid) - (x->rowid < y->rowid);
}

static void hit_clear(struct search_hit *h)
{
	free(h->submission);
	free(h->part);
	free(h->snippet);
	memset(h, 0, sizeof *h);
}

/* Hand one hit to fn (which may take its strings, zeroing them), then free what is left. */
static int give(struct search_hit *h, search_hit_fn fn, void *ctx)
{
	int stop = fn(ctx, h);
	hit_clear(h);
	return stop;
}

/* One ranked row as a hit handed to fn (nothing when the row is gone or out of
 * scope): *given counts it, *stop is fn's answer. */
static int give_row(struct store *s, const struct search_rank *r, const char *q, int tokens, search_hit_fn fn,
		    void *ctx, int *given, int *stop, struct mc_error *err)
{
	struct search_hit x = { .source = r->source, .rowid = r->rowid, .rank = r->rank,
				.match_start = -1, .match_end = -1 };
	int rc = store_search_hit(s, r->source, q, r->rowid, tokens, &x, err);
	if (rc == MC_OK && x.submission) {
		*stop = give(&x, fn, ctx);
		(*given)++;
	} else {
		hit_clear(&x); /* the row is gone since it was indexed, or not the user's */
	}
	return rc;
}

/* Every match (`--limit 0`), the two tables' streams merged (by rank; newest: all
 * the evidence, then the feedback): memory does not grow with the matches. */
static int text_all(struct store *s, const char *q, const struct search_opts *o, search_hit_fn fn, void *ctx,
		    struct mc_error *err)
{
	int newest = o->order == SEARCH_BY_NEWEST, tokens = o->context > 0 ? o->context : TEXT_SNIPPET_TOKENS;
	struct store_search_stream *ev = NULL, *fb = NULL;
	struct search_rank a, b;
	int ha = 0, hb = 0, stop = 0, given = 0;
	int rc = store_search_stream_open(s, SEARCH_EVIDENCE, q, newest, &ev, err);
	if (rc == MC_OK)
		rc = store_search_stream_open(s, SEARCH_FEEDBACK, q, newest, &fb, err);
	if (rc == MC_OK)
		rc = store_search_stream_next(ev, &a, &ha, err);
	if (rc == MC_OK)
		rc = store_search_stream_next(fb, &b, &hb, err);
	while (rc == MC_OK && !stop && (ha || hb)) {
		int take_ev = ha && (!hb || newest || rank_cmp(&a, &b) <= 0);
		rc = give_row(s, take_ev ? &a : &b, q, tokens, fn, ctx, &given, &stop, err);
		if (rc == MC_OK)
			rc = take_ev ? store_search_stream_next(ev, &a, &ha, err) : store_search_stream_next(fb, &b, &hb, err);
	}
	store_search_stream_close(&ev);
	store_search_stream_close(&fb);
	return rc;
}

int search_text_each(struct store *s, const char *query, const struct search_opts *o, search_hit_fn fn,
		     void *ctx, struct mc_error *err)
{
	int rc = search_catch_up(s, NULL, err);
	if (rc != MC_OK)
		return rc;
	char *q = fts_query(s, query);
	if (!*q) {
		free(q);
		return mc_error_set(err, MC_USAGE, "search: '%s' has no words to search for", query);
	}
	/* an assessor's few submissions are quicker found by the ranks below (one query) */
	if (o->limit == 0 && store_scope_kind(s) != STORE_SCOPE_ASSIGNED) {
		rc = text_all(s, q, o, fn, ctx, err);
		free(q);
		return rc;
	}
	/* One read transaction for the ranking and the hits: one snapshot of the index
	 * and the rows, and one lock, not one for each of the hundreds of statements. */
	int own_tx = !store_in_tx(s);
	if (own_tx && (rc = store_begin_read(s, err)) != MC_OK) {
		free(q);
		return rc;
	}
	struct search_rank *ev = NULL, *fb = NULL;
	int nev = 0, nfb = 0;
	int whole = store_scope_kind(s) == STORE_SCOPE_ALL;
	int assigned = store_scope_kind(s) == STORE_SCOPE_ASSIGNED && o->order != SEARCH_BY_NEWEST;
	int (*top)(struct store *, enum search_source, const char *, int, struct search_rank **, int *,
		   struct mc_error *) = o->order == SEARCH_BY_NEWEST ? store_search_newest
				      : assigned			 ? store_search_top_assigned
									 : store_search_top;
	/* The best matches of the whole index may all lie outside what the acting
	 * user may see (their hits are not read: STORE_SCOPE): then rank every match
	 * and read hits until the limit is reached among theirs; an assessor's few
	 * rows are ranked alone. */
	int rank_limit = whole || assigned ? o->limit : 0;
	rc = top(s, SEARCH_EVIDENCE, q, rank_limit, &ev, &nev, err);
	if (rc == MC_OK && (rank_limit == 0 || nev < rank_limit || o->order != SEARCH_BY_NEWEST))
		rc = top(s, SEARCH_FEEDBACK, q, rank_limit, &fb, &nfb, err);
	/* an assessor's few submissions: drop the others' ranks at once, not a hit query each */
	if (rc == MC_OK)
		rc = store_search_keep_assigned(s, SEARCH_EVIDENCE, ev, &nev, err);
	if (rc == MC_OK)
		rc = store_search_keep_assigned(s, SEARCH_FEEDBACK, fb, &nfb, err);
	int total = nev + nfb;
	struct search_rank *all = mc_xmalloc(sizeof *all * (size_t)(total ? total : 1));
	if (nev)
		memcpy(all, ev, sizeof *ev * (size_t)nev);
	if (nfb)
		memcpy(all + nev, fb, sizeof *fb * (size_t)nfb);
	if (o->order != SEARCH_BY_NEWEST)
		qsort(all, (size_t)total, sizeof *all, rank_cmp);
	if (whole && o->limit > 0 && total > o->limit)
		total = o->limit;
	/* One hit at a time: its snippet is made, handed over and freed before the next. */
	int tokens = o->context > 0 ? o->context : TEXT_SNIPPET_TOKENS, given = 0, stop = 0;
	for (int i = 0; rc == MC_OK && !stop && i < total && (o->limit <= 0 || given < o->limit); i++)
		rc = give_row(s, &all[i], q, tokens, fn, ctx, &given, &stop, err);
	if (own_tx)
		store_end_read(s);
	free(ev);
	free(fb);
	free(all);
	free(q);
	return rc;
}

int search_hit_list_add(void *list, struct search_hit *h)
{
	struct search_hit_list *c = list;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->hits = mc_xrealloc(c->hits, sizeof *c->hits * (size_t)c->cap);
	}
	c->hits[c->n++] = *h;
	memset(h, 0, sizeof *h);
	return 0;
}

int search_hit_list_take(int rc, struct search_hit_list *c, struct search_hit **hits, int *n)
{
	if (rc != MC_OK || c->n == 0) {
		search_hits_free(&c->hits, c->n);
		c->n = 0;
	}
	*hits = c->hits;
	*n = c->n;
	return rc;
}

int search_text(struct store *s, const char *query, const struct search_opts *o,
		struct search_hit **hits, int *n, struct mc_error *err)
{
	struct search_hit_list c = { 0 };
	return search_hit_list_take(search_text_each(s, query, o, search_hit_list_add, &c, err), &c, hits, n);
}

/* ---------------------------------------------------------------- regex scans */

#define LOCATE_BATCH 256 /* regex hits located (and handed over) at a time */

struct scan {
	struct store *s;
	struct search_re *re;
	enum search_source src;
	int limit, context;
	struct search_hit hits[LOCATE_BATCH];
	int n;      /* in hits[] */
	long given; /* handed over so far */
	int failed, stopped, rc;
	search_hit_fn fn;
	void *ctx;
	struct mc_error *err;
};

/* Where the batch's hits are (a query each, after the batch's rows were read: the
 * scan stays a bare read of the rows), then each handed over. */
static void flush(struct scan *sc)
{
	for (int i = 0; i < sc->n; i++) {
		struct search_hit *h = &sc->hits[i];
		if (sc->rc == MC_OK && !sc->stopped)
			sc->rc = store_search_locate(sc->s, h->source, h->rowid, h, sc->err);
		if (sc->rc == MC_OK && !sc->stopped && h->submission) {
			sc->stopped = give(h, sc->fn, sc->ctx);
			sc->given++;
		} else {
			hit_clear(h); /* evidence of a submission that is gone */
		}
	}
	sc->n = 0;
}

static int scan_row(void *p, long long rowid, const char *text, size_t len)
{
	struct scan *sc = p;
	size_t ms, me;
	int m = search_re_next(sc->re, text, len, 0, &ms, &me, sc->err);
	if (m < 0) {
		sc->failed = 1;
		return 1;
	}
	if (m == 0)
		return 0;
	struct search_hit *h = &sc->hits[sc->n++];
	memset(h, 0, sizeof *h);
	h->source = sc->src;
	h->rowid = rowid;
	h->match_start = (long long)ms;
	h->match_end = (long long)me;
	h->snippet = search_re_snippet(sc->re, text, len, ms, me, sc->context);
	if (sc->n == LOCATE_BATCH || (sc->limit > 0 && sc->given + sc->n >= sc->limit))
		flush(sc);
	return sc->rc != MC_OK || sc->stopped || (sc->limit > 0 && sc->given >= sc->limit);
}

int search_regex_each(struct store *s, const char *pattern, const struct search_opts *o, search_hit_fn fn,
		      void *ctx, struct mc_error *err)
{
	struct search_re *re;
	int rc = search_re_compile(pattern, o->caseless, &re, err);
	if (rc != MC_OK)
		return rc;
	struct scan *sc = mc_xcalloc(1, sizeof *sc);
	*sc = (struct scan){ .s = s, .re = re, .limit = o->limit, .fn = fn, .ctx = ctx, .err = err,
			     .context = o->context > 0 ? o->context : REGEX_CONTEXT, .src = SEARCH_EVIDENCE };
	rc = store_search_scan(s, SEARCH_EVIDENCE, scan_row, sc, err);
	flush(sc);
	if (rc == MC_OK && sc->rc == MC_OK && !sc->failed && !sc->stopped &&
	    (sc->limit == 0 || sc->given < sc->limit)) {
		sc->src = SEARCH_FEEDBACK;
		rc = store_search_scan(s, SEARCH_FEEDBACK, scan_row, sc, err);
		flush(sc);
	}
	if (rc == MC_OK)
		rc = sc->rc;
	if (rc == MC_OK && sc->failed)
		rc = err && err->status != MC_OK ? (int)err->status : MC_FAIL;
	search_re_free(&sc->re);
	free(sc);
	return rc;
}

int search_regex(struct store *s, const char *pattern, const struct search_opts *o,
		 struct search_hit **hits, int *n, struct mc_error *err)
{
	struct search_hit_list c = { 0 };
	return search_hit_list_take(search_regex_each(s, pattern, o, search_hit_list_add, &c, err), &c, hits,
				    n);
}
