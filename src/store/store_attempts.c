/* store_attempts.c: the SQL of the attempt limit: earlier attempts and grants. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_attempts.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_IDS[] =
	"SELECT (SELECT id FROM educator WHERE ext_id = ?1), (SELECT id FROM credential WHERE code = ?2)";
static const char SQL_WHO[] =
	"SELECT ext_id || ' (' || name || ')' FROM educator WHERE id = ?1";
static const char SQL_EARLIER[] =
	"SELECT group_concat(ext_id || ' ' || status, ', ') FROM (SELECT ext_id, status FROM submission "
	"WHERE educator_id = ?1 AND credential_id = ?2 AND status <> 'incomplete' ORDER BY attempt, id)";
static const char SQL_EDU_CODE[] = "SELECT ext_id FROM educator WHERE id = ?1";
static const char SQL_CRED_CODE[] = "SELECT code FROM credential WHERE id = ?1";
static const char SQL_GRANT_FIND[] =
	"SELECT id FROM attempt_grant WHERE educator_id = ?1 AND credential_id = ?2 AND used_by IS NULL "
	"ORDER BY id LIMIT 1";
static const char SQL_GRANT_PUT[] =
	"INSERT INTO attempt_grant(uid, educator_id, credential_id, granted_by, reason, at) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_GRANT_USE[] = "UPDATE attempt_grant SET used_by = ?2 WHERE id = ?1";

/* One row of two integer (or NULL: 0) columns. */
static int two_ids(struct store *s, sqlite3_stmt *st, long long *a, long long *b, const char *what,
		   struct mc_error *err)
{
	int rc = sqlite3_step(st);
	*a = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	if (b)
		*b = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

int store_attempts_ids(struct store *s, const char *educator, const char *credential, long long *edu,
		       long long *cred, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_IDS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, educator);
	store_bind_text(st, 2, credential);
	return two_ids(s, st, edu, cred, "looking up an educator and a credential", err);
}

/* The one text column of one row (heap; "" when none). */
static int one_text(struct store *s, const char *sql, long long a, long long b, char **out, struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, sql, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 1, a);
	if (sqlite3_bind_parameter_count(st) >= 2)
		sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st);
	*out = rc == SQLITE_ROW ? store_col_dup(st, 0) : NULL;
	if (!*out)
		*out = mc_xstrdup("");
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading earlier attempts");
}

int store_attempts_history(struct store *s, long long edu, long long cred, char **who, char **earlier,
			   struct mc_error *err)
{
	*earlier = NULL;
	int rc = one_text(s, SQL_WHO, edu, 0, who, err);
	if (rc == MC_OK)
		rc = one_text(s, SQL_EARLIER, edu, cred, earlier, err);
	return rc;
}

int store_attempts_codes(struct store *s, long long edu, long long cred, char **educator, char **credential,
			 struct mc_error *err)
{
	*credential = NULL;
	int rc = one_text(s, SQL_EDU_CODE, edu, 0, educator, err);
	if (rc == MC_OK)
		rc = one_text(s, SQL_CRED_CODE, cred, 0, credential, err);
	return rc;
}

int store_attempts_grant_find(struct store *s, long long edu, long long cred, long long *grant,
			      struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_GRANT_FIND, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 1, edu);
	sqlite3_bind_int64(st, 2, cred);
	return two_ids(s, st, grant, NULL, "looking up granted attempts", err);
}

int store_attempts_grant_put(struct store *s, const char *uid, long long edu, long long cred, const char *by,
			     const char *reason, const char *at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_GRANT_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	sqlite3_bind_int64(st, 2, edu);
	sqlite3_bind_int64(st, 3, cred);
	store_bind_text(st, 4, by);
	store_bind_text(st, 5, reason);
	store_bind_text(st, 6, at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "granting an attempt");
}

int store_attempts_grant_use(struct store *s, long long grant, long long submission, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_GRANT_USE, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 1, grant);
	sqlite3_bind_int64(st, 2, submission);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "using a granted attempt");
}
