/* scoring.c: scores, feedback, decisions, drafts, and the outcome model that
 * says whether a submission may be earned. Each write is one transaction with
 * its audit row; a refused or failed write leaves everything as it was. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "mcassess/access.h"
#include "mcassess/audit.h"
#include "mcassess/claim_lock.h"
#include "mcassess/draftspool.h"
#include "mcassess/people.h"
#include "mcassess/review.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_precheck.h"
#include "mcassess/store_review.h"
#include "mcassess/store_scoring.h"
#include "mcassess/suggest.h"
#include "mcassess/text.h"
#include "mcassess/util.h"

/* Scores, feedback and a read's decision belong to (assessor, read): the read
 * is the one the acting user holds (review_my_read), "first" for coordinators
 * and admins who hold none. */

const char *scoring_part_state_name(enum scoring_part_state st)
{
	switch (st) {
	case SCORING_PART_MET: return "met";
	case SCORING_PART_NOT_MET: return "not met";
	default: return "incomplete";
	}
}

/* ---------------------------------------------------------------- outcome */

static void outcome_reason(struct scoring_outcome *o, char *why)
{
	o->reasons = mc_xrealloc(o->reasons, (size_t)(o->nreasons + 1) * sizeof *o->reasons);
	o->reasons[o->nreasons++] = why;
}

/* The passing rule over the scores: per criterion, per part, the whole. */
void scoring_outcome_compute(struct scoring_outcome *o)
{
	o->nscored = o->npassing = 0;
	for (int i = 0; i < o->ncriteria; i++) {
		struct scoring_criterion *c = &o->criteria[i];
		c->passes = c->level >= 0 && c->levels[c->level].passes;
		if (c->level >= 0)
			o->nscored++;
		if (c->passes)
			o->npassing++;
		if (c->level < 0)
			outcome_reason(o, mc_xasprintf("%s not scored", c->code));
		else if (!c->passes)
			outcome_reason(o, mc_xasprintf("%s at %s does not pass", c->code,
						       c->levels[c->level].label));
	}
	for (int p = 0; p < o->nparts; p++) {
		struct scoring_part *part = &o->parts[p];
		int unscored = 0, failing = 0;
		for (int i = part->first; i < part->first + part->n; i++) {
			unscored += o->criteria[i].level < 0;
			failing += o->criteria[i].level >= 0 && !o->criteria[i].passes;
		}
		part->state = unscored ? SCORING_PART_INCOMPLETE
				       : failing ? SCORING_PART_NOT_MET : SCORING_PART_MET;
	}
	if (o->ncriteria == 0)
		outcome_reason(o, mc_xasprintf("the rubric of %s version %d has no criteria", o->credential,
					       o->rubric_version));
	if (strcmp(o->passing_rule, "all_criteria_pass") != 0)
		outcome_reason(o, mc_xasprintf("the passing rule '%s' is not known to this mcassess",
					       o->passing_rule));
	o->eligible = o->nreasons == 0;
}

/* Completeness before earning: a required part with no evidence is a reason
 * the submission cannot be earned, whatever its scores say. */
