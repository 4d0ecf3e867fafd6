/* search.h: full-text search (FTS5, with a tokenizer that finds Chinese and
 * Japanese words) and regex search (PCRE2, UTF mode, JIT) over evidence text
 * and feedback; and the hooks that keep the index in step.
 *
 * The index (schema migration 3): `search_evidence`, an external-content FTS5
 * table over evidence.text (no second copy of the text), and `search_feedback`,
 * an FTS5 table over feedback.body (it keeps its own copy, so a changed feedback
 * can be replaced by rowid). Both use the tokenizer `mcassess` (src/store/fts.c),
 * registered on every connection the store opens. Writers call the search_index_*
 * hooks inside their own transactions; search_text() also catches up by itself
 * (high-water marks in meta), so rows written by code that did not call a hook, or
 * with the sqlite3 shell, are found as well. */
#ifndef MCASSESS_SEARCH_H
#define MCASSESS_SEARCH_H
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/store_search.h"

struct store;

enum search_order {
	SEARCH_BY_RANK = 0,   /* bm25, best first */
	SEARCH_BY_NEWEST,     /* text only: the newest evidence first, then the newest feedback;
			       * stops after `limit` matches (the first page of a common word) */
};

struct search_opts {
	int limit;      /* at most this many hits; 0 = all */
	int context;    /* text: tokens in the snippet; regex: characters each side (0 = default) */
	int caseless;   /* regex: ignore case */
	enum search_order order;   /* text search */
};

/* Text search: `query` is words (all must occur), "a phrase" in double quotes, or
 * word* for a prefix. Chinese/Japanese runs match as overlapping two-character
 * tokens, so any word of two characters or more is found; a single CJK character
 * is searched as a prefix. Hits are ranked by bm25, best first (or newest first:
 * o->order). Catches the index
 * up first (its own transaction, unless the store is inside one).
 * MC_USAGE when the query has no words. */
int search_text(struct store *s, const char *query, const struct search_opts *o,
		struct search_hit **hits, int *n, struct mc_error *err);

/* Regex search: PCRE2 in UTF mode (Unicode \w \b \d: PCRE2_UCP) with JIT, over the
 * evidence text in rowid order, then the feedback. A bad pattern is MC_USAGE with
 * "search: bad pattern at offset N: <PCRE2's message>" (N counts characters from 0). */
int search_regex(struct store *s, const char *pattern, const struct search_opts *o,
		 struct search_hit **hits, int *n, struct mc_error *err);

void search_hits_free(struct search_hit **hits, int n);

/* The same two searches, streamed: each hit is handed to fn as soon as it is made
 * (text: in rank order, snippets made one at a time; regex: in the order of the
 * rows, located a few hundred at a time) and freed after fn returns, so memory does
 * not grow with the hits' text. fn may take the hit's strings (setting them to NULL);
 * it returns non-zero to stop (then MC_OK). Masking is core's: precheck_search_each. */
typedef int (*search_hit_fn)(void *ctx, struct search_hit *hit);
int search_text_each(struct store *s, const char *query, const struct search_opts *o, search_hit_fn fn,
		     void *ctx, struct mc_error *err);
int search_regex_each(struct store *s, const char *pattern, const struct search_opts *o, search_hit_fn fn,
		      void *ctx, struct mc_error *err);
/* A search_hit_fn that collects the hits into a list; then _take hands the list
 * over as an array (freed, and NULL, when rc is not MC_OK or nothing was found). */
struct search_hit_list {
	struct search_hit *hits;
	int n, cap;
};
int search_hit_list_add(void *list, struct search_hit *hit);
int search_hit_list_take(int rc, struct search_hit_list *list, struct search_hit **hits, int *n);

/* ---------------------------------------------------------------- the tokenizer
 * What the index sees: the tokenizer `mcassess` applied to `text`. query = 1
 * tokenizes as a query does (no extra single-character tokens at the ends of CJK runs). */
struct search_token {
	char *text;
	int start, end;   /* byte offsets in the input */
	int colocated;    /* at the same position as the token before */
};
int search_tokens(struct store *s, const char *text, int query, struct search_token **toks,
		  int *n, struct mc_error *err);
void search_tokens_free(struct search_token **toks, int n);

/* ---------------------------------------------------------------- regex, for the pager
 * The compiled pattern behind search_regex(), for the TUI's `/`, `n`, `N`. */
struct search_re;
int search_re_compile(const char *pattern, int caseless, struct search_re **out,
		      struct mc_error *err);
/* The first match at or after byte `from` of text[0..len) (valid UTF-8; `from` on a
 * character boundary): 1 and [*start, *end), 0 when none, -1 on a matcher error
 * (message in err: the match limit, or the JIT stack). */
int search_re_next(struct search_re *re, const char *text, size_t len, size_t from,
		   size_t *start, size_t *end, struct mc_error *err);
/* A snippet of text around the match [start, end): `context` characters either side,
 * "…" where cut, every match in the window marked. Heap. */
char *search_re_snippet(struct search_re *re, const char *text, size_t len, size_t start,
			size_t end, int context);
void search_re_free(struct search_re **re);

#endif
