/* store_notes.c: the SQL of private notes. */
#include "config.h"

#include <stdlib.h>

#include "mcassess/store_notes.h"
#include "mcassess/util.h"
#include "store_int.h"

static const char SQL_READ_OF[] =
	"SELECT read FROM assignment WHERE submission_id = ?1 AND assessor = ?2 "
	"ORDER BY CASE read WHEN 'adjudication' THEN 0 WHEN 'second' THEN 1 ELSE 2 END LIMIT 1";
static const char SQL_ADD[] =
	"INSERT INTO note(uid, submission_id, author, read, body, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char SQL_LIST[] =
	"SELECT author, read, body, at FROM note WHERE submission_id = ?1 "
	"AND (?2 IS NULL OR author = ?2 OR read IS NULL) ORDER BY id";

int store_notes_read_of(struct store *s, long long sub, const char *user, char **read, struct mc_error *err)
{
	*read = NULL;
	sqlite3_stmt *st = store_prep(s, SQL_READ_OF, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 1, sub);
	store_bind_text(st, 2, user);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*read = store_col_dup(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "reading your assignment");
}

int store_notes_add(struct store *s, const char *uid, long long sub, const struct store_note *n,
		    struct mc_error *err)
{
	sqlite3_stmt *st = store_prep(s, SQL_ADD, err);
	if (!st)
		return MC_FAIL;
	store_bind_text(st, 1, uid);
	sqlite3_bind_int64(st, 2, sub);
	store_bind_text(st, 3, n->author);
	store_bind_text(st, 4, n->read);
	store_bind_text(st, 5, n->body);
	store_bind_text(st, 6, n->at);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? MC_OK : store_fail(s, err, "saving a note");
}

int store_notes_list(struct store *s, long long sub, const char *only_reader, struct store_note **out, int *n,
		     struct mc_error *err)
{
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st = store_prep(s, SQL_LIST, err);
	if (!st)
		return MC_FAIL;
	sqlite3_bind_int64(st, 1, sub);
	store_bind_text(st, 2, only_reader);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = mc_xrealloc(*out, (size_t)(*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct store_note){ store_col_dup(st, 0), store_col_dup(st, 1),
						      store_col_dup(st, 2), store_col_dup(st, 3) };
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_notes_free(out, *n);
		*n = 0;
		return store_fail(s, err, "reading notes");
	}
	return MC_OK;
}

void store_notes_free(struct store_note **list, int n)
{
	if (!list || !*list)
		return;
	for (int i = 0; i < n; i++) {
		free((*list)[i].author);
		free((*list)[i].read);
		free((*list)[i].body);
		free((*list)[i].at);
	}
	free(*list);
	*list = NULL;
}