static int outcome_completeness(struct store *s, struct scoring_outcome *o, struct mc_error *err)
{
	char **parts = NULL;
	int n = 0;
	int rc = store_precheck_missing_parts(s, o->rowid, &parts, &n, err);
	for (int i = 0; i < n; i++)
		outcome_reason(o, mc_xasprintf("part %s has no evidence", parts[i])); 
	for (int i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
	if (n > 0)
		o->eligible = 0;
	return rc;
}

static int outcome_load(struct store *s, const struct store_scoring_sub *sub, const char *read,
			struct scoring_outcome **out, struct mc_error *err)
{
	struct scoring_outcome *o = mc_xcalloc(1, sizeof *o);
	o->read = mc_xstrdup(read);
	o->rowid = sub->rowid;
	o->id = mc_xstrdup(sub->id);
	o->credential = mc_xstrdup(sub->credential);
	o->status = mc_xstrdup(sub->status);
	o->passing_rule = mc_xstrdup(sub->passing_rule);
	o->rubric_version = sub->version;
	int rc = store_scoring_rubric(s, sub->rubric_id, o, err);
	if (rc == MC_OK)
		rc = store_scoring_scores(s, sub->rowid, read, o, err);
	if (rc == MC_OK)
		rc = store_scoring_feedback_get(s, sub->rowid, read, &o->feedback, &o->feedback_author,
						&o->feedback_at, err);
	if (rc == MC_OK)
		rc = store_scoring_decision_get(s, sub->rowid, &o->decision, &o->decided_by, &o->decided_at, err);
	if (rc == MC_OK) {
		scoring_outcome_compute(o);
		rc = outcome_completeness(s, o, err);
	}
	if (rc != MC_OK) {
		scoring_outcome_free(&o);
		return rc;
	}
	*out = o;
	return MC_OK;
}

int scoring_outcome(struct store *s, long long submission_rowid, struct scoring_outcome **out,
		    struct mc_error *err)
{
	char *read = NULL;
	int rc = review_my_read(s, submission_rowid, &read, err);
	if (rc == MC_OK)
		rc = scoring_outcome_read(s, submission_rowid, read, out, err);
	free(read);
	return rc;
}

int scoring_outcome_read(struct store *s, long long submission_rowid, const char *read,
			 struct scoring_outcome **out, struct mc_error *err)
{
	*out = NULL;
	struct store_scoring_sub sub;
	int found;
	int rc = store_scoring_sub_get(s, NULL, submission_rowid, &sub, &found, err);
	if (rc != MC_OK)
		return rc;
	if (!found)
		return mc_error_set(err, MC_FAIL, "no submission with internal id %lld", submission_rowid);
	rc = outcome_load(s, &sub, read, out, err);
	store_scoring_sub_free(&sub);
	return rc;
}

void scoring_outcome_free(struct scoring_outcome **op)
{
	struct scoring_outcome *o = *op;
	if (!o)
		return;
	for (int i = 0; i < o->nparts; i++) {
		free(o->parts[i].code);
		free(o->parts[i].title);
	}
	free(o->parts);
	for (int i = 0; i < o->ncriteria; i++) {
		struct scoring_criterion *c = &o->criteria[i];
		for (int j = 0; j < c->nlevels; j++) {
			free(c->levels[j].code);
			free(c->levels[j].label);
			free(c->levels[j].descriptor);
		}
		free(c->levels);
		free(c->code);
		free(c->text);
		free(c->assessor);
		free(c->comment);
		free(c->at);
	}
	free(o->criteria);
	for (int i = 0; i < o->nreasons; i++)
		free(o->reasons[i]);
	free(o->reasons);
	free(o->id);
	free(o->credential);
	free(o->status);
	free(o->passing_rule);
	free(o->read);
	free(o->feedback);
	free(o->feedback_author);
	free(o->feedback_at);
	free(o->decision);
	free(o->decided_by);
	free(o->decided_at);
	free(o);
	*op = NULL;
}

/* ---------------------------------------------------------------- lookups and permission */

static int sub_get(struct store *s, const char *id, struct store_scoring_sub *sub, struct mc_error *err)
{
	int found;
	int rc = store_scoring_sub_get(s, id, 0, sub, &found, err);
	if (rc == MC_OK && !found)
		rc = suggest_no_submission(s, id, err);
	return rc;
}

int scoring_find(struct store *s, const char *submission_id, long long *rowid, struct mc_error *err)
{
	struct store_scoring_sub sub;
	int rc = sub_get(s, submission_id, &sub, err);
	*rowid = rc == MC_OK ? sub.rowid : 0;
	store_scoring_sub_free(&sub);
	return rc;
}

/* Decided submissions are read-only, and so are withdrawn ones, those that
 * await approval, and a read its reader has ended (review.h). */
static int still_open(struct store *s, const struct store_scoring_sub *sub, const char *read,
		      struct mc_error *err)
{
	char *outcome = NULL, *by = NULL, *at = NULL;
	int ended = 0;
	int rc = store_scoring_decision_get(s, sub->rowid, &outcome, &by, &at, err);
	if (rc == MC_OK && outcome)
		rc = mc_error_set(err, MC_FAIL, "%s was decided '%s' by %s at %s; a decided submission "
				  "can no longer be changed", sub->id, outcome, by ? by : "?", at ? at : "?");
	else if (rc == MC_OK && strcmp(sub->status, "withdrawn") == 0)
		rc = mc_error_set(err, MC_FAIL, "%s was withdrawn; it can no longer be changed", sub->id);
	else if (rc == MC_OK && strcmp(sub->status, "awaiting_approval") == 0)
		rc = mc_error_set(err, MC_FAIL, "%s awaits approval; it can be changed again only if the "
				  "approver returns it", sub->id);
	else if (rc == MC_OK && (rc = review_read_ended(s, sub->rowid, read, &ended, NULL, err)) == MC_OK && ended)
		rc = mc_error_set(err, MC_FAIL, "the %s read of %s was ended; it waits for the other reads or "
				  "for approval", read, sub->id);
	free(outcome);
	free(by);
	free(at);
	return rc;
}

/* An assessor's read: the one assigned to them; with one read a submission
 * (config reads 1), only the first. */
static int assessor_read(struct store *s, const struct store_scoring_sub *sub, char **read, struct mc_error *err)
{
	const char *user = session_user(s);
	int n = 1;
	int rc = store_review_read_of(s, sub->rowid, user, read, err);
	if (rc == MC_OK && *read && strcmp(*read, "first") != 0)
		rc = review_reads(s, &n, err);
	if (rc == MC_OK && *read && strcmp(*read, "first") != 0 && n == 1)
		rc = mc_error_set(err, MC_FAIL, "you (%s) may not score %s yet: it is assigned to you for the %s "
				  "read, and this database reads each submission once (an admin can set "
				  "'mcassess config reads 2')", user, sub->id, *read);
	else if (rc == MC_OK && !*read)
		rc = mc_error_set(err, MC_FAIL, "you (%s) may not score %s: it is not assigned to you; ask an "
				  "admin or a coordinator to assign it to you", user, sub->id);
	return rc;
}

/* The role, and what it may work on: coordinators and admins within the access
 * policy (a coordinator, their district), assessors the read assigned to them
 * (*read, heap). Before anything else, so that nothing of a submission that is
 * not theirs (not even its decision) is told. */
static int may_work_on(struct store *s, const struct store_scoring_sub *sub, char **read, struct mc_error *err)
{
	const char *user = session_user(s);
	enum people_role role = ROLE_NONE;
	*read = NULL;
	int rc = people_role(s, user, &role, err);
	if (rc != MC_OK)
		return rc;
	if (role >= ROLE_COORDINATOR) {
		rc = access_submission(s, sub->id, ACCESS_WRITE, NULL, err);
		return rc == MC_OK ? review_my_read(s, sub->rowid, read, err) : rc;
	}
	if (role == ROLE_APPROVER)
		return mc_error_set(err, MC_FAIL, "you (%s) are an approver: approvers do not score; they approve "
				    "or return what awaits approval (mcassess decide %s approve)", user, sub->id);
	if (role != ROLE_ASSESSOR)
		return mc_error_set(err, MC_FAIL, "you (%s) may not score %s: you are not one of this database's "
				    "people; ask an admin to run 'mcassess people add %s --role assessor' and "
				    "to assign it to you", user, sub->id, user);
	rc = assessor_read(s, sub, read, err);
	if (rc != MC_OK) {
		free(*read);
		*read = NULL;
	}
	return rc;
}

/* Who (and which read, heap in *read), then whether it is still open, then the
 * claim: nobody writes to a submission another user has open for scoring,
 * whether through the workstation or the command line. */
static int may_write(struct store *s, const struct store_scoring_sub *sub, char **read, struct mc_error *err)
{
	int rc = may_work_on(s, sub, read, err);
	if (rc == MC_OK)
		rc = still_open(s, sub, *read, err);
	if (rc == MC_OK)
		rc = claim_check_rowid(s, sub->rowid, sub->id, err);
	if (rc != MC_OK) {
		free(*read);
		*read = NULL;
	}
	return rc;
}

int scoring_may_write(struct store *s, const char *submission_id, struct mc_error *err)
{
	struct store_scoring_sub sub;
	int rc = sub_get(s, submission_id, &sub, err);
	char *read = NULL;
	if (rc == MC_OK)
		rc = may_write(s, &sub, &read, err);
	free(read);
	store_scoring_sub_free(&sub);
	return rc;
}

/* ---------------------------------------------------------------- JSON for the audit log */

static char *score_json(const char *criterion, const char *level, const char *comment, const char *assessor,
			const char *read)
{
	return audit_json(json_pack("{s:s, s:s, s:s, s:s, s:s}", "criterion", criterion, "level", level,
				  "comment", comment ? comment : "", "assessor", assessor, "read", read));
}

static char *status_json(const char *status)
{
	return audit_json(json_pack("{s:s}", "status", status));
}

/* ---------------------------------------------------------------- one write */

/* What a write was asked to do: its arguments, by the write's own names. */
struct op {
	const char *a, *b, *c;
};
typedef int (*op_fn)(struct store *s, const struct store_scoring_sub *sub, const struct op *op,
		     struct mc_error *err);

/* One write to submission `id` as one transaction: look it up, run fn, commit,
 * or roll everything back. */
static int in_tx_begun(struct store *s, int (*begin)(struct store *, struct mc_error *), const char *id,
		       op_fn fn, const struct op *op, struct mc_error *err)
{
	int rc = begin(s, err);
	if (rc != MC_OK)
		return rc;
	struct store_scoring_sub sub;
	rc = sub_get(s, id, &sub, err);
	if (rc == MC_OK)
		rc = fn(s, &sub, op, err);
	store_scoring_sub_free(&sub);
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

static int in_tx(struct store *s, const char *id, op_fn fn, const struct op *op, struct mc_error *err)
{
	return in_tx_begun(s, store_begin, id, fn, op, err);
}

/* A decision (or a return as incomplete, with its reason), the status it
 * gives, and its audit row. */
static int decision_record(struct store *s, const struct store_scoring_sub *sub, const char *outcome,
			   const char *reason, struct mc_error *err)
{
	const char *user = session_user(s);
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	if (mc_uuid(uid, err) != MC_OK)
		return MC_FAIL;
	mc_now(at);
	int rc = store_scoring_decision_put(s, sub->rowid, outcome, user, at, uid, reason, err);
	if (rc == MC_OK)
		rc = store_scoring_status_set(s, sub->rowid, outcome, at, err);
	if (rc == MC_OK) {
		char *subject = mc_xasprintf("submission:%s", sub->id);
		char *before = status_json(sub->status);
		json_t *j = json_pack("{s:s, s:s, s:s}", "outcome", outcome, "decided_by", user, "status", outcome);
		if (reason)
			json_object_set_new(j, "reason", json_string(reason));
		char *after = audit_json(j);
		rc = audit_append(s, "decide", subject, before, after, err);
		free(subject);
		free(before);
		free(after);
	}
	return rc;
}

/* ---------------------------------------------------------------- score */

static int find_criterion(const struct scoring_outcome *o, const char *code)
{
	for (int i = 0; i < o->ncriteria; i++)
		if (strcasecmp(o->criteria[i].code, code) == 0)
			return i;
	return -1;
}

static int bad_criterion(const struct scoring_outcome *o, const char *code, struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < o->ncriteria; i++)
		mc_buf_printf(&b, "%s%s", i ? ", " : "", o->criteria[i].code);
	int rc = mc_error_set(err, MC_INVALID, "no criterion '%s' in %s version %d; its criteria are %s", code,
			      o->credential, o->rubric_version, o->ncriteria ? mc_buf_str(&b) : "(none)");
	mc_buf_free(&b);
	return rc;
}

/* A level by code, label (any case) or 1-based number; -1 if none. */
static int find_level(const struct scoring_criterion *c, const char *level)
{
	for (int i = 0; i < c->nlevels; i++)
		if (strcasecmp(c->levels[i].code, level) == 0 || strcasecmp(c->levels[i].label, level) == 0)
			return i;
	char *end;
	long n = strtol(level, &end, 10);
	if (*level && isdigit((unsigned char)*level) && !*end)
		for (int i = 0; i < c->nlevels; i++)
			if (c->levels[i].seq == n)
				return i;
	return -1;
}

static int bad_level(const struct scoring_outcome *o, const struct scoring_criterion *c, const char *level,
		     struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < c->nlevels; i++)
		mc_buf_printf(&b, "%s%d %s (%s)", i ? ", " : "", c->levels[i].seq, c->levels[i].code,
			      c->levels[i].label);
	int rc = mc_error_set(err, MC_INVALID, "no level '%s' for %s in %s version %d; its levels are %s", level,
			      c->code, o->credential, o->rubric_version, mc_buf_str(&b));
	mc_buf_free(&b);
	return rc;
}

