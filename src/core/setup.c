/* setup.c: making a new database ready: the shipped catalog, its first admin. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mcassess/audit.h"
#include "mcassess/catalog.h"
#include "mcassess/people.h"
#include "mcassess/session.h"
#include "mcassess/setup.h"
#include "mcassess/store.h"
#include "mcassess/util.h"

int setup_is_initialised(struct store *s, int *yes, struct mc_error *err)
{
	char *at = NULL;
	*yes = 0;
	int rc = store_meta_get(s, "initialised_at", &at, err);
	if (rc == MC_OK)
		*yes = at != NULL;
	free(at);
	return rc;
}

/* Inside the transaction: refuse an initialised database, naming when and by whom. */
static int refuse_if_initialised(struct store *s, struct mc_error *err)
{
	char *at = NULL, *by = NULL;
	int rc = store_meta_get(s, "initialised_at", &at, err);
	if (rc == MC_OK && at) {
		rc = store_meta_get(s, "initialised_by", &by, err);
		if (rc == MC_OK)
			rc = mc_error_set(err, MC_FAIL, "already initialised on %s by %s; nothing changed", at,
					  by ? by : "someone");
	}
	free(at);
	free(by);
	return rc;
}

int setup_init_stats(struct store *s, struct catalog_load_stats *st, struct mc_error *err)
{
	struct catalog_load_stats dummy;
	if (!st)
		st = &dummy;
	memset(st, 0, sizeof *st);
	int rc = store_begin(s, err);
	if (rc != MC_OK)
		return rc;
	char *dir = mc_xasprintf("%s/catalog", mc_data_dir());
	char now[MC_TIME_LEN];
	mc_now(now);
	const char *me = session_user(s);
	rc = refuse_if_initialised(s, err);
	if (rc == MC_OK)
		rc = catalog_load_in_tx(s, dir, st, err);
	if (rc == MC_OK)
		rc = people_set_in_tx(s, me, ROLE_ADMIN, NULL, NULL, err);
	if (rc == MC_OK)
		rc = store_meta_set(s, "initialised_at", now, err);
	if (rc == MC_OK)
		rc = store_meta_set(s, "initialised_by", me, err);
	if (rc == MC_OK) {
		json_t *o = json_pack("{s:s, s:{s:i, s:i, s:i}, s:s}", "admin", me, "catalog", "added",
				      st->added, "changed", st->changed, "unchanged", st->unchanged,
				      "initialised_at", now);
		char *after = json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
		rc = audit_append(s, "init", "database", NULL, after, err);
		free(after);
		json_decref(o);
	}
	if (rc == MC_OK)
		rc = store_commit(s, err);
	if (rc != MC_OK) {
		store_rollback(s);
		memset(st, 0, sizeof *st);
	}
	free(dir);
	return rc;
}

int setup_init(struct store *s, struct mc_error *err)
{
	return setup_init_stats(s, NULL, err);
}
