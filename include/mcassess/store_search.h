/* store_search.h: the store's side of search (store_search.c): the full-text
 * index and its upkeep, and the rows a search reads. Queries: search.h. */
#ifndef MCASSESS_STORE_SEARCH_H
#define MCASSESS_STORE_SEARCH_H
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
/* The ranking (impact) index from what the FTS5 tables hold, inside the caller's
 * transaction: for an index built before it (catch-up calls it then; the hooks and
 * search_reindex keep it in step from then on). Tokenizes every indexed row once. */
int store_search_impact_build(struct store *s, struct mc_error *err);

/* Rows written but not yet indexed (a read; cheap: two index lookups and the
 * feedback changed since the last catch-up). */
int search_pending(struct store *s, long long *evidence, long long *feedback, struct mc_error *err);
/* The evidence (by id) the ranking index still has to take in before it is used: 0
 * when it is built; after an upgrade to a new format of it, the whole evidence (less
 * what an interrupted build did). A read. */
int search_rank_pending(struct store *s, long long *evidence, struct mc_error *err);
/* Index whatever is pending (nothing is written when nothing is pending). Inside the
 * caller's transaction: all at once. On its own: in transactions of 20,000 evidence
 * rows each, telling progress_report() after each, so that an interrupted build
 * (Ctrl-C, a crash) keeps what it did and the next catch-up carries on; an index that
 * must be rebuilt (older format, evidence deleted at the top) is emptied first and
 * filled the same way. *indexed (may be NULL) gets the number of rows indexed. */
int search_catch_up(struct store *s, long long *indexed, struct mc_error *err);
/* The same, calling progress(ctx, evidence rows done, rows pending at the start)
 * after each transaction; when it returns non-zero, stops there (MC_OK: the rest
 * stays pending and the next catch-up resumes). */
int search_catch_up_steps(struct store *s, int (*progress)(void *ctx, long long done, long long total),
			  void *ctx, long long *indexed, struct mc_error *err);
/* The start of a rebuild, inside the caller's transaction: the evidence index
 * emptied, its mark back at the start (feedback, small, reindexed at once); the
 * next catch-up fills it in steps. */
int search_reset(struct store *s, struct mc_error *err);
/* For bulk writers (demo), inside their transaction: index what is pending without
 * merging the index's segments; merge = 1 merges them once (its cost grows with the
 * whole index: once, at the end of the load). */
int search_index_bulk(struct store *s, int merge, long long *indexed, struct mc_error *err);

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
/* Every match of one table, one at a time (`--limit 0`): by bm25 best first (FTS5's
 * own ranking, sorted by SQLite with bounded memory), or newest first (newest = 1).
 * *have is 0 at the end. */
struct store_search_stream;
int store_search_stream_open(struct store *s, enum search_source src, const char *fts_query, int newest,
			     struct store_search_stream **c, struct mc_error *err);
int store_search_stream_next(struct store_search_stream *c, struct search_rank *r, int *have,
			     struct mc_error *err);
void store_search_stream_close(struct store_search_stream **c);
/* Keep, in order, only the ranks of rows in submissions assigned to the
 * store's scope user (an assessor's: a few submissions, read in one query);
 * *n shrinks. Other scopes leave the ranks as they are. */
int store_search_keep_assigned(struct store *s, enum search_source src, struct search_rank *ranks, int *n,
			       struct mc_error *err);
/* store_search_top among the rows of the scope user's assigned submissions only
 * (an assessor's): each of those rows scored (a lookup a word and row, through the
 * ranking index), not every match of the whole index. */
int store_search_top_assigned(struct store *s, enum search_source src, const char *fts_query, int limit,
			      struct search_rank **out, int *n, struct mc_error *err);
/* Submission, part and snippet (`tokens` long) of one ranked row, when the
 * store's scope holds it; MC_OK with hit->submission NULL when the row is gone
 * or not in the scope. */
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

/* ---------------------------------------------------------------- the tokenizer (fts.c)
 * What the index sees of text[0..len): the tokenizer `mcassess` (query: as a query is
 * tokenized), cb called for each token with its bytes as indexed, its byte offsets in
 * text and 1 when it sits at the same position as the token before. The index's own
 * length mark is not passed on. cb returns 0 to go on. MC_FAIL (err says why) when this
 * SQLite has no FTS5 or the tokenizer fails. */
typedef int (*store_token_fn)(void *ctx, const char *tok, int ntok, int start, int end, int colocated);
int store_search_tokenize(struct store *s, const char *text, size_t len, int query, store_token_fn cb,
			  void *ctx, struct mc_error *err);
/* Decode the code point at text[i] (i < len), never reading past len; returns the
 * byte length (>= 1); an invalid byte decodes as U+FFFD of length 1. */
int search_utf8_next(const char *text, size_t len, size_t i, unsigned *cp);
/* 1 for the characters indexed as CJK bigrams: ideographs, kana, hangul, 々 〆 〇. */
int search_is_cjk(unsigned cp);
#endif
