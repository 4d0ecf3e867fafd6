/* store_show.h: the model of one submission that show_load() returns (show.h),
 * and the SQL behind it (store_show.c), which fills it in part by part. */
#ifndef MCASSESS_STORE_SHOW_H
#define MCASSESS_STORE_SHOW_H
#include "mcassess/error.h"

struct store;
struct precheck;

struct show_part {
	char *code, *title, *kind;
	long long min_words, max_words; /* -1 when the part has no such limit */
	long long words;                /* of its text evidence */
	int nitems;                     /* evidence items in this part */
	int out_of_range;               /* -1 under min_words, 1 over max_words, 0 fine */
};

struct show_evidence {
	int part;                       /* index into parts, -1 if unknown */
	char *part_code, *kind, *text, *file, *sha256, *media_type;
	long long words, size;          /* size of a file, -1 for text */
};

struct show_score {
	char *criterion, *level, *level_label, *assessor, *comment, *at, *read;
	int passes;
};

struct show_criterion {
	char *code, *text;
	int part;                       /* index into parts */
	int score;                      /* index into scores of the score shown, -1: not scored */
	char **levels;                  /* labels, lowest first */
	int nlevels;
};

struct show_attempt {               /* an earlier attempt, for the history */
	long long rowid;
	char *id, *status, *submitted_at;
	int attempt;
	struct show_score *scores;
	int nscores;
	char *feedback;
	char *decision, *decided_by, *decided_at;
	char *decision_reason;          /* why it was returned incomplete ("" otherwise) */
};

struct show_event {
	char *action, *actor, *at;
	char *reason;                   /* a return's, reopening's or withdrawal's; NULL when none */
};

/* One read of the submission (review.h): who holds it, and how they ended it. */
struct show_read {
	char *read, *assessor;          /* assessor NULL: nobody holds it */
	char *outcome;                  /* NULL: not ended, or hidden from this viewer */
	int hidden;                     /* 1: another reader's, not shown until both reads end */
};

struct show_submission {
	long long rowid, rubric_rowid, previous_rowid;
	char *id, *credential, *credential_title, *pathway, *status, *submitted_at;
	char *previous_id;              /* NULL for a first attempt */
	int attempt, rubric_version;
	/* the educator as the viewer may see them: when blind, id and name are the
	 * anonymous id and school is NULL */
	int blind;
	char *educator_id, *educator_name, *district, *school;
	char *educator_anon;            /* the anonymous id (what blind assessors see) */
	struct show_part *parts;
	int nparts;
	struct show_evidence *evidence;
	int nevidence;
	struct show_criterion *criteria;
	int ncriteria;
	struct show_score *scores;      /* every read, in rubric order */
	int nscores;
	int nscored, npassing;          /* criteria scored, and scored at a passing level */
	char *feedback, *feedback_author, *feedback_at;
	char *decision, *decided_by, *decided_at, *decision_reason;
	struct show_attempt *history;   /* earlier attempts, oldest first */
	int nhistory;
	struct show_event *events;
	int nevents;
	/* pre-checks (precheck.h); when blind, evidence text and file names above
	 * are masked (names, e-mail addresses, phone numbers), the store untouched */
	struct precheck *checks;
	/* who holds its reads, as the viewer may see them (STORE_ASSIGNEES), and the
	 * earliest due date among them; NULL when none */
	char *assignees, *due_at;
	/* the review process: where it stands (review_stage) and its reads; when
	 * reads_hidden, scores, feedback and read outcomes of the other reader are
	 * left out above (the viewer holds the first or second of two reads) */
	int process;                    /* 1 when decisions wait for approval (review.h) */
	const char *stage;
	struct show_read *reads;
	int nreads, reads_hidden;
};

/* Each fills its part of the model; the submission by imported id, or by rowid
 * when id is NULL (the history). MC_FAIL "no submission 'X'" when absent. */
int store_show_submission(struct store *s, const char *id, long long rowid,
			  struct show_submission *m, char **school, struct mc_error *err);
int store_show_parts(struct store *s, struct show_submission *m, struct mc_error *err);
int store_show_evidence(struct store *s, struct show_submission *m, struct mc_error *err);
int store_show_criteria(struct store *s, struct show_submission *m, struct mc_error *err);
/* Scores of a submission (every read), in rubric order then read. */
int store_show_scores(struct store *s, long long rowid, struct show_score **scores, int *n,
		      struct mc_error *err);
/* The feedback shown (adjudication, else first, else second) and the decision. */
int store_show_feedback(struct store *s, long long rowid, char **body, char **author, char **at,
			struct mc_error *err);
int store_show_assignees(struct store *s, long long rowid, const char *viewer, char **assignees, char **due_at,
			 struct mc_error *err);
int store_show_decision(struct store *s, long long rowid, char **outcome, char **by, char **at,
			char **reason, struct mc_error *err);
#endif
