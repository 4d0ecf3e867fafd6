/* archive.h: the git-backed evidence archive (src/archive/archive.c, through
 * libgit2: blobs, trees and commits written in-process into a bare repository,
 * no work tree, no git binary). Built --without-libgit2, archive_stub.c answers
 * every call with "not available in this build".
 *
 * Every audited change becomes one commit: author the OS user who made it (name
 * and e-mail from `people`), time the event's, message what happened in words,
 * with trailers naming the audit row (Subject, Audit-Seq, Audit-Hash, Archive-Id).
 * Layout: see store_archive.h (records sharded by SHA-256 of their id, evidence
 * once by content), so a commit rewrites only the path from the root to its leaf. */
#ifndef MCASSESS_ARCHIVE_H
#define MCASSESS_ARCHIVE_H
#include "mcassess/check.h"
#include "mcassess/error.h"

struct store;

/* 1 when this build has the archive (libgit2). */
int archive_available(void);

/* Create (or attach) the bare repository at path (NULL: "<db>.archive.git"),
 * record it as this database's archive and commit the current state. */
struct archive_init_result {
	char *path;   /* absolute (heap) */
	int created;  /* 1: a new repository; 0: an existing one attached */
	char commit[41];
	long submissions;
};
int archive_init(struct store *s, const char *path, struct archive_init_result *out, struct mc_error *err);
void archive_init_result_free(struct archive_init_result *r);

/* Commit the outbox's events in order. *committed counts them. MC_OK when the
 * outbox is empty afterwards (or no archive is configured). */
int archive_drain(struct store *s, long *committed, struct mc_error *err);

/* A submission's history in the archive, oldest first, when the acting user may
 * read the submission (access_submission). */
struct archive_log_entry {
	const char *commit; /* 40 hex */
	const char *at;     /* ISO 8601 UTC */
	const char *author, *email;
	const char *summary; /* the message's first line */
	const char *message; /* the whole message: summary, body, trailers */
};
int archive_log(struct store *s, const char *submission_id,
		int (*fn)(void *ctx, const struct archive_log_entry *e), void *ctx, struct mc_error *err);

/* struct archive_known (check.h): what the check has already found by hashing
 * every stored evidence file. */
/* The archive's part of `check`: the outbox backlog, the database's records
 * against the archive head, evidence against the archive, and the audit log
 * against the commits. Nothing when no archive is configured. `known` (NULL:
 * the archive check hashes the files itself) saves reading every file twice. */
int archive_check(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx, long *problems,
		  const struct archive_known *known, struct mc_error *err);

/* push/pull to/from a bare repository at a path or an ssh:// URL (NULL: the
 * one used last, meta 'archive_remote'). History is never rewritten.
 * A pull merges the histories with git (a fast-forward, or a merge commit,
 * also of histories with no common commit: a state server pulling district
 * archives), and then the database follows through the merge engine review
 * packets use (merge.h): the remote's scores, feedback and decisions are
 * taken under their authors and times, and a submission changed on both
 * sides is a conflict in the same table (`packet conflicts`, `packet
 * resolve`); the merged tree keeps this side's record until it is resolved.
 * All of the database's part or nothing of it; pulling again changes nothing.
 * Coordinators and admins. */
struct archive_sync_result {
	int up_to_date;   /* nothing to do */
	int fast_forward;
	int merged;       /* a merge commit was written */
	long submissions; /* whose records the database took from the remote */
	long conflicts;   /* submissions changed on both sides: held (packet conflicts) */
};
int archive_push(struct store *s, const char *remote, struct archive_sync_result *out, struct mc_error *err);
int archive_pull(struct store *s, const char *remote, void (*report)(void *ctx, const char *conflict), void *ctx,
		 struct archive_sync_result *out, struct mc_error *err);

/* Warnings (evidence the archive did not take) go to the session's sink (session.h). */

/* The archive sits above the store and the core, which reach it only through
 * the hooks this sets: the session's drain at its end runs archive_drain, and
 * check_run runs archive_check. A program (or test) that links the archive
 * calls it once. */
void archive_attach(void);
#endif
