/* people.h: who may do what. People are OS accounts with a role (and a district). */
#ifndef MCASSESS_PEOPLE_H
#define MCASSESS_PEOPLE_H
#include "mcassess/error.h"

struct store;

enum people_role { ROLE_NONE = 0, ROLE_ASSESSOR = 1, ROLE_COORDINATOR = 2, ROLE_ADMIN = 3 };

const char *people_role_name(enum people_role r);        /* "assessor" ... ; "none" */
enum people_role people_role_parse(const char *s);        /* ROLE_NONE if unknown */

struct person {
	char *user, *name, *email, *district; /* district NULL when none */
	enum people_role role;
};
void people_free(struct person *p); /* frees the fields, not p */

/* Add or change a person (audited). The district is created if new. Refused
 * (MC_FAIL) unless the caller is an admin, except for the first person ever
 * (init). Role names are checked (MC_USAGE for an unknown one). */
int people_add(struct store *s, const char *user, enum people_role role, const char *district,
	       struct mc_error *err);
/* The role of `user` (ROLE_NONE if not a person here). */
int people_role(struct store *s, const char *user, enum people_role *out, struct mc_error *err);
/* Refuse unless the current OS user has at least `min`: "you (USER) are not ... ; ask an admin
 * to run 'mcassess people add USER --role ROLE'". `doing` says what was refused ("score"). */
int people_require(struct store *s, enum people_role min, const char *doing, struct mc_error *err);
/* All people, ordered by user. */
int people_list(struct store *s, struct person **out, int *n, struct mc_error *err);
#endif
