/* assign_rules.h: allocation's own-work rules (issue 11). A person may be linked
 * to their own work (`people add U --educator ID --cohort C --school S`, or the
 * optional columns of `people import`): the educator id they submit under as a
 * teacher, their cohort and school (names within their district). Then:
 *   - nobody is given a read of their own submission or of one whose educator
 *     is in their own cohort, by `assign` (refused, naming the rule), `assign
 *     --auto` or the adjudication read;
 *   - `assign --auto` and the adjudication read also keep them from their own
 *     school's submissions (a coordinator may still assign those by hand). */
#ifndef MCASSESS_ASSIGN_RULES_H
#define MCASSESS_ASSIGN_RULES_H
#include "mcassess/error.h"
#include "mcassess/people.h"
#include "mcassess/store_assign.h"

struct store;

/* A person's links; NULL leaves one as it is, "" clears it. */
struct assign_links {
	const char *school, *cohort, *educator;
};
/* people_set and the links, in one transaction, for admins; each change of a
 * link audited ("people" on "person:USER", {"FIELD": old} -> {"FIELD": new}). */
int assign_reader_links_set(struct store *s, const char *user, enum people_role role, const char *district,
			    const struct assign_links *l, enum people_change *what, struct mc_error *err);
/* One link ("school", "cohort" or "educator") set and audited inside the caller's
 * transaction (people import); *what becomes PEOPLE_CHANGED when it changed. */
int assign_rules_link_in_tx(struct store *s, const char *user, const char *field, const char *value,
			    enum people_change *what, struct mc_error *err);

/* MC_FAIL, naming the rule, when `user` may not be given a read of submission
 * (sub_rowid, id): their own, or of their own cohort. */
int assign_rules_check(struct store *s, long long sub_rowid, const char *id, const char *user,
		       struct mc_error *err);
/* *school (heap): the school `user` shares with submission sub_rowid's educator,
 * in the same district (the rule `assign --auto` keeps); NULL when none. */
int assign_rules_school(struct store *s, long long sub_rowid, const char *user, char **school,
			struct mc_error *err);
/* 1 when `assign --auto` may give reader r a read of o by the own-work rules
 * (not their own, nor of their own cohort or school). */
int assign_rules_allow(const struct store_assign_reader *r, const struct store_assign_open *o);
#endif
