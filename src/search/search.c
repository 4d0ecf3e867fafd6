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

int search_text(struct store *s, const char *query, const struct search_opts *o,
		struct search_hit **hits, int *n, struct mc_error *err)
{
	*hits = NULL;
	*n = 0;
	int rc = search_catch_up(s, NULL, err);
	if (rc != MC_OK)
		return rc;
	char *q = fts_query(s, query);
	if (!*q) {
		free(q);
		return mc_error_set(err, MC_USAGE, "search: '%s' has no words to search for", query);
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
	struct search_hit *h = mc_xcalloc((size_t)(total ? total : 1), sizeof *h);
	int k = 0;
	int tokens = o->context > 0 ? o->context : TEXT_SNIPPET_TOKENS;
	for (int i = 0; rc == MC_OK && i < total && (o->limit <= 0 || k < o->limit); i++) {
		struct search_hit *x = &h[k];
		x->source = all[i].source;
		x->rowid = all[i].rowid;
		x->rank = all[i].rank;
		x->match_start = x->match_end = -1;
		rc = store_search_hit(s, all[i].source, q, all[i].rowid, tokens, x, err);
		if (x->submission)
			k++;   /* else: the row is gone since it was indexed */
	}
	free(ev);
	free(fb);
	free(all);
	free(q);
	if (rc != MC_OK) {
		search_hits_free(&h, total);
		return rc;
	}
	if (k == 0)
		search_hits_free(&h, total);
	*hits = h;
	*n = k;
	return MC_OK;
}

/* ---------------------------------------------------------------- regex scans */

struct scan {
	struct search_re *re;
	enum search_source src;
	int limit, context;
	struct search_hit *hits;
	int n, cap;
	int failed;
	struct mc_error *err;
};

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
	if (sc->n == sc->cap) {
		sc->cap = sc->cap ? sc->cap * 2 : 32;
		sc->hits = mc_xrealloc(sc->hits, sizeof *sc->hits * (size_t)sc->cap);
	}
	struct search_hit *h = &sc->hits[sc->n++];
	memset(h, 0, sizeof *h);
	h->source = sc->src;
	h->rowid = rowid;
	h->match_start = (long long)ms;
	h->match_end = (long long)me;
	h->snippet = search_re_snippet(sc->re, text, len, ms, me, sc->context);
	return sc->limit > 0 && sc->n >= sc->limit;
}

int search_regex(struct store *s, const char *pattern, const struct search_opts *o,
		 struct search_hit **hits, int *n, struct mc_error *err)
{
	*hits = NULL;
	*n = 0;
	struct scan sc = { 0 };
	int rc = search_re_compile(pattern, o->caseless, &sc.re, err);
	if (rc != MC_OK)
		return rc;
	sc.limit = o->limit;
	sc.context = o->context > 0 ? o->context : REGEX_CONTEXT;
	sc.err = err;
	sc.src = SEARCH_EVIDENCE;
	rc = store_search_scan(s, SEARCH_EVIDENCE, scan_row, &sc, err);
	if (rc == MC_OK && !sc.failed && (sc.limit == 0 || sc.n < sc.limit)) {
		sc.src = SEARCH_FEEDBACK;
		rc = store_search_scan(s, SEARCH_FEEDBACK, scan_row, &sc, err);
	}
	if (rc == MC_OK && sc.failed)
		rc = err && err->status != MC_OK ? (int)err->status : MC_FAIL;
	/* Where the hits are, once the scan is over (it stays a bare read of the rows). */
	int k = 0;
	for (int i = 0; rc == MC_OK && i < sc.n; i++) {
		struct search_hit *h = &sc.hits[i];
		rc = store_search_locate(s, h->source, h->rowid, h, err);
		if (rc == MC_OK && !h->submission) {
			free(h->snippet);
			h->snippet = NULL;
			continue;   /* evidence of a submission that is gone */
		}
		if (k != i) {
			sc.hits[k] = *h;
			memset(h, 0, sizeof *h);
		}
		k++;
	}
	search_re_free(&sc.re);
	if (rc != MC_OK) {
		search_hits_free(&sc.hits, sc.n);
		return rc;
	}
	if (k == 0)
		search_hits_free(&sc.hits, sc.n);
	*hits = sc.hits;
	*n = k;
	return MC_OK;
}
