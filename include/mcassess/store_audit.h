/* store_audit.h: the audit table's SQL (used by audit.c, and check.c's cursor). */
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

/* The rows whose subject lies in [lo, hi) (hi NULL: from lo on), by subject then seq, pulled one at a time
 * so that a walk of other rows can go along with them (check: records against their
 * log, a submission at a time). _row is NULL at the end; its strings are valid until
 * the next _next. */
struct store_audit_cursor;
int store_audit_cursor_open(struct store *s, const char *lo, const char *hi, struct store_audit_cursor **c,
			    struct mc_error *err);
const struct audit_row *store_audit_cursor_row(const struct store_audit_cursor *c);
int store_audit_cursor_next(struct store_audit_cursor *c, struct mc_error *err);
void store_audit_cursor_close(struct store_audit_cursor **c);
/* Whether the demo generator filled this database (its one row, subject 'database'). */
int store_audit_demo_ran(struct store *s, int *yes, struct mc_error *err);
#endif
