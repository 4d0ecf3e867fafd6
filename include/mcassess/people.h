/* people.h: who may do what. People are OS accounts with a role (and a district). */
#ifndef MCASSESS_PEOPLE_H
#define MCASSESS_PEOPLE_H
#include "mcassess/error.h"
#include "mcassess/person.h"

struct store;

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
/* Frees a list from people_list (each person and the array) and nulls *list. */
void people_list_free(struct person **list, int n);

/* 1 if `user` is a plausible login name: [a-z_][a-z0-9_.-]*, at most 32 characters. */
int people_user_ok(const char *user);

enum people_change { PEOPLE_UNCHANGED = 0, PEOPLE_ADDED = 1, PEOPLE_CHANGED = 2 };
/* people_add, also saying what happened (`what` may be NULL). A NULL district keeps
 * an existing person's district. A bad login name is MC_INVALID. The only admin
 * cannot be given a lesser role (MC_FAIL). */
int people_set(struct store *s, const char *user, enum people_role role, const char *district,
	       enum people_change *what, struct mc_error *err);
/* The same without the admin check, inside the caller's transaction (setup_init). */
int people_set_in_tx(struct store *s, const char *user, enum people_role role, const char *district,
		     enum people_change *what, struct mc_error *err);
/* The same with p's name and e-mail (a record from elsewhere: an archive's
 * side of a conflict taken), refused for the only admin made something else. */
int people_take_in_tx(struct store *s, const struct person *p, struct mc_error *err);

/* Remove a person (admins; audited with the person before and nothing after).
 * Their row stays, so their scores, decisions and audit rows keep their name;
 * they may no longer act. Refused for the only admin and for someone who
 * still has open submissions assigned (named). MC_INVALID: no such person. */
int people_remove(struct store *s, const char *user, struct mc_error *err);
/* The same inside the caller's transaction (an archive's removal taken). */
int people_remove_in_tx(struct store *s, const char *user, struct mc_error *err);

/* people import: CSV text (header user,name,email,role,district; `file` names
 * it in messages) adds or updates everyone in one transaction, each change
 * audited as people_add's are. A bad row is MC_INVALID at file:line and
 * nothing changes. *out gets what happened to each line. */
struct people_import_line {
	long line;
	char *user;
	enum people_change what;
	char *detail; /* changed: what ("role assessor -> coordinator; name"), else NULL */
};
struct people_import_result {
	struct people_import_line *lines;
	int n, added, changed, unchanged;
};
int people_import(struct store *s, const char *file, const char *text, size_t len,
		  struct people_import_result *out, struct mc_error *err);
void people_import_result_free(struct people_import_result *r);
#endif
