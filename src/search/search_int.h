/* search_int.h: shared by the files of src/search and src/core/store_search.c only. */
#ifndef MCASSESS_SEARCH_INT_H
#define MCASSESS_SEARCH_INT_H
#include <stddef.h>

#include <sqlite3.h>

#include "mcassess/error.h"

struct store;

#define SEARCH_TOKENIZER "mcassess"      /* the FTS5 tokenizer's name (schema.sql uses it) */
#define SEARCH_SNIPPET_FN "mcassess_snippet" /* mcassess_snippet(table, tokens) */

/* Register the tokenizer and the snippet function with one connection's FTS5. */
int search_fts_register(fts5_api *api);

/* Run the tokenizer over text[0..len) (FTS5_TOKENIZE_* flags), calling cb per token. */
int search_fts_tokenize(fts5_api *api, const char *text, int len, int flags, void *ctx,
			int (*cb)(void *ctx, int tflags, const char *tok, int ntok, int start, int end));

/* Decode the code point at text[i] (i < len), never reading past len; returns the
 * byte length (>= 1); an invalid byte decodes as U+FFFD of length 1. */
int search_utf8_next(const char *text, size_t len, size_t i, unsigned *cp);
/* 1 for the characters indexed as CJK bigrams: ideographs, kana, hangul, 々 〆 〇. */
int search_is_cjk(unsigned cp);

/* The connection's FTS5 API (store_search.c: the one piece of SQL it takes). */
int store_search_api(struct store *s, fts5_api **api, struct mc_error *err);
#endif
