/* report.h: the coordinators' figures (issue 13): progress against goals,
 * turnaround, assessors' work and scorer agreement, as far as the viewer may
 * see them. Each report is computed once per call: callers (the CLI, the
 * reports screen) load it once and draw from the struct. */
#ifndef MCASSESS_REPORT_H
#define MCASSESS_REPORT_H
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/stats.h"

struct store;

/* What was asked: every field may be NULL. Dates are YYYY-MM-DD (UTC), inclusive. */
struct report_request {
	const char *district, *since, *until;
};

/* What the viewer will see, decided in one place (report_scope_for):
 * assessors their own figures, coordinators their district (all when they have
 * none), admins everything. */
struct report_scope {
	char *district;  /* only submissions of educators in this district; NULL: all */
	char *assessor;  /* only this assessor's work; NULL: everyone's */
	char *since, *until;
	char as_of[21];  /* "now" for ages: the end of --until, else the clock */
	int due_days;    /* meta 'due_days', 14 when unset */
	int recount;     /* read every submission as before the report counters
			    (`report --recount`, the tests): the same figures, slower */
};
int report_scope_for(struct store *s, const char *viewer, const struct report_request *rq,
		     struct report_scope *sc, struct mc_error *err);
void report_scope_free(struct report_scope *sc);

/* ---------------------------------------------------------------- progress */
struct report_counts {
	long earned, in_process, resubmit, incomplete, withdrawn;
	long first_decided, first_earned; /* attempt 1, decided earned or resubmit */
	long attempts_sum;                /* of the earned submissions' attempt numbers */
};
enum report_level { REPORT_PATHWAY, REPORT_CREDENTIAL, REPORT_DISTRICT };
struct report_progress_row {
	enum report_level level;
	char *pathway, *title;  /* title: the pathway's, or the credential's */
	char *credential;       /* REPORT_CREDENTIAL */
	char *district;         /* REPORT_DISTRICT (a pathway's figures in one district) */
	long goal;              /* REPORT_PATHWAY: config goal; else 0 */
	struct report_counts c;
};
struct report_progress {
	struct report_progress_row *rows; /* pathways in catalog order, each followed by
					     its credentials; then the district rows */
	int n;
	struct report_counts total;
	long goal_total;                  /* meta 'goal_total' when set, else the pathways' sum */
};
int report_progress(struct store *s, const struct report_scope *sc, struct report_progress *out,
		    struct mc_error *err);
void report_progress_free(struct report_progress *p);
/* earned / first_decided etc., NAN when nothing to divide. */
double report_first_pass_rate(const struct report_counts *c);
double report_attempts_to_earn(const struct report_counts *c);

/* ---------------------------------------------------------------- turnaround */
struct report_turnaround_row {
	char *pathway, *district;       /* one of them set, or both NULL for everything */
	long decided;                   /* submissions with a decision */
	double decide_median, decide_p90; /* days from submission to decision */
	long read_n;
	double read_median, read_p90;   /* days from (first) assignment to decision */
	long within_due;                /* decisions within due_days of submission */
};
#define REPORT_AGE_BUCKETS 4            /* open work: < 7 days, 7-13, 14-29, 30 and more */
struct report_turnaround {
	struct report_turnaround_row *rows; /* everything, then pathways, then districts */
	int n;
	long backlog[REPORT_AGE_BUCKETS];
};
extern const char *const report_age_buckets[REPORT_AGE_BUCKETS];
int report_turnaround(struct store *s, const struct report_scope *sc, struct report_turnaround *out,
		      struct mc_error *err);
void report_turnaround_free(struct report_turnaround *t);

/* ---------------------------------------------------------------- agreement */
struct report_agreement_row {
	char *what;     /* "first-second" or "assessor-final" */
	char *key;      /* criterion ("CREDENTIAL/CODE"), assessor, or "all" */
	struct stats_agreement a;
};
struct report_agreement {
	struct report_agreement_row *rows; /* first-second: all, then per criterion;
					      assessor-final: all, then per assessor */
	int n;
};
int report_agreement(struct store *s, const struct report_scope *sc, struct report_agreement *out,
		     struct mc_error *err);
void report_agreement_free(struct report_agreement *a);

/* ---------------------------------------------------------------- assessors */
struct report_assessor_row {
	char *assessor;
	long done, open, overdue;
	double per_week;               /* done over the weeks of the period */
	struct stats_agreement final;  /* against the final outcome */
};
struct report_assessors {
	struct report_assessor_row *rows;
	int n;
	double weeks;
};
int report_assessors(struct store *s, const struct report_scope *sc, struct report_assessors *out,
		     struct mc_error *err);
