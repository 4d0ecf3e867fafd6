/* calibration.c: calibration sets, calibration reads and qualification (calibration.h). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/access.h"
#include "mcassess/audit.h"
#include "mcassess/calibration.h"
#include "mcassess/people.h"
#include "mcassess/precheck.h"
#include "mcassess/queue.h"
#include "mcassess/scoring.h"
#include "mcassess/session.h"
#include "mcassess/show.h"
#include "mcassess/store.h"
#include "mcassess/store_scoring.h"
#include "mcassess/util.h"

#define THRESHOLD_KEY "calibration_threshold"

/* ---------------------------------------------------------------- the threshold */

int calib_threshold_get(struct store *s, int *pct, struct mc_error *err)
{
	char *v = NULL;
	int rc = store_meta_get(s, THRESHOLD_KEY, &v, err);
	*pct = v ? atoi(v) : CALIB_THRESHOLD_DEFAULT;
	if (*pct < 0 || *pct > 100)
		*pct = CALIB_THRESHOLD_DEFAULT;
	free(v);
	return rc;
}

struct threshold_arg {
	int pct, *changed;
};

static int threshold_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	struct threshold_arg *a = ctx;
	int was = 0;
	int rc = people_require(s, ROLE_ADMIN, "setting the calibration threshold", err);
	if (rc == MC_OK)
		rc = calib_threshold_get(s, &was, err);
	if (rc != MC_OK || was == a->pct)
		return rc;
	char value[16], before[32], after[32];
	snprintf(value, sizeof value, "%d", a->pct);
	snprintf(before, sizeof before, "{\"value\":%d}", was);
	snprintf(after, sizeof after, "{\"value\":%d}", a->pct);
	rc = store_meta_set(s, THRESHOLD_KEY, value, err);
	if (rc == MC_OK)
		rc = audit_append(s, "config", "setting:" THRESHOLD_KEY, before, after, err);
	if (rc == MC_OK)
		*a->changed = 1;
	return rc;
}

int calib_threshold_set(struct store *s, int pct, int *changed, struct mc_error *err)
{
	int ignored = 0;
	if (!changed)
		changed = &ignored;
	*changed = 0;
	if (pct < 0 || pct > 100)
		return mc_error_set(err, MC_USAGE, "the calibration threshold is a percentage from 0 to 100, not %d",
				    pct);
	int rc = store_transact(s, threshold_in_tx, &(struct threshold_arg){ pct, changed }, err);
	if (rc != MC_OK)
		*changed = 0;
	return rc;
}

/* ---------------------------------------------------------------- the rubric model */

/* The rubric of submission `sub` with nothing scored (o->read "calibration"). */
static int rubric_only(struct store *s, long long sub, struct scoring_outcome **out, struct mc_error *err)
{
	struct store_scoring_sub ss;
	int found = 0;
	*out = NULL;
	int rc = store_scoring_sub_get(s, NULL, sub, &ss, &found, err);
	if (rc != MC_OK)
		return rc;
	if (!found)
		return mc_error_set(err, MC_FAIL, "no submission with internal id %lld", sub);
	struct scoring_outcome *o = mc_xcalloc(1, sizeof *o);
	o->rowid = sub;
	o->id = mc_xstrdup(ss.id);
	o->credential = mc_xstrdup(ss.credential);
	o->status = mc_xstrdup(ss.status);
	o->passing_rule = mc_xstrdup(ss.passing_rule);
	o->rubric_version = ss.version;
	o->read = mc_xstrdup("calibration");
	rc = store_scoring_rubric(s, ss.rubric_id, o, err);
	store_scoring_sub_free(&ss);
	for (int i = 0; i < o->ncriteria; i++)
		o->criteria[i].level = -1;
	if (rc != MC_OK)
		scoring_outcome_free(&o);
	*out = o;
	return rc;
}

