/* store_catalog.c: the SQL of the credential catalog. Rubric rows (rubric, part,
 * criterion, level) are only ever inserted: submissions point at them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_catalog.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_PATHWAY_GET[] =
	"SELECT title, goal FROM pathway WHERE code = ?1";
static const char SQL_PATHWAY_INSERT[] =
	"INSERT INTO pathway(code, title, goal) VALUES (?1, ?2, ?3)";
static const char SQL_PATHWAY_UPDATE[] =
	"UPDATE pathway SET title = ?2, goal = ?3 WHERE code = ?1";

static const char SQL_CREDENTIAL_GET[] =
	"SELECT c.id, c.current_version, coalesce(r.source_sha256, '') FROM credential c "
	"LEFT JOIN rubric r ON r.credential_id = c.id AND r.version = c.current_version "
	"WHERE c.code = ?1";
static const char SQL_CREDENTIAL_INSERT[] =
	"INSERT INTO credential(code, pathway_id, title, current_version) "
	"VALUES (?1, (SELECT id FROM pathway WHERE code = ?2), ?3, 0)";
static const char SQL_CREDENTIAL_SET_CURRENT[] =
	"UPDATE credential SET current_version = ?2, title = ?4, "
	"pathway_id = (SELECT id FROM pathway WHERE code = ?3) WHERE id = ?1";

static const char SQL_RUBRIC_INSERT[] =
	"INSERT INTO rubric(credential_id, version, title, competency, key_method, passing_rule, "
	"source_sha256, loaded_at, loaded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_PART_INSERT[] =
	"INSERT INTO part(rubric_id, seq, code, title, kind, prompt, min_words, max_words, required) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char SQL_CRITERION_INSERT[] =
	"INSERT INTO criterion(rubric_id, part_id, seq, code, text) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_LEVEL_INSERT[] =
	"INSERT INTO level(criterion_id, seq, code, label, descriptor, passes) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

static const char SQL_RUBRIC_READ[] =
	"SELECT r.id, c.id, c.code, r.title, p.code, p.title, r.version, c.current_version, "
	"r.competency, r.key_method, r.passing_rule, r.source_sha256, r.loaded_at, r.loaded_by "
	"FROM rubric r JOIN credential c ON c.id = r.credential_id "
	"JOIN pathway p ON p.id = c.pathway_id WHERE r.id = ?1";
static const char SQL_PARTS_READ[] =
	"SELECT id, seq, code, title, kind, prompt, min_words, max_words, required "
	"FROM part WHERE rubric_id = ?1 ORDER BY seq, id";
static const char SQL_CRITERIA_READ[] =
	"SELECT c.id, c.part_id, c.seq, c.code, c.text FROM criterion c "
	"JOIN part p ON p.id = c.part_id WHERE c.rubric_id = ?1 ORDER BY p.seq, c.seq, c.id";
static const char SQL_LEVELS_READ[] =
	"SELECT l.id, l.criterion_id, l.seq, l.code, l.label, l.descriptor, l.passes FROM level l "
	"JOIN criterion c ON c.id = l.criterion_id WHERE c.rubric_id = ?1 ORDER BY l.criterion_id, l.seq";
static const char SQL_RUBRIC_FIND[] =
	"SELECT c.current_version, (SELECT r.id FROM rubric r WHERE r.credential_id = c.id "
	"AND r.version = CASE WHEN ?2 = 0 THEN c.current_version ELSE ?2 END) "
	"FROM credential c WHERE c.code = ?1";

static const char SQL_LIST[] =
	"SELECT c.code, p.code, c.title, c.current_version, coalesce(r.id, 0) FROM credential c "
	"JOIN pathway p ON p.id = c.pathway_id "
	"LEFT JOIN rubric r ON r.credential_id = c.id AND r.version = c.current_version "
	"ORDER BY p.id, c.code";
static const char SQL_PATHWAYS[] =
	"SELECT p.code, p.title, p.goal, (SELECT count(*) FROM credential c WHERE c.pathway_id = p.id) "
	"FROM pathway p ORDER BY p.id";

static int step_done(struct store *s, sqlite3_stmt *st, struct mc_error *err, const char *what)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return store_fail(s, err, what);
	return MC_OK;
}

int store_catalog_pathway_upsert(struct store *s, const char *code, const char *title, int goal,
				 int *changed, char **old_title, int *old_goal, struct mc_error *err)
{
	*changed = 0;
	*old_title = NULL;
	*old_goal = 0;
	sqlite3_stmt *st = store_prep(s, SQL_PATHWAY_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(st, 0);
		int g = sqlite3_column_int(st, 1);
		if (strcmp(t ? t : "", title) != 0 || g != goal) {
			*changed = 2;
			*old_title = mc_xstrdup(t ? t : "");
			*old_goal = g;
		}
	} else if (rc == SQLITE_DONE) {
		*changed = 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a pathway");
	if (*changed == 0)
		return MC_OK;
	st = store_prep(s, *changed == 1 ? SQL_PATHWAY_INSERT : SQL_PATHWAY_UPDATE, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, title);
	store_bind_int(st, 3, goal);
	return step_done(s, st, err, "saving a pathway");
}

int store_catalog_pathway_exists(struct store *s, const char *code, int *yes, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PATHWAY_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a pathway");
	*yes = rc == SQLITE_ROW;
	return MC_OK;
}

int store_catalog_credential_get(struct store *s, const char *code, int *found, long long *rowid,
				 int *current_version, char **sha256, struct mc_error *err)
{
	*found = 0;
	*sha256 = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_CREDENTIAL_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		*rowid = sqlite3_column_int64(st, 0);
		*current_version = sqlite3_column_int(st, 1);
		*sha256 = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a credential");
	return MC_OK;
}

int store_catalog_credential_insert(struct store *s, const char *code, const char *pathway,
				    const char *title, long long *rowid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CREDENTIAL_INSERT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	store_bind_text(st, 2, pathway);
	store_bind_text(st, 3, title);
	if (step_done(s, st, err, "adding a credential") != MC_OK)
		return MC_FAIL;
	*rowid = sqlite3_last_insert_rowid(store_db(s));
	return MC_OK;
}

int store_catalog_credential_set_current(struct store *s, long long rowid, int version,
					 const char *pathway, const char *title, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CREDENTIAL_SET_CURRENT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rowid);
	store_bind_int(st, 2, version);
	store_bind_text(st, 3, pathway);
	store_bind_text(st, 4, title);
	return step_done(s, st, err, "updating a credential");
}

static void bind_words(sqlite3_stmt *st, int i, int v)
{
	if (v < 0)
		sqlite3_bind_null(st, i);
	else
		store_bind_int(st, i, v);
}

static int insert_levels(struct store *s, struct catalog_criterion *c, struct mc_error *err)
{
	for (int i = 0; i < c->nlevels; i++) {
		struct catalog_level *l = &c->levels[i];
		sqlite3_stmt *st = store_prep(s, SQL_LEVEL_INSERT, err);
		if (!st)
			return MC_FAIL;
		store_bind_int(st, 1, c->rowid);
		store_bind_int(st, 2, l->seq);
		store_bind_text(st, 3, l->code);
		store_bind_text(st, 4, l->label);
		store_bind_text(st, 5, l->descriptor);
		store_bind_int(st, 6, l->passes ? 1 : 0);
		if (step_done(s, st, err, "adding a rubric level") != MC_OK)
			return MC_FAIL;
		l->rowid = sqlite3_last_insert_rowid(store_db(s));
	}
	return MC_OK;
}

static int insert_part(struct store *s, long long rubric_id, struct catalog_part *p, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PART_INSERT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	store_bind_int(st, 2, p->seq);
	store_bind_text(st, 3, p->code);
	store_bind_text(st, 4, p->title);
	store_bind_text(st, 5, p->kind);
	store_bind_text(st, 6, p->prompt);
	bind_words(st, 7, p->min_words);
	bind_words(st, 8, p->max_words);
	store_bind_int(st, 9, p->required ? 1 : 0);
	if (step_done(s, st, err, "adding a rubric part") != MC_OK)
		return MC_FAIL;
	p->rowid = sqlite3_last_insert_rowid(store_db(s));
	for (int i = 0; i < p->ncriteria; i++) {
		struct catalog_criterion *c = &p->criteria[i];
		st = store_prep(s, SQL_CRITERION_INSERT, err);
		if (!st)
			return MC_FAIL;
		store_bind_int(st, 1, rubric_id);
		store_bind_int(st, 2, p->rowid);
		store_bind_int(st, 3, c->seq);
		store_bind_text(st, 4, c->code);
		store_bind_text(st, 5, c->text);
		if (step_done(s, st, err, "adding a rubric criterion") != MC_OK)
			return MC_FAIL;
		c->rowid = sqlite3_last_insert_rowid(store_db(s));
		if (insert_levels(s, c, err) != MC_OK)
			return MC_FAIL;
	}
	return MC_OK;
}

int store_catalog_rubric_insert(struct store *s, long long credential_rowid, int version,
				struct catalog_rubric *r, const char *sha256, const char *loaded_at,
				const char *loaded_by, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_RUBRIC_INSERT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, credential_rowid);
	store_bind_int(st, 2, version);
	store_bind_text(st, 3, r->title);
	store_bind_text(st, 4, r->competency);
	store_bind_text(st, 5, r->key_method);
	store_bind_text(st, 6, r->passing_rule);
	store_bind_text(st, 7, sha256);
	store_bind_text(st, 8, loaded_at);
	store_bind_text(st, 9, loaded_by);
	if (step_done(s, st, err, "adding a rubric") != MC_OK)
		return MC_FAIL;
	r->rowid = sqlite3_last_insert_rowid(store_db(s));
	r->credential_rowid = credential_rowid;
	r->version = version;
	for (int i = 0; i < r->nparts; i++)
		if (insert_part(s, r->rowid, &r->parts[i], err) != MC_OK)
			return MC_FAIL;
	return MC_OK;
}

/* ---------------------------------------------------------------- reading */

