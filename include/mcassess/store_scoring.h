/* store_scoring.h: the SQL behind scoring.c (scores, feedback, decisions, drafts),
 * and the outcome model it fills in. */
#ifndef MCASSESS_STORE_SCORING_H
#define MCASSESS_STORE_SCORING_H
#include "mcassess/error.h"

struct store;

/* The outcome model (what scoring_outcome() returns, see scoring.h), filled in
 * from the rubric and the scores by store_scoring_rubric and store_scoring_scores. */
enum scoring_part_state {
	SCORING_PART_INCOMPLETE = 0, /* some criterion not scored yet */
	SCORING_PART_MET,            /* every criterion scored and passing */
	SCORING_PART_NOT_MET,        /* every criterion scored, at least one failing */
};

struct scoring_level {
	long long rowid;                /* internal */
	char *code, *label, *descriptor;
	int seq;      /* 1 = lowest */
	int passes;
};

struct scoring_criterion {
	long long rowid;                /* internal */
	char *code, *text;
	int part;                       /* index into outcome->parts */
	struct scoring_level *levels;   /* lowest first */
	int nlevels;
	int level;                      /* index into levels of the score, -1 when not scored */
	int passes;                     /* 1 when scored at a passing level */
	char *assessor, *comment, *at;  /* of the score; NULL when not scored */
};

struct scoring_part {
	char *code, *title;
	int first, n;                   /* its criteria: criteria[first .. first+n) */
	enum scoring_part_state state;
};

struct scoring_outcome {
	long long rowid;
	char *id, *credential, *status;
	int rubric_version;
	char *passing_rule;             /* "all_criteria_pass" */
	struct scoring_part *parts;
	int nparts;
	struct scoring_criterion *criteria;
	int ncriteria;
	int nscored, npassing;
	int eligible;                   /* 1 when `decide earned` would be allowed */
	char **reasons;                 /* why not: "O2 not scored", "A1 at Progressing does not pass" */
	int nreasons;
	char *feedback;                 /* the feedback text, NULL when none */
	char *feedback_author, *feedback_at;
	char *decision, *decided_by, *decided_at; /* NULL while undecided */
	char *read;                     /* whose scores these are: "first", "second", "adjudication" */
};

/* A submission as scoring sees it. Strings are heap (store_scoring_sub_free). */
struct store_scoring_sub {
	long long rowid, rubric_id;
	char *id, *credential, *status, *passing_rule;
	int version;
};
void store_scoring_sub_free(struct store_scoring_sub *sub);

/* By imported id (id != NULL) or by rowid. *found is 0 when there is no such submission. */
int store_scoring_sub_get(struct store *s, const char *id, long long rowid, struct store_scoring_sub *out,
			  int *found, struct mc_error *err);

/* Fill o->parts, o->criteria (with their levels) from rubric `rubric_id`. */
int store_scoring_rubric(struct store *s, long long rubric_id, struct scoring_outcome *o,
			 struct mc_error *err);
/* Fill each criterion's score (level, assessor, comment, at) for `read`. */
int store_scoring_scores(struct store *s, long long sub_rowid, const char *read, struct scoring_outcome *o,
			 struct mc_error *err);
/* Feedback for `read` (all NULL when none) and the decision (all NULL when none). */
int store_scoring_feedback_get(struct store *s, long long sub_rowid, const char *read, char **body,
			       char **author, char **at, struct mc_error *err);
int store_scoring_decision_get(struct store *s, long long sub_rowid, char **outcome, char **by, char **at,
			       struct mc_error *err);

/* 1 in *yes when `user` holds the assignment of `read` for the submission. */
int store_scoring_assigned(struct store *s, long long sub_rowid, const char *user, const char *read,
			   int *yes, struct mc_error *err);

/* Writes (inside a transaction). */
int store_scoring_score_put(struct store *s, long long sub_rowid, const char *read, long long criterion_id,
			    long long level_id, const char *assessor, const char *comment, const char *at,
			    const char *uid, struct mc_error *err);
int store_scoring_status_set(struct store *s, long long sub_rowid, const char *status, const char *at,
			     struct mc_error *err);
int store_scoring_feedback_put(struct store *s, long long sub_rowid, const char *read, const char *author,
			       const char *body, const char *at, const char *uid, struct mc_error *err);
/* `reason` NULL stores '' (an 'incomplete' return always has one). */
int store_scoring_decision_put(struct store *s, long long sub_rowid, const char *outcome, const char *by,
			       const char *at, const char *uid, const char *reason, struct mc_error *err);

/* Drafts of `author` (get: body and at NULL when none). */
int store_scoring_draft_put(struct store *s, long long sub_rowid, const char *author, const char *target,
			    const char *body, const char *at, const char *uid, struct mc_error *err);
int store_scoring_draft_get(struct store *s, long long sub_rowid, const char *author, const char *target,
			    char **body, char **at, struct mc_error *err);
int store_scoring_draft_del(struct store *s, long long sub_rowid, const char *author, const char *target,
			    struct mc_error *err);
int store_scoring_draft_count(struct store *s, long long sub_rowid, const char *author, long *n,
			      struct mc_error *err);
#endif
