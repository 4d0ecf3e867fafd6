/* store_demo.h: the SQL the demo generator needs (used by demo.c only).
 * Inserts bind text without copying it (the caller's text lives until the
 * call returns) and skip per-row audit rows: demo_run writes one. */
#ifndef MCASSESS_STORE_DEMO_H
#define MCASSESS_STORE_DEMO_H
#include "mcassess/error.h"

struct store;

/* The current rubric of every credential, with its parts, criteria and levels. */
struct store_demo_level {
	long long id;
	int seq, passes;
	char *code; /* for the audit row */
};
struct store_demo_part {
	long long id;
	char *code, *kind;
	long min_words, max_words; /* -1: no limit */
	int required;
};
struct store_demo_criterion {
	long long id, part_id;
	char *code;
	int nlevels;
	struct store_demo_level *levels; /* lowest first */
};
struct store_demo_credential {
	long long id, rubric_id;
	char *code, *pathway, *title;
	int nparts, ncriteria;
	struct store_demo_part *parts;         /* in rubric order */
	struct store_demo_criterion *criteria; /* in rubric order */
};
int store_demo_catalog(struct store *s, struct store_demo_credential **out, int *n,
		       struct mc_error *err);
void store_demo_catalog_free(struct store_demo_credential **c, int n);

/* A bulk load: on = 1 gives the connection a page cache that holds a batch
 * (8 MiB) so that inserts into the random-keyed indexes (uids, hashes) mostly
 * stay in memory; on = 0 puts the default back. */
int store_demo_bulk(struct store *s, int on, struct mc_error *err);

/* The reports' counts in one step a batch. Kept by triggers (schema.sql,
 * migrations 7 and 18-23), they are rewritten for a submission on each of its
 * assignments, scores and decision as they are inserted: most of a demo's
 * time. Inside the batch's transaction, store_demo_defer drops the triggers
 * that start that work on an insert (keeping their text) and notes where the
 * batch's submissions begin; store_demo_catch_up puts them back, then brings
 * the counts up to date once for each of the batch's submissions, through
 * the same views the triggers write (report_change, report_touch,
 * report_pair_move). Both in one transaction: a batch stopped or rolled back
 * leaves the triggers as they were. Only for a writer that inserts whole new
 * submissions and nothing about older ones, as the demo does. */
struct store_demo_deferred {
	char *sql[8];       /* the dropped triggers' CREATE statements */
	int n;
	long long after;    /* the batch's submissions have ids above this */
};
int store_demo_defer(struct store *s, struct store_demo_deferred *d, struct mc_error *err);
int store_demo_catch_up(struct store *s, struct store_demo_deferred *d, struct mc_error *err);
/* The text kept, after a failure (the rollback puts the triggers back). */
void store_demo_deferred_free(struct store_demo_deferred *d);

/* How many submissions and educators the database holds already. */
int store_demo_existing(struct store *s, long long *submissions, long long *educators,
			struct mc_error *err);

/* Districts, schools and cohorts: the existing row's id if there is one. */
int store_demo_district(struct store *s, const char *name, long long *id, struct mc_error *err);
/* A stopped demo resumes: how many submissions a district's educators have. */
int store_demo_district_submissions(struct store *s, long long district_id, long long *n, struct mc_error *err);
/* The demo is whole: meta 'demo_unfinished' (its options, set when it began) goes. */
int store_demo_finished(struct store *s, struct mc_error *err);
int store_demo_school(struct store *s, long long district_id, const char *name, long long *id,
		      struct mc_error *err);
int store_demo_cohort(struct store *s, long long district_id, const char *name, int year,
		      long long *id, struct mc_error *err);
/* A person (left alone if the user is already one). district_id 0: none. */
int store_demo_person(struct store *s, const char *user, const char *name, const char *email,
		      const char *role, long long district_id, const char *created_at,
		      struct mc_error *err);

struct store_demo_educator {
	const char *ext_id, *name, *anon_id;
	long long district_id, school_id, cohort_id;
};
int store_demo_educator(struct store *s, const struct store_demo_educator *e, long long *id,
			struct mc_error *err);

struct store_demo_submission {
	const char *ext_id, *status, *submitted_at, *imported_at, *updated_at, *source_sha256;
	long long educator_id, credential_id, rubric_id, previous_id; /* previous_id 0: none */
	int attempt;
};
int store_demo_submission(struct store *s, const struct store_demo_submission *d, long long *id,
			  struct mc_error *err);

int store_demo_evidence(struct store *s, long long submission_id, int seq, long long part_id,
			const char *text, size_t len, const char *sha256, long words,
			const char *media_type, struct mc_error *err);
int store_demo_score(struct store *s, const char *uid, long long submission_id, const char *read,
		     long long criterion_id, long long level_id, const char *assessor,
		     const char *comment, const char *at, struct mc_error *err);
int store_demo_feedback(struct store *s, const char *uid, long long submission_id, const char *read,
			const char *author, const char *body, const char *at, struct mc_error *err);
int store_demo_decision(struct store *s, const char *uid, long long submission_id,
			const char *outcome, const char *decided_by, const char *reason,
			const char *at, struct mc_error *err);
/* `read` of a submission: first, second or adjudication; due_at may be NULL. */
int store_demo_assignment(struct store *s, const char *uid, long long submission_id, const char *read,
			  const char *assessor, int blind, const char *assigned_by, const char *at,
			  const char *due_at, struct mc_error *err);
/* The end of one read (review.h): its reader's outcome, earned or resubmit. */
int store_demo_read_decision(struct store *s, const char *uid, long long submission_id, const char *read,
			     const char *assessor, const char *outcome, const char *at, struct mc_error *err);
/* A person's links to their own work (assign_rules.h); NULL: none. */
int store_demo_person_links(struct store *s, const char *user, const char *school, const char *cohort,
			    const char *educator, struct mc_error *err);
#endif
