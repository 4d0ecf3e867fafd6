/* store_merge.h: SQL for merging another archive's records (src/store/store_merge.c):
 * a submission's record as the archive holds it (store_archive.h: canonical
 * JSON by codes and uids) read in terms of this database, for the merge engine
 * (merge.h). */
#ifndef MCASSESS_STORE_MERGE_H
#define MCASSESS_STORE_MERGE_H
#include "mcassess/audit.h"
#include "mcassess/error.h"

struct store;

/* The record's scores, feedback, decision and status as the merge engine takes
 * them (store_packet_apply's JSON, with this database's ids). *missing names
 * a score whose criterion or level this database's rubric lacks (heap, "" when
 * none), and *known is 0 when the submission is not here. */
int store_merge_archive_records(struct store *s, const char *record, char **json, int *known, char **missing,
				struct mc_error *err);

/* An audit row for each score, feedback, decision and assignment of the
 * record that this database does not hold yet (by uid), under its author and
 * time, and an 'unassign' for each read it no longer assigns; after is what
 * scoring and assign write, hash the given one (where it came from). A
 * status the record has and no decision explains (a withdrawal, a reopening)
 * is a 'status' row by actor at at (the merge's). */
int store_merge_archive_events(struct store *s, const char *record, const char *hash, const char *at,
			       const char *actor, int (*fn)(void *ctx, const struct audit_row *r), void *ctx,
			       struct mc_error *err);

/* What this database did to subject after audit row base_seq, in words ("" none). */
int store_merge_done_since(struct store *s, const char *subject, long long base_seq, char **what,
			   struct mc_error *err);
/* The rows a pull appended (after audit row `from`) are noted as merged from
 * source ("archive:COMMIT", packet_audit) and leave the outbox: the commits
 * that brought them are in the archive's history already, and the merged tree
 * holds the records they made. Rows the merge noted for another source (an
 * earlier merge set aside as a side of the pull's conflict) stay in it: they
 * change this archive's records. */
int store_merge_settle(struct store *s, long long from, const char *source, struct mc_error *err);
/* The pull an audit row was merged by ("archive:COMMIT", heap), or NULL. */
int store_merge_source_of(struct store *s, const char *uid, char **source, struct mc_error *err);
/* ---------------------------------------------------------------- a submission new here */
/* The credential `code` and its rubric of `version` (*found 0: not in this catalog);
 * sha (may be NULL): the SHA-256 of that version's text (heap). */
int store_merge_rubric(struct store *s, const char *code, long long version, long long *credential_id,
		       long long *rubric_id, char **sha, int *found, struct mc_error *err);
/* The submission's assignments made the record's (by uid): those it lacks
 * removed, its new ones added. */
int store_merge_assignments(struct store *s, const char *record, struct mc_error *err);
#endif