static int col_words(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? -1 : sqlite3_column_int(st, i);
}

static int read_parts(struct store *s, struct catalog_rubric *r, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PARTS_READ, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, r->rowid);
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nparts == cap) {
			cap = cap ? cap * 2 : 4;
			r->parts = mc_xrealloc(r->parts, (size_t)cap * sizeof *r->parts);
		}
		struct catalog_part *p = &r->parts[r->nparts++];
		memset(p, 0, sizeof *p);
		p->rowid = sqlite3_column_int64(st, 0);
		p->seq = sqlite3_column_int(st, 1);
		p->code = store_col_dup(st, 2);
		p->title = store_col_dup(st, 3);
		p->kind = store_col_dup(st, 4);
		p->prompt = store_col_dup(st, 5);
		p->min_words = col_words(st, 6);
		p->max_words = col_words(st, 7);
		p->required = sqlite3_column_int(st, 8);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a rubric's parts");
}

static struct catalog_part *part_by_rowid(struct catalog_rubric *r, long long id)
{
	for (int i = 0; i < r->nparts; i++)
		if (r->parts[i].rowid == id)
			return &r->parts[i];
	return NULL;
}

static int read_criteria(struct store *s, struct catalog_rubric *r, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CRITERIA_READ, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, r->rowid);
	int rc;
	int *caps = mc_xcalloc((size_t)r->nparts + 1, sizeof *caps);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct catalog_part *p = part_by_rowid(r, sqlite3_column_int64(st, 1));
		if (!p)
			continue;
		int *cap = &caps[p - r->parts];
		if (p->ncriteria == *cap) {
			*cap = *cap ? *cap * 2 : 4;
			p->criteria = mc_xrealloc(p->criteria, (size_t)*cap * sizeof *p->criteria);
		}
		struct catalog_criterion *c = &p->criteria[p->ncriteria++];
		memset(c, 0, sizeof *c);
		c->rowid = sqlite3_column_int64(st, 0);
		c->seq = sqlite3_column_int(st, 2);
		c->code = store_col_dup(st, 3);
		c->text = store_col_dup(st, 4);
		r->ncriteria++;
	}
	sqlite3_reset(st);
	free(caps);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a rubric's criteria");
}

