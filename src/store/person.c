/* person.c: a person's record as the store reads and writes it: the role names
 * (the words kept in the person table) and freeing one record. Below the store
 * so that store_people.c needs nothing from people.c. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "mcassess/person.h"

static const char *const ROLE_NAMES[] = { "none", "assessor", "approver", "coordinator", "admin" };

const char *people_role_name(enum people_role r)
{
	return r >= ROLE_NONE && r <= ROLE_ADMIN ? ROLE_NAMES[r] : "none";
}

enum people_role people_role_parse(const char *s)
{
	for (int r = ROLE_ASSESSOR; r <= ROLE_ADMIN; r++)
		if (s && strcmp(s, ROLE_NAMES[r]) == 0)
			return (enum people_role)r;
	return ROLE_NONE;
}

void people_free(struct person *p)
{
	if (!p)
		return;
	free(p->user);
	free(p->name);
	free(p->email);
	free(p->district);
	free(p->school);
	free(p->cohort);
	free(p->educator);
	memset(p, 0, sizeof *p);
}
