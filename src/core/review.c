/* review.c: reads, adjudication, approval, reopening and withdrawal (review.h).
 * Every write is one transaction with its audit row; a refused one changes
 * nothing. */
#include "config.h"

#include <time.h>

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/assign.h"
#include "mcassess/access.h"
#include "mcassess/audit.h"
#include "mcassess/people.h"
#include "mcassess/review.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/store.h"
#include "mcassess/store_assign.h"
#include "mcassess/store_review.h"
#include "mcassess/store_scoring.h"
#include "mcassess/util.h"

static const char READS_KEY[] = "reads";
static const char APPROVAL_KEY[] = "approval";

/* ---------------------------------------------------------------- settings */

int review_reads(struct store *s, int *n, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, READS_KEY, &v, err);
	*n = v && strcmp(v, "2") == 0 ? 2 : 1;
	free(v);
	return rc;
}

int review_approval(struct store *s, int *on, int *effective, struct mc_error *err)
{
	char *v = NULL;
	int n = 1;
	int rc = store_meta_get(s, APPROVAL_KEY, &v, err);
	*on = v && strcmp(v, "on") == 0;
	free(v);
	if (rc == MC_OK)
		rc = review_reads(s, &n, err);
	if (effective)
		*effective = *on || n == 2;
	return rc;
}

/* One admin setting in meta, audited as "config" on "setting:KEY". */
static int setting_set(struct store *s, const char *key, const char *was, const char *value, int *changed,
		       struct mc_error *err)
{
	*changed = 0;
	if (strcmp(was, value) == 0)
		return MC_OK;
	int rc = store_meta_set(s, key, value, err);
	char *subject = mc_xasprintf("setting:%s", key);
	char *before = mc_xasprintf("{\"value\":\"%s\"}", was), *after = mc_xasprintf("{\"value\":\"%s\"}", value);
	if (rc == MC_OK)
		rc = audit_append(s, "config", subject, before, after, err);
	free(subject);
	free(before);
	free(after);
	*changed = rc == MC_OK;
	return rc;
}

