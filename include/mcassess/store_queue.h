/* store_queue.h: the SQL behind the queue (store_queue.c): the statuses, the
 * filter a page of submissions is walked by, and an educator's stored fields.
 * How they are shown to a viewer: queue.h. */
#ifndef MCASSESS_STORE_QUEUE_H
#define MCASSESS_STORE_QUEUE_H
#include "mcassess/error.h"

struct store;

enum queue_sort { QUEUE_SORT_AGE = 0, QUEUE_SORT_CREDENTIAL, QUEUE_SORT_STATUS };

#define QUEUE_NSTATUS 7
extern const char *const queue_statuses[QUEUE_NSTATUS]; /* queued, in_progress, awaiting_approval,
							   earned, resubmit, incomplete, withdrawn */

struct queue_filter {
	const char *status;      /* NULL: open work (queued, in_progress); "all"; or one status */
	const char *credential;  /* code, or NULL */
	const char *pathway;     /* code, or NULL */
	const char *district;    /* name, or NULL */
	const char *mine;        /* a user: only submissions assigned to or claimed by them */
	const char *narrow;      /* text typed at '/': matches id, credential, educator shown, district */
	const char *needs;       /* "adjudication": only what waits for an adjudicator; or NULL */
	enum queue_sort sort;
};

/* An educator's identifying fields: as stored, or as a viewer may see them. */
struct queue_educator {
	const char *id, *name, *school, *anon_id;
};

struct queue_raw {
	long long rowid;
	const char *id, *status, *credential, *pathway, *district, *submitted_at;
	const char *name, *anon_id, *claimed_by;
	int attempt;
	int assigned_blind; /* the viewer scores this educator blind (STORE_BLIND_TO) */
	const char *read;   /* the viewer's assignment on this submission (NULL: none) */
	int read_blind;
	const char *assignees; /* "first: ann (blind), second: bo" as the viewer may see them; NULL none */
	const char *due_at;    /* the earliest due date among those reads; NULL none */
	int needs_adjudication; /* its two reads ended and disagree, and nobody holds the adjudication read */
};
struct queue_key {
	const char *status, *credential, *submitted_at;
	long long rowid;
};
/* Walk the submissions matching f (narrow aside) in f->sort order after (direction > 0)
 * or before (< 0) `from` (NULL: from the top or the bottom), calling fn per row until
 * it returns non-zero. `sql_limit` bounds each query (-1: none, when fn filters further).
 * Every query is an index range: no OFFSET, no sort of the whole table. */
int store_queue_walk(struct store *s, const struct queue_filter *f, const char *viewer,
		     const struct queue_key *from, int direction, long sql_limit,
		     int (*fn)(void *ctx, const struct queue_raw *r), void *ctx, struct mc_error *err);
int store_queue_counts(struct store *s, long long counts[QUEUE_NSTATUS], struct mc_error *err);
/* By status, counted over the rows f's credential, pathway, district and mine allow. */
int store_queue_counts_filtered(struct store *s, const struct queue_filter *f,
				long long counts[QUEUE_NSTATUS], struct mc_error *err);
/* The educator of a submission: id, name, school (NULL when none) and anonymous id
 * (heap, in *raw's fields: free each), and whether `viewer` scores them blind.
 * MC_FAIL when there is no such submission. */
int store_queue_educator(struct store *s, long long submission_rowid, const char *viewer,
			 struct queue_educator *raw, int *assigned_blind, struct mc_error *err);
#endif
