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
	char *read;              /* the viewer's own assignment: first, second, adjudication; NULL none */
	int read_blind;          /* 1 when that assignment is blind */
	char *assignees;         /* "first: ann (blind), second: bo": the reads the viewer may see; NULL none */
	char *due_at;            /* the earliest due date of those reads; NULL none */
	int overdue;             /* open work past that due date */
	int needs_adjudication;  /* its reads disagree and nobody holds the adjudication read (then
				    `assignees` starts "needs adjudication; ") */
};

/* One page of `limit` rows after (direction > 0) or before (direction < 0) the row
 * `from` in the filter's order; from == NULL starts at the top (or, direction < 0,
 * the bottom). Rows come back in display order either way. Only what the acting
 * user (the store's session) may see (access.h), educators shown as they may
 * see them (blind scoring). */
int queue_page(struct store *s, const struct queue_filter *f, const struct queue_row *from, int direction,
	       int limit, struct queue_row **rows, int *n, struct mc_error *err);
void queue_rows_free(struct queue_row **rows, int n);
/* 1 when a submission of `status` is open work (queued, in progress) whose read
 * was due (`due_at`, NULL: none) before `now` (ISO 8601 UTC). */
int queue_overdue(const char *status, const char *due_at, const char *now);

/* Submissions by status (queue_statuses order) as far as the acting user may
 * see them: for the whole database (admins) from counters kept by triggers,
 * constant time, fit for every redraw; else counted over their scope. */
int queue_counts(struct store *s, long long counts[QUEUE_NSTATUS], struct mc_error *err);
/* The same for what a filter's list holds, every status (f->status and f->narrow
 * aside): the counters when nothing else narrows it, else one counting query
 * (not for every redraw: once per filter). */
int queue_counts_for(struct store *s, const struct queue_filter *f, long long counts[QUEUE_NSTATUS],
		     struct mc_error *err);
/* How many of counts[] the filter's status takes (open work, 'all' or one status). */
long long queue_counts_total(const struct queue_filter *f, const long long counts[QUEUE_NSTATUS]);

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

/* The status a queue shows when none is asked for, as the policy has it for the
 * acting user: "awaiting_approval" for an approver (their open work), else NULL
 * (open work: queued and in progress). */
const char *queue_default_status(struct store *s);

/* 1 if `status` is one of queue_statuses. */
int queue_status_valid(const char *status);

/* The status a person typed ("awaiting", "In progress", any case) as one of
 * queue_statuses; NULL when it is none. */
const char *queue_status_canonical(const char *typed);
/* A filter as typed, made exact before use (the command line and the
 * workstation's filter prompt both): the status by queue_status_canonical; the
 * district by its name or the start of it, when that names one district; the
 * credential and pathway by their codes in any case. MC_USAGE naming the value
 * and the known ones when it matches none (or, a district, several). The
 * filter's fields then point into *owned (free with queue_filter_names_free). */
struct queue_filter_names {
	char *district, *credential, *pathway;
};
int queue_filter_resolve(struct store *s, struct queue_filter *f, struct queue_filter_names *owned,
			 struct mc_error *err);
void queue_filter_names_free(struct queue_filter_names *owned);

/* Filter words as typed, "status:earned district:Knox County" (each key's value
 * runs to the next key; keys in any case), into fv[] in queue_filter_keys
 * order (heap; a key given twice keeps the last). NULL, or where the text
 * stops making sense. */
#define QUEUE_FILTER_NKEYS 5
extern const char *const queue_filter_keys[QUEUE_FILTER_NKEYS]; /* status, pathway, credential, district, needs */
const char *queue_filter_words(const char *text, char *fv[QUEUE_FILTER_NKEYS]);

#endif
