/* store_people.h: the SQL behind people.c (the person and district tables). */
#ifndef MCASSESS_STORE_PEOPLE_H
#define MCASSESS_STORE_PEOPLE_H
#include "mcassess/error.h"
#include "mcassess/person.h"

struct store;

/* How many people there are (all, or with `role` when not NULL). */
int store_people_count(struct store *s, const char *role, int *n, struct mc_error *err);
/* One person by login name into *p (fields heap); *found 0 if none. */
int store_people_get(struct store *s, const char *user, struct person *p, int *found, struct mc_error *err);
/* Insert or update by p->user (role, district, name, email); the district is
 * created when new. `created_at` is used for a new row. */
int store_people_put(struct store *s, const struct person *p, const char *created_at, struct mc_error *err);
int store_people_list(struct store *s, struct person **out, int *n, struct mc_error *err);
/* Mark a person removed (their row stays: scores, decisions and audit rows keep
 * their name); a removed person is no longer counted, got, or listed above. */
int store_people_remove(struct store *s, const char *user, const char *at, struct mc_error *err);
/* How many open (queued, in progress) submissions are assigned to `user`, and
 * the first ten of their ids ("S-1, S-2"; heap, NULL when none). */
int store_people_open_work(struct store *s, const char *user, int *n, char **ids, struct mc_error *err);
#endif
