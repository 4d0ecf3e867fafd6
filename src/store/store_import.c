/* store_import.c: the SQL of importing submissions (see store_import.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_import.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_CREDENTIAL[] =
	"SELECT c.id, r.id FROM credential c "
	"JOIN rubric r ON r.credential_id = c.id AND r.version = c.current_version "
	"WHERE c.code = ?1";
static const char SQL_PARTS[] = "SELECT id, code FROM part WHERE rubric_id = ?1 ORDER BY seq, id";
static const char SQL_SUBMISSION[] = "SELECT id, source_sha256 FROM submission WHERE ext_id = ?1";
static const char SQL_DISTRICT_GET[] = "SELECT id FROM district WHERE name = ?1";
static const char SQL_DISTRICT_ADD[] = "INSERT INTO district(name) VALUES (?1)";
static const char SQL_SCHOOL_GET[] = "SELECT id FROM school WHERE district_id = ?1 AND name = ?2";
static const char SQL_SCHOOL_ADD[] = "INSERT INTO school(district_id, name) VALUES (?1, ?2)";
static const char SQL_EDUCATOR_GET[] =
	"SELECT e.id, e.name, e.district_id, d.name, e.school_id, s.name FROM educator e "
	"JOIN district d ON d.id = e.district_id LEFT JOIN school s ON s.id = e.school_id "
	"WHERE e.ext_id = ?1";
static const char SQL_ANON_TAKEN[] = "SELECT 1 FROM educator WHERE anon_id = ?1";
static const char SQL_EDUCATOR_ADD[] =
	"INSERT INTO educator(ext_id, name, district_id, school_id, anon_id) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char SQL_EDUCATOR_SET[] =
	"UPDATE educator SET name = ?2, district_id = ?3, school_id = ?4 WHERE id = ?1";
static const char SQL_LATEST_ATTEMPT[] =
	"SELECT id, ext_id, status, attempt FROM submission "
	"WHERE educator_id = ?1 AND credential_id = ?2 ORDER BY attempt DESC, id DESC LIMIT 1";
static const char SQL_SUBMISSION_ADD[] =
	"INSERT INTO submission(ext_id, educator_id, credential_id, rubric_id, attempt, previous_id, "
	"status, submitted_at, imported_at, source_sha256, updated_at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'queued', ?7, ?8, ?9, ?8)";
static const char SQL_BLOB_ADD[] =
	"INSERT INTO blob(sha256, size, media_type) VALUES (?1, ?2, ?3) ON CONFLICT(sha256) DO NOTHING";
static const char SQL_EVIDENCE_ADD[] =
	"INSERT INTO evidence(submission_id, seq, part_id, kind, text, file_name, blob_sha256, sha256, "
	"words, media_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/* Step a statement that returns nothing; reset it either way. */
static int step_done(struct store *s, sqlite3_stmt *st, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	int ok = rc == SQLITE_DONE;
	int ret = ok ? MC_OK : store_fail(s, err, what);
	sqlite3_reset(st);
	return ret;
}

/* Step a lookup: MC_OK with *found set, row left current for the caller to read. */
static int step_row(struct store *s, sqlite3_stmt *st, int *found, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return MC_OK;
	int ret = store_fail(s, err, what);
	sqlite3_reset(st);
	return ret;
}

static void bind_id(sqlite3_stmt *st, int i, long long id)
{
	if (id > 0)
		sqlite3_bind_int64(st, i, id);
	else
		sqlite3_bind_null(st, i);
}

int store_import_credential(struct store *s, const char *code, long long *credential_id,
			    long long *rubric_id, int *found, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CREDENTIAL, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, code);
	int rc = step_row(s, st, found, "looking up a credential", err);
	if (rc == MC_OK && *found) {
		*credential_id = sqlite3_column_int64(st, 0);
		*rubric_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc;
}

int store_import_parts(struct store *s, long long rubric_id,
		       void (*fn)(void *ctx, long long id, const char *code), void *ctx,
		       struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PARTS, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
	int ret = rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a rubric's parts");
	sqlite3_reset(st);
	return ret;
}

