/* store_int.h: shared by the store*.c files only. */
#ifndef MCASSESS_STORE_INT_H
#define MCASSESS_STORE_INT_H

#include <sqlite3.h>
#include "mcassess/store.h"

sqlite3 *store_db(struct store *s);

/* A prepared statement for `sql`, cached by its address: pass a string with
 * static storage duration. The statement comes back reset with bindings cleared.
 * NULL on error (err filled). */
sqlite3_stmt *store_prep(struct store *s, const char *sql, struct mc_error *err);

/* Fill err from the connection's last error; `what` says what was being done.
 * SQLITE_BUSY/LOCKED become "the database is busy (another mcassess is writing); try again".
 * SQLITE_FULL becomes "the disk is full". Returns MC_FAIL. */
int store_fail(struct store *s, struct mc_error *err, const char *what);

/* Bind helpers: text (NULL binds NULL), int64. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);
void store_bind_int(sqlite3_stmt *st, int i, long long v);
/* Column text as a heap copy ("" for NULL when empty_for_null, else NULL). */
char *store_col_dup(sqlite3_stmt *st, int i);

/* 1 when the user bound as `viewer` scores any submission of educator `edu` blind.
 * Blindness follows the educator, not the one submission: otherwise an earlier
 * attempt in the history, or an export, would name whom the blind one is from.
 * Each row costs a walk of the educator's few submissions (submission_educator)
 * and their assignments by submission (never a scan of `assignment`). */
#define STORE_BLIND_TO(edu, viewer)                                                            \
	"EXISTS (SELECT 1 FROM submission bs JOIN assignment ba ON ba.submission_id = bs.id "     \
	"WHERE bs.educator_id = " edu " AND +ba.assessor = " viewer " AND ba.blind = 1)"

/* store_search.c: register the search tokenizer and snippet function with FTS5 on
 * a new connection (store_open calls it); an SQLite result code. */
int store_search_setup(sqlite3 *db);
#endif
