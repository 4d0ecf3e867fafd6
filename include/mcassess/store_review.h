/* store_review.h: the SQL behind review.c: each read's own decision, and the
 * assessor an adjudication read goes to. */
#ifndef MCASSESS_STORE_REVIEW_H
#define MCASSESS_STORE_REVIEW_H
#include "mcassess/error.h"

struct store;

/* The read `user` holds on the submission ("first", "second", "adjudication";
 * the earliest when several), heap, NULL when none. */
int store_review_read_of(struct store *s, long long sub_rowid, const char *user, char **read,
			 struct mc_error *err);
/* Who holds the assignment of `read` (heap, NULL when nobody). */
int store_review_holder(struct store *s, long long sub_rowid, const char *read, char **user,
			struct mc_error *err);
/* The decision that ended `read` (outcome and assessor heap, NULL when none). */
int store_review_read_get(struct store *s, long long sub_rowid, const char *read, char **outcome,
			  char **assessor, struct mc_error *err);
int store_review_read_put(struct store *s, long long sub_rowid, const char *read, const char *assessor,
			  const char *outcome, const char *at, const char *uid, struct mc_error *err);
/* Every read's decision of the submission is undone (a return, a reopening). */
int store_review_reads_clear(struct store *s, long long sub_rowid, struct mc_error *err);
/* The final decision is removed (a reopening: the audit keeps what it was). */
int store_review_decision_del(struct store *s, long long sub_rowid, struct mc_error *err);
/* The least loaded assessor (open assignments) who holds no read of the
 * submission, preferring one outside the educator's district; NULL when none. */
int store_review_adjudicator(struct store *s, long long sub_rowid, char **user, struct mc_error *err);
#endif