int store_import_submission(struct store *s, const char *ext_id, long long *rowid, char **sha256,
			    int *found, struct mc_error *err)
{
	*sha256 = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_SUBMISSION, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, ext_id);
	int rc = step_row(s, st, found, "looking up a submission", err);
	if (rc == MC_OK && *found) {
		*rowid = sqlite3_column_int64(st, 0);
		*sha256 = store_col_dup(st, 1);
	}
	sqlite3_reset(st);
	return rc;
}

/* Find by name (and district), or insert. */
static int get_or_add(struct store *s, const char *get_sql, const char *add_sql, long long district_id,
		      const char *name, long long *id, const char *what, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, get_sql, err);
	if (!st)
		return MC_FAIL;
	int i = 1;
	if (district_id)
		store_bind_int(st, i++, district_id);
	store_bind_text(st, i, name);
	int found;
	int rc = step_row(s, st, &found, what, err);
	if (rc == MC_OK && found)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != MC_OK || found)
		return rc;
	if (!(st = store_prep(s, add_sql, err)))
		return MC_FAIL;
	i = 1;
	if (district_id)
		store_bind_int(st, i++, district_id);
	store_bind_text(st, i, name);
	rc = step_done(s, st, what, err);
	if (rc == MC_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return rc;
}

int store_import_district(struct store *s, const char *name, long long *id, struct mc_error *err)
{
	return get_or_add(s, SQL_DISTRICT_GET, SQL_DISTRICT_ADD, 0, name, id, "adding a district", err);
}

int store_import_school(struct store *s, long long district_id, const char *name, long long *id,
			struct mc_error *err)
{
	return get_or_add(s, SQL_SCHOOL_GET, SQL_SCHOOL_ADD, district_id, name, id, "adding a school", err);
}

void store_import_educator_free(struct store_import_educator *e)
{
	free(e->name);
	free(e->district);
	free(e->school);
	memset(e, 0, sizeof *e);
}

int store_import_educator_get(struct store *s, const char *ext_id, struct store_import_educator *out,
			      int *found, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_prep(s, SQL_EDUCATOR_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, ext_id);
	int rc = step_row(s, st, found, "looking up an educator", err);
	if (rc == MC_OK && *found) {
		out->id = sqlite3_column_int64(st, 0);
		out->name = store_col_dup(st, 1);
		out->district_id = sqlite3_column_int64(st, 2);
		out->district = store_col_dup(st, 3);
		out->school_id = sqlite3_column_int64(st, 4);
		out->school = store_col_dup(st, 5);
	}
	sqlite3_reset(st);
	return rc;
}

int store_import_anon_taken(struct store *s, const char *anon_id, int *taken, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_ANON_TAKEN, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, anon_id);
	int rc = step_row(s, st, taken, "checking an anonymous id", err);
	sqlite3_reset(st);
	return rc;
}

int store_import_educator_insert(struct store *s, const char *ext_id, const char *name,
				 long long district_id, long long school_id, const char *anon_id,
				 long long *id, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EDUCATOR_ADD, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, ext_id);
	store_bind_text(st, 2, name);
	store_bind_int(st, 3, district_id);
	bind_id(st, 4, school_id);
	store_bind_text(st, 5, anon_id);
	int rc = step_done(s, st, "adding an educator", err);
	if (rc == MC_OK)
		*id = sqlite3_last_insert_rowid(store_db(s));
	return rc;
}

int store_import_educator_update(struct store *s, long long id, const char *name,
				 long long district_id, long long school_id, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EDUCATOR_SET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, id);
	store_bind_text(st, 2, name);
	store_bind_int(st, 3, district_id);
	bind_id(st, 4, school_id);
	return step_done(s, st, "updating an educator", err);
}

