/* store_attempts.h: the SQL behind attempts.c (the attempt_grant table). */
#ifndef MCASSESS_STORE_ATTEMPTS_H
#define MCASSESS_STORE_ATTEMPTS_H
#include "mcassess/error.h"

struct store;

/* Internal ids of an educator (by platform id) and a credential (by code); 0 when none. */
int store_attempts_ids(struct store *s, const char *educator, const char *credential, long long *edu,
		       long long *cred, struct mc_error *err);
/* "E-17 (Ann Lee)" and "S-1 resubmit, S-9 resubmit" (the educator's earlier
 * submissions of the credential in attempt order), both heap. */
int store_attempts_history(struct store *s, long long edu, long long cred, char **who, char **earlier,
			   struct mc_error *err);
/* The educator's platform id and the credential's code (heap). */
int store_attempts_codes(struct store *s, long long edu, long long cred, char **educator, char **credential,
			 struct mc_error *err);
/* The oldest unused grant's rowid, 0 when none. */
int store_attempts_grant_find(struct store *s, long long edu, long long cred, long long *grant,
			      struct mc_error *err);
int store_attempts_grant_put(struct store *s, const char *uid, long long edu, long long cred, const char *by,
			     const char *reason, const char *at, struct mc_error *err);
int store_attempts_grant_use(struct store *s, long long grant, long long submission, struct mc_error *err);
#endif
