/* archive_stub.c: the archive in a build configured --without-libgit2. Every
 * archive command says so; changes made while an archive is configured (by a
 * build that has one) keep waiting in the outbox, so nothing is lost, and
 * `check` reports them. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcassess/archive.h"
#include "mcassess/store.h"
#include "mcassess/store_archive.h"
#include "mcassess/util.h"

#define NOT_HERE "the evidence archive is not available in this build (configured --without-libgit2)"

int archive_available(void) { return 0; }

int archive_init(struct store *s, const char *path, struct archive_init_result *out, struct mc_error *err)
{
	(void)s;
	(void)path;
	memset(out, 0, sizeof *out);
	return mc_error_set(err, MC_FAIL, NOT_HERE);
}

void archive_init_result_free(struct archive_init_result *r) { free(r->path); r->path = NULL; }

/* Quietly nothing: the events wait for a build that can commit them. */
int archive_drain(struct store *s, long *committed, struct mc_error *err)
{
	(void)s;
	(void)err;
	*committed = 0;
	return MC_OK;
}

int archive_log(struct store *s, const char *submission_id,
		int (*fn)(void *ctx, const struct archive_log_entry *e), void *ctx, struct mc_error *err)
{
	(void)s; (void)submission_id; (void)fn; (void)ctx;
	return mc_error_set(err, MC_FAIL, NOT_HERE);
}

int archive_check(struct store *s, void (*report)(void *ctx, const char *problem), void *ctx, long *problems,
		  const struct archive_known *known, struct mc_error *err)
{
	(void)known;
	char *path = NULL;
	int rc = store_archive_configured(s, &path, err);
	if (rc != MC_OK || !path)
		return rc;
	long long n = 0;
	char *oldest = NULL, *last = NULL;
	rc = store_archive_outbox_count(s, &n, &oldest, &last, err);
	if (rc == MC_OK && n > 0) {
		char *msg = mc_xasprintf("archive: %lld change%s wait%s in the outbox for the archive %s (oldest: %s), "
					 "which this build cannot write: %s", n, n == 1 ? "" : "s",
					 n == 1 ? "s" : "", path, oldest ? oldest : "?", NOT_HERE);
		report(ctx, msg);
		(*problems)++;
		free(msg);
	}
	free(oldest);
	free(last);
	free(path);
	return rc;
}

int archive_push(struct store *s, const char *remote, struct archive_sync_result *out, struct mc_error *err)
{
	(void)s; (void)remote;
	memset(out, 0, sizeof *out);
	return mc_error_set(err, MC_FAIL, NOT_HERE);
}

int archive_pull(struct store *s, const char *remote, void (*report)(void *ctx, const char *conflict), void *ctx,
		 struct archive_sync_result *out, struct mc_error *err)
{
	(void)s; (void)remote; (void)report; (void)ctx;
	memset(out, 0, sizeof *out);
	return mc_error_set(err, MC_FAIL, NOT_HERE);
}
