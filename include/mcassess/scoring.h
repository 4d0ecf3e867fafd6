/* scoring.h: scores, feedback, decisions and feedback-editor drafts, and the
 * outcome model recomputed from the scores (what the rubric pane shows and what
 * `decide earned` checks). Scores are the first read ('first') for now; every
 * write is one transaction with its audit row, refused on a decided submission.
 *
 * Who may write: admins and coordinators; an assessor only for a submission the
 * `assignment` table gives them (read 'first'). Submissions are named by their
 * imported id ("S-1"); a submission is scored against ITS rubric version. */
#ifndef MCASSESS_SCORING_H
#define MCASSESS_SCORING_H
#include <stddef.h>

#include "mcassess/error.h"
#include "mcassess/store_scoring.h"

struct store;

/* Feedback (and a draft) larger than this is refused (MC_INVALID). */
#define SCORING_TEXT_MAX (64 * 1024)

/* The submission's internal rowid from its imported id ("no submission 'X'", MC_FAIL). */
int scoring_find(struct store *s, const char *submission_id, long long *rowid, struct mc_error *err);

/* MC_OK if the current OS user may score, give feedback and decide on the submission
 * now; else MC_FAIL with the reason: not allowed (ask an admin), or already decided
 * (naming the decision, who and when). The TUI calls it to show a read-only screen. */
int scoring_may_write(struct store *s, const char *submission_id, struct mc_error *err);

/* Score one criterion. `level` is the level's code, its label (any case) or its
 * 1-based number (1 = lowest). `comment` NULL keeps the previous comment ("" clears).
 * A bad criterion or level is MC_INVALID naming the valid ones. Moves a queued
 * submission to in_progress. Audited as "score" on "submission:ID". */
int scoring_score(struct store *s, const char *submission_id, const char *criterion_code,
		  const char *level, const char *comment, struct mc_error *err);

/* The criterion (by code, any case) and level (as scoring_score takes it) in
 * the rubric of `o`: their indexes into o->criteria and its levels, else
 * MC_INVALID naming the valid ones. */
int scoring_resolve(const struct scoring_outcome *o, const char *criterion, const char *level, int *ci, int *li,
		    struct mc_error *err);

/* Validate feedback text: UTF-8 (MC_INVALID naming "line L, column C") and size.
 * `where` prefixes the message (a file name, "stdin"); may be NULL. */
int scoring_text_check(const char *text, size_t len, const char *where, struct mc_error *err);

/* Replace the feedback (read 'first'); audited with before/after; clears the
 * current user's 'overall' draft for the submission. */
int scoring_feedback_set(struct store *s, const char *submission_id, const char *text,
			 struct mc_error *err);

/* "earned": refused (MC_FAIL) unless every criterion is scored and passes, listing
 * the unscored and failing ones. "resubmit": refused without feedback. Anything else
 * is MC_USAGE. Writes the decision, sets the submission's status, audited "decide". */
int scoring_decide(struct store *s, const char *submission_id, const char *outcome,
		   struct mc_error *err);

/* MC_OK when the acting user may return submissions as incomplete (coordinators
 * and admins); else MC_FAIL saying who may. The workstation asks before it
 * prompts for the reason. */
int scoring_may_return_incomplete(struct store *s, const char *submission_id, struct mc_error *err);
/* The completeness check: return an undecided submission as 'incomplete' (missing
 * parts, unreadable files) without scoring it. Coordinators and admins only (an
 * assessor is refused, MC_FAIL, told to ask their coordinator). `reason` says what
 * is missing: required, UTF-8, at most SCORING_TEXT_MAX bytes (MC_INVALID). Stored
 * as the decision (outcome 'incomplete', its reason), status 'incomplete', audited
 * "decide". It is not an attempt: the educator's next submission for the
 * credential keeps this attempt number (import.c). */
int scoring_return_incomplete(struct store *s, const char *submission_id, const char *reason,
			      struct mc_error *err);

/* Drafts of the feedback editor: the current user's own, per submission and target
 * ("overall" or a criterion code). Durable once the call returns; not audited (a
 * draft is not a decision) and allowed even on a decided submission, so nothing
 * typed is ever lost. load sets *text NULL (and *at NULL) when there is no draft;
 * `at` may be NULL. */
int scoring_draft_save(struct store *s, const char *submission_id, const char *target,
		       const char *text, struct mc_error *err);
int scoring_draft_load(struct store *s, const char *submission_id, const char *target,
		       char **text, char **at, struct mc_error *err);
int scoring_draft_clear(struct store *s, const char *submission_id, const char *target,
			struct mc_error *err);
/* How many drafts the current user keeps for the submission (one query). */
int scoring_draft_count(struct store *s, const char *submission_id, long *n, struct mc_error *err);

/* ---------------------------------------------------------------- the outcome model */
const char *scoring_part_state_name(enum scoring_part_state st); /* "incomplete", "met", "not met" */

/* The outcome of a submission (by rowid, see scoring_find) from the scores of the
 * read the acting user holds (review_my_read); scoring_outcome_read: of `read`. */
int scoring_outcome(struct store *s, long long submission_rowid, struct scoring_outcome **out,
		    struct mc_error *err);
int scoring_outcome_read(struct store *s, long long submission_rowid, const char *read,
			 struct scoring_outcome **out, struct mc_error *err);
void scoring_outcome_free(struct scoring_outcome **o);
/* From the levels on o's criteria: passes, counts, each part's state, the
 * reasons it cannot be earned and `eligible` (once per model: reasons add up). */
void scoring_outcome_compute(struct scoring_outcome *o);

/* A reason given with a decision (a return, a reopening, a withdrawal): required,
 * UTF-8, at most SCORING_TEXT_MAX bytes (MC_INVALID; `hint` says what to write). */
int scoring_reason_check(const char *reason, const char *hint, struct mc_error *err);
#endif
