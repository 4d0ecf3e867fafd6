/* store_rules.h: the SQL behind allocation's own-work rules (assign_rules.c):
 * nobody reads their own submission, or one of their own cohort or school. */
#ifndef MCASSESS_STORE_RULES_H
#define MCASSESS_STORE_RULES_H
#include "mcassess/error.h"

struct store;

/* Set a person's `field` ("school", "cohort" or "educator") to `value` ("":
 * none); *was (heap, NULL: none) is what it was. */
int store_rules_field_set(struct store *s, const char *user, const char *field, const char *value, char **was,
			  struct mc_error *err);

/* The first rule that keeps `user` from reading submission `sub_rowid`: rule
 * "own", "cohort" or "school" (NULL: none keeps them), with the submission's
 * educator id, cohort, school and district for the message (heap, may be NULL). */
struct store_rules_hit {
	char *rule, *educator, *cohort, *school, *district;
};
int store_rules_broken(struct store *s, long long sub_rowid, const char *user, struct store_rules_hit *hit,
		       struct mc_error *err);
void store_rules_hit_free(struct store_rules_hit *hit);
#endif