/* Put level rowid `level` on criterion rowid `crit` of the model (a callback). */
static void put_level(void *ctx, long long crit, long long level)
{
	struct scoring_outcome *o = ctx;
	for (int i = 0; i < o->ncriteria; i++) {
		struct scoring_criterion *c = &o->criteria[i];
		for (int j = 0; c->rowid == crit && j < c->nlevels; j++)
			if (c->levels[j].rowid == level) {
				c->level = j;
				c->passes = c->levels[j].passes;
			}
	}
}

/* The submission and its exemplar; "X is not a calibration exemplar" else. */
static int exemplar(struct store *s, const char *id, long long *sub, long long *ex, struct mc_error *err)
{
	int rc = scoring_find(s, id, sub, err);
	if (rc == MC_OK)
		rc = store_calib_exemplar_of(s, *sub, ex, err);
	if (rc == MC_OK && !*ex)
		rc = mc_error_set(err, MC_FAIL, "%s is not in a calibration set ('mcassess calibration list' "
				  "shows the exemplars)", id);
	return rc;
}

/* ---------------------------------------------------------------- add, remove, list */

struct add_arg {
	const char *id, *outcome;
	const char *const *levels;
	int nlevels;
};

/* The final read's levels (adjudication, else first, else second) on the model. */
static int final_levels(struct store *s, long long sub, struct scoring_outcome *o, struct mc_error *err)
{
	static const char *const reads[] = { "adjudication", "first", "second" };
	int rc = MC_OK;
	for (int r = 0; rc == MC_OK && r < 3; r++) {
		struct scoring_outcome *f = NULL;
		rc = scoring_outcome_read(s, sub, reads[r], &f, err);
		int any = rc == MC_OK && f->nscored > 0;
		for (int i = 0; any && i < f->ncriteria && i < o->ncriteria; i++)
			if (f->criteria[i].level >= 0)
				put_level(o, o->criteria[i].rowid, f->criteria[i].levels[f->criteria[i].level].rowid);
		scoring_outcome_free(&f);
		if (any)
			break;
	}
	return rc;
}

/* Apply "CRIT=LEVEL" overrides. */
static int overrides(const struct add_arg *a, struct scoring_outcome *o, struct mc_error *err)
{
	for (int k = 0; k < a->nlevels; k++) {
		const char *eq = strchr(a->levels[k], '=');
		if (!eq || eq == a->levels[k] || !eq[1])
			return mc_error_set(err, MC_USAGE, "--level takes CRITERION=LEVEL (as 'O1=3'), not '%s'",
					    a->levels[k]);
		char *crit = mc_xasprintf("%.*s", (int)(eq - a->levels[k]), a->levels[k]);
		int ci, li;
		int rc = scoring_resolve(o, crit, eq + 1, &ci, &li, err);
		free(crit);
		if (rc != MC_OK)
			return rc;
		o->criteria[ci].level = li;
		o->criteria[ci].passes = o->criteria[ci].levels[li].passes;
	}
	return MC_OK;
}

static int all_levelled(const char *id, const struct scoring_outcome *o, struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < o->ncriteria; i++)
		if (o->criteria[i].level < 0)
			mc_buf_printf(&b, "%s%s", b.len ? ", " : "", o->criteria[i].code);
	int rc = b.len ? mc_error_set(err, MC_INVALID, "%s: no agreed level for %s; give them with --level "
				     "CRITERION=LEVEL", id, mc_buf_str(&b))
		       : MC_OK;
	mc_buf_free(&b);
	return rc;
}

/* {"credential","outcome","levels":{"O1":"3",...}} for the audit row. */
static char *exemplar_json(const struct scoring_outcome *o, const char *outcome)
{
	json_t *lv = json_object();
	for (int i = 0; i < o->ncriteria; i++)
		if (o->criteria[i].level >= 0)
			json_object_set_new(lv, o->criteria[i].code,
					    json_string(o->criteria[i].levels[o->criteria[i].level].code));
	return audit_json(json_pack("{s:s, s:s, s:o}", "credential", o->credential, "outcome", outcome, "levels", lv));
}

