/* store_demo.c: SQL for the demo generator. Text is bound SQLITE_STATIC:
 * every statement is stepped and reset before the call returns. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/store_demo.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_CREDENTIALS[] =
	"SELECT c.id, r.id, c.code, p.code, c.title FROM credential c "
	"JOIN pathway p ON p.id = c.pathway_id "
	"JOIN rubric r ON r.credential_id = c.id AND r.version = c.current_version "
	"ORDER BY c.code";
static const char SQL_PARTS[] =
	"SELECT id, code, kind, min_words, max_words, required FROM part WHERE rubric_id = ?1 "
	"ORDER BY seq, id";
static const char SQL_CRITERIA[] =
	"SELECT c.id, c.part_id, c.code FROM criterion c JOIN part p ON p.id = c.part_id "
	"WHERE c.rubric_id = ?1 ORDER BY p.seq, c.seq, c.id";
static const char SQL_LEVELS[] =
	"SELECT id, seq, passes, code FROM level WHERE criterion_id = ?1 ORDER BY seq";
/* 8 MiB: a batch (demo.c: DEMO_BATCH) fits; more only held the database's pages (issue 15) */
static const char SQL_BULK_ON[] = "PRAGMA cache_size = -8192";
static const char SQL_BULK_OFF[] = "PRAGMA cache_size = -2000";
static const char SQL_EXISTING[] =
	"SELECT (SELECT count(*) FROM submission), (SELECT count(*) FROM educator)";
static const char SQL_DISTRICT_SUBS[] =
	"SELECT count(*) FROM submission s JOIN educator e ON e.id = s.educator_id WHERE e.district_id = ?1";
static const char SQL_UNFINISHED_DEL[] = "DELETE FROM meta WHERE key = 'demo_unfinished'";
static const char SQL_DISTRICT_INS[] =
	"INSERT INTO district(name) VALUES (?1) ON CONFLICT(name) DO NOTHING";
static const char SQL_DISTRICT_GET[] = "SELECT id FROM district WHERE name = ?1";
static const char SQL_SCHOOL_INS[] =
	"INSERT INTO school(district_id, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
static const char SQL_SCHOOL_GET[] = "SELECT id FROM school WHERE district_id = ?1 AND name = ?2";
static const char SQL_COHORT_INS[] =
	"INSERT INTO cohort(district_id, name, year) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
static const char SQL_COHORT_GET[] = "SELECT id FROM cohort WHERE district_id = ?1 AND name = ?2";
static const char SQL_PERSON[] =
	"INSERT INTO person(user, name, email, role, district_id, created_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(user) DO NOTHING";
static const char SQL_EDUCATOR[] =
	"INSERT INTO educator(ext_id, name, district_id, school_id, cohort_id, anon_id) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_SUBMISSION[] =
	"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, previous_id, "
	"status, submitted_at, imported_at, source_sha256, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char SQL_EVIDENCE[] =
	"INSERT INTO evidence(submission_id, seq, part_id, kind, text, sha256, words, media_type) "
	"VALUES (?1, ?2, ?3, 'text', ?4, ?5, ?6, ?7)";
static const char SQL_SCORE[] =
	"INSERT INTO score(uid, submission_id, criterion_id, level_id, assessor, read, comment, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?8, ?6, ?7)";
static const char SQL_FEEDBACK[] =
	"INSERT INTO feedback(uid, submission_id, read, author, body, at) "
	"VALUES (?1, ?2, ?6, ?3, ?4, ?5)";
static const char SQL_READ_DECISION[] =
	"INSERT INTO read_decision(uid, submission_id, read, assessor, outcome, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_PERSON_LINKS[] =
	"UPDATE person SET school = ?2, cohort = ?3, educator = ?4 WHERE user = ?1";
static const char SQL_DECISION[] =
	"INSERT INTO decision(uid, submission_id, outcome, decided_by, reason, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_ASSIGNMENT[] =
	"INSERT INTO assignment(uid, submission_id, assessor, read, blind, assigned_by, at, due_at) "
	"VALUES (?1, ?2, ?3, ?7, ?4, ?5, ?6, ?8)";

static void bind_static(sqlite3_stmt *st, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Step a statement that returns no rows, then reset it. */
static int done(struct store *s, sqlite3_stmt *st, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	int ok = rc == SQLITE_DONE;
	if (!ok)
		store_fail(s, err, what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ok ? MC_OK : MC_FAIL;
}

/* Step a one-integer query, then reset it. */
static int one_id(struct store *s, sqlite3_stmt *st, long long *id, const char *what,
		  struct mc_error *err)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE)
		mc_error_set(err, MC_FAIL, "internal error: %s: no row", what);
	else
		store_fail(s, err, what);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : MC_FAIL;
}

static long col_limit(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(st, i);
}

