/* store.h: the SQLite database: opening, migrations, transactions.
 * All SQL lives in src/core/store*.c; other modules call the functions that
 * those files declare in include/mcassess/store_*.h. */
#ifndef MCASSESS_STORE_H
#define MCASSESS_STORE_H

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

/* Move the WAL into the database (PASSIVE). Never called on a keystroke; the CLI
 * calls it on close, the TUI when idle. */
void store_checkpoint(struct store *s);

/* Meta key/value (schema-independent settings). *value is heap or NULL if absent. */
int store_meta_get(struct store *s, const char *key, char **value, struct mc_error *err);
int store_meta_set(struct store *s, const char *key, const char *value, struct mc_error *err);

/* PRAGMA integrity_check and foreign_key_check: each problem is passed to `report`. */
int store_integrity(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx,
		    struct mc_error *err);
#endif
