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
	char *due_at; /* NULL: assigned before due dates were kept */
	int blind;
};
void store_assign_rows_free(struct store_assign_row **rows, int n);
/* Every assignment of the submission, in read order (first, second, adjudication). */
int store_assign_list(struct store *s, long long sub_rowid, struct store_assign_row **rows, int *n,
		      struct mc_error *err);
/* Insert or replace the assignment of `read`. */
int store_assign_put(struct store *s, long long sub_rowid, const char *read, const char *assessor, int blind,
		     const char *by, const char *at, const char *due_at, const char *uid, struct mc_error *err);
int store_assign_del(struct store *s, long long sub_rowid, const char *read, struct mc_error *err);

/* ---------------------------------------------------------------- allocation */
/* One open read held: who, which submission and read, since when, due when. */
struct store_assign_held {
	const char *assessor, *id, *read, *at, *due_at, *status, *district;
	int blind;
};
/* Every read of an open submission (queued or in progress, undecided) held by
 * `user` (NULL: anyone) of `district` (NULL: any educator's district), oldest
 * assignment first; with `overdue_at`, only those due before it. */
int store_assign_held_walk(struct store *s, const char *user, const char *district, const char *overdue_at,
			   int (*fn)(void *ctx, const struct store_assign_held *h), void *ctx,
			   struct mc_error *err);

/* A person's school (NULL or "": none); *was (heap) what it was. */
int store_assign_school_set(struct store *s, const char *user, const char *school, char **was,
			    struct mc_error *err);

/* An assessor as `assign --auto` weighs them. */
struct store_assign_reader {
	char *user, *district, *school; /* district, school NULL when not known */
	long load;                      /* open reads held now */
};
int store_assign_readers(struct store *s, struct store_assign_reader **out, int *n, struct mc_error *err);
void store_assign_readers_free(struct store_assign_reader **r, int n);

/* An open submission as `assign --auto` sees it: its educator's district and
 * school, who holds its reads (NULL: nobody), and its credential's code. */
struct store_assign_open {
	long long rowid;
	const char *id, *district, *school, *first, *second, *adjudicator;
	const char *credential;
};
/* Open, undecided submissions (of `district`, `credential` when not NULL) in
 * queue order (oldest first). */
int store_assign_open_walk(struct store *s, const char *district, const char *credential,
			   int (*fn)(void *ctx, const struct store_assign_open *o), void *ctx,
			   struct mc_error *err);
#endif
