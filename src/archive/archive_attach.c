/* archive_attach.c: how the archive plugs into the layers below it. The store
 * and the core never call up into the archive: they run hooks, and this sets
 * them. Built with libgit2 or without (archive_stub.c). */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "mcassess/archive.h"
#include "mcassess/check.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/util.h"

void archive_attach(void)
{
	store_set_idle_hook(store_archive_on_idle);
	check_set_archive_part(archive_check);
}

void store_archive_on_idle(struct store *s)
{
	/* A database from before the archive has nothing to drain (store_checkpoint
	 * runs this only on a connection that may write). */
	struct mc_error err = MC_ERROR_INIT;
	char *path = NULL;
	if (store_archive_configured(s, &path, &err) != MC_OK || !path) {
		mc_error_clear(&err);
		return;
	}
	free(path);
	/* After a failure, a long-running process (the TUI, idle) waits a while
	 * before trying again rather than retrying and warning on every idle moment. */
	static time_t retry_at;
	time_t now = time(NULL);
	if (now < retry_at)
		return;
	long n = 0;
	if (archive_drain(s, &n, &err) != MC_OK) {
		retry_at = now + 30;
		if (archive_warn) {
			char *msg = mc_xasprintf("warning: %s", mc_error_msg(&err));
			archive_warn(msg);
			free(msg);
		}
	} else {
		retry_at = 0;
	}
	mc_error_clear(&err);
}