static int decided_outcome(struct store *s, const char *id, long long sub, const char *asked, char **outcome,
			   struct mc_error *err)
{
	char *by = NULL, *at = NULL;
	int rc = store_scoring_decision_get(s, sub, outcome, &by, &at, err);
	free(by);
	free(at);
	if (rc == MC_OK && (!*outcome || strcmp(*outcome, "incomplete") == 0))
		rc = mc_error_set(err, MC_FAIL, "%s is not decided earned or resubmit: only decided work can be "
				  "an exemplar", id);
	if (rc == MC_OK && asked && strcmp(asked, "earned") != 0 && strcmp(asked, "resubmit") != 0)
		rc = mc_error_set(err, MC_USAGE, "the agreed outcome is earned or resubmit, not '%s'", asked);
	if (rc == MC_OK && asked) {
		free(*outcome);
		*outcome = mc_xstrdup(asked);
	}
	return rc;
}

static int save_exemplar(struct store *s, const char *id, long long sub, const struct scoring_outcome *o,
			 const char *outcome, struct mc_error *err)
{
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	long long ex = 0;
	int rc = mc_uuid(uid, err);
	mc_now(at);
	if (rc == MC_OK)
		rc = store_calib_exemplar_put(s, uid, sub, outcome, session_user(s), at, &ex, err);
	for (int i = 0; rc == MC_OK && i < o->ncriteria; i++)
		rc = store_calib_agreed_put(s, ex, o->criteria[i].rowid,
					    o->criteria[i].levels[o->criteria[i].level].rowid, err);
	if (rc == MC_OK) {
		char *after = exemplar_json(o, outcome), *subject = mc_xasprintf("calibration:%s", id);
		rc = audit_append(s, "calibration-add", subject, NULL, after, err);
		free(subject);
		free(after);
	}
	return rc;
}

static int add_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	const struct add_arg *a = ctx;
	long long sub = 0, ex = 0;
	struct scoring_outcome *o = NULL;
	char *outcome = NULL;
	int rc = people_require(s, ROLE_COORDINATOR, "managing calibration sets", err);
	if (rc == MC_OK)
		rc = access_submission(s, a->id, ACCESS_READ, &sub, err);
	if (rc == MC_OK)
		rc = store_calib_exemplar_of(s, sub, &ex, err);
	if (rc == MC_OK && ex)
		rc = mc_error_set(err, MC_FAIL, "%s is already an exemplar ('mcassess calibration remove %s' first "
				  "to change its agreed levels)", a->id, a->id);
	if (rc == MC_OK)
		rc = decided_outcome(s, a->id, sub, a->outcome, &outcome, err);
	if (rc == MC_OK)
		rc = rubric_only(s, sub, &o, err);
	if (rc == MC_OK)
		rc = final_levels(s, sub, o, err);
	if (rc == MC_OK)
		rc = overrides(a, o, err);
	if (rc == MC_OK)
		rc = all_levelled(a->id, o, err);
	if (rc == MC_OK)
		rc = save_exemplar(s, a->id, sub, o, outcome, err);
	scoring_outcome_free(&o);
	free(outcome);
	return rc;
}

int calib_add(struct store *s, const char *id, const char *const *levels, int nlevels, const char *outcome,
	      struct mc_error *err)
{
	return store_transact(s, add_in_tx, &(struct add_arg){ id, outcome, levels, nlevels }, err);
}

static int remove_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	const char *id = ctx;
	long long sub = 0, ex = 0;
	struct scoring_outcome *o = NULL;
	int rc = people_require(s, ROLE_COORDINATOR, "managing calibration sets", err);
	if (rc == MC_OK)
		rc = access_submission(s, id, ACCESS_READ, &sub, err);
	if (rc == MC_OK)
		rc = exemplar(s, id, &sub, &ex, err);
	if (rc == MC_OK)
		rc = rubric_only(s, sub, &o, err);
	if (rc == MC_OK)
		rc = store_calib_agreed_each(s, ex, put_level, o, err);
	if (rc == MC_OK)
		rc = store_calib_exemplar_del(s, ex, err);
	if (rc == MC_OK) {
		char *before = exemplar_json(o, "-"), *subject = mc_xasprintf("calibration:%s", id);
		rc = audit_append(s, "calibration-remove", subject, before, NULL, err);
		free(subject);
		free(before);
	}
	scoring_outcome_free(&o);
	return rc;
}

