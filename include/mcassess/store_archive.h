/* store_archive.h: the database side of the evidence archive: the outbox of
 * events waiting to be committed, the records the archive holds (canonical
 * JSON built from the database) and where in the archive's tree each one lives.
 * No libgit2 here: this part is built with and without the archive. */
#ifndef MCASSESS_STORE_ARCHIVE_H
#define MCASSESS_STORE_ARCHIVE_H
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/store_audit.h"

struct store;

/* One event waiting in the outbox. Strings are valid only during the callback. */
struct store_archive_event {
	long long seq, audit_seq;
	const char *audit_hash, *at, *actor, *action, *subject;
	const char *after;  /* the audit row's JSON, or NULL */
	const char *record; /* the subject's record then (canonical JSON), or NULL */
	const char *state, *error;
};

/* meta 'archive_path' (heap), or NULL when no archive is configured. */
int store_archive_configured(struct store *s, char **path, struct mc_error *err);

/* Called by audit_append inside its transaction: when an archive is configured,
 * queue the event with its subject's record as it stands now. */
int store_archive_queue(struct store *s, const struct audit_row *r, struct mc_error *err);

/* ---------------------------------------------------------------- layout */
/* The archive's tree layout. 2 (archives made since November 2026): shards of
 * 16, four levels deep, so every tree along a path holds at most 16 entries up
 * to a million records and a commit costs the same at any size; its root holds
 * a file LAYOUT saying "2". 1 (older archives, no LAYOUT): shards of 256, two
 * levels (submissions/ab/cd/ID). An archive keeps the layout it was made with;
 * the database notes it (meta archive_layout; none: 1). */
#define STORE_ARCHIVE_LAYOUT 2
int store_archive_layout(struct store *s);

/* Where a subject's record lives in the archive's tree (heap), or NULL when the
 * subject has no record of its own ("database", unknown kinds):
 *   submission:ID  submissions/a/b/c/d/ID/record.json  (abcd: SHA-256 of the id;
 *                  layout 1: submissions/ab/cd/ID/record.json)
 *   educator:ID    educators/a/b/c/d/ID.json  (layout 1: educators/ab/ID.json)
 *   person:USER    people/USER.json
 *   credential:C   catalog/credentials/C.json
 *   pathway:P      catalog/pathways/P.json
 * Characters other than [A-Za-z0-9._-] in a name (and a leading '.') are written %XX. */
char *store_archive_path(int layout, const char *subject);
/* evidence/a/b/c/d/SHA256 (layout 1: evidence/ab/cd/SHA256): evidence texts and
 * files, once each, by content (heap). */
char *store_archive_evidence_path(int layout, const char *sha256);

/* The subject's record now, as canonical JSON (sorted keys, one value per line,
 * final newline); *json NULL when the subject has no record (gone or unknown). */
int store_archive_record(struct store *s, const char *subject, char **json, struct mc_error *err);

/* Every subject that has a record, in a stable order; fn returns non-zero to stop. */
int store_archive_each_subject(struct store *s, int (*fn)(void *ctx, const char *subject), void *ctx,
			       struct mc_error *err);

/* ---------------------------------------------------------------- outbox */
int store_archive_outbox_each(struct store *s, int (*fn)(void *ctx, const struct store_archive_event *e),
			      void *ctx, struct mc_error *err);

/* ---------------------------------------------------------------- log index */
/* One row of the archive's log index (schema.sql, migration 6): the commit at
 * position ord of the history concerns key (a record path or "submission:ID"). */
struct store_archive_logrow {
	long long ord;
	char commit[41];
	char *key;
};
/* The head the index covers (heap, NULL: none) and how many commits it holds. */
int store_archive_log_state(struct store *s, char **head, long long *count, struct mc_error *err);
/* Add rows[0..n) (their ord counted from the index's count) for ncommits more
 * commits ending at head, when the index covers the commit from (nothing
 * otherwise: it is behind, and archive_log catches it up). With replace, or
 * from NULL (an archive without commits before these), the rows replace the
 * whole index. In a transaction of its own. */
int store_archive_log_add(struct store *s, const char *from, int replace, const struct store_archive_logrow *rows,
			  size_t n, long long ncommits, const char *head, struct mc_error *err);
