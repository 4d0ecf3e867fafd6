/* store_names.c: the names people type (districts, credential and pathway codes,
 * submission ids), for loose matches and "did you mean". */
#include "config.h"

#include <stdlib.h>

#include "store_int.h"
#include "mcassess/suggest.h"
#include "mcassess/util.h"

int store_names(struct store *s, enum suggest_kind kind, char ***names, size_t *n, struct mc_error *err)
{
	static const char *const sql[] = {
		[SUGGEST_DISTRICT] = "SELECT name FROM district ORDER BY name",
		[SUGGEST_CREDENTIAL] = "SELECT code FROM credential ORDER BY code",
		[SUGGEST_PATHWAY] = "SELECT code FROM pathway ORDER BY code",
	};
	*names = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, sql[kind], err);
	if (!st)
		return MC_FAIL;
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*names = mc_xrealloc(*names, cap * sizeof **names);
		}
		(*names)[(*n)++] = store_col_dup(st, 0);
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return MC_OK;
	suggest_names_free(names, *n);
	*n = 0;
	return store_fail(s, err, "reading names");
}

void suggest_names_free(char ***names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((*names)[i]);
	free(*names);
	*names = NULL;
}

int store_submission_nocase(struct store *s, const char *id, char **found, struct mc_error *err)
{
	*found = NULL;
	/* a scan, but only on the way to an error message */
	sqlite3_stmt *st = store_prep(s, "SELECT ext_id FROM submission WHERE ext_id = ?1 COLLATE NOCASE "
				      "ORDER BY ext_id LIMIT 1", err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*found = store_col_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "looking up an id");
}