void report_assessors_free(struct report_assessors *a);

/* ---------------------------------------------------------------- SQL side (store_report.c) */
/* Submissions counted by credential and district within the scope. */
int store_report_progress(struct store *s, const struct report_scope *sc,
			  int (*fn)(void *ctx, const char *pathway, const char *credential,
				    const char *district, const struct report_counts *c),
			  void *ctx, struct mc_error *err);
/* Every pathway (catalog order) with its goal, and every credential of it. */
int store_report_catalog(struct store *s,
			 int (*fn)(void *ctx, const char *pathway, const char *ptitle, long goal,
				   const char *credential, const char *ctitle),
			 void *ctx, struct mc_error *err);
/* Each submission in scope: its pathway, district, status, and the times (NULL
 * when none) of submission, first assignment and decision. */
int store_report_times(struct store *s, const struct report_scope *sc,
		       int (*fn)(void *ctx, const char *pathway, const char *district, const char *status,
				 const char *submitted, const char *assigned, const char *decided),
		       void *ctx, struct mc_error *err);
/* Turnaround from its counts (migration 22; not for an assessor's own scope).
 * store_report_turn_counts: per kind ("decide", "read": durations in seconds,
 * counted by bucket, each bucket holding the seconds over the one before it
 * up to `upto`; "open": undecided submissions in the queue; "odd": submissions
 * whose times the counts cannot answer), pathway and district, in order of
 * kind, then upto. store_report_turn_nth: of the durations of `kind` over
 * `after` up to `upto` (in scope, of the pathway or district when not NULL),
 * in order, the one at `offset` and the next: *got is how many there were
 * (0 to 2).
 * store_report_turn_newer: the open submissions in scope submitted after
 * `t` (seconds since 1970). */
int store_report_turn_counts(struct store *s, const struct report_scope *sc,
			     int (*fn)(void *ctx, const char *kind, const char *pathway, const char *district,
				       long long upto, long long n),
			     void *ctx, struct mc_error *err);
int store_report_turn_nth(struct store *s, const struct report_scope *sc, const char *kind, const char *pathway,
			  const char *district, long long after, long long upto, long long offset, long long v[2],
			  int *got, struct mc_error *err);
int store_report_turn_newer(struct store *s, const struct report_scope *sc, long long t, long long *n,
			    struct mc_error *err);
/* Pairs of scores of the same criterion of the same submission: an earlier read
 * against a later one ("first" against "second"; any read against the last one,
 * the final). Levels are 0-based; k is the criterion's number of levels; n is
 * how many such pairs (1 a pair when recounting, one call a table cell when
 * read from the counters). A "first-second" call names the criterion (its
 * assessor may be NULL), an "assessor-final" call the earlier read's assessor
 * (its criterion may be NULL). */
int store_report_pairs(struct store *s, const struct report_scope *sc,
		       int (*fn)(void *ctx, const char *what, const char *criterion, const char *assessor,
				 int a, int b, int k, long n),
		       void *ctx, struct mc_error *err);
/* Assignments in scope, the recount of the assessors report: assessor, when,
 * the submission's status and decision time, from the rows. */
int store_report_assignments(struct store *s, const struct report_scope *sc,
			     int (*fn)(void *ctx, const char *assessor, const char *assigned,
				       const char *status, const char *decided),
			     void *ctx, struct mc_error *err);
/* The assessors report's counts per assessor in scope (an assessor's own too;
 * migration 20), in assessor order: assignments, done (the submission decided),
 * open, overdue (open and assigned before overdue_before, seconds since 1970),
 * and the first and last decision among the done (NULL when none). */
struct report_assessor_count {
	const char *assessor;
	long n, done, open, overdue;
	const char *first_done, *last_done;
};
int store_report_assessor_counts(struct store *s, const struct report_scope *sc, long long overdue_before,
				 int (*fn)(void *ctx, const struct report_assessor_count *c), void *ctx,
				 struct mc_error *err);
/* The progress counters kept by triggers (report_day, report_month) against a
 * recount from the submissions: fn gets each difference (none when they agree).
 * credential and district are NULL when no such row exists. */
struct report_count_diff {
	const char *table;        /* "day" or "month" */
	const char *when;         /* the day or month of submission */
	const char *credential, *district, *status;
	int first;                /* 1: first attempts; 0: later ones */
	long long kept, counted;  /* submissions */
	const char *assessor;     /* for an assessor's own counts (report_own_progress), whose; else NULL */
};
int store_report_counts_check(struct store *s, int (*fn)(void *ctx, const struct report_count_diff *d),
			      void *ctx, struct mc_error *err);