int calib_remove(struct store *s, const char *id, struct mc_error *err)
{
	return store_transact(s, remove_in_tx, (void *)id, err);
}

int calib_list(struct store *s, const char *credential, struct store_calib_row **out, int *n,
	       struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	int rc = people_require(s, ROLE_ASSESSOR, "calibration", err);
	if (rc != MC_OK)
		return rc;
	const struct mc_session *sess = session_of(s);
	int blind = !sess || sess->actor.role < ROLE_COORDINATOR;
	rc = store_calib_list(s, credential, session_user(s), out, n, err);
	for (int i = 0; rc == MC_OK && blind && i < *n; i++) {
		struct store_calib_row *r = &(*out)[i];
		if (r->mine && strcmp(r->mine, "done") == 0)
			continue;
		free(r->agreed);
		free(r->outcome);
		r->agreed = r->outcome = NULL;
	}
	return rc;
}

/* ---------------------------------------------------------------- calibration reads */

/* The acting user's read of exemplar `id` (access_calibration), and the model. */
struct item {
	long long sub, ex, read;
	char *decided; /* when, NULL while not finished */
	char *outcome;
	struct scoring_outcome *o;
};

static void item_free(struct item *it)
{
	free(it->decided);
	free(it->outcome);
	scoring_outcome_free(&it->o);
}

static int item_load(struct store *s, const char *id, struct item *it, struct mc_error *err)
{
	memset(it, 0, sizeof *it);
	int rc = access_calibration(s, id, &it->sub, err);
	if (rc == MC_OK)
		rc = exemplar(s, id, &it->sub, &it->ex, err);
	if (rc == MC_OK)
		rc = store_calib_read_get(s, it->sub, session_user(s), &it->read, &it->decided, &it->outcome, err);
	if (rc == MC_OK)
		rc = rubric_only(s, it->sub, &it->o, err);
	if (rc == MC_OK && it->read)
		rc = store_calib_scores_each(s, it->read, put_level, it->o, err);
	if (rc == MC_OK) {
		scoring_outcome_compute(it->o);
		if (it->decided && it->outcome) {
			it->o->decision = mc_xstrdup(it->outcome);
			it->o->decided_by = mc_xstrdup(session_user(s));
			it->o->decided_at = mc_xstrdup(it->decided);
		}
	}
	return rc;
}

int calib_item(struct store *s, const char *id, struct scoring_outcome **mine, struct scoring_outcome **agreed,
	       struct mc_error *err)
{
	struct item it;
	*mine = NULL;
	if (agreed)
		*agreed = NULL;
	int rc = item_load(s, id, &it, err);
	if (rc == MC_OK && agreed && it.decided) {
		rc = rubric_only(s, it.sub, agreed, err);
		if (rc == MC_OK)
			rc = store_calib_agreed_each(s, it.ex, put_level, *agreed, err);
		if (rc == MC_OK) {
			scoring_outcome_compute(*agreed);
			struct store_calib_row *rows = NULL;
			int n = 0;
			rc = store_calib_list(s, it.o->credential, NULL, &rows, &n, err);
			for (int i = 0; rc == MC_OK && i < n; i++)
				if (strcmp(rows[i].id, id) == 0)
					(*agreed)->decision = mc_xstrdup(rows[i].outcome);
			store_calib_rows_free(&rows, n);
		}
		if (rc != MC_OK)
			scoring_outcome_free(agreed);
	}
	if (rc == MC_OK) {
		*mine = it.o;
		it.o = NULL;
	}
	item_free(&it);
	return rc;
}

