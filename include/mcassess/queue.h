/* queue.h: the evidence queue, paged by key (never a whole-table load), and
 * the one function that decides how an educator is shown to a viewer. */
#ifndef MCASSESS_QUEUE_H
#define MCASSESS_QUEUE_H
#include "mcassess/error.h"
#include "mcassess/store_queue.h"

struct store;

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

/* How `viewer` sees the educator of submission `submission_rowid`: the name, or the
 * anonymous id when the viewer is an assessor scoring that educator blind (by
 * assignment or the 'blind_scoring' setting). Coordinators and admins see names.
 * A shorthand for queue_educator_seen. *label is heap. */
int queue_educator_label(struct store *s, const char *viewer, long long submission_rowid,
			 char **label, int *blind, struct mc_error *err);
/* ---------------------------------------------------------------- the viewer
 * What a viewer may see, loaded once per command or screen so that a page of
 * rows (or an export of thousands) does not ask the database per row. */
struct queue_viewer {
	char *user;
	int role;          /* enum people_role */
	int blind_setting; /* meta 'blind_scoring' is '1' */
};
int queue_viewer_load(struct store *s, const char *user, struct queue_viewer *v, struct mc_error *err);
void queue_viewer_free(struct queue_viewer *v);
/* THE rule (every path that shows an educator ends here): admins and coordinators
 * see names; anyone else sees the anonymous id when they score any of the educator's
 * submissions blind (`assigned_blind`, STORE_BLIND_TO in the SQL) or the
 * 'blind_scoring' setting is on. 1 = blind. */
int queue_viewer_blind(const struct queue_viewer *v, int assigned_blind);

/* What `v` may see of an educator (`raw`, with `assigned_blind` as above): everything,
 * or, blind, the anonymous id as both id and name, no school (NULL) and no anon_id.
 * *shown points into raw. Returns 1 when blind. The queue, show, export and the
 * workstation all take the educator from here, and print nothing else of them. */
int queue_educator_view(const struct queue_viewer *v, int assigned_blind, const struct queue_educator *raw,
			struct queue_educator *shown);

/* The educator of one submission as `viewer` may see them (heap copies; school NULL
 * when blind or none). anon_id is the anonymous id either way: coordinators and
 * admins see both, to speak of the educator as a blind assessor sees them.
 * MC_FAIL when there is no such submission. */
struct queue_educator_seen {
	char *id, *name, *school, *anon_id;
	int blind;
};
int queue_educator_seen(struct store *s, const char *viewer, long long submission_rowid,
			struct queue_educator_seen *out, struct mc_error *err);
void queue_educator_seen_free(struct queue_educator_seen *e);

/* 1 if `status` is one of queue_statuses. */
int queue_status_valid(const char *status);
#endif
