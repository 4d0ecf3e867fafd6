/* store_calibration.h: the SQL behind calibration.c (the calibration_* tables). */
#ifndef MCASSESS_STORE_CALIBRATION_H
#define MCASSESS_STORE_CALIBRATION_H
#include "mcassess/error.h"

struct store;

/* An exemplar as listed. agreed: "O1=3 O2=2 ..." (criterion code = level
 * number, rubric order); mine: the lister's calibration read of it, "done",
 * "started" or NULL (none). */
struct store_calib_row {
	char *id, *credential, *outcome, *added_by, *added_at, *agreed, *mine;
};

/* The exemplar of submission `sub`: *exemplar 0 when it is none. */
int store_calib_exemplar_of(struct store *s, long long sub, long long *exemplar, struct mc_error *err);
int store_calib_exemplar_put(struct store *s, const char *uid, long long sub, const char *outcome,
			     const char *by, const char *at, long long *exemplar, struct mc_error *err);
int store_calib_agreed_put(struct store *s, long long exemplar, long long criterion, long long level,
			   struct mc_error *err);
int store_calib_exemplar_del(struct store *s, long long exemplar, struct mc_error *err);
/* Exemplars (of `credential` when not NULL), by credential then id; `viewer`'s reads. */
int store_calib_list(struct store *s, const char *credential, const char *viewer, struct store_calib_row **out,
		     int *n, struct mc_error *err);
void store_calib_rows_free(struct store_calib_row **rows, int n);

/* `fn(criterion rowid, level rowid)` for the agreed levels of `exemplar`. */
int store_calib_agreed_each(struct store *s, long long exemplar, void (*fn)(void *, long long, long long),
			    void *ctx, struct mc_error *err);

/* `assessor`'s calibration read of submission `sub`: *read 0 when none;
 * *decided when it was finished (heap; NULL while not), *outcome its decision. */
int store_calib_read_get(struct store *s, long long sub, const char *assessor, long long *read, char **decided,
			 char **outcome, struct mc_error *err);
int store_calib_read_start(struct store *s, const char *uid, long long sub, const char *assessor,
			   const char *at, long long *read, struct mc_error *err);
int store_calib_read_decide(struct store *s, long long read, const char *outcome, const char *at,
			    struct mc_error *err);
int store_calib_score_put(struct store *s, const char *uid, long long read, long long criterion,
			  long long level, const char *at, struct mc_error *err);
/* `fn(criterion rowid, level rowid)` for the levels of calibration read `read`. */
int store_calib_scores_each(struct store *s, long long read, void (*fn)(void *, long long, long long),
			    void *ctx, struct mc_error *err);

/* Each finished calibration criterion score on a current exemplar (of
 * `credential`, of `assessor`, when not NULL), by assessor, credential:
 * the level number given, the agreed one, and the levels the criterion has. */
struct store_calib_pair {
	const char *assessor, *credential;
	int given, agreed, nlevels;
};
int store_calib_pairs(struct store *s, const char *credential, const char *assessor,
		      int (*fn)(void *ctx, const struct store_calib_pair *p), void *ctx, struct mc_error *err);
/* For each credential with exemplars (of `credential` when not NULL): its
 * code and how many; how many of them `assessor` finished, and with the
 * agreed outcome. */
int store_calib_sets(struct store *s, const char *credential, const char *assessor,
		     int (*fn)(void *ctx, const char *credential, long exemplars, long done, long same), void *ctx,
		     struct mc_error *err);
/* Assessors (role assessor, not removed) who finished at least one exemplar, by user. */
int store_calib_assessors(struct store *s, const char *credential, int (*fn)(void *ctx, const char *user),
			  void *ctx, struct mc_error *err);
/* The read in which `user` scored submission `sub` for real (heap; NULL: none). */
int store_calib_real_read(struct store *s, long long sub, const char *user, char **read, struct mc_error *err);
#endif
