/* store_badges.c: SQL for Open Badges export. */
#include "config.h"

#include "mcassess/badges.h"
#include "store_int.h"

/* An earned decision on a submission still earned (not reopened since). */
static const char SQL_EARNED[] =
	"SELECT s.ext_id, e.ext_id, e.anon_id, c.code, r.title, r.competency, dc.at, s.submitted_at, "
	"s.attempt, r.version, r.id "
	"FROM decision dc JOIN submission s ON s.id = dc.submission_id "
	"JOIN credential c ON c.id = s.credential_id JOIN rubric r ON r.id = s.rubric_id "
	"JOIN educator e ON e.id = s.educator_id "
	"WHERE dc.outcome = 'earned' AND s.status = 'earned' ORDER BY dc.at, s.ext_id";

static const char SQL_CRITERIA[] =
	"SELECT p.title, c.code, c.text, "
	"(SELECT group_concat(label, ', ') FROM (SELECT l.label FROM level l "
	"WHERE l.criterion_id = c.id AND l.passes = 1 ORDER BY l.seq)) "
	"FROM criterion c JOIN part p ON p.id = c.part_id WHERE c.rubric_id = ?1 ORDER BY p.seq, c.seq";

static const char *col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int store_badges_earned(struct store *s, int (*fn)(void *ctx, const struct badges_row *r), void *ctx,
			struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_EARNED, err);
	if (!st)
		return MC_FAIL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct badges_row r = {
			.submission = col(st, 0), .educator_id = col(st, 1), .educator_anon = col(st, 2),
			.credential = col(st, 3), .title = col(st, 4), .competency = col(st, 5),
			.decided_at = col(st, 6), .submitted_at = col(st, 7),
			.attempt = sqlite3_column_int(st, 8), .rubric_version = sqlite3_column_int(st, 9),
			.rubric_id = sqlite3_column_int64(st, 10),
		};
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the earned credentials");
}

int store_badges_criteria(struct store *s, long long rubric_id,
			  void (*fn)(void *ctx, const struct badges_criterion *c), void *ctx,
			  struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_CRITERIA, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, rubric_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct badges_criterion c = { col(st, 0), col(st, 1), col(st, 2), col(st, 3) };
		fn(ctx, &c);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading a rubric's criteria");
}