/* Each submission (imported id, or '#' and the internal one when it is gone)
 * whose kept facts (report_submission: status, times, district) differ from
 * the submission, assignment and decision rows they are read from. */
int store_report_facts_check(struct store *s, int (*fn)(void *ctx, const char *submission), void *ctx,
			     struct mc_error *err);
/* Agreement's tallies kept by triggers (report_pair, the pairs of reads;
 * report_agree_count, their counts for all time, by month and by day) against a recount
 * from the scores: fn gets each difference (none when they agree). days: only
 * the groups of these days ("YYYY-MM-DD", the day a submission was submitted)
 * and the months they fall in; NULL: every group. */
struct report_pair_diff {
	const char *table;        /* "day", "month", "all time", or "pair" (one pair of reads) */
	const char *when;         /* the day or month ("" for all time); for "pair", the submission */
	const char *credential, *district, *criterion; /* NULL when unknown, or for a count of
							 * reads against the final ones */
	const char *x_assessor;   /* the earlier read's; for a count, NULL unless against the final ones */
	const char *y_assessor;   /* the later read's: for "pair" only, else NULL */
	long long kept, counted;  /* pairs */
	const char *owner;        /* for a count of one assessor's own pairs (report_own_count), whose; else NULL */
};
int store_report_pairs_check(struct store *s, const char *const *days, int ndays,
			     int (*fn)(void *ctx, const struct report_pair_diff *d), void *ctx, struct mc_error *err);
/* The most sums of agreement's counts for all time the last whole check held at
 * once (one owner's distinct keys and a month's): its memory, 72 bytes a sum. */
size_t store_report_agree_held_most(void);
/* The assessors' counts kept by triggers (migration 20: report_assigned, one
 * row an assignment; report_assigned_count, their counts for all time, by month
 * and by day) against a recount from the assignments and the submissions'
 * facts: fn gets each difference (none when they agree). days: only the groups
 * of these days ("YYYY-MM-DD", the day a submission was submitted), their
 * months and their submissions' assignments; NULL: everything. */
struct report_assigned_diff {
	const char *table;     /* "day", "month", "all time", or "assignment" (one assignment's row) */
	const char *when;      /* the day or month ("" for all time); for "assignment", the submission */
	const char *district;  /* NULL when unknown */
	const char *assessor;
	const char *kept, *counted; /* what each side says, in words */
};
int store_report_assigned_check(struct store *s, const char *const *days, int ndays,
				int (*fn)(void *ctx, const struct report_assigned_diff *d), void *ctx,
				struct mc_error *err);
/* Turnaround's counts kept by triggers (migration 22: report_turn, one row a
 * submission and kind; report_turn_count, their counts for all time, by month
 * and by day) against a recount from the submissions' facts: fn gets each
 * difference (none when they agree). days: as store_report_assigned_check. */
struct report_turn_diff {
	const char *table;        /* "day", "month", "all time", or "row" (one submission's row) */
	const char *when;         /* the day or month ("" for all time); for "row", the submission */
	const char *credential, *district; /* NULL when unknown */
	const char *kind;         /* "decide", "read", "open" or "odd" */
	long long upto;           /* the bucket: durations up to this many seconds */
	long long kept, counted;  /* submissions */
};
int store_report_turn_check(struct store *s, const char *const *days, int ndays,
			    int (*fn)(void *ctx, const struct report_turn_diff *d), void *ctx, struct mc_error *err);
/* The assessors' own progress kept by triggers (report_own_sub, one
 * row a submission and assessor; report_own_progress, their counts for all time,
 * by month and by day) against a recount from the submissions' facts and
 * assignments: fn gets each difference (none when they agree), with its
 * assessor; table "day", "month", "all time", or "submission" (one row: when
 * names the submission, kept 1 for a row kept but not in the facts, 0 for one
 * missing). days: as store_report_assigned_check. */
int store_report_own_progress_check(struct store *s, const char *const *days, int ndays,
				    int (*fn)(void *ctx, const struct report_count_diff *d), void *ctx,
				    struct mc_error *err);
/* Set a pathway's goal (admins; audited). MC_INVALID for an unknown pathway. */
int report_goal_set(struct store *s, const char *pathway, long goal, long *before, struct mc_error *err);
int store_report_goal(struct store *s, const char *pathway, long goal, long *before, int *found,
		      struct mc_error *err);
#endif
