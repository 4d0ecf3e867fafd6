/* store_export.c: SQL for exports. */
#include "config.h"

#include "mcassess/store_export.h"
#include "store_int.h"

/* The read whose scores and feedback are final: an adjudication when there is
 * one, else the first read, else the second. */
#define READ_RANK(col) "CASE " col " WHEN 'adjudication' THEN 0 WHEN 'first' THEN 1 ELSE 2 END"
#define FINAL_READ(table)                                                              \
	"(SELECT x.read FROM " table " x WHERE x.submission_id = s.id ORDER BY " READ_RANK("x.read") \
	" LIMIT 1)"
/* Every criterion of the rubric, in rubric order, with its level in the final read (null: not scored). */
#define LEVELS_JSON                                                                                  \
	"(SELECT json_group_array(json_object('criterion', k.code, 'level', k.level, 'label', k.label, " \
	"'passes', json(CASE WHEN k.passes IS NULL THEN 'null' WHEN k.passes THEN 'true' ELSE 'false' END))) " \
	"FROM (SELECT cr.code, l.code AS level, l.label, l.passes FROM criterion cr "                 \
	"JOIN part pt ON pt.id = cr.part_id LEFT JOIN score sco ON sco.criterion_id = cr.id "        \
	"AND sco.submission_id = s.id AND sco.read = " FINAL_READ("score") " "                       \
	"LEFT JOIN level l ON l.id = sco.level_id WHERE cr.rubric_id = s.rubric_id ORDER BY pt.seq, cr.seq) k)"
/* Who read it: each (read, assessor) that scored, in read order. */
#define READERS_JSON                                                                            \
	"(SELECT json_group_array(json_object('read', k.read, 'assessor', k.assessor)) FROM "    \
	"(SELECT DISTINCT read, assessor FROM score WHERE submission_id = s.id ORDER BY "        \
	READ_RANK("read") ", assessor) k)"

static const char SQL_RESULTS[] =
	"SELECT s.ext_id, e.ext_id, e.name, e.anon_id, d.name, sc.name, c.code, p.code, s.attempt, "
	"dc.outcome, dc.at, dc.decided_by, r.version, "
	STORE_BLIND_TO("s.educator_id", "?1") ", s.submitted_at, " LEVELS_JSON ", "
	"(SELECT f.body FROM feedback f WHERE f.submission_id = s.id AND f.read = " FINAL_READ("feedback") "), "
	READERS_JSON " "
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
			.submitted_at = (const char *)sqlite3_column_text(st, 14),
			.levels_json = (const char *)sqlite3_column_text(st, 15),
			.feedback = (const char *)sqlite3_column_text(st, 16),
			.readers_json = (const char *)sqlite3_column_text(st, 17),
		};
		if (fn(ctx, &r)) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading the results");
}
