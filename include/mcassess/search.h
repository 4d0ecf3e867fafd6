/* search.h: full-text search (FTS5, with a tokenizer that finds Chinese and
 * Japanese words) and regex search (PCRE2, UTF mode, JIT) over evidence text
 * and feedback; and the hooks that keep the index in step.
 *
 * The index (schema migration 3): `search_evidence`, an external-content FTS5
 * table over evidence.text (no second copy of the text), and `search_feedback`,
 * an FTS5 table over feedback.body (it keeps its own copy, so a changed feedback
 * can be replaced by rowid). Both use the tokenizer `mcassess` (src/search/fts.c),
 * registered on every connection the store opens. Writers call the search_index_*
 * hooks inside their own transactions; search_text() also catches up by itself
 * (high-water marks in meta), so rows written by code that did not call a hook, or
 * with the sqlite3 shell, are found as well. */
#ifndef MCASSESS_SEARCH_H
#define MCASSESS_SEARCH_H
#include <stddef.h>

#include "mcassess/error.h"

struct store;

/* Snippets mark each match between these two bytes; the CLI turns them into
 * "[" "]" or bold. They never occur in stored text (control characters). */
#define SEARCH_MARK_OPEN "\x01"
#define SEARCH_MARK_CLOSE "\x02"
/* Where a snippet was cut from its text. */
#define SEARCH_ELLIPSIS "…"

enum search_source { SEARCH_EVIDENCE = 0, SEARCH_FEEDBACK = 1 };

struct search_hit {
	enum search_source source;
	long long rowid;          /* evidence.id or feedback.id */
	long long submission_rowid;
	char *submission;         /* the imported submission id */
	char *part;               /* part code; "feedback" for feedback */
	char *snippet;            /* text around the match, matches marked (see above) */
	double rank;              /* text search: bm25, lower is better; regex: 0 */
	long long match_start;    /* regex: byte offsets of the first match in the whole */
	long long match_end;      /* text; text search: -1 */
};

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
 * (text: in rank order; regex: in a few hundred rows' batches) and freed after fn
 * returns, so memory does not grow with the number of hits. fn may take the hit's
 * strings (setting them to NULL); it returns non-zero to stop. */
typedef int (*search_hit_fn)(void *ctx, struct search_hit *hit);
int search_text_each(struct store *s, const char *query, const struct search_opts *o, search_hit_fn fn,
		     void *ctx, struct mc_error *err);
int search_regex_each(struct store *s, const char *pattern, const struct search_opts *o, search_hit_fn fn,
		      void *ctx, struct mc_error *err);

/* ---------------------------------------------------------------- index hooks
 * Call these inside your own transaction (store_begin .. store_commit): they
 * write only the index and its high-water marks in meta, never begin or commit.
 * Idempotent: calling one twice, or for a row already indexed, changes nothing. */

/* Index every evidence row with rowid <= evidence_rowid not yet indexed. */
int search_index_evidence(struct store *s, long long evidence_rowid, struct mc_error *err);
/* (Re)index this feedback row from its current body, plus any other feedback
 * changed since the index last caught up. A missing row is removed from the index. */
int search_index_feedback(struct store *s, long long feedback_rowid, struct mc_error *err);
/* Rebuild both tables from scratch (after a restore or a bulk change made by hand). */
int search_reindex(struct store *s, struct mc_error *err);
/* Empty the evidence index and move its mark back to the start (feedback is
 * reindexed at once: it is small); the next catch-up rebuilds the rest in steps. */
int search_reset(struct store *s, struct mc_error *err);

/* Rows written but not yet indexed (a read; cheap: two index lookups and the
 * feedback changed since the last catch-up). */
int search_pending(struct store *s, long long *evidence, long long *feedback, struct mc_error *err);
/* Index whatever is pending (nothing is written when nothing is pending). Outside a
 * transaction, in transactions of its own of 20,000 evidence rows each: an
 * interrupted run (Ctrl-C, a crash) keeps the rows it did and the next one carries
 * on; an index that must be rebuilt is emptied first and then filled the same way.
 * Inside the caller's transaction, all at once. *indexed (may be NULL) gets the
 * number of rows indexed. */
int search_catch_up(struct store *s, long long *indexed, struct mc_error *err);
/* The same, calling progress(ctx, evidence rows done, rows pending at the start)
 * after each transaction; when it returns non-zero, stops there (MC_OK; the rest
 * stays pending, and the next catch-up resumes). */
int search_catch_up_steps(struct store *s, int (*progress)(void *ctx, long long done, long long total),
			  void *ctx, long long *indexed, struct mc_error *err);
/* For bulk writers (demo), inside their transaction: index what is pending without
 * merging the index's segments; merge = 1 merges them once (its cost grows with the
 * whole index: once, at the end of the load). */
int search_index_bulk(struct store *s, int merge, long long *indexed, struct mc_error *err);

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

/* ---------------------------------------------------------------- SQL side (store_search.c) */
struct search_rank {
	enum search_source source;
	long long rowid;
	double rank;
};
/* Best `limit` (0 = all) rowids of one table for an FTS5 query, best first. */
int store_search_top(struct store *s, enum search_source src, const char *fts_query, int limit,
		     struct search_rank **out, int *n, struct mc_error *err);
/* The newest `limit` (0 = all) rowids matching, newest first; rank 0. */
int store_search_newest(struct store *s, enum search_source src, const char *fts_query, int limit,
			struct search_rank **out, int *n, struct mc_error *err);
/* Submission, part and snippet (`tokens` long) of one ranked row; MC_OK with
 * hit->submission NULL when the row is gone. */
int store_search_hit(struct store *s, enum search_source src, const char *fts_query,
		     long long rowid, int tokens, struct search_hit *hit, struct mc_error *err);
/* Every text of one table in rowid order; fn returns non-zero to stop. */
int store_search_scan(struct store *s, enum search_source src,
		      int (*fn)(void *ctx, long long rowid, const char *text, size_t len), void *ctx,
		      struct mc_error *err);
/* Submission and part of one row (for regex hits). */
int store_search_locate(struct store *s, enum search_source src, long long rowid,
			struct search_hit *hit, struct mc_error *err);
/* 1 while the store is inside a transaction (hooks then write in it). */
int store_search_in_tx(struct store *s);
#endif
