/* store_export.c: SQL for exports. */
#include "config.h"

#include "mcassess/store_export.h"
#include "store_int.h"

static const char SQL_RESULTS[] =
	"SELECT s.ext_id, e.ext_id, e.name, e.anon_id, d.name, sc.name, c.code, p.code, s.attempt, "
	"dc.outcome, dc.at, dc.decided_by, r.version, "
	STORE_BLIND_TO("s.educator_id", "?1") " "
	"FROM decision dc JOIN submission s ON s.id = dc.submission_id "
	"JOIN credential c ON c.id = s.credential_id JOIN pathway p ON p.id = c.pathway_id "
	"JOIN rubric r ON r.id = s.rubric_id JOIN educator e ON e.id = s.educator_id "
	"JOIN district d ON d.id = e.district_id LEFT JOIN school sc ON sc.id = e.school_id "
	"WHERE " STORE_SCOPE("s") " ORDER BY dc.at, s.ext_id";

int store_export_results(struct store *s, const char *viewer,
			 int (*fn)(void *ctx, const struct export_result_row *r), void *ctx,
			 struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_RESULTS, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, viewer ? viewer : "");
	store_bind_scope(s, st);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct export_result_row r = {
			.id = (const char *)sqlite3_column_text(st, 0),
			.educator_id = (const char *)sqlite3_column_text(st, 1),
			.educator_name = (const char *)sqlite3_column_text(st, 2),
			.anon_id = (const char *)sqlite3_column_text(st, 3),
			.district = (const char *)sqlite3_column_text(st, 4),
			.school = (const char *)sqlite3_column_text(st, 5),
			.credential = (const char *)sqlite3_column_text(st, 6),
			.pathway = (const char *)sqlite3_column_text(st, 7),
			.attempt = sqlite3_column_int(st, 8),
			.outcome = (const char *)sqlite3_column_text(st, 9),
			.decided_at = (const char *)sqlite3_column_text(st, 10),
			.decided_by = (const char *)sqlite3_column_text(st, 11),
			.rubric_version = sqlite3_column_int(st, 12),
			.assigned_blind = sqlite3_column_int(st, 13),
		};
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the results");
}
