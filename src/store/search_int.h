/* search_int.h: the FTS5 extension (fts.c, fts_impact.c) and store_search.c, inside the
 * store; nothing outside src/store includes it (src/search uses store_search.h). */
#ifndef MCASSESS_SEARCH_INT_H
#define MCASSESS_SEARCH_INT_H
#include <stddef.h>

#include <sqlite3.h>

#include "mcassess/error.h"
#include "mcassess/store_search.h"

struct store;

#define SEARCH_TOKENIZER "mcassess"      /* the FTS5 tokenizer's name (schema.sql uses it) */
#define SEARCH_SNIPPET_FN "mcassess_snippet" /* mcassess_snippet(table, tokens) */
#define SEARCH_TOP_FN "mcassess_top"     /* mcassess_top(table, ?): see struct search_top */
#define SEARCH_TF_FN "mcassess_tf"       /* mcassess_tf(table): the first phrase's count in the row */
#define SEARCH_BM25_K1 1.2               /* FTS5's bm25 parameters */
#define SEARCH_BM25_B 0.75

/* The length mark: in every document the tokenizer adds this token at the position
 * of the last token (colocated: the document's size is unchanged), so a query that
 * ends with it learns each row's length from the mark's position, without FTS5's
 * docsize lookup (one SQL statement a row: 0.5 us, most of what bm25 cost).
 * Control characters: no text yields it; a query yields it only from exactly this. */
#define SEARCH_LENGTH_MARK "\x03len"
/* meta 'search.format': the index holds length marks since this format */
#define SEARCH_FORMAT "2"

/* Built on its own, the index is built in steps (transactions) of this many evidence
 * rows (store_search.c); store_search_chunk is it, lowered only by a unit test (the
 * program never changes it) so that a step's end is crossed with fewer rows. */
#define SEARCH_CATCH_UP_CHUNK 20000
extern long long store_search_chunk;

/* The request mcassess_top() fills (bound with sqlite3_bind_pointer, type
 * SEARCH_TOP_FN). Run first as
 *   SELECT mcassess_top(t, ?2) FROM t WHERE t MATCH '<phrases> "<length mark>"' LIMIT 1
 * That call reads every row of each phrase (FTS5's xQueryPhrase: no SQL step a
 * row; the rarest phrase first, the others only for its rows), then each match's
 * length: from the lengths the connection keeps, from %_docsize (a blob seek a
 * match) when under 1/16 of the items match, else from one pass over the length
 * marks; and keeps the best `limit` by bm25 (FTS5's formula, k1 1.2, b 0.75), best
 * first. When one of two phrases or more is in under 1/8 of the items, it only
 * sets `by_row`: the caller then steps the same query without LIMIT, FTS5's own
 * AND finds the rows (skipping through the longer doclists), each call scores its
 * row (the length from the mark), then search_top_finish(). Per connection, while
 * the index is unchanged (`data_version` and `changes` the same), the phrases' row
 * counts (under `key`) and every row's length are kept (fts.c). */
#define SEARCH_KNOWN_MAX 8
/* mcassess_top() ranks with FTS5's AND, a call a row, when a phrase is in fewer
 * rows than this (of nrow); else it walks the phrases' rows (fts.c). The ranking
 * index weighs its own counting against that same choice (fts_impact.c). */
#define SEARCH_AND_BELOW(nrow) ((nrow) / 8 + 1)
struct search_top {
	int limit;                 /* 0: all */
	const char *docsize;       /* the table's %_docsize: lengths of a few matches are
				    * looked up there (a blob seek each) instead */
	const char *key;           /* the table and the query, for the row-count cache */
	long long data_version;    /* PRAGMA data_version and sqlite3_total_changes64():
				    * the index is unchanged while both are; changes
				    * -1 (inside a transaction): nothing kept or used */
	long long changes;
	long long *rowid;          /* out: heap (free), best first */
	double *score;             /* out: bm25, lower is better */
	int n;
	int rc;                    /* SQLITE_* */
	int by_row;                /* out: step the query without LIMIT, then finish */
	int no_mark;               /* out: by_row, and the query without the length mark
				    * (lengths from docsize) */
	struct top_state *state;   /* by_row: idf and the like (search_top_finish frees) */
	/* each phrase's row count when the ranking index knows them all (impact_top
	 * sets them when it cannot answer): FTS5 then need not walk a phrase to count */
	long long known[SEARCH_KNOWN_MAX];
	int nknown;
};
/* Rows the walks of mcassess_top() stepped only to count a phrase's rows (a test
 * reads it). */
extern long long search_count_walked;
/* Rows whose length was read from %_docsize, a seek each (a test reads it). */
extern long long search_docsize_reads;
/* FTS5's bm25 (lower is better) of one row, the phrases in query order; idf of a
 * phrase in nhit of nrow rows; both the same doubles as FTS5's own. */
double search_bm25(const double *idf, const int *tfs, int nph, double dl, double avgdl);
/* bm25's idf of a phrase in half the rows or more (FTS5 puts this for log(<= 1)) */
#define SEARCH_IDF_FLOOR 1e-6
double search_idf(long long nrow, long long nhit);
/* A (score, rowid) into t's best `limit` (limit > 0); then sorted best first. */
void search_top_push(struct search_top *t, long long rowid, double score);
void search_top_sort(struct search_top *t);
/* SQLite's varint (FTS5's records): bytes read. */
int search_varint(const unsigned char *buf, int n, unsigned long long *v);

