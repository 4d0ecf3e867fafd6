/* queue.h: the evidence queue, paged by key (never a whole-table load), and
 * the one function that decides how an educator is shown to a viewer. */
#ifndef MCASSESS_QUEUE_H
#define MCASSESS_QUEUE_H
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
	enum queue_sort sort;
};

struct queue_row {
	long long rowid;         /* internal key for paging */
	char *id;                /* the imported submission id */
	char *status, *credential, *pathway, *district, *submitted_at;
	char *educator;          /* the name, or the anonymous id when the viewer scores blind */
	char *claimed_by;        /* NULL when nobody holds it */
	int attempt;
	int blind;               /* 1 when `educator` is the anonymous id */
};

/* One page of `limit` rows after (direction > 0) or before (direction < 0) the row
 * `from` in the filter's order; from == NULL starts at the top (or, direction < 0,
 * the bottom). Rows come back in display order either way. `viewer` is the OS
 * user the rows are shown to (blind scoring). */
int queue_page(struct store *s, const struct queue_filter *f, const char *viewer,
	       const struct queue_row *from, int direction, int limit,
	       struct queue_row **rows, int *n, struct mc_error *err);
void queue_rows_free(struct queue_row **rows, int n);

/* Submissions by status (queue_statuses order), from counters kept by triggers:
 * constant time, fit for every redraw. */
int queue_counts(struct store *s, long long counts[QUEUE_NSTATUS], struct mc_error *err);

/* How `viewer` sees an educator of submission `submission_rowid`: the name, or the
 * anonymous id when the viewer is an assessor scoring that submission blind (by
 * assignment or the 'blind_scoring' setting). Coordinators and admins see names.
 * Every screen and command that shows an educator goes through here. *label is heap. */
int queue_educator_label(struct store *s, const char *viewer, long long submission_rowid,
			 char **label, int *blind, struct mc_error *err);
#endif
