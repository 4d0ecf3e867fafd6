/* store_show.c: SQL for showing one submission. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_show.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_SUB[] =
	"SELECT s.id, s.rubric_id, s.previous_id, s.ext_id, c.code, c.title, p.code, s.status, "
	"s.submitted_at, s.attempt, r.version, prev.ext_id, e.ext_id, d.name, sc.name "
	"FROM submission s JOIN credential c ON c.id = s.credential_id "
	"JOIN pathway p ON p.id = c.pathway_id JOIN rubric r ON r.id = s.rubric_id "
	"JOIN educator e ON e.id = s.educator_id JOIN district d ON d.id = e.district_id "
	"LEFT JOIN school sc ON sc.id = e.school_id LEFT JOIN submission prev ON prev.id = s.previous_id "
	"WHERE (?1 IS NOT NULL AND s.ext_id = ?1) OR (?1 IS NULL AND s.id = ?2)";
static const char SQL_PARTS[] =
	"SELECT code, title, kind, min_words, max_words FROM part WHERE rubric_id = ?1 ORDER BY seq, id";
static const char SQL_EVIDENCE[] =
	"SELECT p.code, v.kind, v.text, v.file_name, v.sha256, v.words, v.media_type, b.size "
	"FROM evidence v JOIN part p ON p.id = v.part_id LEFT JOIN blob b ON b.sha256 = v.blob_sha256 "
	"WHERE v.submission_id = ?1 ORDER BY p.seq, v.seq";
static const char SQL_CRITERIA[] =
	"SELECT c.id, c.code, c.text, p.code FROM criterion c JOIN part p ON p.id = c.part_id "
	"WHERE c.rubric_id = ?1 ORDER BY p.seq, p.id, c.seq, c.id";
static const char SQL_LEVELS[] = "SELECT label FROM level WHERE criterion_id = ?1 ORDER BY seq";
static const char SQL_SCORES[] =
	"SELECT c.code, l.code, l.label, l.passes, sc.assessor, sc.comment, sc.at, sc.read "
	"FROM score sc JOIN criterion c ON c.id = sc.criterion_id JOIN part p ON p.id = c.part_id "
	"JOIN level l ON l.id = sc.level_id WHERE sc.submission_id = ?1 "
	"ORDER BY p.seq, p.id, c.seq, c.id, "
	"CASE sc.read WHEN 'first' THEN 1 WHEN 'second' THEN 2 ELSE 3 END";
static const char SQL_FEEDBACK[] =
	"SELECT body, author, at FROM feedback WHERE submission_id = ?1 "
	"ORDER BY CASE read WHEN 'adjudication' THEN 1 WHEN 'first' THEN 2 ELSE 3 END LIMIT 1";
static const char SQL_DECISION[] =
	"SELECT outcome, decided_by, at, reason FROM decision WHERE submission_id = ?1";

int store_show_submission(struct store *s, const char *id, long long rowid,
			  struct show_submission *m, char **school, struct mc_error *err)
{
	*school = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_SUB, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, id);
	store_bind_int(st, 2, rowid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		m->rowid = sqlite3_column_int64(st, 0);
		m->rubric_rowid = sqlite3_column_int64(st, 1);
		m->previous_rowid = sqlite3_column_type(st, 2) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, 2);
		m->id = store_col_dup(st, 3);
		m->credential = store_col_dup(st, 4);
		m->credential_title = store_col_dup(st, 5);
		m->pathway = store_col_dup(st, 6);
		m->status = store_col_dup(st, 7);
		m->submitted_at = store_col_dup(st, 8);
		m->attempt = sqlite3_column_int(st, 9);
		m->rubric_version = sqlite3_column_int(st, 10);
		m->previous_id = store_col_dup(st, 11);
		m->educator_id = store_col_dup(st, 12);
		m->district = store_col_dup(st, 13);
		*school = store_col_dup(st, 14);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return id ? mc_error_set(err, MC_FAIL, "no submission '%s'", id)
			  : mc_error_set(err, MC_FAIL, "no submission with internal id %lld", rowid);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading a submission");
}

static long long col_limit(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, i);
}

/* Each row of `sql` with ?1 = id, handed to row(); MC_OK, or the failure
 * of `what` ("reading ..."). */