static int setting_in_tx(struct store *s, const char *key, const char *value, int *changed,
			 struct mc_error *err)
{
	int n = 1, on = 0;
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	char *doing = mc_xasprintf("changing the '%s' setting", key);
	rc = people_require(s, ROLE_ADMIN, doing, err);
	free(doing);
	if (rc == MC_OK)
		rc = strcmp(key, READS_KEY) == 0 ? review_reads(s, &n, err) : review_approval(s, &on, NULL, err);
	char was[8];
	snprintf(was, sizeof was, "%s", strcmp(key, READS_KEY) == 0 ? (n == 2 ? "2" : "1") : (on ? "on" : "off"));
	if (rc == MC_OK)
		rc = setting_set(s, key, was, value, changed, err);
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

int review_reads_set(struct store *s, int n, int *changed, struct mc_error *err)
{
	if (n != 1 && n != 2)
		return mc_error_set(err, MC_USAGE, "reads is 1 or 2, not %d", n);
	return setting_in_tx(s, READS_KEY, n == 2 ? "2" : "1", changed, err);
}

int review_approval_set(struct store *s, int on, int *changed, struct mc_error *err)
{
	return setting_in_tx(s, APPROVAL_KEY, on ? "on" : "off", changed, err);
}

/* ---------------------------------------------------------------- reads */

int review_my_read(struct store *s, long long sub_rowid, char **read, struct mc_error *err)
{
	int rc = store_review_read_of(s, sub_rowid, session_user(s), read, err);
	if (rc == MC_OK && !*read)
		*read = mc_xstrdup("first");
	return rc;
}

int review_read_ended(struct store *s, long long sub_rowid, const char *read, int *ended, char **outcome,
		      struct mc_error *err)
{
	char *o = NULL, *who = NULL;
	int rc = store_review_read_get(s, sub_rowid, read, &o, &who, err);
	*ended = o != NULL;
	if (outcome)
		*outcome = o;
	else
		free(o);
	free(who);
	return rc;
}

static int both_ended(struct store *s, long long sub_rowid, int *both, struct mc_error *err)
{
	int a = 0, b = 0;
	int rc = review_read_ended(s, sub_rowid, "first", &a, NULL, err);
	if (rc == MC_OK)
		rc = review_read_ended(s, sub_rowid, "second", &b, NULL, err);
	*both = a && b;
	return rc;
}

int review_hides_others(struct store *s, long long sub_rowid, const char *read, int *hide,
			struct mc_error *err)
{
	int n = 1, both = 0;
	*hide = 0;
	int rc = review_reads(s, &n, err);
	if (rc != MC_OK || n != 2 || strcmp(read, "adjudication") == 0)
		return rc;
	rc = both_ended(s, sub_rowid, &both, err);
	*hide = !both;
	return rc;
}

int review_uses_process(struct store *s, int *process, struct mc_error *err)
{
	int on = 0;
	return review_approval(s, &on, process, err);
}

/* The same outcome, and every criterion on the same side of passing. */
static int reads_agree(struct store *s, long long sub_rowid, const char *a, const char *b, int *agree,
		       struct mc_error *err)
{
	struct scoring_outcome *x = NULL, *y = NULL;
	char *ox = NULL, *oy = NULL;
	int ended;
	int rc = scoring_outcome_read(s, sub_rowid, "first", &x, err);
	if (rc == MC_OK)
		rc = scoring_outcome_read(s, sub_rowid, "second", &y, err);
	if (rc == MC_OK)
		rc = review_read_ended(s, sub_rowid, a, &ended, &ox, err);
	if (rc == MC_OK)
		rc = review_read_ended(s, sub_rowid, b, &ended, &oy, err);
	*agree = rc == MC_OK && ox && oy && strcmp(ox, oy) == 0 && x->ncriteria == y->ncriteria;
	for (int i = 0; *agree && i < x->ncriteria; i++)
		*agree = x->criteria[i].passes == y->criteria[i].passes;
	free(ox);
	free(oy);
	scoring_outcome_free(&x);
	scoring_outcome_free(&y);
	return rc;
}

/* A status change with its audit row, `extra` (may be NULL, taken) merged into "after". */
static int move(struct store *s, long long rowid, const char *id, const char *action, const char *from,
		const char *to, json_t *extra, struct mc_error *err)
{
	char at[MC_TIME_LEN];
	mc_now(at);
	int rc = strcmp(from, to) == 0 ? MC_OK : store_scoring_status_set(s, rowid, to, at, err);
	json_t *after = json_pack("{s:s}", "status", to);
	if (extra)
		json_object_update(after, extra);
	json_decref(extra);
	char *subject = mc_xasprintf("submission:%s", id);
	char *b = audit_json(json_pack("{s:s}", "status", from)), *a = audit_json(after);
	if (rc == MC_OK)
		rc = audit_append(s, action, subject, b, a, err);
	free(subject);
	free(b);
	free(a);
	return rc;
}

/* Disagreement: the adjudication read to the least loaded eligible assessor,
 * unless it is assigned already (a returned submission); none: it waits, and
 * show and the queue say it needs adjudication. */
static int adjudicate(struct store *s, long long rowid, const char *id, const char *status,
		      struct mc_error *err)
{
	char *holder = NULL, *user = NULL;
	int rc = store_review_holder(s, rowid, "adjudication", &holder, err);
	if (rc == MC_OK && !holder)
		rc = store_review_adjudicator(s, rowid, &user, err);
	char uid[MC_UUID_LEN], at[MC_TIME_LEN], due[MC_TIME_LEN];
	mc_now(at);
	int days = ASSIGN_DUE_DAYS_DEFAULT; /* the adjudication read is due like any other */
	if (rc == MC_OK && user)
		rc = assign_due_days_get(s, &days, err);
	assign_due_after(time(NULL), days, due);
	if (rc == MC_OK && user && (rc = mc_uuid(uid, err)) == MC_OK)
		rc = store_assign_put(s, rowid, "adjudication", user, 1, session_user(s), at, due, uid, err);
	json_t *extra = json_pack("{s:s, s:s?}", "reads", "disagree", "adjudicator", holder ? holder : user);
	if (rc == MC_OK)
		rc = move(s, rowid, id, "adjudication", status, "in_progress", extra, err);
	else
		json_decref(extra);
	free(holder);
	free(user);
	return rc;
}

int review_after_merge(struct store *s, const char *id, struct mc_error *err)
{
	struct store_scoring_sub sub;
	int found = 0, n = 1, both = 0, adjudicated = 1, agree = 1;
	char *holder = NULL;
	int rc = store_scoring_sub_get(s, id, 0, &sub, &found, err);
	if (rc == MC_OK && found)
		rc = review_reads(s, &n, err);
	if (rc == MC_OK && found && n == 2)
		rc = both_ended(s, sub.rowid, &both, err);
	if (rc == MC_OK && both)
		rc = review_read_ended(s, sub.rowid, "adjudication", &adjudicated, NULL, err);
	if (rc == MC_OK && both && !adjudicated)
		rc = reads_agree(s, sub.rowid, "first", "second", &agree, err);
	if (rc == MC_OK && both && !adjudicated && agree && strcmp(sub.status, "in_progress") == 0)
		rc = move(s, sub.rowid, id, "status", sub.status, "awaiting_approval",
			  json_pack("{s:s}", "reads", "agree"), err); /* ended on two laptops */
	if (rc == MC_OK && both && !agree)
		rc = store_review_holder(s, sub.rowid, "adjudication", &holder, err);
	if (rc == MC_OK && both && !agree && !holder && strcmp(sub.status, "in_progress") == 0) {
		char *user = NULL;
		rc = store_review_adjudicator(s, sub.rowid, &user, err);
		if (rc == MC_OK && user) /* none: it waits, as the copy said */
			rc = adjudicate(s, sub.rowid, id, sub.status, err);
		free(user);
	}
	free(holder);
	if (found)
		store_scoring_sub_free(&sub);
	return rc;
}

int review_read_end(struct store *s, long long sub_rowid, const char *id, const char *status,
		    const char *read, const char *outcome, struct mc_error *err)
{
	int n = 1, ended = 0, agree = 0;
	const char *user = session_user(s);
	int rc = review_read_ended(s, sub_rowid, read, &ended, NULL, err);
	if (rc == MC_OK && ended)
		return mc_error_set(err, MC_FAIL, "%s: the %s read was ended already; it waits for the other "
				    "reads or for approval", id, read);
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	mc_now(at);
	if (rc == MC_OK && (rc = mc_uuid(uid, err)) == MC_OK)
		rc = store_review_read_put(s, sub_rowid, read, user, outcome, at, uid, err);
	if (rc == MC_OK)
		rc = review_reads(s, &n, err);
	json_t *extra = json_pack("{s:s, s:s, s:s}", "read", read, "outcome", outcome, "assessor", user);
	if (rc != MC_OK) {
		json_decref(extra);
		return rc;
	}
	if (n == 1 || strcmp(read, "adjudication") == 0)
		return move(s, sub_rowid, id, "read", status, "awaiting_approval", extra, err);
	int both = 0;
	rc = both_ended(s, sub_rowid, &both, err);
	if (rc == MC_OK && both)
		rc = reads_agree(s, sub_rowid, "first", "second", &agree, err);
	const char *to = both && agree ? "awaiting_approval" : strcmp(status, "queued") == 0 ? "in_progress" : status;
	if (rc == MC_OK)
		rc = move(s, sub_rowid, id, "read", status, to, extra, err);
	else
		json_decref(extra);
	if (rc == MC_OK && both && !agree)
		rc = adjudicate(s, sub_rowid, id, to, err);
	return rc;
}

int review_stage(struct store *s, long long sub_rowid, const char *status, const char **stage,
		 struct mc_error *err)
{
	int n = 1, a = 0, b = 0, agree = 0;
	char *adj = NULL;
	*stage = "open";
	if (strcmp(status, "withdrawn") == 0 || strcmp(status, "awaiting_approval") == 0) {
		*stage = strcmp(status, "withdrawn") == 0 ? "withdrawn" : "awaiting approval";
		return MC_OK;
	}
	if (strcmp(status, "queued") != 0 && strcmp(status, "in_progress") != 0) {
		*stage = "final";
		return MC_OK;
	}
	int rc = review_reads(s, &n, err);
	if (rc == MC_OK && n == 2)
		rc = review_read_ended(s, sub_rowid, "first", &a, NULL, err);
	if (rc == MC_OK && n == 2)
		rc = review_read_ended(s, sub_rowid, "second", &b, NULL, err);
	if (rc != MC_OK || n != 2 || !(a || b))
		return rc;
	*stage = !(a && b) ? "awaiting the other read" : "adjudication";
	if (a && b)
		rc = reads_agree(s, sub_rowid, "first", "second", &agree, err);
	if (rc == MC_OK && a && b)
		rc = store_review_holder(s, sub_rowid, "adjudication", &adj, err);
	if (rc == MC_OK && a && b && !adj)
		*stage = "needs adjudication";
	free(adj);
	return rc;
}

int review_stage_of(struct store *s, const char *id, const char **stage, struct mc_error *err)
{
	struct store_scoring_sub row;
	int found = 0;
	int rc = store_scoring_sub_get(s, id, 0, &row, &found, err);
	if (rc == MC_OK && found) {
		rc = review_stage(s, row.rowid, row.status, stage, err);
		store_scoring_sub_free(&row);
	} else if (rc == MC_OK) {
		rc = mc_error_set(err, MC_FAIL, "no submission '%s'", id);
	}
	return rc;
}

/* ---------------------------------------------------------------- approval, reopening, withdrawal */

struct sub {
	long long rowid;
	char *id, *status;
};

typedef int (*sub_fn)(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err);

/* Look the submission up as the acting user may (access.h), run fn, commit or
 * roll back. */
static int sub_tx(struct store *s, const char *id, sub_fn fn, const char *reason, void *out, struct mc_error *err)
{
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	struct store_scoring_sub row;
	int found = 0;
	rc = access_submission(s, id, ACCESS_WRITE, NULL, err);
	if (rc == MC_OK)
		rc = store_scoring_sub_get(s, id, 0, &row, &found, err);
	if (rc == MC_OK && found) {
		struct sub sub = { row.rowid, row.id, row.status };
		rc = fn(s, &sub, reason, out, err);
		store_scoring_sub_free(&row);
	} else if (rc == MC_OK) {
		rc = mc_error_set(err, MC_FAIL, "no submission '%s'", id);
	}
	if (rc == MC_OK)
		return store_commit(s, err);
	store_rollback(s);
	return rc;
}

/* Approvers and admins sign off, and never their own read. */
static int may_approve(struct store *s, const struct sub *sub, const char *doing, struct mc_error *err)
{
	const char *user = session_user(s);
	enum people_role role = ROLE_NONE;
	char *read = NULL;
	int rc = people_role(s, user, &role, err);
	if (rc == MC_OK && role != ROLE_APPROVER && role != ROLE_ADMIN)
		return mc_error_set(err, MC_FAIL, "only approvers and admins %s a submission, and you (%s) are %s",
				    doing, user, people_role_name(role));
	if (rc == MC_OK)
		rc = store_review_read_of(s, sub->rowid, user, &read, err);
	static const char *const reads[] = { "first", "second", "adjudication" };
	for (int i = 0; rc == MC_OK && !read && i < 3; i++) { /* ended without an assignment (admins) */
		char *outcome = NULL, *by = NULL;
		rc = store_review_read_get(s, sub->rowid, reads[i], &outcome, &by, err);
		if (rc == MC_OK && by && strcmp(by, user) == 0)
			read = mc_xstrdup(reads[i]);
		free(outcome);
		free(by);
	}
	if (rc == MC_OK && read)
		rc = mc_error_set(err, MC_FAIL, "you (%s) hold the %s read of %s; someone who did not read it "
				  "must %s it", user, read, sub->id, doing);
	free(read);
	if (rc == MC_OK && strcmp(sub->status, "awaiting_approval") != 0)
		rc = mc_error_set(err, MC_FAIL, "%s is %s, not awaiting approval; only a submission whose reads "
				  "are ended and agree (or adjudicated) can be approved or returned", sub->id,
				  sub->status);
	return rc;
}

/* Awaiting approval with no read ended (the demo's data, or a database from
 * before reads): the first read's scores say it, as `decide` would have. */
static int outcome_of_scores(struct store *s, const struct sub *sub, char **outcome, struct mc_error *err)
{
	struct scoring_outcome *o = NULL;
	int rc = scoring_outcome_read(s, sub->rowid, "first", &o, err);
	if (rc == MC_OK && o->nscored == o->ncriteria && o->ncriteria > 0)
		*outcome = mc_xstrdup(o->eligible ? "earned" : "resubmit");
	else if (rc == MC_OK)
		rc = mc_error_set(err, MC_FAIL, "%s awaits approval but no read of it was ended and its "
				  "criteria are not all scored; return it to the readers", sub->id);
	scoring_outcome_free(&o);
	return rc;
}

/* What approval makes final: the adjudication read's outcome, else the first
 * read's, else (no read ended) the first read's scores. */
static int approval_outcome(struct store *s, const struct sub *sub, char **outcome, struct mc_error *err)
{
	int ended = 0;
	*outcome = NULL;
	int rc = review_read_ended(s, sub->rowid, "adjudication", &ended, outcome, err);
	if (rc == MC_OK && !ended)
		rc = review_read_ended(s, sub->rowid, "first", &ended, outcome, err);
	if (rc == MC_OK && !*outcome)
		rc = outcome_of_scores(s, sub, outcome, err);
	return rc;
}

static int approve_fn(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err)
{
	(void)out;
	(void)reason;
	char *outcome = NULL;
	int rc = may_approve(s, sub, "approve", err);
	if (rc == MC_OK)
		rc = approval_outcome(s, sub, &outcome, err);
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	mc_now(at);
	if (rc == MC_OK && (rc = mc_uuid(uid, err)) == MC_OK)
		rc = store_scoring_decision_put(s, sub->rowid, outcome, session_user(s), at, uid, NULL, err);
	if (rc == MC_OK)
		rc = move(s, sub->rowid, sub->id, "approve", sub->status, outcome,
			  json_pack("{s:s, s:s}", "outcome", outcome, "approved_by", session_user(s)), err);
	free(outcome);
	return rc;
}

int review_approve(struct store *s, const char *id, struct mc_error *err)
{
	return sub_tx(s, id, approve_fn, NULL, NULL, err);
}

/* For review_may_approve and review_approval_outcome: nothing is written, the
 * transaction only reads. */
static int may_approve_fn(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err)
{
	(void)out;
	(void)reason;
	return may_approve(s, sub, "approve or return", err);
}

static int outcome_fn(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err)
{
	(void)reason;
	int rc = may_approve(s, sub, "approve", err);
	return rc == MC_OK ? approval_outcome(s, sub, out, err) : rc;
}

int review_may_approve(struct store *s, const char *id, struct mc_error *err)
{
	return sub_tx(s, id, may_approve_fn, NULL, NULL, err);
}

int review_approval_outcome(struct store *s, const char *id, char **outcome, struct mc_error *err)
{
	*outcome = NULL;
	int rc = sub_tx(s, id, outcome_fn, NULL, outcome, err);
	if (rc != MC_OK) {
		free(*outcome);
		*outcome = NULL;
	}
	return rc;
}

static int return_fn(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err)
{
	(void)out;
	int rc = may_approve(s, sub, "return", err);
	if (rc == MC_OK)
		rc = store_review_reads_clear(s, sub->rowid, err);
	if (rc == MC_OK)
		rc = move(s, sub->rowid, sub->id, "return", sub->status, "in_progress",
			  json_pack("{s:s, s:s}", "reason", reason, "returned_by", session_user(s)), err);
	return rc;
}

int review_return(struct store *s, const char *id, const char *reason, struct mc_error *err)
{
	int rc = scoring_reason_check(reason, "say what the readers should look at again", err);
	return rc == MC_OK ? sub_tx(s, id, return_fn, reason, NULL, err) : rc;
}

static int reopen_fn(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err)
{
	(void)out;
	char *outcome = NULL, *by = NULL, *at = NULL;
	int rc = people_require(s, ROLE_ADMIN, "reopen a decision", err);
	if (rc == MC_OK)
		rc = store_scoring_decision_get(s, sub->rowid, &outcome, &by, &at, err);
	if (rc == MC_OK && !outcome)
		rc = mc_error_set(err, MC_FAIL, "%s is %s: it has no final decision to reopen", sub->id,
				  sub->status);
	if (rc == MC_OK)
		rc = store_review_decision_del(s, sub->rowid, err);
	if (rc == MC_OK)
		rc = store_review_reads_clear(s, sub->rowid, err);
	if (rc == MC_OK)
		rc = move(s, sub->rowid, sub->id, "reopen", sub->status, "in_progress",
			  json_pack("{s:s, s:s, s:s}", "reason", reason, "was", outcome, "was_decided_by", by), err);
	free(outcome);
	free(by);
	free(at);
	return rc;
}

int review_reopen(struct store *s, const char *id, const char *reason, struct mc_error *err)
{
	int rc = scoring_reason_check(reason, "say why the decision is reopened", err);
	return rc == MC_OK ? sub_tx(s, id, reopen_fn, reason, NULL, err) : rc;
}

static int withdraw_fn(struct store *s, const struct sub *sub, const char *reason, void *out, struct mc_error *err)
{
	(void)out;
	char *outcome = NULL, *by = NULL, *at = NULL;
	int rc = people_require(s, ROLE_ADMIN, "withdraw a submission", err);
	if (rc == MC_OK && strcmp(sub->status, "withdrawn") == 0)
		return mc_error_set(err, MC_FAIL, "%s was withdrawn already", sub->id);
	if (rc == MC_OK)
		rc = store_scoring_decision_get(s, sub->rowid, &outcome, &by, &at, err);
	if (rc == MC_OK && outcome)
		rc = mc_error_set(err, MC_FAIL, "%s was decided '%s' by %s at %s; reopen it first "
				  "(mcassess reopen %s --reason TEXT)", sub->id, outcome, by, at, sub->id);
	if (rc == MC_OK)
		rc = move(s, sub->rowid, sub->id, "withdraw", sub->status, "withdrawn",
			  json_pack("{s:s}", "reason", reason), err);
	free(outcome);
	free(by);
	free(at);
	return rc;
}

int review_withdraw(struct store *s, const char *id, const char *reason, struct mc_error *err)
{
	int rc = scoring_reason_check(reason, "say why it is withdrawn", err);
	return rc == MC_OK ? sub_tx(s, id, withdraw_fn, reason, NULL, err) : rc;
}
