/* check.h: verify a database and name each problem found: SQLite integrity and
 * foreign keys, evidence hashes (texts, and files under the evidence directory),
 * the audit chain and its protecting triggers, the status counters, and scores,
 * feedback and decisions that disagree with the audit log's last record of them
 * (changed behind mcassess's back). `archive verify` reuses it. */
#ifndef MCASSESS_CHECK_H
#define MCASSESS_CHECK_H
#include <stddef.h>

#include "mcassess/error.h"

struct store;

enum check_what {
	CHECK_DATABASE = 1 << 0, /* PRAGMA integrity_check, foreign keys, protecting triggers */
	CHECK_EVIDENCE = 1 << 1, /* sha256 of each evidence text and stored file */
	CHECK_AUDIT = 1 << 2,    /* the hash chain */
	CHECK_COUNTS = 1 << 3,   /* status_count against real counts */
	CHECK_RECORDS = 1 << 4,  /* scores, feedback, decisions against the audit log; status vs decision */
	CHECK_ALL = 0x1f,
	/* With the parts above: only what came after the last clean check of them all
	 * (its marks in meta: the newest evidence row and audit row it saw): the
	 * protecting triggers, evidence items added since and their files, the audit
	 * chain from the row where that check ended (which must be unchanged), the
	 * status counters. SQLite's integrity check, older evidence, records against
	 * the audit log, unused files and the archive are the whole check's. No clean
	 * check yet: a whole check. A clean check (whole or not) moves the marks. */
	CHECK_SINCE_LAST = 1 << 8,
};

/* What was looked at, for the "all good: ..." line. */
struct check_summary {
	long submissions, evidence, files, scores, feedback, decisions, audit_rows;
	long problems;
	long long since_audit_seq;   /* CHECK_SINCE_LAST: the audit row it went on from; -1: whole */
	long long since_evidence_id; /* and the evidence rowid after which it looked */
	int marks_kept;              /* a clean whole check: 1 where it ended was recorded,
				      * 0 not (the database busy or not writable); -1 other */
};

/* Each problem is a sentence for people ("evidence S-1 #2 (artifact): file
 * DB.evidence/ab/ab12… is missing"), passed to report() as it is found. Returns
 * MC_OK when the checks ran (problems or not; see sum->problems), else the error
 * that stopped them. */
int check_run(struct store *s, unsigned what, void (*report)(void *ctx, const char *problem), void *ctx,
	      struct check_summary *sum, struct mc_error *err);

/* What check_run has already found by hashing every stored evidence file: the
 * SHA-256s of those that no longer match (sorted), so the archive's part need
 * not read every file again. */
struct archive_known {
	const char *const *altered;
	size_t naltered;
};
/* The archive's part of the check (archive_check in archive.h): the archive is
 * above the core, so it sets this itself (archive_attach). NULL: no archive part. */
typedef int (*check_archive_fn)(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx,
				long *problems, const struct archive_known *known, struct mc_error *err);
void check_set_archive_part(check_archive_fn fn);

/* Remove the files in the evidence directory that no evidence item uses (what
 * a killed import leaves; check names them), holding the database's write lock
 * so that no import is storing files meanwhile. Admins only. */
int check_repair(struct store *s, long *removed, struct mc_error *err);

/* "3 submissions, 12 evidence items (4 files), 9 scores, 1 feedback, 1 decision, 30 audit rows" (heap). */
char *check_summary_text(const struct check_summary *sum);
#endif