int store_import_latest_attempt(struct store *s, long long educator_id, long long credential_id,
				struct store_import_attempt *out, int *found, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st = store_prep(s, SQL_LATEST_ATTEMPT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, educator_id);
	store_bind_int(st, 2, credential_id);
	int rc = step_row(s, st, found, "looking up earlier attempts", err);
	if (rc == MC_OK && *found) {
		out->rowid = sqlite3_column_int64(st, 0);
		out->ext_id = store_col_dup(st, 1);
		out->status = store_col_dup(st, 2);
		out->attempt = sqlite3_column_int(st, 3);
	}
	sqlite3_reset(st);
	return rc;
}

int store_import_submission_insert(struct store *s, const struct store_import_submission_row *r,
				   long long *rowid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_SUBMISSION_ADD, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, r->ext_id);
	store_bind_int(st, 2, r->educator_id);
	store_bind_int(st, 3, r->credential_id);
	store_bind_int(st, 4, r->rubric_id);
	store_bind_int(st, 5, r->attempt);
	bind_id(st, 6, r->previous_id);
	store_bind_text(st, 7, r->submitted_at);
	store_bind_text(st, 8, r->now);
	store_bind_text(st, 9, r->source_sha256);
	int rc = step_done(s, st, "adding a submission", err);
	if (rc == MC_OK)
		*rowid = sqlite3_last_insert_rowid(store_db(s));
	return rc;
}

int store_import_blob(struct store *s, const char *sha256, long long size, const char *media_type,
		      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_BLOB_ADD, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, sha256);
	store_bind_int(st, 2, size);
	store_bind_text(st, 3, media_type);
	return step_done(s, st, "recording an evidence file", err);
}

int store_import_evidence_insert(struct store *s, const struct store_import_evidence_row *r,
				 struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EVIDENCE_ADD, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, r->submission_id);
	store_bind_int(st, 2, r->seq);
	store_bind_int(st, 3, r->part_id);
	store_bind_text(st, 4, r->kind);
	/* The text can be a megabyte: bind it without a copy (it outlives the step). */
	if (r->text)
		sqlite3_bind_text(st, 5, r->text, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	store_bind_text(st, 6, r->file_name);
	store_bind_text(st, 7, r->blob_sha256);
	store_bind_text(st, 8, r->sha256);
	store_bind_int(st, 9, r->words);
	store_bind_text(st, 10, r->media_type);
	int rc = step_done(s, st, "adding an evidence item", err);
	sqlite3_clear_bindings(st);
	return rc;
}

static const char SQL_BASES[] =
	"SELECT (SELECT ifnull(max(id), 0) FROM submission), (SELECT ifnull(max(id), 0) FROM educator)";

int store_import_bases(struct store *s, long long *submission, long long *educator,
		       struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_BASES, err);
	if (!st)
		return MC_FAIL;
	int found;
	int rc = step_row(s, st, &found, "reading the highest row ids", err);
	if (rc == MC_OK) {
		*submission = sqlite3_column_int64(st, 0);
		*educator = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc;
}

/* The import's page cache, in KiB: large enough that the index pages one file's
 * transaction dirties are rarely written to the WAL twice, small enough that
 * the import's peak memory stays flat (issue 15: under 32 MB for every command;
 * it was 256 MiB, and an import of 20,000 submissions peaked at 200 MB). */
#define IMPORT_CACHE_KIB 16384

int store_import_bulk(struct store *s, int on, struct mc_error *err)
{
	/* temp_store cannot change inside a transaction: the caller is outside one */
	char *sql = on ? mc_xasprintf("PRAGMA temp_store = MEMORY; PRAGMA cache_size = -%d", IMPORT_CACHE_KIB)
		       : mc_xstrdup("PRAGMA temp_store = DEFAULT; PRAGMA cache_size = -2000");
	int ok = sqlite3_exec(store_db(s), sql, NULL, NULL, NULL) == SQLITE_OK;
	free(sql);
	if (ok)
		return MC_OK;
	return err ? store_fail(s, err, "setting up the import's page cache") : MC_FAIL;
}
