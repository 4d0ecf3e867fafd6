/* search_int.h: the FTS5 extension (fts.c, fts_impact.c) and store_search.c, inside the
 * store; nothing outside src/store includes it (src/search uses store_search.h). */
#ifndef MCASSESS_SEARCH_INT_H
#define MCASSESS_SEARCH_INT_H
#include <stddef.h>

#include <sqlite3.h>

#include "mcassess/error.h"

struct store;

#define SEARCH_TOKENIZER "mcassess"      /* the FTS5 tokenizer's name (schema.sql uses it) */
#define SEARCH_SNIPPET_FN "mcassess_snippet" /* mcassess_snippet(table, tokens) */
#define SEARCH_TOP_FN "mcassess_top"     /* mcassess_top(table, ?): see struct search_top */

/* The length mark: in every document the tokenizer adds this token at the position
 * of the last token (colocated: the document's size is unchanged), so a query that
 * ends with it learns each row's length from the mark's position, without FTS5's
 * docsize lookup (one SQL statement a row: 0.5 us, most of what bm25 cost).
 * Control characters: no text yields it; a query yields it only from exactly this. */
#define SEARCH_LENGTH_MARK "\x03len"
/* meta 'search.format': the index holds length marks since this format */
#define SEARCH_FORMAT "2"

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
	struct top_state *state;   /* by_row: idf and the like (search_top_finish frees) */
};
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
