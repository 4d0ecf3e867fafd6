/* store_audit.c: SQL for the audit log. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/store_audit.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_LAST[] = "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1";
static const char SQL_INSERT[] =
	"INSERT INTO audit(seq, uid, at, actor, action, subject, before, after, prev_hash, hash) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char SQL_EACH[] =
	"SELECT seq, uid, at, actor, action, subject, before, after, prev_hash, hash FROM audit ORDER BY seq";
static const char SQL_EACH_SUBJECT[] =
	"SELECT seq, uid, at, actor, action, subject, before, after, prev_hash, hash FROM audit "
	"WHERE subject = ?1 ORDER BY seq";
/* By subject (the index audit_subject: no sort), for a walk that goes along with another. */
static const char SQL_RANGE[] =
	"SELECT seq, uid, at, actor, action, subject, before, after, prev_hash, hash FROM audit "
	"WHERE subject >= ?1 AND subject < ?2 ORDER BY subject, seq";
static const char SQL_RANGE_FROM[] =
	"SELECT seq, uid, at, actor, action, subject, before, after, prev_hash, hash FROM audit "
	"WHERE subject >= ?1 ORDER BY subject, seq";
static const char SQL_DEMO[] =
	"SELECT count(*) FROM audit WHERE subject = 'database' AND action = 'demo'";
static const char SQL_FROM[] =
	"SELECT seq, uid, at, actor, action, subject, before, after, prev_hash, hash FROM audit "
	"WHERE seq >= ?1 ORDER BY seq";

int store_audit_last(struct store *s, long long *seq, char hash[MC_SHA256_HEX], struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_LAST, err);
	if (!st)
		return MC_FAIL;
	*seq = 0;
	hash[0] = '\0';
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		const char *h = (const char *)sqlite3_column_text(st, 1);
		snprintf(hash, MC_SHA256_HEX, "%s", h ? h : "");
	} else if (rc != SQLITE_DONE)
		return store_fail(s, err, "reading the audit log");
	sqlite3_reset(st);
	return MC_OK;
}

int store_audit_insert(struct store *s, const struct audit_row *r, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_INSERT, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, r->seq);
	store_bind_text(st, 2, r->uid);
	store_bind_text(st, 3, r->at);
	store_bind_text(st, 4, r->actor);
	store_bind_text(st, 5, r->action);
	store_bind_text(st, 6, r->subject);
	store_bind_text(st, 7, r->before);
	store_bind_text(st, 8, r->after);
	store_bind_text(st, 9, r->prev_hash);
	store_bind_text(st, 10, r->hash);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "writing the audit log");
}

/* The row `st` is on (strings valid until it steps again). */
static void row_of(sqlite3_stmt *st, struct audit_row *r)
{
	*r = (struct audit_row){
		.seq = sqlite3_column_int64(st, 0),
		.uid = (const char *)sqlite3_column_text(st, 1),
		.at = (const char *)sqlite3_column_text(st, 2),
		.actor = (const char *)sqlite3_column_text(st, 3),
		.action = (const char *)sqlite3_column_text(st, 4),
		.subject = (const char *)sqlite3_column_text(st, 5),
		.before = (const char *)sqlite3_column_text(st, 6),
		.after = (const char *)sqlite3_column_text(st, 7),
		.prev_hash = (const char *)sqlite3_column_text(st, 8),
		.hash = (const char *)sqlite3_column_text(st, 9),
	};
}

/* Each row `st` yields, as an audit_row, to fn (non-zero stops). */
int store_audit_walk(struct store *s, sqlite3_stmt *st, int (*fn)(void *ctx, const struct audit_row *r),
		    void *ctx, struct mc_error *err)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row r;
		row_of(st, &r);
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the audit log");
}

int store_audit_each(struct store *s, const char *subject, int (*fn)(void *ctx, const struct audit_row *r),
		     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, subject ? SQL_EACH_SUBJECT : SQL_EACH, err);
	if (!st)
		return MC_FAIL;
	if (subject)
		store_bind_text(st, 1, subject);
	return store_audit_walk(s, st, fn, ctx, err);
}

int store_audit_from(struct store *s, long long from, int (*fn)(void *ctx, const struct audit_row *r),
		     void *ctx, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_FROM, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, from);
	return store_audit_walk(s, st, fn, ctx, err);
}

/* ---------------------------------------------------------------- a cursor by subject */

struct store_audit_cursor {
	struct store *s;
	sqlite3_stmt *st;
	struct audit_row row;
	int on_row;
};

int store_audit_cursor_open(struct store *s, const char *lo, const char *hi, struct store_audit_cursor **out,
			    struct mc_error *err)
{
	*out = NULL;
	sqlite3_stmt *st = store_prep(s, hi ? SQL_RANGE : SQL_RANGE_FROM, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, lo);
	if (hi)
		store_bind_text(st, 2, hi);
	struct store_audit_cursor *c = mc_xcalloc(1, sizeof *c);
	c->s = s;
	c->st = st;
	*out = c;
	int rc = store_audit_cursor_next(c, err);
	if (rc != MC_OK)
		store_audit_cursor_close(out);
	return rc;
}

const struct audit_row *store_audit_cursor_row(const struct store_audit_cursor *c)
{
	return c->on_row ? &c->row : NULL;
}

int store_audit_cursor_next(struct store_audit_cursor *c, struct mc_error *err)
{
	int rc = sqlite3_step(c->st);
	c->on_row = rc == SQLITE_ROW;
	if (c->on_row)
		row_of(c->st, &c->row);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(c->s, err, "reading the audit log");
}

void store_audit_cursor_close(struct store_audit_cursor **c)
{
	if (!*c)
		return;
	sqlite3_reset((*c)->st);
	free(*c);
	*c = NULL;
}

int store_audit_demo_ran(struct store *s, int *yes, struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_DEMO, err);
	if (!st)
		return MC_FAIL;
	int rc = sqlite3_step(st);
	*yes = rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0;
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading the audit log");
}
