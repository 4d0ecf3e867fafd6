/* store_scoring.c: SQL for scores, feedback, decisions, drafts and the rubric a
 * submission is scored against. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_scoring.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_SUB_BY_ID[] =
	"SELECT s.id, s.rubric_id, s.ext_id, c.code, s.status, r.passing_rule, r.version "
	"FROM submission s JOIN credential c ON c.id = s.credential_id JOIN rubric r ON r.id = s.rubric_id "
	"WHERE s.ext_id = ?1";
static const char SQL_SUB_BY_ROWID[] =
	"SELECT s.id, s.rubric_id, s.ext_id, c.code, s.status, r.passing_rule, r.version "
	"FROM submission s JOIN credential c ON c.id = s.credential_id JOIN rubric r ON r.id = s.rubric_id "
	"WHERE s.id = ?1";
static const char SQL_PARTS[] =
	"SELECT id, code, title FROM part WHERE rubric_id = ?1 ORDER BY seq, id";
static const char SQL_CRITERIA[] =
	"SELECT c.id, c.code, c.text, c.part_id FROM criterion c JOIN part p ON p.id = c.part_id "
	"WHERE c.rubric_id = ?1 ORDER BY p.seq, p.id, c.seq, c.id";
static const char SQL_LEVELS[] =
	"SELECT l.id, l.criterion_id, l.code, l.label, l.descriptor, l.seq, l.passes "
	"FROM level l JOIN criterion c ON c.id = l.criterion_id WHERE c.rubric_id = ?1 "
	"ORDER BY l.criterion_id, l.seq";
static const char SQL_SCORES[] =
	"SELECT criterion_id, level_id, assessor, comment, at FROM score "
	"WHERE submission_id = ?1 AND read = ?2";
static const char SQL_FEEDBACK_GET[] =
	"SELECT body, author, at FROM feedback WHERE submission_id = ?1 AND read = ?2";
static const char SQL_DECISION_GET[] =
	"SELECT outcome, decided_by, at FROM decision WHERE submission_id = ?1";
static const char SQL_ASSIGNED[] =
	"SELECT 1 FROM assignment WHERE submission_id = ?1 AND assessor = ?2 AND read = ?3";
static const char SQL_SCORE_PUT[] =
	"INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, read, comment, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
	"ON CONFLICT(submission_id, read, criterion_id) DO UPDATE SET uid = excluded.uid, "
	"level_id = excluded.level_id, assessor = excluded.assessor, comment = excluded.comment, "
	"at = excluded.at";
static const char SQL_STATUS_SET[] =
	"UPDATE submission SET status = ?2, updated_at = ?3 WHERE id = ?1";
static const char SQL_FEEDBACK_PUT[] =
	"INSERT INTO feedback(uid, submission_id, read, author, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT(submission_id, read) DO UPDATE SET uid = excluded.uid, author = excluded.author, "
	"body = excluded.body, at = excluded.at";
static const char SQL_DECISION_PUT[] =
	"INSERT INTO decision(uid, submission_id, outcome, decided_by, at, reason) "
	"VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, ''))";
static const char SQL_DRAFT_PUT[] =
	"INSERT INTO draft(uid, submission_id, author, target, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
	"ON CONFLICT(submission_id, author, target) DO UPDATE SET body = excluded.body, at = excluded.at";
static const char SQL_DRAFT_GET[] =
	"SELECT body, at FROM draft WHERE submission_id = ?1 AND author = ?2 AND target = ?3";
static const char SQL_DRAFT_COUNT[] = "SELECT count(*) FROM draft WHERE submission_id = ?1 AND author = ?2";
static const char SQL_DRAFT_DEL[] =
	"DELETE FROM draft WHERE submission_id = ?1 AND author = ?2 AND target = ?3";

void store_scoring_sub_free(struct store_scoring_sub *sub)
{
	free(sub->id);
	free(sub->credential);
	free(sub->status);
	free(sub->passing_rule);
	memset(sub, 0, sizeof *sub);
}

int store_scoring_sub_get(struct store *s, const char *id, long long rowid, struct store_scoring_sub *out,
			  int *found, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	*found = 0;
	sqlite3_stmt *st = store_prep(s, id ? SQL_SUB_BY_ID : SQL_SUB_BY_ROWID, err);
	if (!st)
		return MC_FAIL;
	if (id)
		store_bind_text(st, 1, id);
	else
		store_bind_int(st, 1, rowid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		out->rowid = sqlite3_column_int64(st, 0);
		out->rubric_id = sqlite3_column_int64(st, 1);
		out->id = store_col_dup(st, 2);
		out->credential = store_col_dup(st, 3);
		out->status = store_col_dup(st, 4);
		out->passing_rule = store_col_dup(st, 5);
		out->version = sqlite3_column_int(st, 6);
	} else if (rc != SQLITE_DONE) {
		return store_fail(s, err, "reading the submission");
	}
	sqlite3_reset(st);
	return MC_OK;
}

static int criterion_index(const struct scoring_outcome *o, long long id)
{
	for (int i = 0; i < o->ncriteria; i++)
		if (o->criteria[i].rowid == id)
			return i;
	return -1;
}

static int load_parts(struct store *s, long long rubric_id, struct scoring_outcome *o, long long **ids,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PARTS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (o->nparts == cap) {
			cap = cap ? 2 * cap : 8;
			o->parts = mc_xrealloc(o->parts, (size_t)cap * sizeof *o->parts);
			*ids = mc_xrealloc(*ids, (size_t)cap * sizeof **ids);
		}
		struct scoring_part *p = &o->parts[o->nparts];
		memset(p, 0, sizeof *p);
		(*ids)[o->nparts] = sqlite3_column_int64(st, 0);
		p->code = store_col_dup(st, 1);
		p->title = store_col_dup(st, 2);
		o->nparts++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the rubric");
}

static int load_criteria(struct store *s, long long rubric_id, struct scoring_outcome *o,
			 const long long *part_ids, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CRITERIA, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (o->ncriteria == cap) {
			cap = cap ? 2 * cap : 16;
			o->criteria = mc_xrealloc(o->criteria, (size_t)cap * sizeof *o->criteria);
		}
		struct scoring_criterion *c = &o->criteria[o->ncriteria];
		memset(c, 0, sizeof *c);
		c->rowid = sqlite3_column_int64(st, 0);
		c->code = store_col_dup(st, 1);
		c->text = store_col_dup(st, 2);
		c->level = -1;
		long long pid = sqlite3_column_int64(st, 3);
		c->part = 0;
		for (int i = 0; i < o->nparts; i++)
			if (part_ids[i] == pid)
				c->part = i;
		struct scoring_part *p = &o->parts[c->part];
		if (p->n == 0)
			p->first = o->ncriteria;
		p->n++;
		o->ncriteria++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the rubric");
}

static int load_levels(struct store *s, long long rubric_id, struct scoring_outcome *o, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_LEVELS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ci = criterion_index(o, sqlite3_column_int64(st, 1));
		if (ci < 0)
			continue;
		struct scoring_criterion *c = &o->criteria[ci];
		c->levels = mc_xrealloc(c->levels, (size_t)(c->nlevels + 1) * sizeof *c->levels);
		struct scoring_level *l = &c->levels[c->nlevels++];
		l->rowid = sqlite3_column_int64(st, 0);
		l->code = store_col_dup(st, 2);
		l->label = store_col_dup(st, 3);
		l->descriptor = store_col_dup(st, 4);
		l->seq = sqlite3_column_int(st, 5);
		l->passes = sqlite3_column_int(st, 6) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the rubric");
}

int store_scoring_rubric(struct store *s, long long rubric_id, struct scoring_outcome *o,
			 struct mc_error *err)
{
	long long *part_ids = NULL;
	int rc = load_parts(s, rubric_id, o, &part_ids, err);
	if (rc == MC_OK)
		rc = load_criteria(s, rubric_id, o, part_ids, err);
	free(part_ids);
	if (rc == MC_OK)
		rc = load_levels(s, rubric_id, o, err);
	return rc;
}

int store_scoring_scores(struct store *s, long long sub_rowid, const char *read, struct scoring_outcome *o,
			 struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCORES, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, read);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int ci = criterion_index(o, sqlite3_column_int64(st, 0));
		if (ci < 0)
			continue; /* a score for another rubric's criterion: check reports it */
		struct scoring_criterion *c = &o->criteria[ci];
		long long lid = sqlite3_column_int64(st, 1);
		for (int i = 0; i < c->nlevels; i++)
			if (c->levels[i].rowid == lid)
				c->level = i;
		if (c->level < 0)
			continue;
		c->assessor = store_col_dup(st, 2);
		c->comment = store_col_dup(st, 3);
		c->at = store_col_dup(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the scores");
}

