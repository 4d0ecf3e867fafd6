/* draftspool.h: feedback-editor drafts kept in files when the database cannot
 * take them (busy past the busy timeout, full, read-only), so nothing typed is
 * lost. A draft goes to <db>.drafts/<user>/<submission>/<target> (the user's
 * own 0700 directory, files 0600), or, when that cannot be written, to
 * $XDG_DATA_HOME/mcassess/drafts/<db path>/<submission>/<target>. Names are
 * percent-encoded, so no id can reach outside those directories. Each file is
 * written whole (temporary file, fsync, rename): a crash keeps the old text or
 * the new one. */
#ifndef MCASSESS_DRAFTSPOOL_H
#define MCASSESS_DRAFTSPOOL_H

#include <time.h>

#include "mcassess/error.h"

/* Keep text; *where (heap) says which file. MC_FAIL when neither place can be written. */
int draftspool_put(const char *db, const char *user, const char *sub, const char *target, const char *text,
		   char **where, struct mc_error *err);
/* The kept text (heap) or NULL when there is none (the newer of the two
 * places), and when it was written. */
char *draftspool_get(const char *db, const char *user, const char *sub, const char *target, time_t *at);
/* Forget the kept text (in both places); it is in the database now, or was saved. */
void draftspool_remove(const char *db, const char *user, const char *sub, const char *target);
/* How many drafts of `sub` are kept in files for `user`. */
long draftspool_count(const char *db, const char *user, const char *sub);

#endif
