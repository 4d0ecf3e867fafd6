/* store_claim.c: SQL for claims (the `claim` table: one row per submission). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/store_claim.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_GET[] =
	"SELECT uid, user, claimed_at, seen_at FROM claim WHERE submission_id = ?1";
static const char SQL_PUT[] =
	"INSERT INTO claim(submission_id, uid, user, claimed_at, seen_at) VALUES (?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT(submission_id) DO UPDATE SET uid = excluded.uid, user = excluded.user, "
	"claimed_at = excluded.claimed_at, seen_at = excluded.seen_at";
static const char SQL_TOUCH[] =
	"UPDATE claim SET seen_at = ?3 WHERE submission_id = ?1 AND user = ?2";
static const char SQL_DEL[] = "DELETE FROM claim WHERE submission_id = ?1";
static const char SQL_EACH[] =
	"SELECT k.submission_id, s.ext_id, k.user, k.claimed_at, k.seen_at FROM claim k "
	"JOIN submission s ON s.id = k.submission_id WHERE (?1 IS NULL OR k.user = ?1) "
	"AND " STORE_SCOPE("s") " ORDER BY k.claimed_at, s.ext_id";

void store_claim_row_free(struct store_claim_row *r)
{
	free(r->uid);
	free(r->user);
	free(r->claimed_at);
	free(r->seen_at);
	memset(r, 0, sizeof *r);
}

int store_claim_get(struct store *s, long long sub_rowid, struct store_claim_row *out, struct mc_error *err)
{
	memset(out, 0, sizeof *out);
	out->submission_rowid = sub_rowid;
	sqlite3_stmt *st = store_prep(s, SQL_GET, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->uid = store_col_dup(st, 0);
		out->user = store_col_dup(st, 1);
		out->claimed_at = store_col_dup(st, 2);
		out->seen_at = store_col_dup(st, 3);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the claim");
}

static int step_done(struct store *s, sqlite3_stmt *st, const char *what, struct mc_error *err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, what);
}

int store_claim_put(struct store *s, long long sub_rowid, const char *uid, const char *user,
		    const char *claimed_at, const char *seen_at, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_PUT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, uid);
	store_bind_text(st, 3, user);
	store_bind_text(st, 4, claimed_at);
	store_bind_text(st, 5, seen_at);
	return step_done(s, st, "saving the claim", err);
}

int store_claim_touch(struct store *s, long long sub_rowid, const char *user, const char *seen_at,
		      int *changed, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_TOUCH, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	store_bind_text(st, 2, user);
	store_bind_text(st, 3, seen_at);
	int rc = step_done(s, st, "refreshing the claim", err);
	*changed = rc == MC_OK ? sqlite3_changes(store_db(s)) : 0;
	return rc;
}

int store_claim_del(struct store *s, long long sub_rowid, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DEL, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, sub_rowid);
	return step_done(s, st, "removing the claim", err);
}

int store_claim_each(struct store *s, const char *user,
		     int (*fn)(void *ctx, long long rowid, const char *id, const char *user,
			       const char *claimed_at, const char *seen_at),
		     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EACH, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, user);
	store_bind_scope(s, st);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop = fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
			      (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3),
			      (const char *)sqlite3_column_text(st, 4));
		if (stop) {
			sqlite3_reset(st);
			return stop;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the claims");
}
