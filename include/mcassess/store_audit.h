/* store_audit.h: the audit table's SQL (used by audit.c only). */
#ifndef MCASSESS_STORE_AUDIT_H
#define MCASSESS_STORE_AUDIT_H
#include "mcassess/error.h"
#include "mcassess/hash.h"

struct store;

struct audit_row {
	long long seq;
	const char *uid, *at, *actor, *action, *subject;
	const char *before, *after; /* JSON or NULL */
	const char *prev_hash, *hash;
};

/* The newest row's seq and hash (0 and "" for an empty log). */
int store_audit_last(struct store *s, long long *seq, char hash[MC_SHA256_HEX], struct mc_error *err);
int store_audit_insert(struct store *s, const struct audit_row *r, struct mc_error *err);
/* Call fn for each row in seq order; fn returns non-zero to stop. */
int store_audit_each(struct store *s, const char *subject, int (*fn)(void *ctx, const struct audit_row *r),
		     void *ctx, struct mc_error *err);
/* The same for the rows from seq `from` on. */
int store_audit_from(struct store *s, long long from, int (*fn)(void *ctx, const struct audit_row *r),
		     void *ctx, struct mc_error *err);
#endif
