/* store_assign.h: the SQL behind assign.c (store_assign.c): a submission's
 * assignments to assessors, by read. */
#ifndef MCASSESS_STORE_ASSIGN_H
#define MCASSESS_STORE_ASSIGN_H
#include "mcassess/error.h"

struct store;

struct store_assign_sub {
	long long rowid;
	char *status, *district; /* the educator's district */
	char *decision;          /* NULL while undecided */
};
int store_assign_sub(struct store *s, const char *id, struct store_assign_sub *out, int *found,
		     struct mc_error *err);
void store_assign_sub_free(struct store_assign_sub *sub);

struct store_assign_row {
	char *assessor, *read, *assigned_by, *at, *uid;
	int blind;
};
void store_assign_rows_free(struct store_assign_row **rows, int n);
/* Every assignment of the submission, in read order (first, second, adjudication). */
int store_assign_list(struct store *s, long long sub_rowid, struct store_assign_row **rows, int *n,
		      struct mc_error *err);
/* Insert or replace the assignment of `read`. */
int store_assign_put(struct store *s, long long sub_rowid, const char *read, const char *assessor, int blind,
		     const char *by, const char *at, const char *uid, struct mc_error *err);
int store_assign_del(struct store *s, long long sub_rowid, const char *read, struct mc_error *err);
#endif
