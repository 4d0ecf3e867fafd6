/* attempts.h: the attempt limit (issue 11, item 4). An educator may submit a
 * credential at most `limit` times (meta 'attempt_limit', default 3; returns
 * as incomplete are not attempts); an import of one more is refused unless an
 * admin granted another attempt. */
#ifndef MCASSESS_ATTEMPTS_H
#define MCASSESS_ATTEMPTS_H
#include "mcassess/error.h"

struct store;

#define ATTEMPTS_DEFAULT 3
#define ATTEMPTS_MAX 99

/* The limit in force (the default when never set). */
int attempts_limit(struct store *s, int *limit, struct mc_error *err);
/* Set it (admins; audited as config setting:attempt_limit). *changed 0 when it already was. */
int attempts_limit_set(struct store *s, int limit, int *changed, struct mc_error *err);
/* Grant educator `educator` (their platform id) one attempt at `credential`
 * beyond the limit (admins; audited as attempt-grant). */
int attempts_grant(struct store *s, const char *educator, const char *credential, const char *reason,
		   struct mc_error *err);
/* Inside the import's transaction: may educator `educator_rowid` make attempt
 * number `attempt` at credential `credential_rowid`? MC_OK when within the
 * limit, or when an unused grant is there (it is then used by `submission`,
 * filled in by attempts_grant_use once the row exists); else MC_INVALID with
 * the whole story (who, what, the earlier attempts, how to grant one). */
int attempts_check(struct store *s, long long educator_rowid, long long credential_rowid, int attempt,
		   long long *grant, struct mc_error *err);
int attempts_grant_use(struct store *s, long long grant, long long submission_rowid, struct mc_error *err);
#endif
