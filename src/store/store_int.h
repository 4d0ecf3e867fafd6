/* store_int.h: shared by the store*.c files only. */
#ifndef MCASSESS_STORE_INT_H
#define MCASSESS_STORE_INT_H

#include <sqlite3.h>
#include "mcassess/store.h"

sqlite3 *store_db(struct store *s);
/* The connection's fts5_api once fetched (NULL before): kept for its lifetime. */
void **store_fts_api_slot(struct store *s);

/* The WAL's size past which a commit checkpoints (PASSIVE) by itself. */
#define STORE_WAL_MAX_BYTES (64LL * 1024 * 1024)
/* A second connection working for this store's command (NULL: none): store_interrupt
 * stops its statement too. Set it NULL before closing that connection. */
void store_set_side(struct store *s, sqlite3 *side);

/* A prepared statement for `sql`, cached by its address: pass a string with
 * static storage duration. The statement comes back reset with bindings cleared.
 * NULL on error (err filled). */
sqlite3_stmt *store_prep(struct store *s, const char *sql, struct mc_error *err);
/* How many statements the cache holds (it grows as needed; tests count). */
size_t store_cached_statements(const struct store *s);

/* Fill err from the connection's last error; `what` says what was being done.
 * SQLITE_BUSY/LOCKED become "the database is busy (someone else is writing to it); try again":
 * the writer may be any program (another assessor's mcassess, the sqlite3 shell).
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

/* The submissions assigned to the user bound as ?62 and, walking back along
 * previous_id (primary-key steps), their earlier attempts: what an assessor
 * may read. */
#define STORE_ASSIGNED_IDS                                                                         \
	"WITH RECURSIVE mine(id, prev) AS (SELECT s9.id, s9.previous_id FROM assignment a9 "      \
	"JOIN submission s9 ON s9.id = a9.submission_id WHERE a9.assessor = ?62 "                  \
	"UNION SELECT p9.id, p9.previous_id FROM submission p9 JOIN mine m9 ON p9.id = m9.prev) "  \
	"SELECT id FROM mine"
/* The acting user's access scope (access.h) over the submission `sub`, as SQL
 * that store_bind_scope binds from the store's scope: everything, what is
 * assigned to the user (STORE_ASSIGNED_IDS), or the submissions of educators
 * in the user's district, or (approvers) what awaits approval. Lists apply it in their WHERE clause, never after.
 * Two terms: the first needs only the submission's id, so a walk of an index
 * drops others' rows without reading them. Its parameters are numbered past
 * any statement's own (?61 kind, ?62 user, ?63 district). */
#define STORE_SCOPE(sub)                                                                           \
	"((?61 IN (0, 2) OR (?61 = 4 AND " sub ".status = 'awaiting_approval') "                  \
	"OR " sub ".id IN (" STORE_ASSIGNED_IDS ")) "                                              \
	"AND (?61 NOT IN (2, 4) OR ?63 = '' "                                                      \
	"OR (SELECT district_id FROM educator WHERE id = " sub ".educator_id) "                    \
	"= (SELECT id FROM district WHERE name = ?63)))"
void store_bind_scope(struct store *s, sqlite3_stmt *st);
/* 1 when feedback row `fb` belongs to a read the assessor bound as ?62 (scope
 * ?61 = 1) may not see yet: with two reads (meta 'reads'), another reader's
 * first or second read while those two are not both ended (review.h). */
#define STORE_READ_HIDDEN(fb)                                                                      \
	"(?61 = 1 AND " fb ".author <> ?62 AND " fb ".read IN ('first', 'second') "              \
	"AND (SELECT value FROM meta WHERE key = 'reads') = '2' "                                  \
	"AND (SELECT count(*) FROM read_decision rd WHERE rd.submission_id = " fb ".submission_id " \
	"AND rd.read IN ('first', 'second')) < 2)"

/* The reads of submission `sub` as `viewer` may see them ("first: ann (blind),
 * second: bo"), and the earliest due date among them: an assessor (scope 1)
 * only their own, so that a reader never learns who else reads it; anyone else
 * all (needs the scope bound, store_bind_scope). */
#define STORE_VISIBLE_READS(sub, viewer)                                                           \
	"FROM assignment a8 WHERE a8.submission_id = " sub " AND (?61 <> 1 OR a8.assessor = " viewer ")"
#define STORE_ASSIGNEES(sub, viewer)                                                               \
	"(SELECT group_concat(x8, ', ') FROM (SELECT a8.read || ': ' || a8.assessor || "          \
	"CASE a8.blind WHEN 1 THEN ' (blind)' ELSE '' END AS x8 " STORE_VISIBLE_READS(sub, viewer) \
	" ORDER BY CASE a8.read WHEN 'first' THEN 1 WHEN 'second' THEN 2 ELSE 3 END))"
#define STORE_DUE(sub, viewer) "(SELECT min(a8.due_at) " STORE_VISIBLE_READS(sub, viewer) ")"

/* Each row of `st` (the audit table's columns in their order), as an audit_row,
 * to fn (non-zero stops); st is reset, not finalized (store_audit.c). */
struct audit_row;
int store_audit_walk(struct store *s, sqlite3_stmt *st, int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
		     struct mc_error *err);

/* store_search.c: register the search tokenizer and snippet function with FTS5 on
 * a new connection (store_open calls it); an SQLite result code. */
int store_search_setup(sqlite3 *db);
#endif