static struct catalog_criterion *criterion_by_rowid(struct catalog_rubric *r, long long id)
{
	for (int i = 0; i < r->nparts; i++)
		for (int j = 0; j < r->parts[i].ncriteria; j++)
			if (r->parts[i].criteria[j].rowid == id)
				return &r->parts[i].criteria[j];
	return NULL;
}

static int read_levels(struct store *s, struct catalog_rubric *r, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_LEVELS_READ, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, r->rowid);
	int rc;
	struct catalog_criterion *c = NULL;
	int cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long long cid = sqlite3_column_int64(st, 1);
		if (!c || c->rowid != cid) {
			c = criterion_by_rowid(r, cid);
			cap = 0;
			if (!c)
				continue;
		}
		if (c->nlevels == cap) {
			cap = cap ? cap * 2 : 4;
			c->levels = mc_xrealloc(c->levels, (size_t)cap * sizeof *c->levels);
		}
		struct catalog_level *l = &c->levels[c->nlevels++];
		l->rowid = sqlite3_column_int64(st, 0);
		l->seq = sqlite3_column_int(st, 2);
		l->code = store_col_dup(st, 3);
		l->label = store_col_dup(st, 4);
		l->descriptor = store_col_dup(st, 5);
		l->passes = sqlite3_column_int(st, 6) != 0;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a rubric's levels");
}