int scoring_resolve(const struct scoring_outcome *o, const char *criterion, const char *level, int *ci, int *li,
		    struct mc_error *err)
{
	if ((*ci = find_criterion(o, criterion)) < 0)
		return bad_criterion(o, criterion, err);
	if ((*li = find_level(&o->criteria[*ci], level)) < 0)
		return bad_level(o, &o->criteria[*ci], level, err);
	return MC_OK;
}

/* Queued work becomes in progress at its first score; audited on its own. */
static int start_work(struct store *s, const struct store_scoring_sub *sub, const char *subject,
		      const char *at, struct mc_error *err)
{
	if (strcmp(sub->status, "queued") != 0)
		return MC_OK;
	int rc = store_scoring_status_set(s, sub->rowid, "in_progress", at, err);
	if (rc == MC_OK) {
		char *before = status_json(sub->status), *after = status_json("in_progress");
		rc = audit_append(s, "status", subject, before, after, err);
		free(before);
		free(after);
	}
	return rc;
}

static int score_in_tx(struct store *s, const struct store_scoring_sub *sub, const char *criterion,
		       const char *level, const char *comment, struct mc_error *err)
{
	struct scoring_outcome *o = NULL;
	char *read = NULL;
	int rc = may_write(s, sub, &read, err);
	if (rc == MC_OK)
		rc = outcome_load(s, sub, read, &o, err);
	free(read);
	if (rc != MC_OK)
		return rc;
	int ci, li;
	if ((rc = scoring_resolve(o, criterion, level, &ci, &li, err)) != MC_OK) {
		scoring_outcome_free(&o);
		return rc;
	}
	struct scoring_criterion *c = &o->criteria[ci];
	const char *user = session_user(s);
	const char *keep = comment ? comment : (c->comment ? c->comment : "");
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	if (mc_uuid(uid, err) != MC_OK) {
		scoring_outcome_free(&o);
		return MC_FAIL;
	}
	mc_now(at);
	char *subject = mc_xasprintf("submission:%s", sub->id);
	char *before = c->level >= 0 ? score_json(c->code, c->levels[c->level].code, c->comment, c->assessor,
						 o->read)
				     : NULL;
	char *after = score_json(c->code, c->levels[li].code, keep, user, o->read);
	rc = store_scoring_score_put(s, sub->rowid, o->read, c->rowid, c->levels[li].rowid, user, keep, at,
				     uid, err);
	if (rc == MC_OK)
		rc = audit_append(s, "score", subject, before, after, err);
	if (rc == MC_OK)
		rc = start_work(s, sub, subject, at, err);
	free(subject);
	free(before);
	free(after);
	scoring_outcome_free(&o);
	return rc;
}

