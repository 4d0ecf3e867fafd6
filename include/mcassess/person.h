/* person.h: a person's record (an OS account with a role and a district), the
 * value the store's person table holds; people.h is what may be done with it. */
#ifndef MCASSESS_PERSON_H
#define MCASSESS_PERSON_H

/* Ordered by reach: a check for "at least a coordinator" leaves approvers out. */
enum people_role { ROLE_NONE = 0, ROLE_ASSESSOR = 1, ROLE_APPROVER = 2, ROLE_COORDINATOR = 3, ROLE_ADMIN = 4 };

const char *people_role_name(enum people_role r);        /* "assessor" ... ; "none" */
enum people_role people_role_parse(const char *s);        /* ROLE_NONE if unknown */

struct person {
	char *user, *name, *email, *district; /* district NULL when none */
	char *school, *cohort, *educator;     /* their links to their own work (assign_rules.h), or NULL */
	enum people_role role;
};
void people_free(struct person *p); /* frees the fields, not p */
#endif