int store_catalog_rubric_read(struct store *s, long long rubric_id, struct catalog_rubric *r, int *found,
			      struct mc_error *err)
{
	memset(r, 0, sizeof *r);
	*found = 0;
	sqlite3_stmt *st = store_prep(s, SQL_RUBRIC_READ, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		r->rowid = sqlite3_column_int64(st, 0);
		r->credential_rowid = sqlite3_column_int64(st, 1);
		r->credential = store_col_dup(st, 2);
		r->title = store_col_dup(st, 3);
		r->pathway = store_col_dup(st, 4);
		r->pathway_title = store_col_dup(st, 5);
		r->version = sqlite3_column_int(st, 6);
		r->current_version = sqlite3_column_int(st, 7);
		r->competency = store_col_dup(st, 8);
		r->key_method = store_col_dup(st, 9);
		r->passing_rule = store_col_dup(st, 10);
		r->source_sha256 = store_col_dup(st, 11);
		r->loaded_at = store_col_dup(st, 12);
		r->loaded_by = store_col_dup(st, 13);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a rubric");
	if (!*found)
		return MC_OK;
	if (read_parts(s, r, err) != MC_OK || read_criteria(s, r, err) != MC_OK || read_levels(s, r, err) != MC_OK)
		return MC_FAIL;
	return MC_OK;
}

int store_catalog_rubric_find(struct store *s, const char *code, int version, int *cred_found,
			      long long *rubric_id, int *current, struct mc_error *err)
{
	*cred_found = 0;
	*rubric_id = 0;
	*current = 0;
	sqlite3_stmt *st = store_prep(s, SQL_RUBRIC_FIND, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	store_bind_int(st, 2, version);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*cred_found = 1;
		*current = sqlite3_column_int(st, 0);
		*rubric_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "finding a credential");
	return MC_OK;
}

int store_catalog_list(struct store *s, struct catalog_entry **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_LIST, err);
	if (!st)
		return MC_FAIL;
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 32;
			*out = mc_xrealloc(*out, (size_t)cap * sizeof **out);
		}
		struct catalog_entry *e = &(*out)[(*n)++];
		e->code = store_col_dup(st, 0);
		e->pathway = store_col_dup(st, 1);
		e->title = store_col_dup(st, 2);
		e->version = sqlite3_column_int(st, 3);
		e->rubric_rowid = sqlite3_column_int64(st, 4);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "listing the catalog");
}

int store_catalog_pathways(struct store *s, struct catalog_pathway **out, int *n, struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_PATHWAYS, err);
	if (!st)
		return MC_FAIL;
	int rc, cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			*out = mc_xrealloc(*out, (size_t)cap * sizeof **out);
		}
		struct catalog_pathway *p = &(*out)[(*n)++];
		p->code = store_col_dup(st, 0);
		p->title = store_col_dup(st, 1);
		p->goal = sqlite3_column_int(st, 2);
		p->ncredentials = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "listing the pathways");
}