static int score_op(struct store *s, const struct store_scoring_sub *sub, const struct op *op,
		    struct mc_error *err)
{
	return score_in_tx(s, sub, op->a, op->b, op->c, err);
}

int scoring_score(struct store *s, const char *submission_id, const char *criterion_code,
		  const char *level, const char *comment, struct mc_error *err)
{
	return in_tx(s, submission_id, score_op, &(struct op){ criterion_code, level, comment }, err);
}

/* ---------------------------------------------------------------- feedback */

int scoring_text_check(const char *text, size_t len, const char *where, struct mc_error *err)
{
	const char *w = where && *where ? where : "the feedback";
	if (len > SCORING_TEXT_MAX)
		return mc_error_set(err, MC_INVALID, "%s: %zu bytes is more than feedback may hold (%d KiB); "
				    "shorten it", w, len, SCORING_TEXT_MAX / 1024);
	size_t bad;
	if (!text_utf8_valid(text, len, &bad)) {
		long line, col;
		text_position(text, bad, &line, &col);
		if (text[bad] == '\0')
			return mc_error_at(err, MC_INVALID, w, line, col, "a NUL byte; feedback is text");
		return mc_error_at(err, MC_INVALID, w, line, col, "not valid UTF-8 (byte 0x%02x); save the "
				   "text as UTF-8 and try again", (unsigned char)text[bad]);
	}
	size_t i = 0;
	while (i < len && isspace((unsigned char)text[i]))
		i++;
	if (i == len)
		return mc_error_set(err, MC_INVALID, "%s: the feedback is empty", w);
	return MC_OK;
}