static int load_parts(struct store *s, struct store_demo_credential *c, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PARTS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, c->rubric_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->parts = mc_xrealloc(c->parts, (size_t)(c->nparts + 1) * sizeof *c->parts);
		struct store_demo_part *p = &c->parts[c->nparts++];
		p->id = sqlite3_column_int64(st, 0);
		p->code = store_col_dup(st, 1);
		p->kind = store_col_dup(st, 2);
		p->min_words = col_limit(st, 3);
		p->max_words = col_limit(st, 4);
		p->required = sqlite3_column_int(st, 5);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the catalog");
}

static int load_levels(struct store *s, struct store_demo_criterion *k, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_LEVELS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, k->id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k->levels = mc_xrealloc(k->levels, (size_t)(k->nlevels + 1) * sizeof *k->levels);
		struct store_demo_level *l = &k->levels[k->nlevels++];
		l->id = sqlite3_column_int64(st, 0);
		l->seq = sqlite3_column_int(st, 1);
		l->passes = sqlite3_column_int(st, 2);
		l->code = store_col_dup(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the catalog");
}

static int load_criteria(struct store *s, struct store_demo_credential *c, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CRITERIA, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, c->rubric_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c->criteria = mc_xrealloc(c->criteria, (size_t)(c->ncriteria + 1) * sizeof *c->criteria);
		struct store_demo_criterion *k = &c->criteria[c->ncriteria++];
		memset(k, 0, sizeof *k);
		k->id = sqlite3_column_int64(st, 0);
		k->part_id = sqlite3_column_int64(st, 1);
		k->code = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, "reading the catalog");
	/* Levels after the criteria loop: one statement is stepped at a time. */
	for (int i = 0; i < c->ncriteria; i++)
		if (load_levels(s, &c->criteria[i], err) != MC_OK)
			return MC_FAIL;
	return MC_OK;
}

int store_demo_catalog(struct store *s, struct store_demo_credential **out, int *n,
		       struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_CREDENTIALS, err);
	if (!st)
		return MC_FAIL;
	struct store_demo_credential *cs = NULL;
	int nc = 0, rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		cs = mc_xrealloc(cs, (size_t)(nc + 1) * sizeof *cs);
		struct store_demo_credential *c = &cs[nc++];
		memset(c, 0, sizeof *c);
		c->id = sqlite3_column_int64(st, 0);
		c->rubric_id = sqlite3_column_int64(st, 1);
		c->code = store_col_dup(st, 2);
		c->pathway = store_col_dup(st, 3);
		c->title = store_col_dup(st, 4);
	}
	sqlite3_reset(st);
	int status = rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the catalog");
	for (int i = 0; status == MC_OK && i < nc; i++) {
		status = load_parts(s, &cs[i], err);
		if (status == MC_OK)
			status = load_criteria(s, &cs[i], err);
	}
	if (status != MC_OK) {
		store_demo_catalog_free(&cs, nc);
		return status;
	}
	*out = cs;
	*n = nc;
	return MC_OK;
}

void store_demo_catalog_free(struct store_demo_credential **cp, int n)
{
	struct store_demo_credential *cs = *cp;
	if (!cs)
		return;
	for (int i = 0; i < n; i++) {
		struct store_demo_credential *c = &cs[i];
		for (int j = 0; j < c->nparts; j++) {
			free(c->parts[j].code);
			free(c->parts[j].kind);
		}
		for (int j = 0; j < c->ncriteria; j++) {
			free(c->criteria[j].code);
			for (int k = 0; k < c->criteria[j].nlevels; k++)
				free(c->criteria[j].levels[k].code);
			free(c->criteria[j].levels);
		}
		free(c->parts);
		free(c->criteria);
		free(c->code);
		free(c->pathway);
		free(c->title);
	}
	free(cs);
	*cp = NULL;
}

int store_demo_bulk(struct store *s, int on, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, on ? SQL_BULK_ON : SQL_BULK_OFF, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "setting up the page cache");
}

int store_demo_existing(struct store *s, long long *submissions, long long *educators,
			struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EXISTING, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*submissions = sqlite3_column_int64(st, 0);
		*educators = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "counting submissions");
}

int store_demo_district_submissions(struct store *s, long long district_id, long long *n, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DISTRICT_SUBS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, district_id);
	return one_id(s, st, n, "counting a district's submissions", err);
}

int store_demo_finished(struct store *s, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_UNFINISHED_DEL, err);
	return st ? done(s, st, "noting that the demo finished", err) : MC_FAIL;
}

int store_demo_district(struct store *s, const char *name, long long *id, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DISTRICT_INS, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, name);
	if (done(s, st, "adding a district", err) != MC_OK || !(st = store_prep(s, SQL_DISTRICT_GET, err)))
		return MC_FAIL;
	bind_static(st, 1, name);
	return one_id(s, st, id, "adding a district", err);
}