int calib_evidence(struct store *s, const char *id, struct show_submission **out, struct mc_error *err)
{
	long long sub = 0;
	*out = NULL;
	int rc = access_calibration(s, id, &sub, err);
	if (rc != MC_OK)
		return rc;
	struct show_submission *m = mc_xcalloc(1, sizeof *m);
	char *school = NULL;
	rc = store_show_submission(s, id, 0, m, &school, err);
	free(school);
	if (rc == MC_OK)
		rc = store_show_parts(s, m, err);
	if (rc == MC_OK)
		rc = store_show_evidence(s, m, err);
	if (rc != MC_OK) {
		show_free(&m);
		return rc;
	}
	show_part_words(m);
	/* Calibration is always blind: the anonymous id, never the name or school. */
	struct queue_educator_seen e = { 0 };
	rc = queue_educator_seen(s, session_user(s), m->rowid, &e, err);
	m->blind = 1;
	free(m->educator_id);
	free(m->educator_name);
	free(m->school);
	free(m->educator_anon);
	m->educator_anon = e.anon_id;
	e.anon_id = NULL;
	queue_educator_seen_free(&e);
	m->educator_id = mc_xstrdup(m->educator_anon ? m->educator_anon : "(anonymous)");
	m->educator_name = mc_xstrdup(m->educator_id);
	m->school = NULL;
	if (rc == MC_OK)
		rc = precheck_show(s, m, err); /* blind: names, e-mail addresses, phone numbers masked in the text */
	if (rc != MC_OK) {
		show_free(&m);
		return rc;
	}
	*out = m;
	return MC_OK;
}

static char *calib_score_json(const char *criterion, const char *level)
{
	return audit_json(json_pack("{s:s, s:s}", "criterion", criterion, "level", level));
}

struct score_arg {
	const char *id, *criterion, *level;
};

static int finished(const char *id, struct mc_error *err)
{
	return mc_error_set(err, MC_FAIL, "you have finished your calibration read of %s: its scores are final "
			    "('mcassess calibration show %s' compares them with the agreed levels)", id, id);
}

/* Whoever scored the exemplar for real knows its answer: their calibration
 * on it would not be blind. */
static int not_own_work(struct store *s, const char *id, long long sub, struct mc_error *err)
{
	char *read = NULL;
	int rc = store_calib_real_read(s, sub, session_user(s), &read, err);
	if (rc == MC_OK && read)
		rc = mc_error_set(err, MC_FAIL, "you scored %s for real (the %s read): calibrating on it would not be "
				  "blind; score the exemplars you did not read", id, read);
	free(read);
	return rc;
}

static int score_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	const struct score_arg *a = ctx;
	struct item it;
	int ci = 0, li = 0;
	char uid[MC_UUID_LEN], at[MC_TIME_LEN];
	int rc = item_load(s, a->id, &it, err);
	if (rc == MC_OK && it.decided)
		rc = finished(a->id, err);
	if (rc == MC_OK && !it.read)
		rc = not_own_work(s, a->id, it.sub, err);
	if (rc == MC_OK)
		rc = scoring_resolve(it.o, a->criterion, a->level, &ci, &li, err);
	mc_now(at);
	if (rc == MC_OK && !it.read && (rc = mc_uuid(uid, err)) == MC_OK)
		rc = store_calib_read_start(s, uid, it.sub, session_user(s), at, &it.read, err);
	if (rc == MC_OK)
		rc = mc_uuid(uid, err);
	if (rc == MC_OK) {
		const struct scoring_criterion *c = &it.o->criteria[ci];
		rc = store_calib_score_put(s, uid, it.read, c->rowid, c->levels[li].rowid, at, err);
		char *before = c->level >= 0 ? calib_score_json(c->code, c->levels[c->level].code) : NULL;
		char *after = calib_score_json(c->code, c->levels[li].code);
		char *subject = mc_xasprintf("calibration:%s", a->id);
		if (rc == MC_OK)
			rc = audit_append(s, "calibration-score", subject, before, after, err);
		free(subject);
		free(before);
		free(after);
	}
	item_free(&it);
	return rc;
}