static char *feedback_json(const char *body, const char *author, const char *read)
{
	return audit_json(json_pack("{s:s, s:s, s:s}", "text", body, "author", author, "read", read));
}

static int feedback_in_tx(struct store *s, const struct store_scoring_sub *sub, const struct op *op,
			  struct mc_error *err)
{
	const char *text = op->a;
	char *read = NULL;
	int rc = may_write(s, sub, &read, err);
	if (rc != MC_OK)
		return rc;
	char *old = NULL, *old_author = NULL, *old_at = NULL;
	rc = store_scoring_feedback_get(s, sub->rowid, read, &old, &old_author, &old_at, err);
	if (rc != MC_OK) {
		free(read);
		return rc;
	}
	const char *user = session_user(s);
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	rc = mc_uuid(uid, err);
	mc_now(at);
	char *subject = mc_xasprintf("submission:%s", sub->id);
	char *before = old ? feedback_json(old, old_author ? old_author : "", read) : NULL;
	char *after = feedback_json(text, user, read);
	if (rc == MC_OK)
		rc = store_scoring_feedback_put(s, sub->rowid, read, user, text, at, uid, err);
	if (rc == MC_OK)
		rc = audit_append(s, "feedback", subject, before, after, err);
	if (rc == MC_OK)
		rc = store_scoring_draft_del(s, sub->rowid, user, "overall", err);
	free(subject);
	free(before);
	free(after);
	free(old);
	free(old_author);
	free(old_at);
	free(read);
	return rc;
}