static int each_row(struct store *s, const char *sql, long long id, void (*row)(void *ctx, sqlite3_stmt *st),
		    void *ctx, const char *what, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		row(ctx, st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

/* Room for element n of an array holding n: its capacity is 4, 8, 16 ...,
 * so it is full when n is 0 or a power of two from 4 on. */
static void *room(void *v, int n, size_t size)
{
	if (n == 0)
		return mc_xrealloc(v, 4 * size);
	if (n >= 4 && (n & (n - 1)) == 0)
		return mc_xrealloc(v, (size_t)n * 2 * size);
	return v;
}

static void part_row(void *ctx, sqlite3_stmt *st)
{
	struct show_submission *m = ctx;
	m->parts = room(m->parts, m->nparts, sizeof *m->parts);
	m->parts[m->nparts++] = (struct show_part){
		.code = store_col_dup(st, 0),
		.title = store_col_dup(st, 1),
		.kind = store_col_dup(st, 2),
		.min_words = col_limit(st, 3),
		.max_words = col_limit(st, 4),
	};
}

int store_show_parts(struct store *s, struct show_submission *m, struct mc_error *err)
{
	return each_row(s, SQL_PARTS, m->rubric_rowid, part_row, m, "reading a rubric's parts", err);
}

static void evidence_row(void *ctx, sqlite3_stmt *st)
{
	struct show_submission *m = ctx;
	m->evidence = room(m->evidence, m->nevidence, sizeof *m->evidence);
	m->evidence[m->nevidence++] = (struct show_evidence){
		.part = -1,
		.part_code = store_col_dup(st, 0),
		.kind = store_col_dup(st, 1),
		.text = store_col_dup(st, 2),
		.file = store_col_dup(st, 3),
		.sha256 = store_col_dup(st, 4),
		.words = sqlite3_column_int64(st, 5),
		.media_type = store_col_dup(st, 6),
		.size = col_limit(st, 7),
	};
}

int store_show_evidence(struct store *s, struct show_submission *m, struct mc_error *err)
{
	return each_row(s, SQL_EVIDENCE, m->rowid, evidence_row, m, "reading evidence", err);
}

static void level_row(void *ctx, sqlite3_stmt *st)
{
	struct show_criterion *c = ctx;
	c->levels = room(c->levels, c->nlevels, sizeof *c->levels);
	c->levels[c->nlevels++] = store_col_dup(st, 0);
}

struct criteria_ctx {
	struct show_submission *m;
	long long *ids;
};

static void criterion_row(void *ctx, sqlite3_stmt *st)
{
	struct criteria_ctx *k = ctx;
	struct show_submission *m = k->m;
	m->criteria = room(m->criteria, m->ncriteria, sizeof *m->criteria);
	k->ids = room(k->ids, m->ncriteria, sizeof *k->ids);
	k->ids[m->ncriteria] = sqlite3_column_int64(st, 0);
	const char *part = (const char *)sqlite3_column_text(st, 3);
	int pi = -1;
	for (int i = 0; i < m->nparts; i++)
		if (part && strcmp(m->parts[i].code, part) == 0)
			pi = i;
	m->criteria[m->ncriteria++] = (struct show_criterion){
		.code = store_col_dup(st, 1),
		.text = store_col_dup(st, 2),
		.part = pi,
		.score = -1,
	};
}

int store_show_criteria(struct store *s, struct show_submission *m, struct mc_error *err)
{
	struct criteria_ctx k = { m, NULL };
	int rc = each_row(s, SQL_CRITERIA, m->rubric_rowid, criterion_row, &k, "reading a rubric's criteria", err);
	for (int i = 0; i < m->ncriteria && rc == MC_OK; i++)
		rc = each_row(s, SQL_LEVELS, k.ids[i], level_row, &m->criteria[i], "reading a rubric's levels", err);
	free(k.ids);
	return rc;
}

struct scores_ctx {
	struct show_score **v;
	int *n;
};

static void score_row(void *ctx, sqlite3_stmt *st)
{
	struct scores_ctx *k = ctx;
	*k->v = room(*k->v, *k->n, sizeof **k->v);
	(*k->v)[(*k->n)++] = (struct show_score){
		.criterion = store_col_dup(st, 0),
		.level = store_col_dup(st, 1),
		.level_label = store_col_dup(st, 2),
		.passes = sqlite3_column_int(st, 3),
		.assessor = store_col_dup(st, 4),
		.comment = store_col_dup(st, 5),
		.at = store_col_dup(st, 6),
		.read = store_col_dup(st, 7),
	};
}

int store_show_scores(struct store *s, long long rowid, struct show_score **scores, int *n,
		      struct mc_error *err)
{
	*scores = NULL;
	*n = 0;
	return each_row(s, SQL_SCORES, rowid, score_row, &(struct scores_ctx){ scores, n }, "reading scores", err);
}

int store_show_feedback(struct store *s, long long rowid, char **body, char **author, char **at,
			struct mc_error *err)
{
	*body = *author = *at = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_FEEDBACK, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rowid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*body = store_col_dup(st, 0);
		*author = store_col_dup(st, 1);
		*at = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading feedback");
}

static const char SQL_ASSIGNEES[] =
	"SELECT " STORE_ASSIGNEES("?1", "?2") ", " STORE_DUE("?1", "?2");

int store_show_assignees(struct store *s, long long rowid, const char *viewer, char **assignees, char **due_at,
			 struct mc_error *err)
{
	*assignees = *due_at = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_ASSIGNEES, err);
	if (!st)
		return MC_FAIL;
	store_bind_scope(s, st);
	store_bind_int(st, 1, rowid);
	store_bind_text(st, 2, viewer);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*assignees = store_col_dup(st, 0);
		*due_at = store_col_dup(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading the assignments");
}

int store_show_decision(struct store *s, long long rowid, char **outcome, char **by, char **at,
			char **reason, struct mc_error *err)
{
	*outcome = *by = *at = *reason = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_DECISION, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rowid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*outcome = store_col_dup(st, 0);
		*by = store_col_dup(st, 1);
		*at = store_col_dup(st, 2);
		*reason = store_col_dup(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the decision");
}