int calib_score(struct store *s, const char *id, const char *criterion, const char *level,
		struct mc_error *err)
{
	return store_transact(s, score_in_tx, &(struct score_arg){ id, criterion, level }, err);
}

/* What keeps `outcome` from being given on the model (MC_OK: nothing). */
static int may_end(const char *id, const struct scoring_outcome *o, const char *outcome, struct mc_error *err)
{
	struct mc_buf b = MC_BUF_INIT;
	for (int i = 0; i < o->ncriteria; i++)
		if (o->criteria[i].level < 0)
			mc_buf_printf(&b, "%s%s", b.len ? ", " : "", o->criteria[i].code);
	int rc = MC_OK;
	if (b.len)
		rc = mc_error_set(err, MC_FAIL, "%s: score every criterion first; not scored: %s", id, mc_buf_str(&b));
	else if (strcmp(outcome, "earned") == 0 && !o->eligible)
		rc = mc_error_set(err, MC_FAIL, "%s: not earned: %d of %d criteria are at a passing level", id,
				  o->npassing, o->ncriteria);
	mc_buf_free(&b);
	return rc;
}

static int decide_in_tx(struct store *s, void *ctx, struct mc_error *err)
{
	const struct score_arg *a = ctx; /* criterion: the outcome */
	struct item it;
	char at[MC_TIME_LEN];
	int rc = item_load(s, a->id, &it, err);
	if (rc == MC_OK && it.decided)
		rc = finished(a->id, err);
	if (rc == MC_OK)
		rc = may_end(a->id, it.o, a->criterion, err);
	mc_now(at);
	if (rc == MC_OK)
		rc = store_calib_read_decide(s, it.read, a->criterion, at, err);
	if (rc == MC_OK) {
		char *after = audit_json(json_pack("{s:s}", "outcome", a->criterion));
		char *subject = mc_xasprintf("calibration:%s", a->id);
		rc = audit_append(s, "calibration-decide", subject, NULL, after, err);
		free(subject);
		free(after);
	}
	item_free(&it);
	return rc;
}

int calib_decide(struct store *s, const char *id, const char *outcome, struct mc_error *err)
{
	if (strcmp(outcome, "earned") != 0 && strcmp(outcome, "resubmit") != 0)
		return mc_error_set(err, MC_USAGE, "a calibration read ends earned or resubmit, not '%s'", outcome);
	return store_transact(s, decide_in_tx, &(struct score_arg){ id, outcome, NULL }, err);
}

/* ---------------------------------------------------------------- results */

struct results {
	struct store *s;
	const char *user;
	int all, threshold;
	struct calib_result *v;
	int n;
	struct mc_error *err;
	int rc;
};

static int add_pair(void *ctx, const struct store_calib_pair *p)
{
	struct stats_table *t = ctx;
	stats_table_add(t, p->given - 1, p->agreed - 1);
	return 0;
}

static int max_levels(void *ctx, const struct store_calib_pair *p)
{
	int *k = ctx;
	if (p->nlevels > *k)
		*k = p->nlevels;
	return 0;
}

static int add_set(void *ctx, const char *credential, long exemplars, long done, long same)
{
	struct results *r = ctx;
	if (!done && r->all)
		return 0;
	int k = 2;
	struct stats_table t;
	r->rc = store_calib_pairs(r->s, credential, r->user, max_levels, &k, r->err);
	stats_table_init(&t, k);
	if (r->rc == MC_OK)
		r->rc = store_calib_pairs(r->s, credential, r->user, add_pair, &t, r->err);
	if (r->rc != MC_OK)
		return 1;
	r->v = mc_xrealloc(r->v, (size_t)(r->n + 1) * sizeof *r->v);
	struct calib_result *x = &r->v[r->n++];
	*x = (struct calib_result){ .user = mc_xstrdup(r->user), .credential = mc_xstrdup(credential), .exemplars = exemplars, .done = done, .outcomes_agreed = same };
	stats_agreement(&t, &x->g);
	x->qualified = exemplars > 0 && done >= exemplars && x->g.n > 0 &&
		       x->g.exact.value * 100.0 >= (double)r->threshold - 1e-9;
	return 0;
}