int scoring_feedback_set(struct store *s, const char *submission_id, const char *text,
			 struct mc_error *err)
{
	int rc = scoring_text_check(text, strlen(text), NULL, err);
	if (rc != MC_OK)
		return rc;
	rc = in_tx(s, submission_id, feedback_in_tx, &(struct op){ text, NULL, NULL }, err);
	if (rc == MC_OK) /* the saved feedback replaces the draft, wherever it was kept */
		draftspool_remove(store_path(s), session_user(s), submission_id, "overall");
	return rc;
}

/* ---------------------------------------------------------------- decide */

static int not_eligible(const struct scoring_outcome *o, struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < o->nreasons; i++)
		mc_buf_printf(&b, "%s%s", i ? "; " : "", o->reasons[i]);
	int rc = mc_error_set(err, MC_FAIL, "%s cannot be earned: %s (%d of %d criteria scored, %d passing)",
			      o->id, mc_buf_str(&b), o->nscored, o->ncriteria, o->npassing);
	mc_buf_free(&b);
	return rc;
}

static int decide_in_tx(struct store *s, const struct store_scoring_sub *sub, const struct op *op,
			struct mc_error *err)
{
	const char *outcome = op->a;
	struct scoring_outcome *o = NULL;
	char *read = NULL;
	int process = 0;
	int rc = may_write(s, sub, &read, err);
	if (rc == MC_OK)
		rc = outcome_load(s, sub, read, &o, err);
	if (rc == MC_OK)
		rc = review_uses_process(s, &process, err);
	if (rc != MC_OK) {
		free(read);
		scoring_outcome_free(&o);
		return rc;
	}
	if (strcmp(outcome, "earned") == 0 && !o->eligible)
		rc = not_eligible(o, err);
	else if (strcmp(outcome, "resubmit") == 0 && !o->feedback)
		rc = mc_error_set(err, MC_FAIL, "%s: write feedback first: mcassess feedback %s --file F",
				  sub->id, sub->id);
	scoring_outcome_free(&o);
	if (rc == MC_OK && process) /* the read ends; the process decides */
		rc = review_read_end(s, sub->rowid, sub->id, sub->status, read, outcome, err);
	else if (rc == MC_OK)
		rc = decision_record(s, sub, outcome, NULL, err);
	free(read);
	return rc;
}