int store_demo_school(struct store *s, long long district_id, const char *name, long long *id,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCHOOL_INS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, district_id);
	bind_static(st, 2, name);
	if (done(s, st, "adding a school", err) != MC_OK || !(st = store_prep(s, SQL_SCHOOL_GET, err)))
		return MC_FAIL;
	store_bind_int(st, 1, district_id);
	bind_static(st, 2, name);
	return one_id(s, st, id, "adding a school", err);
}

int store_demo_cohort(struct store *s, long long district_id, const char *name, int year,
		      long long *id, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_COHORT_INS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, district_id);
	bind_static(st, 2, name);
	store_bind_int(st, 3, year);
	if (done(s, st, "adding a cohort", err) != MC_OK || !(st = store_prep(s, SQL_COHORT_GET, err)))
		return MC_FAIL;
	store_bind_int(st, 1, district_id);
	bind_static(st, 2, name);
	return one_id(s, st, id, "adding a cohort", err);
}

int store_demo_person(struct store *s, const char *user, const char *name, const char *email,
		      const char *role, long long district_id, const char *created_at,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PERSON, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, user);
	bind_static(st, 2, name);
	bind_static(st, 3, email);
	bind_static(st, 4, role);
	if (district_id > 0)
		store_bind_int(st, 5, district_id);
	bind_static(st, 6, created_at);
	return done(s, st, "adding a person", err);
}

int store_demo_educator(struct store *s, const struct store_demo_educator *e, long long *id,
			struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EDUCATOR, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, e->ext_id);
	bind_static(st, 2, e->name);
	store_bind_int(st, 3, e->district_id);
	store_bind_int(st, 4, e->school_id);
	store_bind_int(st, 5, e->cohort_id);
	bind_static(st, 6, e->anon_id);
	if (done(s, st, "adding an educator", err) != MC_OK)
		return MC_FAIL;
	*id = sqlite3_last_insert_rowid(store_db(s));
	return MC_OK;
}

int store_demo_submission(struct store *s, const struct store_demo_submission *d, long long *id,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SUBMISSION, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, d->ext_id);
	store_bind_int(st, 2, d->educator_id);
	store_bind_int(st, 3, d->credential_id);
	store_bind_int(st, 4, d->rubric_id);
	store_bind_int(st, 5, d->attempt);
	if (d->previous_id > 0)
		store_bind_int(st, 6, d->previous_id);
	bind_static(st, 7, d->status);
	bind_static(st, 8, d->submitted_at);
	bind_static(st, 9, d->imported_at);
	bind_static(st, 10, d->source_sha256);
	bind_static(st, 11, d->updated_at);
	if (done(s, st, "adding a submission", err) != MC_OK)
		return MC_FAIL;
	*id = sqlite3_last_insert_rowid(store_db(s));
	return MC_OK;
}

int store_demo_evidence(struct store *s, long long submission_id, int seq, long long part_id,
			const char *text, size_t len, const char *sha256, long words,
			const char *media_type, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EVIDENCE, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, submission_id);
	store_bind_int(st, 2, seq);
	store_bind_int(st, 3, part_id);
	sqlite3_bind_text64(st, 4, text, len, SQLITE_STATIC, SQLITE_UTF8);
	bind_static(st, 5, sha256);
	store_bind_int(st, 6, words);
	bind_static(st, 7, media_type);
	return done(s, st, "adding evidence", err);
}

int store_demo_score(struct store *s, const char *uid, long long submission_id, const char *read,
		     long long criterion_id, long long level_id, const char *assessor,
		     const char *comment, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SCORE, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, uid);
	store_bind_int(st, 2, submission_id);
	store_bind_int(st, 3, criterion_id);
	store_bind_int(st, 4, level_id);
	bind_static(st, 5, assessor);
	bind_static(st, 6, comment ? comment : "");
	bind_static(st, 7, at);
	bind_static(st, 8, read);
	return done(s, st, "adding a score", err);
}

int store_demo_feedback(struct store *s, const char *uid, long long submission_id, const char *read,
			const char *author, const char *body, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_FEEDBACK, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, uid);
	store_bind_int(st, 2, submission_id);
	bind_static(st, 3, author);
	bind_static(st, 4, body);
	bind_static(st, 5, at);
	bind_static(st, 6, read);
	return done(s, st, "adding feedback", err);
}

int store_demo_decision(struct store *s, const char *uid, long long submission_id,
			const char *outcome, const char *decided_by, const char *reason,
			const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DECISION, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, uid);
	store_bind_int(st, 2, submission_id);
	bind_static(st, 3, outcome);
	bind_static(st, 4, decided_by);
	bind_static(st, 5, reason ? reason : "");
	bind_static(st, 6, at);
	return done(s, st, "adding a decision", err);
}

