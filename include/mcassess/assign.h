/* assign.h: who scores what. A coordinator (within their district, when they
 * have one) or an admin gives a submission's read (first, second or
 * adjudication) to a person, openly or blind; an assessor may score only what
 * is assigned to them (scoring.c). Each change is one transaction with its
 * audit row ("assign", "unassign" on "submission:ID"), so the archive commits
 * it like any other event. */
#ifndef MCASSESS_ASSIGN_H
#define MCASSESS_ASSIGN_H
#include "mcassess/error.h"
#include "mcassess/store_assign.h"

struct store;

/* 1 if `read` is first, second or adjudication. */
int assign_read_valid(const char *read);

enum assign_change { ASSIGN_UNCHANGED = 0, ASSIGN_ADDED, ASSIGN_CHANGED, ASSIGN_REPLACED };

/* Give `read` of submission `id` to `user` (a person here), blind or not. Refused
 * (MC_FAIL) for anyone but coordinators and admins, for a coordinator outside
 * their district, for a decided or withdrawn submission, and when `user` already
 * holds another read of it (one person reads a submission once). A read held by
 * someone else is handed over (ASSIGN_REPLACED; *previous names them, heap).
 * `what` and `previous` may be NULL. A bad login name is MC_INVALID, a bad read
 * MC_USAGE. */
int assign_set(struct store *s, const char *id, const char *user, const char *read, int blind,
	       enum assign_change *what, char **previous, struct mc_error *err);

/* Take `user`'s assignment of submission `id` away: of `read`, or every read when
 * `read` is NULL. The same permissions; MC_FAIL when there was none. *removed
 * (may be NULL) counts them. */
int assign_remove(struct store *s, const char *id, const char *user, const char *read, int *removed,
		  struct mc_error *err);

/* Blind scoring for everyone (the database setting 'blind_scoring'): while on,
 * every assessor sees anonymous ids whatever their assignments say; coordinators
 * and admins still see names (queue_viewer_blind). A database setting, not a
 * user's: who sees what is decided where identity and roles live. Setting it is
 * for admins, audited ("config" on "setting:blind_scoring"); *changed (may be
 * NULL) is 0 when it already was so. */
int assign_blind_all_get(struct store *s, int *on, struct mc_error *err);
int assign_blind_all_set(struct store *s, int on, int *changed, struct mc_error *err);
#endif