int scoring_decide(struct store *s, const char *submission_id, const char *outcome,
		   struct mc_error *err)
{
	if (strcmp(outcome, "incomplete") == 0)
		return mc_error_set(err, MC_USAGE, "'incomplete' needs a reason: mcassess decide %s incomplete "
				    "--reason TEXT", submission_id);
	if (strcmp(outcome, "earned") != 0 && strcmp(outcome, "resubmit") != 0)
		return mc_error_set(err, MC_USAGE, "the decision is 'earned' or 'resubmit', not '%s'", outcome);
	return in_tx(s, submission_id, decide_in_tx, &(struct op){ outcome, NULL, NULL }, err);
}

/* ---------------------------------------------------------------- incomplete */

int scoring_reason_check(const char *reason, const char *hint, struct mc_error *err)
{
	size_t len = reason ? strlen(reason) : 0, bad;
	if (len > SCORING_TEXT_MAX)
		return mc_error_set(err, MC_INVALID, "the reason: %zu bytes is more than it may hold (%d KiB)", len,
				    SCORING_TEXT_MAX / 1024);
	if (!text_utf8_valid(reason ? reason : "", len, &bad))
		return mc_error_set(err, MC_INVALID, "the reason is not valid UTF-8 (byte %zu)", bad + 1);
	size_t i = 0;
	while (i < len && isspace((unsigned char)reason[i]))
		i++;
	if (i == len)
		return mc_error_set(err, MC_INVALID, "the reason is empty: %s", hint);
	return MC_OK;
}

/* Returning as incomplete is for coordinators and admins. */
static int may_return(struct store *s, const char *id, struct mc_error *err)
{
	const char *user = session_user(s);
	enum people_role role = ROLE_NONE;
	int rc = people_role(s, user, &role, err);
	if (rc == MC_OK && role < ROLE_COORDINATOR)
		rc = mc_error_set(err, MC_FAIL, "only coordinators and admins return a submission as incomplete, "
				  "and you (%s) are %s; tell your coordinator what is missing from %s", user,
				  role == ROLE_ASSESSOR ? "an assessor" : "not one of this database's people", id);
	return rc;
}

int scoring_may_return_incomplete(struct store *s, const char *submission_id, struct mc_error *err)
{
	return may_return(s, submission_id, err);
}

static int incomplete_in_tx(struct store *s, const struct store_scoring_sub *sub, const struct op *op,
			    struct mc_error *err)
{
	char *read = NULL;
	int rc = may_return(s, sub->id, err);
	if (rc == MC_OK)
		rc = may_write(s, sub, &read, err); /* decided or withdrawn */
	free(read);
	return rc == MC_OK ? decision_record(s, sub, "incomplete", op->a, err) : rc;
}

int scoring_return_incomplete(struct store *s, const char *submission_id, const char *reason,
			      struct mc_error *err)
{
	int rc = scoring_reason_check(reason, "say what is missing or cannot be read", err);
	if (rc != MC_OK)
		return rc;
	return in_tx(s, submission_id, incomplete_in_tx, &(struct op){ reason, NULL, NULL }, err);
}

/* ---------------------------------------------------------------- drafts */

/* "overall" or one of the submission's criteria, spelled as the rubric spells it. */
static int draft_target(struct store *s, const struct store_scoring_sub *sub, const char *target,
			char **canon, struct mc_error *err)
{
	if (strcmp(target, "overall") == 0) {
		*canon = mc_xstrdup(target);
		return MC_OK;
	}
	struct scoring_outcome *o = NULL;
	int rc = outcome_load(s, sub, "first", &o, err); /* the rubric: the same for every read */
	if (rc != MC_OK)
		return rc;
	int ci = find_criterion(o, target);
	if (ci < 0)
		rc = bad_criterion(o, target, err);
	else
		*canon = mc_xstrdup(o->criteria[ci].code);
	scoring_outcome_free(&o);
	return rc;
}

/* op: target, text (NULL: remove the draft) */
static int draft_op(struct store *s, const struct store_scoring_sub *sub, const struct op *op,
		    struct mc_error *err)
{
	char *canon = NULL;
	int rc = draft_target(s, sub, op->a, &canon, err);
	if (rc == MC_OK && op->b) {
		char uid[MC_UUID_LEN], at[MC_TIME_LEN];
		rc = mc_uuid(uid, err);
		mc_now(at);
		if (rc == MC_OK)
			rc = store_scoring_draft_put(s, sub->rowid, session_user(s), canon, op->b, at, uid, err);
	} else if (rc == MC_OK) {
		rc = store_scoring_draft_del(s, sub->rowid, session_user(s), canon, err);
	}
	free(canon);
	return rc;
}