/* One row of up to three text columns, each NULL when there is no row. */
static int get_row3(struct store *s, const char *sql, long long id, const char *a, const char *b,
		    char **o1, char **o2, char **o3, const char *what, struct mc_error *err)
{
	*o1 = NULL;
	if (o2)
		*o2 = NULL;
	if (o3)
		*o3 = NULL;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	if (a)
		store_bind_text(st, 2, a);
	if (b)
		store_bind_text(st, 3, b);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*o1 = store_col_dup(st, 0);
		if (o2)
			*o2 = store_col_dup(st, 1);
		if (o3)
			*o3 = store_col_dup(st, 2);
	} else if (rc != SQLITE_DONE) {
		return store_fail(s, err, what);
	}
	sqlite3_reset(st);
	return MC_OK;
}

int store_scoring_feedback_get(struct store *s, long long sub_rowid, const char *read, char **body,
			       char **author, char **at, struct mc_error *err)
{
	return get_row3(s, SQL_FEEDBACK_GET, sub_rowid, read, NULL, body, author, at,
			"reading the feedback", err);
}

int store_scoring_decision_get(struct store *s, long long sub_rowid, char **outcome, char **by, char **at,
			       struct mc_error *err)
{
	return get_row3(s, SQL_DECISION_GET, sub_rowid, NULL, NULL, outcome, by, at,
			"reading the decision", err);
}

