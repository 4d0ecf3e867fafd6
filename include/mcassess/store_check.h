/* store_check.h: the SQL behind check.c. Each *_each calls fn for every row; fn
 * returns non-zero to stop. Strings are valid only during the call. */
#ifndef MCASSESS_STORE_CHECK_H
#define MCASSESS_STORE_CHECK_H
#include <stddef.h>

#include "mcassess/error.h"

struct store;

struct store_check_evidence {
	const char *submission, *part, *kind;
	int seq;
	const char *text;    /* kind text; NULL for files */
	size_t text_len;
	const char *sha256, *blob_sha256, *file_name;
};
int store_check_evidence_each(struct store *s, int (*fn)(void *ctx, const struct store_check_evidence *e),
			      void *ctx, struct mc_error *err);

/* A stored file, with the first evidence item that uses it (NULLs when none does). */
struct store_check_blob {
	const char *sha256;
	long long size;
	const char *submission, *part, *file_name;
	int seq;
};
int store_check_blob_each(struct store *s, int (*fn)(void *ctx, const struct store_check_blob *b),
			  void *ctx, struct mc_error *err);

/* status, the counter's value, the real count. */
int store_check_status_each(struct store *s, int (*fn)(void *ctx, const char *status, long long counted,
						       long long real),
			    void *ctx, struct mc_error *err);

struct store_check_record {
	const char *submission; /* imported id */
	const char *kind;       /* "score", "feedback", "decision", or "status" (earned/resubmit
				   without a decision) */
	const char *key;        /* criterion code (score), read (feedback), "" (decision) */
	const char *read;       /* "first"...; "" for decisions */
	const char *value;      /* level code, feedback body, decision outcome */
	const char *status;     /* the submission's status */
	int consistent;         /* 0: a score whose criterion or level is not of the submission's rubric */
};
int store_check_record_each(struct store *s, int (*fn)(void *ctx, const struct store_check_record *r),
			    void *ctx, struct mc_error *err);

/* check --since-last: the evidence items with rowid > after (in rowid order), the
 * stored files they use, and the newest evidence rowid (the mark to record). */
int store_check_evidence_after(struct store *s, long long after,
			       int (*fn)(void *ctx, const struct store_check_evidence *e), void *ctx,
			       struct mc_error *err);
int store_check_blob_after(struct store *s, long long after,
			   int (*fn)(void *ctx, const struct store_check_blob *b), void *ctx,
			   struct mc_error *err);
int store_check_evidence_max(struct store *s, long long *max, struct mc_error *err);

/* Whether the schema has the trigger `name`. */
/* Whether a stored file of this content is recorded (a blob row). */
int store_check_blob_known(struct store *s, const char *sha256, int *known, struct mc_error *err);
int store_check_trigger_exists(struct store *s, const char *name, int *exists, struct mc_error *err);

/* The memory a check's SQLite may hold, bounded (on) or as before (off): the
 * connection's page cache, the temporary tables' and each sorter (SQLite sizes
 * a sort's memory by the page cache) to STORE_CHECK_CACHE_KIB, whatever the
 * database's size: the recounts' statements hold several sorts at a time, each
 * as large as the cache once the data passes it (issue 15). */
#define STORE_CHECK_CACHE_KIB 512
/* The integrity check's page cache (store_check_integrity_start): SQLite's
 * default, 2000 KiB, as the anchor's `sqlite3` has it, whatever the size. */
#define STORE_CHECK_SIDE_CACHE_KIB 2000
int store_check_bound(struct store *s, int on, struct mc_error *err);

/* PRAGMA integrity_check and the foreign key check on a second, read-only connection
 * to the same file, in a thread of its own (serial: done before start returns);
 * store_interrupt stops it too. finish waits for it (abandon: stops it and drops
 * what it found), then hands each problem to report in the caller's thread. */
struct store_check_side;
int store_check_integrity_start(struct store *s, int serial, struct store_check_side **side,
				struct mc_error *err);
int store_check_integrity_finish(struct store_check_side **side, int abandon,
				 void (*report)(void *ctx, const char *problem), void *ctx,
				 struct mc_error *err);

/* check --since-last and the report counters (migration 18's check_dirty_*): the
 * counters of the days written after day_seq against their submissions, and of
 * their months against those months' day counters; the facts of the submissions
 * written after submission_seq against their source rows; and the newest seqs
 * (the marks to record). */
struct report_count_diff;
int store_check_counts_since(struct store *s, long long day_seq,
			     int (*fn)(void *ctx, const struct report_count_diff *d), void *ctx,
			     struct mc_error *err);
int store_check_facts_since(struct store *s, long long submission_seq,
			    int (*fn)(void *ctx, const char *submission), void *ctx, struct mc_error *err);
int store_check_dirty_max(struct store *s, long long *day_seq, long long *submission_seq,
			  struct mc_error *err);
/* The days written after day_seq (heap strings, "YYYY-MM-DD"), for the
 * recounts that go by day. */
int store_check_dirty_days(struct store *s, long long day_seq, char ***days, int *n, struct mc_error *err);

/* Row counts for the summary. */
int store_check_counts(struct store *s, long *submissions, long *evidence, long *files, long *scores,
		       long *feedback, long *decisions, long *audit_rows, struct mc_error *err);
#endif
