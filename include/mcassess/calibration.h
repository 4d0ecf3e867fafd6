/* calibration.h: calibration sets (issue 13, item 2). A coordinator (in their
 * district) or an admin marks a decided submission as an exemplar of its
 * credential, with agreed levels (by default the levels of its final read) and
 * the agreed outcome (its decision). Any assessor may then score the exemplar
 * in a calibration read of their own, exactly as real work (criterion, level,
 * then earned or resubmit), without seeing the agreed levels until they have
 * finished it. Calibration reads are kept apart from real scores: nothing of
 * the submission (its scores, feedback, decision, status, export, badge or its
 * archive record) changes. Each write is one transaction with an audit row on
 * "calibration:ID".
 *
 * Qualification: an assessor is qualified for a credential with exemplars when
 * they have finished every exemplar of it and their exact agreement with the
 * agreed levels over all its criteria is at least the threshold (meta
 * 'calibration_threshold', percent, default CALIB_THRESHOLD_DEFAULT). A
 * credential with no exemplars asks for no qualification (everyone eligible). */
#ifndef MCASSESS_CALIBRATION_H
#define MCASSESS_CALIBRATION_H
#include "mcassess/error.h"
#include "mcassess/stats.h"
#include "mcassess/store_calibration.h"

struct store;
struct scoring_outcome;
struct show_submission;

#define CALIB_THRESHOLD_DEFAULT 80

int calib_threshold_get(struct store *s, int *pct, struct mc_error *err);
/* For admins; 0..100 else MC_USAGE; audited "config" on "setting:calibration_threshold". */
int calib_threshold_set(struct store *s, int pct, int *changed, struct mc_error *err);

/* Mark submission `id` (decided earned or resubmit) as an exemplar. levels[]
 * ("CRIT=LEVEL", LEVEL as `score` takes it) override the final read's levels;
 * every criterion must end with a level (MC_INVALID naming those without).
 * `outcome` NULL: the decision. MC_FAIL when it already is one. */
int calib_add(struct store *s, const char *id, const char *const *levels, int nlevels, const char *outcome,
	      struct mc_error *err);
/* Take it out of its set (the assessors' calibration reads of it are kept). */
int calib_remove(struct store *s, const char *id, struct mc_error *err);
/* The exemplars (of `credential` when not NULL) as the acting user may see
 * them: an assessor sees the agreed levels and outcome of only those they have
 * finished (NULL otherwise). */
int calib_list(struct store *s, const char *credential, struct store_calib_row **out, int *n,
	       struct mc_error *err);

/* The acting user's calibration read of exemplar `id`: the rubric with their
 * levels (o->decision: their outcome once finished; real scores, feedback and
 * decision are never in it). *agreed (may be NULL): once finished, the same
 * rubric with the agreed levels and outcome; else NULL. */
int calib_item(struct store *s, const char *id, struct scoring_outcome **mine, struct scoring_outcome **agreed,
	       struct mc_error *err);
/* The exemplar's evidence for calibration: the educator always masked (their
 * anonymous id), no scores, feedback, decision or history. */
int calib_evidence(struct store *s, const char *id, struct show_submission **out, struct mc_error *err);
/* Score one criterion of the acting user's calibration read (refused once
 * finished, and to whoever scored the submission for real). */
int calib_score(struct store *s, const char *id, const char *criterion, const char *level,
		struct mc_error *err);
/* Finish it: "earned" (every criterion scored at a passing level) or "resubmit"
 * (every criterion scored); anything else MC_USAGE. */
int calib_decide(struct store *s, const char *id, const char *outcome, struct mc_error *err);

/* Results per assessor x credential against the agreed levels. Assessors see
 * their own only (asking for someone else is MC_FAIL). */
struct calib_result {
	char *user, *credential;
	long exemplars, done;  /* in the set; finished by the user */
	long outcomes_agreed;  /* finished exemplars whose outcome matched */
	struct stats_agreement g; /* over criteria of finished exemplars */
	int qualified;
};
int calib_results(struct store *s, const char *user, const char *credential, struct calib_result **out,
		  int *n, int *threshold, struct mc_error *err);
void calib_results_free(struct calib_result **r, int n);

/* For `assign --auto`: *has_set 1 when `credential` has exemplars; then
 * qualified[0..n-1] (heap, free with calib_users_free) the users qualified for it. */
int calib_qualified(struct store *s, const char *credential, int *has_set, char ***qualified, int *n,
		    struct mc_error *err);
void calib_users_free(char ***users, int n);
#endif