int store_demo_assignment(struct store *s, const char *uid, long long submission_id, const char *read,
			  const char *assessor, int blind, const char *assigned_by, const char *at,
			  const char *due_at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_ASSIGNMENT, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, uid);
	store_bind_int(st, 2, submission_id);
	bind_static(st, 3, assessor);
	store_bind_int(st, 4, blind ? 1 : 0);
	bind_static(st, 5, assigned_by);
	bind_static(st, 6, at);
	bind_static(st, 7, read);
	bind_static(st, 8, due_at);
	return done(s, st, "adding an assignment", err);
}

int store_demo_read_decision(struct store *s, const char *uid, long long submission_id, const char *read,
			     const char *assessor, const char *outcome, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_READ_DECISION, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, uid);
	store_bind_int(st, 2, submission_id);
	bind_static(st, 3, read);
	bind_static(st, 4, assessor);
	bind_static(st, 5, outcome);
	bind_static(st, 6, at);
	return done(s, st, "adding a read's decision", err);
}

int store_demo_person_links(struct store *s, const char *user, const char *school, const char *cohort,
			    const char *educator, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PERSON_LINKS, err);
	if (!st)
		return MC_FAIL;
	bind_static(st, 1, user);
	bind_static(st, 2, school);
	bind_static(st, 3, cohort);
	bind_static(st, 4, educator);
	return done(s, st, "saving a person's links to their own work", err);
}

/* ---------------------------------------------------------------- the counts a batch at a time */

/* The triggers an insert of the demo's fires to start the reports' work
 * (schema.sql): a submission's counters (report_change) and facts
 * (report_touch), and the pairs of a (submission, criterion) on each score
 * (report_pair_touch). What they start from the facts, store_demo_catch_up
 * starts once a submission. */
static const char *const DEFERRED[] = {
	"report_sub_ins", "report_fact_sub_ins", "report_fact_assignment_ins", "report_fact_decision_ins",
	"report_pair_score_ins",
};
static const char SQL_TRIGGER_TEXT[] = "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1";
static const char SQL_LAST_SUBMISSION[] = "SELECT coalesce(max(id), 0) FROM submission";
static const char *const SQL_CATCH_UP[] = {
	("INSERT INTO report_change SELECT submitted_at, credential_id, educator_id, status, attempt, 1"
	 " FROM submission WHERE id > ?1 ORDER BY id"),
	"INSERT INTO report_touch SELECT id FROM submission WHERE id > ?1 ORDER BY id",
	"INSERT INTO report_pair_move SELECT id FROM submission WHERE id > ?1 ORDER BY id",
};

void store_demo_deferred_free(struct store_demo_deferred *d)
{
	for (int i = 0; i < d->n; i++)
		free(d->sql[i]);
	d->n = 0;
}

int store_demo_defer(struct store *s, struct store_demo_deferred *d, struct mc_error *err)
{
	_Static_assert(sizeof DEFERRED / sizeof DEFERRED[0] <= sizeof d->sql / sizeof d->sql[0],
		       "room for every deferred trigger");
	d->n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_LAST_SUBMISSION, err);
	if (!st || one_id(s, st, &d->after, "finding the last submission", err) != MC_OK)
		return MC_FAIL;
	for (size_t i = 0; i < sizeof DEFERRED / sizeof DEFERRED[0]; i++) {
		if (!(st = store_prep(s, SQL_TRIGGER_TEXT, err)))
			return MC_FAIL;
		bind_static(st, 1, DEFERRED[i]);
		int rc = sqlite3_step(st);
		char *sql = rc == SQLITE_ROW ? store_col_dup(st, 0) : NULL;
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_fail(s, err, "reading the reports' triggers");
		if (!sql) /* not in this schema: nothing to defer */
			continue;
		d->sql[d->n++] = sql;
		char drop[96];
		snprintf(drop, sizeof drop, "DROP TRIGGER %s", DEFERRED[i]);
		if (sqlite3_exec(store_db(s), drop, NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, err, "setting the reports' counts aside for the batch");
	}
	return MC_OK;
}

int store_demo_catch_up(struct store *s, struct store_demo_deferred *d, struct mc_error *err)
{
	for (int i = 0; i < d->n; i++)
		if (sqlite3_exec(store_db(s), d->sql[i], NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(s, err, "putting the reports' triggers back");
	store_demo_deferred_free(d);
	for (size_t i = 0; i < sizeof SQL_CATCH_UP / sizeof SQL_CATCH_UP[0]; i++) {
		sqlite3_stmt *st = store_prep(s, SQL_CATCH_UP[i], err);
		if (!st)
			return MC_FAIL;
		sqlite3_bind_int64(st, 1, d->after);
		if (done(s, st, "counting the batch for the reports", err) != MC_OK)
			return MC_FAIL;
	}
	return MC_OK;
}
