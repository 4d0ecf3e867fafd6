/* store_access.c: SQL for the access policy (access.h): one submission against
 * the store's scope. */
#include "config.h"

#include <stdlib.h>

#include "mcassess/store.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_ONE[] =
	"SELECT s.id, " STORE_SCOPE("s") ", ?63 FROM submission s WHERE s.ext_id = ?1";
/* To write, an assessor needs the submission itself assigned to them. */
static const char SQL_ASSIGNED[] =
	"SELECT EXISTS (SELECT 1 FROM assignment WHERE submission_id = ?1 AND assessor = ?62)";

int store_access_submission(struct store *s, const char *id, int write, struct store_access *out,
			    struct mc_error *err)
{
	*out = (struct store_access){ 0 };
	sqlite3_stmt *st = store_prep(s, SQL_ONE, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, id);
	store_bind_scope(s, st);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->found = 1;
		out->rowid = sqlite3_column_int64(st, 0);
		out->allowed = sqlite3_column_int(st, 1);
		out->your_district = store_col_dup(st, 2);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(s, err, "reading a submission");
	if (!out->found || !out->allowed || !write || store_scope_kind(s) != STORE_SCOPE_ASSIGNED)
		return MC_OK;
	st = store_prep(s, SQL_ASSIGNED, err);
	if (!st)
		return MC_FAIL;
	store_bind_int(st, 1, out->rowid);
	store_bind_scope(s, st);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		out->allowed = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? MC_OK : store_fail(s, err, "reading a submission");
}