/* The database could not take the draft (busy past the busy timeout, full,
 * read-only): it goes to a file (draftspool.h) instead. err says where, with
 * status MC_OK, so the editor can tell the user; MC_FAIL if no file could be
 * written either. A submission that does not exist keeps the first error. */
static int draft_keep(struct store *s, const char *submission_id, const char *target, const char *text,
		      struct mc_error *err)
{
	long long rowid;
	struct mc_error e2 = MC_ERROR_INIT;
	if (scoring_find(s, submission_id, &rowid, &e2) != MC_OK) {
		mc_error_clear(&e2);
		return MC_FAIL;
	}
	char *where = NULL;
	int rc = draftspool_put(store_path(s), session_user(s), submission_id, target, text, &where, &e2);
	if (rc == MC_OK)
		mc_error_set(err, MC_OK, "your draft is kept in %s until the database can take it (%s); "
			     "it comes back when you edit this text again", where, mc_error_msg(err));
	else
		mc_error_set(err, MC_FAIL, "%s; %s", mc_error_msg(err), mc_error_msg(&e2));
	free(where);
	mc_error_clear(&e2);
	return rc;
}

int scoring_draft_save(struct store *s, const char *submission_id, const char *target,
		       const char *text, struct mc_error *err)
{
	const char *t = text ? text : "";
	int rc = in_tx(s, submission_id, draft_op, &(struct op){ target, t, NULL }, err);
	if (rc == MC_OK)
		draftspool_remove(store_path(s), session_user(s), submission_id, target);
	else if (rc == MC_FAIL)
		rc = draft_keep(s, submission_id, target, t, err);
	return rc;
}

/* A draft kept in a file goes into the database now if it can without
 * waiting (else it stays in the file for the next time). */
static void draft_move_in(struct store *s, const char *submission_id, const char *target, const char *text)
{
	struct mc_error e2 = MC_ERROR_INIT;
	if (in_tx_begun(s, store_begin_nowait, submission_id, draft_op, &(struct op){ target, text, NULL }, &e2) ==
	    MC_OK)
		draftspool_remove(store_path(s), session_user(s), submission_id, target);
	mc_error_clear(&e2);
}

int scoring_draft_load(struct store *s, const char *submission_id, const char *target,
		       char **text, char **at, struct mc_error *err)
{
	*text = NULL;
	if (at)
		*at = NULL;
	time_t kept_at;
	char *kept = draftspool_get(store_path(s), session_user(s), submission_id, target, &kept_at);
	if (kept) { /* written when the database could not take it: the newest text */
		draft_move_in(s, submission_id, target, kept);
		*text = kept;
		if (at) {
			*at = mc_xmalloc(MC_TIME_LEN);
			mc_time_format(kept_at, *at);
		}
		return MC_OK;
	}
	struct store_scoring_sub sub;
	char *canon = NULL;
	int rc = sub_get(s, submission_id, &sub, err);
	if (rc == MC_OK)
		rc = draft_target(s, &sub, target, &canon, err);
	if (rc == MC_OK)
		rc = store_scoring_draft_get(s, sub.rowid, session_user(s), canon, text, at, err);
	free(canon);
	store_scoring_sub_free(&sub);
	return rc;
}

int scoring_draft_clear(struct store *s, const char *submission_id, const char *target,
			struct mc_error *err)
{
	/* the text went back to the saved one, or was saved: a kept file is stale either way */
	draftspool_remove(store_path(s), session_user(s), submission_id, target);
	return in_tx(s, submission_id, draft_op, &(struct op){ target, NULL, NULL }, err);
}

int scoring_draft_count(struct store *s, const char *submission_id, long *n, struct mc_error *err)
{
	*n = 0;
	long long rowid;
	int rc = scoring_find(s, submission_id, &rowid, err);
	if (rc == MC_OK)
		rc = store_scoring_draft_count(s, rowid, session_user(s), n, err);
	*n += draftspool_count(store_path(s), session_user(s), submission_id);
	return rc;
}
