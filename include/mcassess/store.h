/* store.h: the SQLite database: opening, migrations, transactions.
 * All SQL lives in src/store/store*.c; other modules call the functions that
 * those files declare in include/mcassess/store_*.h. */
#ifndef MCASSESS_STORE_H
#define MCASSESS_STORE_H
#include <signal.h>

#include "mcassess/error.h"

struct store;

enum store_flags {
	STORE_CREATE = 1 << 0,   /* create the file and its directory if missing */
	STORE_READONLY = 1 << 1, /* open read-only */
	STORE_NO_MIGRATE = 1 << 2, /* tests: leave the schema as found */
};

/* The schema version this build writes (PRAGMA user_version). */
int store_latest_version(void);

/* Open (and migrate) the database at path. A database newer than this build is refused. */
int store_open(const char *path, int flags, struct store **out, struct mc_error *err);
void store_close(struct store **s);

/* Bring a database up to `version` (tests build old databases with this). */
int store_migrate(struct store *s, int version, struct mc_error *err);
int store_version(struct store *s);

const char *store_path(const struct store *s);
/* Directory holding evidence files by content: "<db path>.evidence". */
const char *store_evidence_dir(const struct store *s);
/* SQLite's heap in this process now and at its most since the last call (bytes;
 * the most is reset): what its page caches, sorters and statements hold. */
void store_heap(long long *now, long long *most);

/* How long a write waits for another writer before it gives up (milliseconds). */
#define STORE_BUSY_MS 5000

/* BEGIN IMMEDIATE (waits for the busy timeout, then says the database is locked). */
int store_begin(struct store *s, struct mc_error *err);
/* The same without waiting: for work that can as well be done later. */
int store_begin_nowait(struct store *s, struct mc_error *err);
int store_commit(struct store *s, struct mc_error *err);
void store_rollback(struct store *s);

/* A consistent read snapshot over several queries (BEGIN; the first read fixes
 * it): writers go on meanwhile, and what is read stays one moment's state. */
int store_begin_read(struct store *s, struct mc_error *err);
void store_end_read(struct store *s);

/* Once *flag is non-zero (set by a signal handler), every statement on s fails
 * as interrupted, and SQLite rolls back the transaction it was in; flag NULL
 * stops watching. */
void store_stop_when(struct store *s, volatile sig_atomic_t *flag);
/* Stop the statement running now (from a signal handler: the integrity check is
 * one long statement that only this reaches). */
void store_interrupt(struct store *s);

/* Move the WAL into the database (PASSIVE). Never called on a keystroke; the
 * session calls it when idle and on close. Nothing else: the archive's drain
 * belongs to the session (session.h), never to the store's close path. */
void store_checkpoint(struct store *s);
/* 1 inside store_begin/store_begin_read; 1 when the connection is read-only. */
int store_in_tx(const struct store *s);
int store_readonly(struct store *s);
/* fn(s, ctx, err) in one write transaction: committed when it returns MC_OK,
 * else rolled back, so a refusal leaves everything as it was. */
int store_transact(struct store *s, int (*fn)(struct store *s, void *ctx, struct mc_error *err), void *ctx,
		   struct mc_error *err);

/* Whom the lists are for (access.h decides, access_refresh sets it): what
 * STORE_SCOPE lets through. Until set: nothing. `user` and `district` are copied. */
enum store_scope_kind {
	STORE_SCOPE_ALL = 0,      /* admins; coordinators without a district */
	STORE_SCOPE_ASSIGNED = 1, /* the submissions assigned to `user` */
	STORE_SCOPE_DISTRICT = 2, /* the submissions of educators in `district` */
	STORE_SCOPE_NONE = 3,
	STORE_SCOPE_APPROVAL = 4, /* what awaits approval (in `district` when set): approvers */
};
void store_set_scope(struct store *s, enum store_scope_kind kind, const char *user, const char *district);
enum store_scope_kind store_scope_kind(const struct store *s);

/* Submission `id` against the scope (store_access.c): found, its rowid, and
 * whether the scope holds it (to `write`, an assessor needs it assigned, not an
 * earlier attempt of what is). your_district: the scope's district (heap). */
struct store_access {
	int found, allowed;
	long long rowid;
	char *your_district;
};
int store_access_submission(struct store *s, const char *id, int write, struct store_access *out,
			    struct mc_error *err);

/* The session that owns the store (session.h), set by session_open. */
struct mc_session;
void store_set_session(struct store *s, const struct mc_session *sess);
const struct mc_session *store_session(const struct store *s);

/* Meta key/value (schema-independent settings). *value is heap or NULL if absent. */
int store_meta_get(struct store *s, const char *key, char **value, struct mc_error *err);
int store_meta_set(struct store *s, const char *key, const char *value, struct mc_error *err);

/* PRAGMA integrity_check and foreign_key_check: each problem is passed to `report`. */
int store_integrity(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx,
		    struct mc_error *err);
#endif