static int collect_user(void *ctx, const char *user)
{
	struct mc_buf *b = ctx;
	mc_buf_printf(b, "%s\n", user);
	return 0;
}

/* Results for every line of `users` ("a\nb\n"). */
static int results_of(struct results *r, const char *credential, char *users)
{
	for (char *u = users, *nl; r->rc == MC_OK && u && (nl = strchr(u, '\n')); u = nl + 1) {
		*nl = '\0';
		r->user = u;
		int rc = store_calib_sets(r->s, credential, u, add_set, r, r->err);
		if (r->rc == MC_OK)
			r->rc = rc;
	}
	return r->rc;
}

int calib_results(struct store *s, const char *user, const char *credential, struct calib_result **out,
		  int *n, int *threshold, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	struct results r = { .s = s, .err = err };
	int rc = people_require(s, ROLE_ASSESSOR, "calibration", err);
	const struct mc_session *sess = session_of(s);
	int own_only = !sess || sess->actor.role < ROLE_COORDINATOR;
	if (rc == MC_OK && own_only && user && strcmp(user, session_user(s)) != 0)
		rc = mc_error_set(err, MC_FAIL, "you (%s) may see your own calibration results only", session_user(s));
	if (rc == MC_OK && own_only)
		user = session_user(s);
	if (rc == MC_OK)
		rc = calib_threshold_get(s, &r.threshold, err);
	if (rc == MC_OK)
		rc = store_begin_read(s, err);
	if (rc != MC_OK)
		return rc;
	struct mc_buf users = MC_BUF_INIT;
	r.all = !user;
	if (user)
		mc_buf_printf(&users, "%s\n", user);
	else
		rc = store_calib_assessors(s, credential, collect_user, &users, err);
	if (rc == MC_OK)
		rc = results_of(&r, credential, users.len ? (char *)mc_buf_str(&users) : NULL);
	store_rollback(s);
	mc_buf_free(&users);
	if (rc != MC_OK) {
		calib_results_free(&r.v, r.n);
		return rc;
	}
	*out = r.v;
	*n = r.n;
	if (threshold)
		*threshold = r.threshold;
	return MC_OK;
}

void calib_results_free(struct calib_result **r, int n)
{
	if (!r || !*r)
		return;
	for (int i = 0; i < n; i++) {
		free((*r)[i].user);
		free((*r)[i].credential);
	}
	free(*r);
	*r = NULL;
}

/* ---------------------------------------------------------------- qualification */

int calib_qualified(struct store *s, const char *credential, int *has_set, char ***qualified, int *n,
		    struct mc_error *err)
{
	*has_set = 0;
	*qualified = NULL;
	*n = 0;
	struct results r = { .s = s, .err = err, .all = 1 };
	struct mc_buf users = MC_BUF_INIT;
	int rc = calib_threshold_get(s, &r.threshold, err);
	if (rc == MC_OK)
		rc = store_calib_assessors(s, credential, collect_user, &users, err);
	if (rc == MC_OK)
		rc = results_of(&r, credential, users.len ? (char *)mc_buf_str(&users) : NULL);
	mc_buf_free(&users);
	for (int i = 0; rc == MC_OK && i < r.n; i++)
		if (r.v[i].qualified) {
			*qualified = mc_xrealloc(*qualified, (size_t)(*n + 1) * sizeof **qualified);
			(*qualified)[(*n)++] = mc_xstrdup(r.v[i].user);
		}
	calib_results_free(&r.v, r.n);
	struct store_calib_row *rows = NULL;
	int nrows = 0;
	if (rc == MC_OK)
		rc = store_calib_list(s, credential, NULL, &rows, &nrows, err);
	*has_set = nrows > 0;
	store_calib_rows_free(&rows, nrows);
	return rc;
}

void calib_users_free(char ***users, int n)
{
	if (!users || !*users)
		return;
	for (int i = 0; i < n; i++)
		free((*users)[i]);
	free(*users);
	*users = NULL;
}
