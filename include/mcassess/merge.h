/* merge.h: the one merge engine (src/core/merge.c). Work done elsewhere comes
 * back into this database by the stable ids every row a person creates
 * carries, whatever brought it: a review packet (packet_merge.c reads it) or
 * another mcassess archive's history (src/archive/archive_merge.c reads it).
 * One engine, two readers: the reader says what the other side did; the engine
 * decides per submission whether the source's records are taken or held in a
 * conflict (packet_conflict, listed by `packet conflicts`, resolved by
 * `packet resolve`), and appends the source's audit rows under their authors
 * and times. It runs inside the caller's transaction: all or nothing. */
#ifndef MCASSESS_MERGE_H
#define MCASSESS_MERGE_H
#include "mcassess/audit.h"
#include "mcassess/error.h"

struct store;

/* Where the work comes from, and how to read it (ctx is the reader's). */
struct merge_source {
	const char *id;                          /* noted with each conflict and merged row */
	const char *district, *made_by, *made_at; /* for the list of merges (packet list) */
	const char *step;                        /* progress, in words: "merging the packet" */
	/* This database's audit row the source saw up to: another source's lone
	 * merge after it is one the source did not see (a conflict). A packet's
	 * base; for a pull, the head before it (its history tells changed_here
	 * what it saw). */
	long long base_seq;
	void *ctx;
	/* The source's audit rows this database lacks, oldest first. A reader
	 * may refuse one (an error stops the merge). */
	int (*events)(void *ctx, int (*fn)(void *fnctx, const struct audit_row *r), void *fnctx,
		      struct mc_error *err);
	/* What this database did to subject since the source parted from it,
	 * in words ("" when nothing: the source's records are taken). */
	int (*changed_here)(void *ctx, const char *subject, char **what, struct mc_error *err);
	/* The source's records of submission sub (JSON, as a conflict keeps them:
	 * status, score, feedback, decision with this database's ids). */
	int (*records)(void *ctx, const char *sub, char **json, struct mc_error *err);
	/* Take the source's records of sub. */
	int (*apply)(void *ctx, const char *sub, struct mc_error *err);
	/* Take the source's records of the reads its `events` on sub worked on
	 * beside the others' (sources that merged sub alone on other reads);
	 * *before (heap): what the first of them replaced. NULL: such work is a
	 * conflict like any other. */
	int (*join)(void *ctx, const char *sub, const char *events, char **before, struct mc_error *err);
	/* A source too large to hold at once (a whole archive pulled): parts
	 * calls part(pctx) for each group of its submissions in turn, each
	 * group's events then all that `events` gives (every event of a
	 * submission in one group; the source reports the progress). NULL:
	 * `events` gives them all at once. */
	int (*parts)(void *ctx, int (*part)(void *pctx), void *pctx, struct mc_error *err);
};

struct merge_result {
	long events, submissions, conflicts;
};

/* Merge src into s, in the caller's transaction. */
int merge_run(struct store *s, const struct merge_source *src, struct merge_result *res, struct mc_error *err);

/* Replace the server's records of sub by `records` (JSON as above), auditing
 * as removed whatever of the server's the new ones do not have (check compares
 * the log's last word with the records). */
int merge_take_records(struct store *s, const char *sub, const char *records, struct mc_error *err);
#endif