/* The same in pieces, in the caller's transaction, for an index too large to
 * hold (archive init's commit names every submission): log_begin says whether
 * the index covers from (*covers 0: leave it, it is behind) and empties it when
 * replacing, its count in *count; log_rows adds rows (their ord counted from
 * count), as often as needed; log_end notes head and the new count. */
int store_archive_log_begin(struct store *s, const char *from, int replace, long long *count, int *covers,
			    struct mc_error *err);
int store_archive_log_rows(struct store *s, long long count, const struct store_archive_logrow *rows, size_t n,
			   struct mc_error *err);
int store_archive_log_end(struct store *s, const char *head, long long count, struct mc_error *err);

/* A scratch list of (path, object id) in a temporary table of the connection
 * (past SQLite's page cache it goes to a temporary file): archive init's whole
 * state, read back sorted by path (then by order added) so that the trees are
 * built a shard at a time instead of from every path held in memory. Use it in
 * a transaction; open empties it, clear empties it. */
int store_archive_scratch_open(struct store *s, struct mc_error *err);
int store_archive_scratch_add(struct store *s, const char *path, long long ord, const unsigned char *oid,
			      size_t oidlen, struct mc_error *err);
int store_archive_scratch_each(struct store *s, int (*fn)(void *ctx, const char *path, const unsigned char *oid),
			       void *ctx, struct mc_error *err);
/* The same, and when fn returns STORE_SCRATCH_PAUSE, pause(ctx) is run with
 * no statement of the list active (a commit and a checkpoint may run: SQLite
 * refuses a checkpoint while a statement of the connection is active), then
 * the rows after go on; pause's nonzero stops it (fn's nonzero other than
 * PAUSE too). The list is walked by its key, indexed once it is whole. */
#define STORE_SCRATCH_PAUSE 2
int store_archive_scratch_each_paused(struct store *s,
				      int (*fn)(void *ctx, const char *path, const unsigned char *oid),
				      int (*pause)(void *ctx), void *ctx, struct mc_error *err);
void store_archive_scratch_clear(struct store *s);
/* Bytes this connection has written to its database (its WAL) so far:
 * pages spilled from the cache in a transaction and those committed. */
long long store_archive_bytes_written(struct store *s);
/* The meta key `key` removed (a pull's note of how far it got, once it ends). */
int store_archive_meta_drop(struct store *s, const char *key, struct mc_error *err);

/* The commits whose rows have key a or key b, each once, oldest first. */
int store_archive_log_each(struct store *s, const char *a, const char *b,
			   int (*fn)(void *ctx, const char *commit), void *ctx, struct mc_error *err);
/* In one transaction, not waited onto the disk (the archive's head is the
 * record of what it holds): events up to upto_seq done, meta 'archive_head',
 * and the drain's commits (rows, ncommits) added to the log index when it
 * covered from. */
int store_archive_settle_log(struct store *s, long long upto_seq, const char *head, const char *from,
			     const struct store_archive_logrow *rows, size_t n, long long ncommits,
			     struct mc_error *err);
/* Mark an event failed, keeping why. */
int store_archive_outbox_failed(struct store *s, long long seq, const char *why, struct mc_error *err);
/* How many wait; the oldest one's description and the last error (heap or NULL). */
int store_archive_outbox_count(struct store *s, long long *n, char **oldest, char **last_error,
			       struct mc_error *err);
/* 1 in *pending when an event for this subject waits. */
int store_archive_outbox_has(struct store *s, const char *subject, int *pending, struct mc_error *err);

/* ---------------------------------------------------------------- what commits need */
/* The person's name and e-mail for a commit's author: from `person`, else the
 * login name and USER@localhost (heap). */
int store_archive_person(struct store *s, const char *user, char **name, char **email, struct mc_error *err);
/* An evidence text by its SHA-256 (heap; *found 0 when none has it). */
int store_archive_evidence_text(struct store *s, const char *sha256, char **text, size_t *len, int *found,
				struct mc_error *err);
/* Every distinct evidence content: its SHA-256 and whether it is a stored file. */
int store_archive_evidence_each(struct store *s, int (*fn)(void *ctx, const char *sha256, int is_file),
				void *ctx, struct mc_error *err);
/* The same, less the evidence of submissions whose events still wait in the
 * outbox (what the archive should hold by now). */
int store_archive_evidence_committed_each(struct store *s, int (*fn)(void *ctx, const char *sha256, int is_file),
					  void *ctx, struct mc_error *err);

#endif