/* ---------------------------------------------------------------- the impact index (fts_impact.c) */
struct impact_batch;
struct impact_batch *impact_batch_new(enum search_source src);
/* One indexed row (text may be NULL: no words) gathered; written by the next flush. */
int impact_batch_row(struct store *s, struct impact_batch *b, long long doc, const char *text, size_t len,
		     struct mc_error *err);
int impact_batch_flush(struct store *s, struct impact_batch *b, struct mc_error *err);
void impact_batch_free(struct impact_batch **b);
/* The most bytes of rows a batch held at once in this process (8 a row, 8 KB a
 * group at most, never more than IMPACT_HELD rows' worth): a test reads it. */
extern long long impact_held_most;
/* The rows a group of the ranking index keeps (IMPACT_KEEP, 1,024): lowered only
 * by a unit test, so that its groups are cut at a fraction of the rows under
 * valgrind; a query reads whatever a group kept. */
extern int impact_keep;
/* One row out, as it was indexed (text). */
int impact_remove_row(struct store *s, enum search_source src, long long doc, const char *text,
		      struct mc_error *err);
int impact_clear(struct store *s, enum search_source src, struct mc_error *err);
/* Evidence rows after..upto with text; every row of search_feedback. */
int impact_add_evidence(struct store *s, long long after, long long upto, struct mc_error *err);
int impact_add_feedback_all(struct store *s, struct mc_error *err);
/* Pairs of common words (fts_impact.c): the pairs of the table's most common words
 * now, emptied; evidence rows after..upto into the evidence's pairs only (a second
 * pass of a build: the pairs are chosen from the counts of every row).
 * impact_add_feedback_all does both for the feedback. */
int impact_pairs_choose(struct store *s, enum search_source src, struct mc_error *err);
/* *yes: the evidence's pairs were chosen from fewer rows than the words in over a
 * quarter of them are paired at (impact_pair_many_rows), and it has that many now:
 * the ranking index is to be built again. impact_pair_many_rows is lowered only by
 * a unit test. */
int impact_pairs_outgrown(struct store *s, int *yes, struct mc_error *err);
extern long long impact_pair_many_rows;
int impact_pairs_add_evidence(struct store *s, long long after, long long upto, struct mc_error *err);
/* What ranked queries of two words read from the pairs in this process (a test
 * reads it): queries that had a pair, answered from it, its rows and cuts read. */
struct impact_pair_stats {
	long long queries, answered, rows, cuts;
};
extern struct impact_pair_stats impact_pair_stats;
/* The pairs' best rows gathered in memory while rows are added: at most
 * impact_pair_heap_bytes (a unit test lowers it), then written to their tables.
 * The most held at once in this process, and how many times they were written
 * for want of room (a test reads both). */
extern long long impact_pair_heap_bytes, impact_pair_heap_most, impact_pair_heap_writes;
/* Ranked queries in this process (a test reads it): rows read from the words'
 * groups, and rows whose unknown counts were counted from their text, or looked
 * up in FTS5 (longer rows). */
struct impact_count_stats {
	long long read, text, fts5;
};
extern struct impact_count_stats impact_count_stats;
/* What ranked queries read from the words' sets of rows in this process (a test
 * reads it): queries whose words all keep a set, answered from them, the chunks
 * of bits read, the rows found in all and counted. */
struct impact_set_stats {
	long long queries, answered, chunks, counted;
};
extern struct impact_set_stats impact_set_stats;
/* meta: the impact index is built (kept in step from then on). */
int impact_built(struct store *s, int *built, struct mc_error *err);
int impact_mark_built(struct store *s, struct mc_error *err);
/* Not built: the next catch-up builds it in steps (after a reset of the index). */
int impact_unmark(struct store *s, struct mc_error *err);
/* The best t->limit rows for fts_query into t (sorted), *answered 1; or *answered 0
 * (t untouched) when the impact index cannot say (not built, not in step, a phrase or
 * prefix, or a cut group whose rows kept do not settle it): rank the FTS5 way.
 * only (sorted, nonly of them; NULL: any row): the best among these rows only. */
int impact_top(struct store *s, enum search_source src, const char *fts_query, const long long *only,
	       size_t nonly, struct search_top *t, int *answered, struct mc_error *err);
/* The same, among rows[0..nrows) only (an assessor's: a few), each row's counts
 * looked up in FTS5: a doclist seek a word and row. */
int impact_top_rows(struct store *s, enum search_source src, const char *fts_query, const long long *rows,
		    size_t nrows, struct search_top *t, int *answered, struct mc_error *err);

/* By row: the heap sorted best first; frees the state. */
void search_top_finish(struct search_top *t);
void search_top_free(struct search_top *t);

/* Register the tokenizer and the snippet function with one connection's FTS5. */
int search_fts_register(fts5_api *api);
/* The statement that hands out a connection's FTS5 API (bound by the next). */
#define SEARCH_FTS_API_SQL "SELECT fts5(?1)"
/* Steps that statement (then resets it): the API, or NULL without FTS5. */
fts5_api *search_fts_fetch_api(sqlite3_stmt *st);

/* Run the tokenizer over text[0..len) (FTS5_TOKENIZE_* flags), calling cb per token. */
int search_fts_tokenize(fts5_api *api, const char *text, int len, int flags, void *ctx,
			int (*cb)(void *ctx, int tflags, const char *tok, int ntok, int start, int end));

/* The connection's FTS5 API (store_search.c: the one piece of SQL it takes). */
int store_search_api(struct store *s, fts5_api **api, struct mc_error *err);
#endif