int store_scoring_assigned(struct store *s, long long sub_rowid, const char *user, const char *read,
			   int *yes, struct mc_error *err)
{
	*yes = 0;
	sqlite3_stmt *st = store_prep(s, SQL_ASSIGNED, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, user);
	store_bind_text(st, 3, read);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*yes = 1;
	else if (rc != SQLITE_DONE)
		return store_fail(s, err, "reading the assignments");
	sqlite3_reset(st);
	return MC_OK;
}

static int step_done(struct store *s, sqlite3_stmt *st, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

int store_scoring_score_put(struct store *s, long long sub_rowid, const char *read, long long criterion_id,
			    long long level_id, const char *assessor, const char *comment, const char *at,
			    const char *uid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCORE_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub_rowid);
	store_bind_int(st, 3, criterion_id);
	store_bind_int(st, 4, level_id);
	store_bind_text(st, 5, assessor);
	store_bind_text(st, 6, read);
	store_bind_text(st, 7, comment);
	store_bind_text(st, 8, at);
	return step_done(s, st, "saving the score", err);
}

int store_scoring_status_set(struct store *s, long long sub_rowid, const char *status, const char *at,
			     struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_STATUS_SET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, status);
	store_bind_text(st, 3, at);
	return step_done(s, st, "updating the submission's status", err);
}

int store_scoring_feedback_put(struct store *s, long long sub_rowid, const char *read, const char *author,
			       const char *body, const char *at, const char *uid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_FEEDBACK_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub_rowid);
	store_bind_text(st, 3, read);
	store_bind_text(st, 4, author);
	store_bind_text(st, 5, body);
	store_bind_text(st, 6, at);
	return step_done(s, st, "saving the feedback", err);
}

int store_scoring_decision_put(struct store *s, long long sub_rowid, const char *outcome, const char *by,
			       const char *at, const char *uid, const char *reason, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DECISION_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub_rowid);
	store_bind_text(st, 3, outcome);
	store_bind_text(st, 4, by);
	store_bind_text(st, 5, at);
	store_bind_text(st, 6, reason);
	return step_done(s, st, "saving the decision", err);
}

int store_scoring_draft_put(struct store *s, long long sub_rowid, const char *author, const char *target,
			    const char *body, const char *at, const char *uid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DRAFT_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	store_bind_int(st, 2, sub_rowid);
	store_bind_text(st, 3, author);
	store_bind_text(st, 4, target);
	store_bind_text(st, 5, body);
	store_bind_text(st, 6, at);
	return step_done(s, st, "saving the draft", err);
}

int store_scoring_draft_get(struct store *s, long long sub_rowid, const char *author, const char *target,
			    char **body, char **at, struct mc_error *err)
{
	char *a = NULL;
	int rc = get_row3(s, SQL_DRAFT_GET, sub_rowid, author, target, body, &a, NULL,
			  "reading the draft", err);
	if (at)
		*at = a;
	else
		free(a);
	return rc;
}

int store_scoring_draft_count(struct store *s, long long sub_rowid, const char *author, long *n,
			      struct mc_error *err)
{
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_DRAFT_COUNT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, author);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*n = (long)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "counting drafts");
}

int store_scoring_draft_del(struct store *s, long long sub_rowid, const char *author, const char *target,
			    struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DRAFT_DEL, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, author);
	store_bind_text(st, 3, target);
	return step_done(s, st, "removing the draft", err);
}
