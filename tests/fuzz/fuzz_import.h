/* fuzz_import.h: the CSV and JSON harnesses import each input, as a dry run, into
 * one database initialised with the shipped catalog, with the import fixtures'
 * evidence directory, so every check of the importer runs. */
#ifndef MCASSESS_FUZZ_IMPORT_H
#define MCASSESS_FUZZ_IMPORT_H
#include "fuzz.h"

#include "mcassess/import.h"
#include "mcassess/session.h"
#include "mcassess/setup.h"
#include "mcassess/store.h"

static struct mc_session *fuzz_session;
static struct store *fuzz_store;

/* abandon: nothing of a fuzz run is for an archive */
static inline void fuzz_close_store(void) { session_abandon(&fuzz_session); }

static inline int fuzz_import(const char *name, const uint8_t *data, size_t size)
{
	struct mc_error err = MC_ERROR_INIT;
	if (!fuzz_store) {
		char *db = mc_xasprintf("%s/fuzz.db", fuzz_tmpdir());
		/* as the program does: a session (who acts), init making them admin */
		if (session_open(db, STORE_CREATE, NULL, &fuzz_session, &err) != MC_OK ||
		    setup_init(fuzz_session->store, &err) != MC_OK ||
		    session_reload_actor(fuzz_session, &err) != MC_OK) {
			fprintf(stderr, "fuzz: %s\n", mc_error_msg(&err));
			abort();
		}
		free(db);
		fuzz_store = fuzz_session->store;
		atexit(fuzz_close_store);
	}
	char *path = fuzz_write(name, data, size);
	struct import_stats st;
	int rc = import_file(fuzz_store, path, MC_ABS_SRCDIR "/tests/fixtures/import/evidence", 1, &st,
			     NULL, NULL, &err);
	/* a refusal must say why */
	if (rc != MC_OK && !mc_error_msg(&err)[0])
		abort();
	mc_error_clear(&err);
	free(path);
	return 0;
}
#endif
